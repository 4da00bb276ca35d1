import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUAD_DIR, cuad, cuadContracts } from '../core/cuad-corpus';

const DIR = join(__dirname, '..', '..', 'examples', 'contracts');

/** Each example with the size range (in characters of readable text) that README.md promises. */
const EXAMPLES = [
  { file: 'mutual-nda.txt', min: 6_000, max: 10_000 },
  { file: 'master-services-agreement.md', min: 100_001, max: Number.POSITIVE_INFINITY },
  { file: 'supply-agreement.txt', min: 25_000, max: 40_000 },
  { file: 'commercial-lease.html', min: 20_000, max: 30_000 },
  { file: 'software-licence.txt', min: 15_000, max: 25_000 },
] as const;

const ENTITIES: Record<string, string> = {
  ldquo: '"',
  rdquo: '"',
  lsquo: "'",
  rsquo: "'",
  mdash: '-',
  ndash: '-',
  eacute: 'e',
  amp: '&',
  nbsp: ' ',
};

/** The text a reader sees: HTML without markup, style blocks or entities; Markdown without emphasis markers. */
function readable(file: string): string {
  const raw = readFileSync(join(DIR, file), 'utf8');
  if (file.endsWith('.html')) {
    return raw
      .replace(/<style[\s\S]*?<\/style>/g, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&([a-z]+);/g, (m, name: string) => ENTITIES[name] ?? m)
      .replace(/\s+/g, ' ');
  }
  return file.endsWith('.md') ? raw.replace(/\*\*|__/g, '') : raw;
}

const WORDS = /[a-z0-9]+/g;
const SHINGLE = 12;

function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(WORDS) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + SHINGLE <= words.length; i += 1) out.add(words.slice(i, i + SHINGLE).join(' '));
  return out;
}

describe('example contracts', () => {
  it('lists every example in the README and says they are fictional', () => {
    const readme = readFileSync(join(DIR, '..', 'README.md'), 'utf8');
    for (const { file } of EXAMPLES) expect(readme).toContain(`\`${file}\``);
    expect(readme).toMatch(/fictional and were\s+written for this project/);
  });

  describe.each(EXAMPLES)('$file', ({ file, min, max }) => {
    it('exists with a size in the promised range', () => {
      expect(existsSync(join(DIR, file))).toBe(true);
      const length = readable(file).length;
      expect(length).toBeGreaterThanOrEqual(min);
      expect(length).toBeLessThanOrEqual(max);
    });

    it('has a governing-law clause', () => {
      expect(readable(file)).toMatch(/governed\s+by\s+the\s+laws\s+of\s+the\s+State\s+of\s+[A-Z][a-z]+/);
    });

    it('names at least two parties with defined roles in its opening', () => {
      // A company name (by its legal suffix) followed, before the next parenthesis, by ("Role").
      const opening = readable(file).slice(0, 4000);
      const roles = new Set(
        [
          ...opening.matchAll(
            /\b(?:Inc|LLC|L\.P|Co|Corporation|Company|INC|CO|CORPORATION|COMPANY)\b\.?[^()]{0,300}?\(\s*(?:the\s+)?"([A-Z][^"]{1,40})"\s*\)/g,
          ),
        ].map((m) => m[1]),
      );
      expect(roles.size).toBeGreaterThanOrEqual(2);
    });

    it('does not mention CUAD', () => {
      expect(readable(file)).not.toMatch(/cuad/i);
    });
  });
});

describe.skipIf(!cuad.available)('example contracts against the CUAD corpus', () => {
  const contracts = cuad.available ? cuadContracts() : [];

  it(`share no run of ${SHINGLE} words with any CUAD contract`, () => {
    const corpus = new Map<string, string>();
    for (const c of contracts) for (const s of shingles(c.text)) corpus.set(s, c.name);
    const shared = EXAMPLES.flatMap(({ file }) =>
      [...shingles(readable(file))].filter((s) => corpus.has(s)).map((s) => `${file}: "${s}" (${corpus.get(s)})`),
    );
    expect(shared).toEqual([]);
  });

  it('use none of the distinctive party names labelled in CUAD', () => {
    const labelsPath = join(CUAD_DIR, 'labels.json');
    const labels = JSON.parse(readFileSync(labelsPath, 'utf8')) as Record<
      string,
      { labels: { Parties: { spans: string[] } } }
    >;
    // Role words ("Customer", "Company", "Bank") are labelled as parties too. A name is distinctive when it has a word
    // of four letters or more that the corpus never writes in lower case (e.g. a brand or a surname).
    const lowerCaseWords = new Set(contracts.flatMap((c) => c.text.match(/\b[a-z]{4,}\b/g) ?? []));
    const distinctive = [...new Set(Object.values(labels).flatMap((l) => l.labels.Parties.spans))].filter((name) =>
      (name.match(/[A-Za-z]{4,}/g) ?? []).some((w) => !lowerCaseWords.has(w.toLowerCase())),
    );
    expect(distinctive.length).toBeGreaterThan(20);

    const found: string[] = [];
    for (const { file } of EXAMPLES) {
      const text = readable(file).toLowerCase().replace(/\s+/g, ' ');
      for (const name of distinctive) {
        const needle = name.toLowerCase().replace(/\s+/g, ' ').trim();
        const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (new RegExp(`(?<![a-z0-9])${escaped}(?![a-z0-9])`).test(text)) found.push(`${file}: ${name}`);
      }
    }
    expect(found).toEqual([]);
  });
});

if (!cuad.available) it.skip(cuad.skipReason, () => undefined);
