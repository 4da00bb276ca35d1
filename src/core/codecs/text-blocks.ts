import { expectArray, expectObject, expectString, malformedBody } from './codec-error';

/** A conversation reduced to the offline model's view: the system text and the user turns' text in order. */
export interface Conversation {
  system?: string;
  prompt: string;
}

/** Joins the text of the user turns; assistant turns (prefills) are context the offline model ignores. */
export function joinUserTurns(turns: { role: string; text: string }[], what: string): string {
  if (turns.length === 0) throw malformedBody(what, 'messages must not be empty');
  const first = turns[0];
  if (first?.role !== 'user') throw malformedBody(what, 'the first message must have role "user"');
  return turns
    .filter((turn) => turn.role === 'user')
    .map((turn) => turn.text)
    .join('\n\n');
}

/** Text of a list of `{text}` blocks (Nova and Converse), rejecting any non-text block. */
export function textOfBlocks(value: unknown, what: string, path: string): string {
  return expectArray(value, what, path)
    .map((block, i) => expectString(expectObject(block, what, `${path}[${i}]`).text, what, `${path}[${i}].text`))
    .join('\n\n');
}

export function expectRole(value: unknown, what: string, path: string): 'user' | 'assistant' {
  if (value !== 'user' && value !== 'assistant') throw malformedBody(what, `${path} must be "user" or "assistant"`);
  return value;
}

export function checkTemperature(value: number | undefined, what: string, path: string): void {
  if (value !== undefined && (value < 0 || value > 1)) throw malformedBody(what, `${path} must be between 0 and 1`);
}

/** A short, stable id derived from content (FNV-1a), for response ids that need no randomness. */
export function stableId(text: string, length = 24): string {
  let out = '';
  let seed = 0x811c9dc5;
  while (out.length < length) {
    let hash = seed;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    out += (hash >>> 0).toString(36);
    seed = (seed + 0x9e3779b9) >>> 0;
  }
  return out.slice(0, length);
}
