import { permanentError } from '../core/errors';

export interface PdfText {
  /** Page texts joined by blank lines (page breaks). */
  text: string;
  pages: number;
}

/**
 * Extracts the text layer of a PDF with pdf.js. Runs in-process (pdf.js's "fake worker"), fetches no
 * fonts and never evaluates code from the document. Images are not read: scanned pages have no text.
 */
export async function extractPdfText(bytes: Buffer): Promise<PdfText> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const loadingTask = pdfjs.getDocument({
    // A copy: pdf.js may take ownership of (detach) the buffer it is given.
    data: new Uint8Array(bytes),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    stopAtErrors: false,
  });
  try {
    const document = await loadingTask.promise;
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
      page.cleanup();
    }
    return { text: pages.join('\n\n'), pages: document.numPages };
  } catch (err) {
    throw pdfError(err);
  } finally {
    await loadingTask.destroy();
  }
}

function pdfError(err: unknown): Error {
  const name = err instanceof Error ? err.name : '';
  if (name === 'PasswordException') {
    return permanentError(
      'ENCRYPTED_DOCUMENT',
      'the PDF is password-protected: remove the password (or export an unprotected copy) and submit it again',
      err,
    );
  }
  // pdf.js's own reasons (InvalidPDFException, FormatError, ...) name the structural problem, never the text.
  const reason = err instanceof Error ? `${name}: ${err.message}`.slice(0, 200) : 'unknown error';
  return permanentError(
    'CORRUPT_DOCUMENT',
    `the PDF could not be parsed (${reason}); it may be truncated or damaged`,
    err,
  );
}
