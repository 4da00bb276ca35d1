/**
 * A fixed-size set of small integers, carried over continue-as-new as hex (one bit per manifest entry: 10,000
 * documents take 2.5 KB). Safe for workflow code.
 */
export class BitSet {
  private readonly words: Uint32Array;
  private count = 0;

  constructor(
    readonly size: number,
    hex = '',
  ) {
    this.words = new Uint32Array(Math.ceil(size / 32));
    for (let w = 0; w < this.words.length && w * 8 < hex.length; w++) {
      this.words[w] = parseInt(hex.slice(w * 8, w * 8 + 8).padEnd(8, '0'), 16) >>> 0;
      this.count += popCount(this.words[w] as number);
    }
  }

  has(i: number): boolean {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) return false;
    return ((this.words[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  }

  /** Adds `i`; false when it was there already or is out of range. */
  add(i: number): boolean {
    if (!Number.isInteger(i) || i < 0 || i >= this.size || this.has(i)) return false;
    this.words[i >>> 5] = ((this.words[i >>> 5] as number) | (1 << (i & 31))) >>> 0;
    this.count++;
    return true;
  }

  get cardinality(): number {
    return this.count;
  }

  toHex(): string {
    let hex = '';
    for (const word of this.words) hex += word.toString(16).padStart(8, '0');
    return hex.replace(/0+$/, '');
  }
}

function popCount(word: number): number {
  let n = 0;
  for (let v = word >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}
