/**
 * The canonical form of extracted text, from which the content hash is computed: equal documents in
 * any source format or line-ending convention normalize to the same string. Idempotent and deterministic.
 *
 * - line breaks: CRLF, CR, form feed, vertical tab and Unicode line/paragraph separators become LF;
 * - other control characters (C0 except tab and LF, DEL, C1) and BOM / zero-width no-break spaces are removed;
 * - Unicode NFC;
 * - runs of spaces (including no-break and other Unicode spaces) become one space; spaces at line ends go;
 * - at most two consecutive blank lines; no leading or trailing whitespace.
 */
export function normalizeText(text: string): string {
  return (
    text
      .replace(/\r\n?|[\f\v\u2028\u2029\u0085]/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufeff]/g, '')
      .normalize('NFC')
      .replace(/[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g, ' ')
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{4,}/g, '\n\n\n')
      .trim()
  );
}
