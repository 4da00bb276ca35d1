import mammoth from 'mammoth';
import { permanentError } from '../core/errors';

/** The raw text of a Word (.docx) document, paragraphs separated by blank lines. */
export async function extractDocxText(bytes: Buffer): Promise<string> {
  try {
    const result = await mammoth.extractRawText({ buffer: bytes });
    return result.value;
  } catch (err) {
    throw permanentError(
      'CORRUPT_DOCUMENT',
      'the Word document could not be read (damaged zip archive or no main document part); open and re-save it, or submit a PDF',
      err,
    );
  }
}
