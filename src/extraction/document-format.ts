/** The source formats docflow extracts text from. */
export const DOCUMENT_FORMATS = ['txt', 'md', 'html', 'pdf', 'docx'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export const SUPPORTED_FORMATS_HINT =
  'supported formats: plain text (.txt), Markdown (.md), HTML (.html), PDF (.pdf), Word (.docx)';
