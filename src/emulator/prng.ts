/**
 * Seeded randomness, so that a fault scenario replays identically for the same seed. Decisions about a
 * named thing (a job, a record) hash the seed with its name and do not depend on the order of events;
 * per-request decisions (throttling) draw from one sequence.
 */

/** 32-bit FNV-1a of the parts, joined so that ("ab","c") and ("a","bc") differ. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/** Mulberry32: a small, fast generator with a 32-bit state; `next()` is uniform in [0, 1). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** A reproducible draw in [0, 1) for a named decision. */
export function chance(seed: number, ...parts: (string | number)[]): number {
  return new Prng(hash32(seed, ...parts)).next();
}

/** Fisher-Yates with a seeded generator. Two or more items never come back in their original order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const prng = new Prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  // Bedrock gives no order guarantee; make sure a consumer relying on input order is caught every time.
  if (out.length > 1 && out.every((item, i) => item === items[i])) out.push(out.shift() as T);
  return out;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** An id of `length` characters from [a-z0-9]. */
export function randomId(prng: Prng, length: number): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ID_ALPHABET[Math.floor(prng.next() * ID_ALPHABET.length)];
  return id;
}
