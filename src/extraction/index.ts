export { extractText } from './extract-text';
export type { ExtractedText } from './extract-text';
export { detectFormat } from './detect-format';
export { DOCUMENT_FORMATS } from './document-format';
export type { DocumentFormat } from './document-format';
export { normalizeText } from './normalize';
export { contentHash } from './content-hash';
