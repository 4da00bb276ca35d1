import { permanentError } from '../core/errors';
import { contentHash } from './content-hash';
import { detectFormat } from './detect-format';
import type { DocumentFormat } from './document-format';
import { extractDocxText } from './docx';
import { htmlToText } from './html';
import { normalizeText } from './normalize';
import { extractPdfText } from './pdf';
import { decodeText } from './plain-text';

export interface ExtractedText {
  /** Normalized text (see normalizeText). */
  text: string;
  format: DocumentFormat;
  /** SHA-256 hex of `text`. */
  contentHash: string;
  /** `text.length` (UTF-16 code units), the unit the chunker and token estimates use. */
  characters: number;
  /** PDF only. */
  pages?: number;
}

/**
 * The normalized text of a document (txt, md, html, pdf or docx). Throws a non-retryable DocflowError
 * for unsupported, empty, corrupt, encrypted or text-less (scanned) documents.
 */
export async function extractText(bytes: Buffer, fileName: string): Promise<ExtractedText> {
  if (bytes.length === 0) throw permanentError('EMPTY_DOCUMENT', 'the document is empty (0 bytes)');
  const format = detectFormat(bytes, fileName);
  let raw: string;
  let pages: number | undefined;
  switch (format) {
    case 'pdf': {
      const pdf = await extractPdfText(bytes);
      raw = pdf.text;
      pages = pdf.pages;
      break;
    }
    case 'docx':
      raw = await extractDocxText(bytes);
      break;
    case 'html':
      raw = htmlToText(decodeText(bytes));
      break;
    case 'txt':
    case 'md':
      // Markdown stays as written: its markers (#, *, lists) are readable to a model and carry structure.
      raw = decodeText(bytes);
      break;
  }
  const text = normalizeText(raw);
  if (text === '') {
    if (format === 'pdf') {
      throw permanentError(
        'NO_TEXT',
        `the PDF has no extractable text (${pages ?? 0} page(s), probably scanned images): run OCR on it and submit the searchable PDF or its text`,
      );
    }
    throw permanentError('EMPTY_DOCUMENT', `the ${format} document contains no text (empty or only whitespace/markup)`);
  }
  return {
    text,
    format,
    contentHash: contentHash(text),
    characters: text.length,
    ...(pages === undefined ? {} : { pages }),
  };
}
