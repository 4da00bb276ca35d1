import { describe, expect, it } from 'vitest';
import type {
  ContractReviewAnalysis,
  EntitiesAnalysis,
  GenericAnalysis,
  SummaryAnalysis,
} from '../../src/core/analysis';
import type { ChunkResult } from '../../src/core/merge';
import { mergeChunkResults, partyKey } from '../../src/core/merge';
import type { ContractReviewOutput } from '../../src/core/tasks';
import { getTask, loadUserTask } from '../../src/core/tasks';

const review = getTask('contract-review');

const empty: ContractReviewOutput = {
  parties: [],
  agreementDate: null,
  effectiveDate: null,
  expirationDate: null,
  governingLaw: null,
  paymentTerms: [],
  obligations: [],
  terminationConditions: [],
  riskyClauses: [],
};

/** Splits a document into chunks at the given [start, end) ranges and attaches each chunk's answer. */
function chunksOf(doc: string, ranges: [number, number][], outputs: unknown[]): ChunkResult[] {
  return ranges.map(([start, end], index) => ({
    index,
    start,
    end,
    text: doc.slice(start, end),
    output: outputs[index],
  }));
}

const doc =
  'SUPPLY AGREEMENT dated as of June 8, 2010 between Acme, Inc. ("Seller") and Beta Corp. ("Buyer"). ' +
  'Buyer shall pay each invoice within   thirty (30) days. ' +
  'Seller shall indemnify Buyer against all claims. ' +
  'This Agreement renews automatically for successive one-year terms. ' +
  'This Agreement is governed by the laws of the State of New York. ' +
  'IN WITNESS WHEREOF: ACME INCORPORATED, BETA CORPORATION. Date: June 9, 2010.';
const at = (s: string): number => doc.indexOf(s);
// Two chunks overlapping on the indemnity and renewal sentences.
const ranges: [number, number][] = [
  [0, at('This Agreement is governed')],
  [at('Seller shall indemnify'), doc.length],
];

describe('mergeChunkResults — contract review', () => {
  const indemnity = {
    category: 'indemnification' as const,
    severity: 'medium' as const,
    summary: 'Seller indemnifies Buyer',
    evidence: 'Seller shall indemnify Buyer against all claims.',
  };
  const renewal = {
    category: 'auto-renewal' as const,
    severity: 'low' as const,
    summary: 'Auto renewal',
    evidence: 'renews automatically for successive one-year terms',
  };
  const outputs: ContractReviewOutput[] = [
    {
      ...empty,
      parties: [
        { name: 'Acme, Inc.', role: 'Seller', evidence: 'Acme, Inc. ("Seller")' },
        { name: 'Beta Corp.', role: 'Buyer', evidence: 'Beta Corp. (“Buyer”)' },
      ],
      agreementDate: { raw: 'June 8, 2010', iso: '2010-06-08', evidence: 'dated as of June 8, 2010' },
      paymentTerms: [
        { summary: 'Invoices due in 30 days', evidence: 'Buyer shall pay each invoice within thirty (30) days.' },
      ],
      riskyClauses: [indemnity, renewal],
    },
    {
      ...empty,
      parties: [
        { name: 'ACME INCORPORATED', role: null, evidence: 'ACME INCORPORATED' },
        { name: 'BETA CORPORATION', role: null, evidence: 'BETA CORPORATION' },
        { name: 'Buyer', role: null, evidence: 'Seller shall indemnify Buyer' },
      ],
      agreementDate: { raw: 'June 9, 2010', iso: '2010-06-09', evidence: 'Date: June 9, 2010' },
      governingLaw: { jurisdiction: 'State of New York', evidence: 'governed by the laws of the State of New York' },
      riskyClauses: [{ ...indemnity, severity: 'high', summary: 'Broad indemnity' }, renewal],
    },
  ];
  const analysis = mergeChunkResults(review, chunksOf(doc, ranges, outputs)) as ContractReviewAnalysis;

  it('joins parties across spellings, legal-form suffixes and defined terms', () => {
    expect(analysis.parties.map((p) => [p.name, p.role])).toEqual([
      ['Acme, Inc.', 'Seller'],
      ['Beta Corp.', 'Buyer'],
    ]);
    expect(analysis.parties[1]?.aliases).toContain('BETA CORPORATION');
  });

  it('reports a clause seen by two overlapping chunks once, with the higher severity', () => {
    expect(analysis.riskyClauses.map((c) => [c.category, c.severity])).toEqual([
      ['indemnification', 'high'],
      ['auto-renewal', 'low'],
    ]);
    expect(analysis.riskyClauses[0]?.provenance).toHaveLength(1);
  });

  it('gives located provenance in document offsets, tolerating collapsed whitespace and straightened quotes', () => {
    const pay = analysis.paymentTerms[0]!.provenance[0]!;
    expect(doc.slice(pay.start, pay.end)).toBe('Buyer shall pay each invoice within   thirty (30) days.');
    expect(pay.located).toBe(true);
    const law = analysis.governingLaw!.provenance[0]!;
    expect(law).toMatchObject({ chunk: 1, located: true });
    expect(doc.slice(law.start, law.end)).toBe('governed by the laws of the State of New York');
  });

  it('keeps conflicting dates visible, choosing the earliest when support is equal', () => {
    expect(analysis.agreementDate).toMatchObject({ value: '2010-06-08', raw: 'June 8, 2010', iso: '2010-06-08' });
    expect(analysis.agreementDate?.conflicts.map((c) => c.value)).toEqual(['2010-06-09']);
  });

  it('marks evidence that cannot be found with the chunk span and located: false', () => {
    const [chunk] = chunksOf(doc, ranges, [
      { ...empty, paymentTerms: [{ summary: 'Made up', evidence: 'payment by carrier pigeon' }] },
    ]);
    const merged = mergeChunkResults(review, [chunk!]) as ContractReviewAnalysis;
    expect(merged.paymentTerms[0]?.provenance).toEqual([
      { chunk: 0, start: ranges[0]![0], end: ranges[0]![1], located: false },
    ]);
  });

  it('merges chunks given out of order, and lists chunks that had no answer', () => {
    const shuffled = chunksOf(doc, ranges, [outputs[0], null]).reverse();
    const merged = mergeChunkResults(review, shuffled) as ContractReviewAnalysis;
    expect(merged.missingChunks).toEqual([1]);
    expect(merged.governingLaw).toBeNull();
    expect(merged.parties).toHaveLength(2);
  });

  it('refuses a chunk list with gaps or text that does not match its range', () => {
    const chunks = chunksOf(doc, ranges, outputs);
    expect(() => mergeChunkResults(review, [chunks[1]!])).toThrow(/expected chunk 0, got 1/);
    expect(() => mergeChunkResults(review, [{ ...chunks[0]!, text: 'x' }])).toThrow(/text length/);
  });
});

describe('partyKey', () => {
  it('treats legal-form and punctuation variants as one party', () => {
    const key = partyKey('Acme Widgets, Inc.');
    for (const variant of [
      'ACME WIDGETS INCORPORATED',
      'The Acme Widgets Inc',
      'Acme Widgets, L.L.C.',
      'acme widgets corp.',
    ]) {
      expect(partyKey(variant)).toBe(key);
    }
    expect(partyKey('Acme Holdings, Inc.')).not.toBe(key);
  });
});

describe('mergeChunkResults — other strategies', () => {
  const text = 'Alpha Ltd pays Beta GmbH EUR 100. Alpha Ltd delivers monthly.';
  const ranges2: [number, number][] = [
    [0, 34],
    [15, text.length],
  ];

  it('summarize joins summaries in order and drops repeated key points', () => {
    const merged = mergeChunkResults(
      getTask('summarize'),
      chunksOf(text, ranges2, [
        { summary: 'Alpha pays.', keyPoints: ['Payment of EUR 100'] },
        { summary: 'Alpha delivers.', keyPoints: ['payment of EUR 100!', 'Monthly delivery'] },
      ]),
    ) as SummaryAnalysis;
    expect(merged.summary).toBe('Alpha pays.\n\nAlpha delivers.');
    expect(merged.keyPoints).toEqual(['Payment of EUR 100', 'Monthly delivery']);
  });

  it('extract-entities lists each entity once with every occurrence', () => {
    const merged = mergeChunkResults(
      getTask('extract-entities'),
      chunksOf(text, ranges2, [
        {
          entities: [
            { type: 'organization', text: 'Alpha Ltd' },
            { type: 'money', text: 'EUR 100' },
          ],
        },
        {
          entities: [
            { type: 'organization', text: 'Alpha Ltd' },
            { type: 'money', text: 'EUR 100' },
          ],
        },
      ]),
    ) as EntitiesAnalysis;
    expect(merged.entities.map((e) => [e.text, e.provenance.map((p) => p.start)])).toEqual([
      ['Alpha Ltd', [0, 34]],
      ['EUR 100', [25]],
    ]);
  });

  it('generic keeps each answer with its chunk span', () => {
    const task = loadUserTask({ id: 'flag', prompt: '{{chunk}}', outputSchema: { type: 'object' } });
    const merged = mergeChunkResults(task, chunksOf(text, ranges2, [{ a: 1 }, { a: 2 }])) as GenericAnalysis;
    expect(merged.chunks).toEqual([
      { chunk: 0, start: 0, end: 34, output: { a: 1 } },
      { chunk: 1, start: 15, end: text.length, output: { a: 2 } },
    ]);
  });
});

describe('provenance', () => {
  it('widens a span when the same chunk quotes the same clause twice, slightly differently', () => {
    const text = 'Preamble. Buyer shall pay each invoice within thirty (30) days of receipt. Other terms.';
    const merged = mergeChunkResults(
      review,
      chunksOf(
        text,
        [[0, text.length]],
        [
          {
            ...empty,
            paymentTerms: [
              { summary: 'Pay in 30 days', evidence: 'Buyer shall pay each invoice within thirty (30) days' },
              { summary: 'Pay on receipt', evidence: 'each invoice within thirty (30) days of receipt.' },
            ],
          },
        ],
      ),
    ) as ContractReviewAnalysis;
    expect(merged.paymentTerms).toHaveLength(1);
    const [p] = merged.paymentTerms[0]!.provenance;
    expect(text.slice(p!.start, p!.end)).toBe('Buyer shall pay each invoice within thirty (30) days of receipt.');
  });
});

describe('expiration from a stated term', () => {
  it('dates a term stated without its start from the effective date, and says so', () => {
    const text = 'Effective as of January 20, 2020. Later: the term shall continue for a FIVE (5) year period.';
    const split = text.indexOf('Later');
    const merged = mergeChunkResults(
      review,
      chunksOf(
        text,
        [
          [0, split],
          [split, text.length],
        ],
        [
          { ...empty, effectiveDate: { raw: 'January 20, 2020', iso: '2020-01-20', evidence: 'January 20, 2020' } },
          { ...empty, expirationDate: { raw: 'FIVE (5) year', iso: null, evidence: 'a FIVE (5) year period' } },
        ],
      ),
    ) as ContractReviewAnalysis;
    expect(merged.expirationDate).toMatchObject({
      value: '2025-01-20',
      iso: '2025-01-20',
      raw: 'FIVE (5) year',
      derivedFrom: 'effectiveDate',
    });
  });
});
