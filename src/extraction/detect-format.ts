import path from 'node:path';
import { permanentError } from '../core/errors';
import type { DocumentFormat } from './document-format';
import { SUPPORTED_FORMATS_HINT } from './document-format';

const EXTENSIONS: Record<string, DocumentFormat> = {
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
};

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const WORD_MAIN_PART = Buffer.from('word/document.xml', 'latin1');
/** Office puts a password-protected .docx inside an OLE container under this stream name (UTF-16). */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/**
 * The format of a document: the content's signature first (a PDF named .txt is a PDF), then the file
 * extension. Files with no extension are read as text (HTML when they start like HTML).
 * Messages name only the extension, never the file name or content.
 */
export function detectFormat(bytes: Buffer, fileName: string): DocumentFormat {
  const extension = path.extname(fileName).toLowerCase();
  // Readers accept a little junk before the PDF header (a mail or HTTP prologue); only trust that for .pdf files.
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (extension === '.pdf' && bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf';

  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
    // Zip entry names are stored uncompressed, so the Word main part's name is visible in the bytes.
    if (bytes.includes(WORD_MAIN_PART) || extension === '.docx') return 'docx';
    throw unsupported(`a zip archive that is not a Word document${extension ? ` (${extension})` : ''}`);
  }
  if (bytes.subarray(0, 8).equals(OLE_MAGIC)) {
    if (bytes.includes(ENCRYPTED_PACKAGE)) {
      throw permanentError(
        'ENCRYPTED_DOCUMENT',
        'the Office document is password-protected: remove the password and submit it again',
      );
    }
    throw unsupported('a legacy Office 97-2003 file (.doc/.xls): save it as .docx or PDF');
  }
  if (bytes.subarray(0, 5).toString('latin1') === '{\\rtf') throw unsupported('an RTF file: save it as .docx or PDF');

  const byExtension = EXTENSIONS[extension];
  if (byExtension !== undefined) return byExtension;
  if (extension === '')
    return /^\s*<(!doctype\s+html|html[\s>])/i.test(bytes.subarray(0, 512).toString('latin1')) ? 'html' : 'txt';
  throw unsupported(`files of type ${JSON.stringify(extension.slice(0, 20))}`);
}

function unsupported(what: string) {
  return permanentError('UNSUPPORTED_FORMAT', `cannot extract text from ${what}; ${SUPPORTED_FORMATS_HINT}`);
}
