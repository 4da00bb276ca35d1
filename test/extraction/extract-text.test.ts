import { describe, expect, it } from 'vitest';
import { isDocflowError } from '../../src/core/errors';
import { extractText } from '../../src/extraction';
import { buildDocx, buildZip } from '../support/fixtures-docx';
import { buildPdf } from '../support/fixtures-pdf';

/** The error an extraction fails with. */
async function failure(
  bytes: Buffer,
  fileName: string,
): Promise<{ code: string; retryable: boolean; message: string }> {
  try {
    await extractText(bytes, fileName);
  } catch (err) {
    if (isDocflowError(err)) return { code: err.code, retryable: err.retryable, message: err.message };
    throw err;
  }
  throw new Error('expected extraction to fail');
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('extractText: plain text and Markdown', () => {
  it('returns normalized text with its format, hash and length', async () => {
    const result = await extractText(utf8('MASTER  SERVICES AGREEMENT\r\n\r\n1. Term.\r\n'), 'msa.txt');
    expect(result).toEqual({
      text: 'MASTER SERVICES AGREEMENT\n\n1. Term.',
      format: 'txt',
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      characters: 'MASTER SERVICES AGREEMENT\n\n1. Term.'.length,
    });
  });

  it('strips a UTF-8 byte order mark', async () => {
    expect((await extractText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('Agreement')]), 'a.txt')).text).toBe(
      'Agreement',
    );
  });

  it('reads UTF-16 text that starts with a byte order mark', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Lizenzvertrag für Köln', 'utf16le')]);
    expect((await extractText(bytes, 'a.txt')).text).toBe('Lizenzvertrag für Köln');
  });

  it('reads legacy Windows-1252 text that is not valid UTF-8', async () => {
    const bytes = Buffer.from([
      0x93, 0x41, 0x67, 0x72, 0x65, 0x65, 0x6d, 0x65, 0x6e, 0x74, 0x94, 0x20, 0x80, 0x35, 0x20, 0xe9,
    ]);
    expect((await extractText(bytes, 'old.txt')).text).toBe('\u201cAgreement\u201d \u20ac5 \u00e9');
  });

  it('keeps Markdown as written, headings included', async () => {
    const result = await extractText(utf8('# Lease\n\n## 1. Rent\n\n**Monthly** rent is due.'), 'lease.md');
    expect(result).toMatchObject({ format: 'md', text: '# Lease\n\n## 1. Rent\n\n**Monthly** rent is due.' });
  });

  it('gives the same hash to the same text with different line endings', async () => {
    const unix = await extractText(utf8('a\nb\n'), 'a.txt');
    const windows = await extractText(utf8('a\r\nb\r\n'), 'b.txt');
    expect(windows.contentHash).toBe(unix.contentHash);
  });

  it('reads a file without an extension as text', async () => {
    expect(await extractText(utf8('Plain agreement'), 'README')).toMatchObject({
      format: 'txt',
      text: 'Plain agreement',
    });
  });
});

describe('extractText: empty and unsupported input', () => {
  it.each([
    ['an empty file', Buffer.alloc(0), 'a.txt'],
    ['whitespace only', utf8(' \r\n\t \n  '), 'a.txt'],
    ['HTML with only a script', utf8('<html><script>var a = 1;</script></html>'), 'a.html'],
    ['a Word document with empty paragraphs', buildDocx(['', '  ']), 'a.docx'],
  ])('refuses %s as EMPTY_DOCUMENT', async (_what, bytes, fileName) => {
    expect(await failure(bytes, fileName)).toMatchObject({ code: 'EMPTY_DOCUMENT', retryable: false });
  });

  it('refuses binary content named .txt as UNSUPPORTED_FORMAT', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(await failure(png, 'contract.txt')).toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
  });

  it('refuses an unknown extension and names the supported formats', async () => {
    const err = await failure(utf8('a,b\n1,2'), 'table.csv');
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.message).toMatch(/\.txt.*\.md.*\.html.*\.pdf.*\.docx/);
  });

  it('refuses a zip archive that is not a Word document', async () => {
    expect(await failure(buildZip([{ name: 'sheet.xml', data: '<x/>' }]), 'book.xlsx')).toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
    });
  });

  it('refuses a legacy .doc file with advice to save it as .docx', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    expect(await failure(ole, 'old.doc')).toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      message: expect.stringMatching(/\.docx/) as unknown,
    });
  });

  it('reports a password-protected Office file as ENCRYPTED_DOCUMENT', async () => {
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
      Buffer.from('EncryptedPackage', 'utf16le'),
    ]);
    expect(await failure(ole, 'secret.docx')).toMatchObject({ code: 'ENCRYPTED_DOCUMENT' });
  });

  it('never puts document text in an error message', async () => {
    const err = await failure(utf8('<html><style>CONFIDENTIAL-PARTY-NAME</style></html>'), 'a.html');
    expect(err.message).not.toContain('CONFIDENTIAL');
  });
});

describe('extractText: HTML', () => {
  it('drops scripts and styles, decodes entities and puts blocks on their own lines', async () => {
    const html = `<!DOCTYPE html><html><head><title>t</title><style>p { color: red }</style></head>
      <body><h1>Supply&nbsp;Agreement</h1><script>alert("x")</script>
      <p>The <b>Supplier</b> &amp; the   Buyer agree:</p>
      <ul><li>price &lt; 10&nbsp;&euro;</li><li>term&#58; 2 years</li></ul>
      <div>Signed<br>Buyer</div></body></html>`;
    expect((await extractText(utf8(html), 'supply.html')).text).toBe(
      'Supply Agreement\n\nThe Supplier & the Buyer agree:\n\nprice < 10 €\nterm: 2 years\n\nSigned\nBuyer',
    );
  });

  it('keeps table cells apart and rows on separate lines', async () => {
    const html = '<table><tr><th>Party</th><th>Role</th></tr><tr><td>Acme</td><td>Seller</td></tr></table>';
    expect((await extractText(utf8(html), 'a.htm')).text).toBe('Party\tRole\nAcme\tSeller');
  });

  it('detects HTML in a file without an extension', async () => {
    expect(await extractText(utf8('<!doctype html><p>Hi &amp; bye</p>'), 'upload')).toMatchObject({
      format: 'html',
      text: 'Hi & bye',
    });
  });
});

describe('extractText: PDF', () => {
  it('extracts the text of every page, pages separated by a blank line, and counts pages', async () => {
    const pdf = buildPdf({
      pages: [['LICENSE AGREEMENT', 'Licensor (Acme) grants a licence.'], ['Page two: fees \u00e9t\u00e9.']],
    });
    expect(await extractText(pdf, 'license.pdf')).toMatchObject({
      format: 'pdf',
      pages: 2,
      text: 'LICENSE AGREEMENT\nLicensor (Acme) grants a licence.\n\nPage two: fees \u00e9t\u00e9.',
    });
  });

  it('recognizes a PDF by its signature whatever its name', async () => {
    expect((await extractText(buildPdf({ pages: [['Hello']] }), 'upload.txt')).format).toBe('pdf');
  });

  it('reports a password-protected PDF as ENCRYPTED_DOCUMENT', async () => {
    expect(await failure(buildPdf({ pages: [['secret']], encrypted: true }), 'locked.pdf')).toMatchObject({
      code: 'ENCRYPTED_DOCUMENT',
      retryable: false,
    });
  });

  it('reports a truncated PDF as CORRUPT_DOCUMENT', async () => {
    const pdf = buildPdf({ pages: [['Hello world']] });
    expect(await failure(pdf.subarray(0, 200), 'cut.pdf')).toMatchObject({
      code: 'CORRUPT_DOCUMENT',
      retryable: false,
    });
  });

  it('reports a file named .pdf that is not a PDF as CORRUPT_DOCUMENT', async () => {
    expect(await failure(utf8('just some text'), 'fake.pdf')).toMatchObject({ code: 'CORRUPT_DOCUMENT' });
  });

  it('reports a PDF without a text layer as NO_TEXT with a hint about OCR', async () => {
    const err = await failure(buildPdf({ pages: [[], []] }), 'scan.pdf');
    expect(err).toMatchObject({ code: 'NO_TEXT', message: expect.stringMatching(/OCR/) as unknown });
  });
});

describe('extractText: Word', () => {
  it('extracts paragraphs separated by blank lines', async () => {
    const docx = buildDocx(['SERVICES AGREEMENT', 'Fees & <expenses> — Zürich.']);
    expect(await extractText(docx, 'services.docx')).toMatchObject({
      format: 'docx',
      text: 'SERVICES AGREEMENT\n\nFees & <expenses> — Zürich.',
    });
  });

  it('recognizes a Word document by its content whatever its name', async () => {
    expect((await extractText(buildDocx(['Hello']), 'upload.bin')).format).toBe('docx');
  });

  it('reports a truncated Word document as CORRUPT_DOCUMENT', async () => {
    const docx = buildDocx(['Hello']);
    expect(await failure(docx.subarray(0, docx.length - 30), 'cut.docx')).toMatchObject({ code: 'CORRUPT_DOCUMENT' });
  });

  it('reports a .docx zip without a main document part as CORRUPT_DOCUMENT', async () => {
    expect(await failure(buildZip([{ name: 'other.xml', data: '<x/>' }]), 'broken.docx')).toMatchObject({
      code: 'CORRUPT_DOCUMENT',
    });
  });
});
