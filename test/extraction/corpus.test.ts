import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash, extractText, normalizeText } from '../../src/extraction';

// Real contracts from the CUAD corpus, read in place: they are never copied into the repository.
const CORPUS = '/work/shared/corpus/cuad/contracts';

function corpusFiles(): string[] {
  try {
    return readdirSync(CORPUS)
      .filter((name) => name.endsWith('.txt'))
      .sort();
  } catch {
    return [];
  }
}

const files = corpusFiles();
if (files.length === 0) console.warn(`skipping the CUAD corpus extraction tests: no .txt files in ${CORPUS}`);

describe.skipIf(files.length === 0)('extractText over the CUAD contracts', () => {
  it.each(files)('%s gives non-empty, normalized, deterministic text', async (name) => {
    const bytes = await readFile(path.join(CORPUS, name));
    const first = await extractText(bytes, name);
    const second = await extractText(Buffer.from(bytes), name);

    expect(first.format).toBe('txt');
    expect(first.characters).toBeGreaterThan(1000);
    expect(normalizeText(first.text)).toBe(first.text);
    expect(first.text).not.toMatch(/\r| {2}|\n{4}|[ \t]\n/);
    expect(first.contentHash).toBe(contentHash(first.text));
    expect(second).toEqual(first);
  });
});
