/**
 * Builds small, valid PDF files for extraction tests: one Helvetica text line per entry, one page per
 * array, a correct cross-reference table. Text is written in WinAnsi (Latin-1) encoding.
 */
export interface PdfFixtureOptions {
  /** Lines of text per page; an empty page has only a drawn rectangle, like a scanned image has no text. */
  pages: string[][];
  /** Adds a standard-security-handler /Encrypt dictionary whose user password is not empty. */
  encrypted?: boolean;
}

export function buildPdf({ pages, encrypted = false }: PdfFixtureOptions): Buffer {
  const objects: Buffer[] = [];
  const add = (body: string | Buffer): number => {
    objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    return objects.length;
  };

  const catalog = add(''); // filled in once the pages object number is known
  const pagesId = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const pageIds = pages.map((lines) => {
    const content = lines.length > 0 ? textContent(lines) : '0.5 g 72 72 468 648 re f';
    const stream = add(
      Buffer.concat([
        Buffer.from(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n`, 'latin1'),
        Buffer.from(content, 'latin1'),
        Buffer.from('\nendstream', 'latin1'),
      ]),
    );
    return add(
      `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
    );
  });
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pagesId} 0 R >>`, 'latin1');
  objects[pagesId - 1] = Buffer.from(
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`,
    'latin1',
  );
  // RC4 40-bit (V1 R2) with /O and /U values that no empty password matches: a reader must ask for one.
  const encrypt = encrypted
    ? add(`<< /Filter /Standard /V 1 /R 2 /P -44 /O <${'7a'.repeat(32)}> /U <${'3c'.repeat(32)}> >>`)
    : undefined;

  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(offset);
    const chunk = Buffer.concat([
      Buffer.from(`${index + 1} 0 obj\n`, 'latin1'),
      body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
  ].join('\n');
  const trailer = `<< /Size ${objects.length + 1} /Root ${catalog} 0 R${
    encrypt === undefined ? '' : ` /Encrypt ${encrypt} 0 R /ID [<${'ab'.repeat(16)}> <${'ab'.repeat(16)}>]`
  } >>`;
  parts.push(Buffer.from(`${xref}\ntrailer\n${trailer}\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

function textContent(lines: string[]): string {
  const shown = lines.map((line) => `(${escapePdfString(line)}) Tj T*`).join('\n');
  return `BT /F1 12 Tf 14 TL 72 720 Td\n${shown}\nET`;
}

function escapePdfString(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}
