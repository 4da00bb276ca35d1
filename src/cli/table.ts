/** Renders rows as a plain text table with a header line; columns are left-aligned and padded to the widest cell. */
export function renderTable(headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = rows.map((row) => headers.map((_, i) => (row[i] === undefined ? '-' : String(row[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}
