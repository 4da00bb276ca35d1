/**
 * Splits a document into chunks that fit a model's token budget, with overlap so a clause cut at a chunk edge is seen
 * whole by at least one chunk. Chunks are character ranges (`text.slice(start, end)`); callers store the text.
 *
 * Each chunk ends at the best boundary in the second half of its budget, preferring in order: a section heading
 * ("ARTICLE 5", "Section 3.", "12. Term", an all-caps heading), a paragraph break, a sentence end, whitespace, and
 * only then a hard cut. The next chunk starts `overlapTokens` earlier, moved forward to the start of a word.
 * Deterministic, and every character belongs to at least one chunk.
 */
import { permanentError } from './errors';
import { charsForTokens } from './tokens';

export interface ChunkOptions {
  maxTokens: number;
  overlapTokens: number;
}

/** Where a chunk ends: the kind of boundary found, or `end` for the last chunk. */
export type ChunkBreak = 'section' | 'paragraph' | 'sentence' | 'word' | 'hard' | 'end';

export interface Chunk {
  index: number;
  /** Character offsets into the document: the chunk is `text.slice(start, end)`. */
  start: number;
  end: number;
  break: ChunkBreak;
}

/** Below this a chunk holds too little context for a useful answer. */
export const MIN_CHUNK_TOKENS = 100;
export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxTokens: 6000, overlapTokens: 200 };

/** A chunk is never cut before this fraction of its budget, so boundaries never make chunks tiny. */
const MIN_FILL = 0.5;
/** How far before the window a boundary's match may begin (long whitespace runs, heading context). */
const LOOKBACK = 1000;

const SENTENCE_END = String.raw`[.!?;:]["'”’)\]]?`;

interface BoundaryRule {
  kind: Exclude<ChunkBreak, 'hard' | 'end'>;
  pattern: RegExp;
  /** Whether the boundary is where the match starts (a heading) or ends (after a separator). */
  at: 'start' | 'end';
}

// In order of preference. CUAD-style text has lost most line breaks, so headings and paragraphs are also recognised
// inline: after a sentence end, or set off by runs of spaces. An all-caps heading right after its number ("3. DUTIES")
// is not a second boundary: the number starts the section.
const RULES: readonly BoundaryRule[] = [
  {
    kind: 'section',
    at: 'start',
    pattern: new RegExp(
      String.raw`(?<=(?:^|\n)[ \t]*|${SENTENCE_END}[ \t]+|[ \t]{3})` +
        String.raw`(?:(?:ARTICLE|Article|SECTION|Section)[ \t]+(?:\d{1,3}|[IVXLC]{1,7})\b` +
        String.raw`|\d{1,3}(?:\.\d{1,3}){0,3}\.?[ \t]+(?=["“]?[A-Z][A-Za-z])` +
        String.raw`|(?<!\d\.?[ \t]{1,3})[A-Z][A-Z&,'’\-]{3,}(?:[ \t][A-Z&,'’\-]{2,}){0,8}(?=[ \t]*\n|[ \t]{3}))`,
      'g',
    ),
  },
  { kind: 'paragraph', at: 'end', pattern: new RegExp(String.raw`\n[ \t]*\n\s*|(?<=${SENTENCE_END})[ \t]{3,}`, 'g') },
  { kind: 'sentence', at: 'end', pattern: new RegExp(String.raw`(?<=${SENTENCE_END})\s+(?=["'“(]?[A-Z0-9])`, 'g') },
  { kind: 'word', at: 'end', pattern: /\s+/g },
];

export function validateChunkOptions(options: ChunkOptions): void {
  const { maxTokens, overlapTokens } = options;
  if (!Number.isSafeInteger(maxTokens) || maxTokens < MIN_CHUNK_TOKENS) {
    throw permanentError(
      'INVALID_CONFIG',
      `chunk maxTokens must be an integer of at least ${MIN_CHUNK_TOKENS}, got ${String(maxTokens)}`,
    );
  }
  if (!Number.isSafeInteger(overlapTokens) || overlapTokens < 0) {
    throw permanentError(
      'INVALID_CONFIG',
      `chunk overlapTokens must be a non-negative integer, got ${String(overlapTokens)}`,
    );
  }
  if (overlapTokens * 2 > maxTokens) {
    throw permanentError(
      'INVALID_CONFIG',
      `chunk overlapTokens (${overlapTokens}) must be at most half of maxTokens (${maxTokens}) so every chunk moves the document forward`,
    );
  }
}

export function chunkText(text: string, options: ChunkOptions): Chunk[] {
  validateChunkOptions(options);
  const maxChars = charsForTokens(options.maxTokens);
  const overlapChars = options.overlapTokens === 0 ? 0 : charsForTokens(options.overlapTokens);
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < text.length) {
    if (text.length - start <= maxChars) {
      chunks.push({ index: chunks.length, start, end: text.length, break: 'end' });
      break;
    }
    const lo = start + Math.max(Math.ceil(maxChars * MIN_FILL), overlapChars + 1);
    const hi = start + maxChars;
    const { position, kind } = bestBoundary(text, start, lo, hi);
    chunks.push({ index: chunks.length, start, end: position, break: kind });
    start = overlapChars === 0 ? position : wordStartAtOrAfter(text, position - overlapChars, position);
  }
  return chunks;
}

function bestBoundary(
  text: string,
  chunkStart: number,
  lo: number,
  hi: number,
): { position: number; kind: ChunkBreak } {
  for (const rule of RULES) {
    const position = lastBoundary(text, rule, Math.max(chunkStart, lo - LOOKBACK), lo, hi);
    if (position !== undefined) return { position, kind: rule.kind };
  }
  return { position: isHighSurrogate(text.charCodeAt(hi - 1)) ? hi - 1 : hi, kind: 'hard' };
}

/** The last boundary of this rule within [lo, hi], scanning matches from `from`. */
function lastBoundary(text: string, rule: BoundaryRule, from: number, lo: number, hi: number): number | undefined {
  const re = rule.pattern;
  re.lastIndex = from;
  let found: number | undefined;
  for (let m = re.exec(text); m !== null && m.index <= hi; m = re.exec(text)) {
    const position = rule.at === 'start' ? m.index : m.index + m[0].length;
    if (position >= lo && position <= hi) found = position;
    if (m[0].length === 0) re.lastIndex++;
  }
  return found;
}

/** The first word start in [from, limit), or `from` itself (kept off a surrogate pair's second half). */
function wordStartAtOrAfter(text: string, from: number, limit: number): number {
  if (/\s/.test(text.charAt(from - 1)) && !/\s/.test(text.charAt(from))) return from;
  const ws = /\s+/g;
  ws.lastIndex = from;
  const m = ws.exec(text);
  if (m !== null && m.index + m[0].length < limit) return m.index + m[0].length;
  return isHighSurrogate(text.charCodeAt(from - 1)) ? from + 1 : from;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
