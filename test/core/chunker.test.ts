import { describe, expect, it } from 'vitest';
import type { Chunk, ChunkOptions } from '../../src/core/chunker';
import { chunkText } from '../../src/core/chunker';
import { estimateTokens } from '../../src/core/tokens';
import { cuad, cuadContracts } from './cuad-corpus';

function expectCoverage(text: string, chunks: Chunk[]): void {
  expect(chunks[0]?.start).toBe(0);
  expect(chunks.at(-1)?.end).toBe(text.length);
  chunks.forEach((c, i) => {
    expect(c.index).toBe(i);
    expect(c.end).toBeGreaterThan(c.start);
    const next = chunks[i + 1];
    if (next !== undefined) {
      expect(next.start).toBeGreaterThan(c.start); // moves forward
      expect(next.start).toBeLessThanOrEqual(c.end); // no gap
    }
  });
}

const sentence = (i: number): string => `The Supplier shall deliver lot number ${i} on time and in full. `;

describe('chunkText', () => {
  it('returns one chunk for a text within budget and none for empty text', () => {
    expect(chunkText('Short contract.', { maxTokens: 100, overlapTokens: 10 })).toEqual([
      { index: 0, start: 0, end: 15, break: 'end' },
    ]);
    expect(chunkText('', { maxTokens: 100, overlapTokens: 10 })).toEqual([]);
  });

  it('prefers a section heading to later sentence ends', () => {
    const body = (n: number): string => Array.from({ length: n }, (_, i) => sentence(i)).join('');
    const text = `ARTICLE 1 DEFINITIONS\n${body(4)}\nARTICLE 2 DELIVERY\n${body(4)}`;
    const [first] = chunkText(text, { maxTokens: 100, overlapTokens: 0 });
    expect(first?.break).toBe('section');
    expect(text.slice(first?.end)).toMatch(/^ARTICLE 2 DELIVERY/);
  });

  it('recognises inline numbered clauses in text that lost its line breaks', () => {
    const text = `1. Services. ${sentence(1).repeat(4)}2. Duties. ${sentence(2).repeat(4)}3. Term. ${sentence(3).repeat(3)}`;
    const chunks = chunkText(text, { maxTokens: 150, overlapTokens: 0 });
    expect(chunks[0]?.break).toBe('section');
    expect(text.slice(chunks[0]?.end)).toMatch(/^\d\. [A-Z]/);
  });

  it('falls back to paragraph, sentence, word and finally a hard cut', () => {
    const para = `${sentence(1)}${sentence(2)}${sentence(3)}${sentence(4)}\n\n${sentence(4).repeat(8)}`;
    expect(chunkText(para, { maxTokens: 100, overlapTokens: 0 })[0]?.break).toBe('paragraph');
    expect(chunkText(sentence(5).repeat(12), { maxTokens: 100, overlapTokens: 0 })[0]?.break).toBe('sentence');
    expect(chunkText('word '.repeat(200), { maxTokens: 100, overlapTokens: 0 })[0]?.break).toBe('word');
    const hard = chunkText('x'.repeat(1000), { maxTokens: 100, overlapTokens: 0 });
    expect(hard.map((c) => [c.start, c.end, c.break])).toEqual([
      [0, 400, 'hard'],
      [400, 800, 'hard'],
      [800, 1000, 'end'],
    ]);
  });

  it('overlaps consecutive chunks by about overlapTokens, starting at a word', () => {
    const text = sentence(0).repeat(100);
    const chunks = chunkText(text, { maxTokens: 200, overlapTokens: 40 });
    for (const [a, b] of chunks.slice(0, -1).map((c, i) => [c, chunks[i + 1]!] as const)) {
      const overlap = a.end - b.start;
      expect(overlap).toBeGreaterThan(100);
      expect(overlap).toBeLessThanOrEqual(160);
      expect(text.charAt(b.start - 1)).toBe(' ');
    }
  });

  it('never splits a surrogate pair in a hard cut', () => {
    const text = '😀'.repeat(500);
    for (const c of chunkText(text, { maxTokens: 100, overlapTokens: 20 })) {
      expect(text.charCodeAt(c.start) & 0xfc00).not.toBe(0xdc00);
      expect(text.charCodeAt(c.end - 1) & 0xfc00).not.toBe(0xd800);
    }
  });

  it('rejects options that cannot make progress or are too small, naming the option', () => {
    expect(() => chunkText('x', { maxTokens: 50, overlapTokens: 0 })).toThrow(
      /maxTokens must be an integer of at least 100/,
    );
    expect(() => chunkText('x', { maxTokens: 1000, overlapTokens: 600 })).toThrow(
      /overlapTokens \(600\) must be at most half/,
    );
    expect(() => chunkText('x', { maxTokens: 1000, overlapTokens: -1 })).toThrow(
      /overlapTokens must be a non-negative integer/,
    );
    expect(() => chunkText('x', { maxTokens: 1000.5, overlapTokens: 0 })).toThrow(/maxTokens/);
  });
});

describe.skipIf(!cuad.available)('chunkText over the CUAD contracts', () => {
  const settings: ChunkOptions[] = [
    { maxTokens: 6000, overlapTokens: 200 },
    { maxTokens: 1000, overlapTokens: 100 },
    { maxTokens: 100, overlapTokens: 0 },
  ];

  it.each(settings)('covers every character and respects the budget (%o)', (options) => {
    for (const { text } of cuadContracts()) {
      const chunks = chunkText(text, options);
      expectCoverage(text, chunks);
      for (const c of chunks) expect(estimateTokens(text.slice(c.start, c.end))).toBeLessThanOrEqual(options.maxTokens);
    }
  });

  it('is deterministic', () => {
    for (const { text } of cuadContracts()) {
      expect(chunkText(text, settings[1]!)).toEqual(chunkText(text, settings[1]!));
    }
  });

  it('ends almost every chunk at a section, paragraph or sentence boundary', () => {
    const breaks = cuadContracts().flatMap(({ text }) =>
      chunkText(text, settings[1]!).filter((c) => c.break !== 'end'),
    );
    const structural = breaks.filter((c) => c.break === 'section' || c.break === 'paragraph' || c.break === 'sentence');
    expect(structural.length / breaks.length).toBeGreaterThan(0.95);
  });

  it('cuts only after whitespace or a sentence end, never inside a word', () => {
    for (const { text } of cuadContracts()) {
      for (const c of chunkText(text, settings[1]!).filter((c) => c.break !== 'end')) {
        expect(text.slice(c.end - 2, c.end)).toMatch(/\s$|[.!?;:]["'”’)\]]?\s*$/);
      }
    }
  });
});

if (!cuad.available) it.skip(cuad.skipReason, () => undefined);
