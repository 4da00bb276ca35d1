/**
 * Finds a quoted piece of evidence in its chunk and returns its document offsets. Models rarely quote byte for byte:
 * whitespace is collapsed, curly quotes and dashes are straightened, and a second pass ignores case. A quote with an
 * ellipsis is located by its first and last pieces.
 */
import type { Provenance } from '../analysis';
import type { ChunkResult } from './chunk-result';

interface NormalisedText {
  text: string;
  lower: string;
  /** Original offset of each normalised character, plus one entry for the end. */
  offsets: number[];
}

const normalisedChunks = new WeakMap<ChunkResult, NormalisedText>();

export function locateEvidence(chunk: ChunkResult, evidence: string): Provenance {
  const unlocated: Provenance = { chunk: chunk.index, start: chunk.start, end: chunk.end, located: false };
  const pieces = evidence
    .split(/\.{3,}|…/)
    .map((p) => normalise(p).text.trim())
    .filter((p) => p.length > 0);
  const first = pieces[0];
  const last = pieces.at(-1);
  if (first === undefined || last === undefined) return unlocated;

  let norm = normalisedChunks.get(chunk);
  if (norm === undefined) {
    norm = normalise(chunk.text);
    normalisedChunks.set(chunk, norm);
  }
  for (const caseless of [false, true]) {
    const haystack = caseless ? norm.lower : norm.text;
    const a = caseless ? first.toLowerCase() : first;
    const b = caseless ? last.toLowerCase() : last;
    const from = haystack.indexOf(a);
    if (from === -1) continue;
    const lastAt = pieces.length === 1 ? from : haystack.indexOf(b, from + a.length);
    if (lastAt === -1) continue;
    const to = lastAt + b.length;
    return {
      chunk: chunk.index,
      start: chunk.start + (norm.offsets[from] ?? 0),
      end: chunk.start + (norm.offsets[to - 1] ?? 0) + 1,
      located: true,
    };
  }
  return unlocated;
}

const SUBSTITUTES: Record<string, string> = {
  '“': '"',
  '”': '"',
  '„': '"',
  '‘': "'",
  '’': "'",
  '–': '-',
  '—': '-',
};

function normalise(input: string): NormalisedText {
  let text = '';
  let lower = '';
  const offsets: number[] = [];
  let inSpace = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] ?? '';
    if (/\s/.test(ch)) {
      if (!inSpace) {
        text += ' ';
        lower += ' ';
        offsets.push(i);
      }
      inSpace = true;
      continue;
    }
    inSpace = false;
    const out = SUBSTITUTES[ch] ?? ch;
    const low = out.toLowerCase();
    text += out;
    // Some characters lower-case to two (İ): keep one character per offset.
    lower += low.length === out.length ? low : out;
    offsets.push(i);
  }
  offsets.push(input.length);
  return { text, lower, offsets };
}

/** Whether two located spans cover mostly the same text (half of the shorter one or more). */
export function sameSpan(a: Provenance, b: Provenance): boolean {
  if (!a.located || !b.located) return false;
  const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return overlap > 0 && overlap * 2 >= Math.min(a.end - a.start, b.end - b.start);
}

/**
 * Adds a provenance to a list kept in document order. A span equal to one already there is dropped; a located span
 * that mostly overlaps one already there (the same clause quoted a little differently) widens it instead.
 */
export function addProvenance(list: Provenance[], p: Provenance): void {
  if (list.some((q) => q.start === p.start && q.end === p.end)) return;
  const same = list.find((q) => q.chunk === p.chunk && sameSpan(q, p));
  if (same !== undefined) {
    same.start = Math.min(same.start, p.start);
    same.end = Math.max(same.end, p.end);
    return;
  }
  list.push({ ...p });
  list.sort((x, y) => x.start - y.start || x.end - y.end);
}
