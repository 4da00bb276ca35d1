/** Verbatim quotes for the offline model's findings: the sentence around a match, kept short. */

const MAX_QUOTE = 240;
const SCAN = 600;

/** The sentence (or clause) around text[from, to), cut to at most ~300 characters, copied verbatim. */
export function quoteAround(text: string, from: number, to: number): string {
  let start = Math.max(0, from - SCAN);
  const before = text.slice(start, from);
  const boundary = /(?:[.;!?]["'”’)]?\s+|\n\s*\n|\s{3,})(?=["'“(]?[A-Z0-9])/g;
  let last = -1;
  for (let m = boundary.exec(before); m !== null; m = boundary.exec(before)) last = m.index + m[0].length;
  start = last === -1 ? start : start + last;

  const after = text.slice(to, Math.min(text.length, to + SCAN));
  const endMatch = /[.;!?](?=["'”’)]?(?:\s|$))|\n\s*\n|\s{3,}/.exec(after);
  let end = endMatch === null ? to + after.length : to + endMatch.index + (/^[.;!?]/.test(endMatch[0]) ? 1 : 0);

  if (end - start > MAX_QUOTE) {
    // Centre on the match, snapped to word boundaries.
    start = Math.max(start, from - 100);
    end = Math.min(end, Math.max(to, start + MAX_QUOTE));
    while (start > 0 && start < from && /\S/.test(text.charAt(start - 1))) start++;
    while (end < text.length && end > to && /\S/.test(text.charAt(end))) end--;
  }
  const quote = text.slice(start, end).trim();
  return quote.length > 0 ? quote : text.slice(from, Math.max(to, from + 1)).trim() || '(blank)';
}

/** Collapses whitespace for summaries (evidence stays verbatim). */
export function squash(text: string, max = 200): string {
  const s = text.replace(/\s+/g, ' ').trim();
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))}…`;
}
