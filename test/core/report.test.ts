import { describe, expect, it } from 'vitest';
import type { ContractReviewAnalysis, GenericAnalysis } from '../../src/core/analysis';
import { renderReport } from '../../src/core/report';

const at = (start: number, end: number) => [{ chunk: 0, start, end, located: true }];

const analysis: ContractReviewAnalysis = {
  strategy: 'contract-review',
  taskId: 'contract-review',
  taskVersion: 1,
  chunkCount: 3,
  missingChunks: [2],
  parties: [
    { name: 'Acme, Inc.', role: 'Seller', aliases: ['ACME INCORPORATED'], provenance: at(10, 30) },
    { name: 'Beta | Gamma LLC', role: null, aliases: [], provenance: at(40, 60) },
  ],
  agreementDate: {
    value: '2010-06-08',
    raw: 'June 8, 2010',
    iso: '2010-06-08',
    provenance: at(0, 12),
    conflicts: [{ value: '2010-06-09', raw: 'June 9, 2010', provenance: at(900, 912) }],
  },
  effectiveDate: null,
  expirationDate: null,
  governingLaw: { value: 'State of New York', provenance: at(500, 540), conflicts: [] },
  paymentTerms: [{ summary: 'Net 30', evidence: 'within thirty (30) days', provenance: at(100, 123) }],
  obligations: [],
  terminationConditions: [],
  riskyClauses: [
    {
      category: 'auto-renewal',
      severity: 'low',
      summary: 'Renews',
      evidence: 'renews automatically',
      provenance: at(200, 220),
    },
    {
      category: 'unlimited-liability',
      severity: 'high',
      summary: 'No cap',
      evidence: 'liability shall not be limited',
      provenance: [{ chunk: 1, start: 300, end: 600, located: false }],
    },
  ],
};

describe('renderReport', () => {
  const md = renderReport(analysis, {
    documentName: 'msa_final.pdf',
    modelId: 'offline',
    generatedAt: '2026-01-02T03:04:05Z',
  });

  it('opens with the document, the task, the model and the time given', () => {
    expect(md.split('\n')[0]).toBe('# Contract review: msa\\_final.pdf');
    expect(md).toContain('task contract-review v1, model offline, 3 parts) on 2026-01-02T03:04:05Z');
  });

  it('says which parts could not be analysed', () => {
    expect(md).toContain('1 of 3 parts could not be analysed (parts 3)');
  });

  it('summarises key terms in a table, escaping table syntax', () => {
    expect(md).toContain('| Parties | Acme, Inc. ("Seller"); Beta \\| Gamma LLC |');
    expect(md).toContain('| Agreement date | June 8, 2010 (2010-06-08) — conflicting statements, see below |');
    expect(md).toContain('| Governing law | State of New York |');
  });

  it('shows conflicting dates with their location', () => {
    expect(md).toContain('- Agreement date: the document also reads "June 9, 2010" (characters 900–912).');
  });

  it('lists risky clauses by severity, high first, with quote and location', () => {
    expect(md.indexOf('### High severity')).toBeLessThan(md.indexOf('### Low severity'));
    expect(md).toContain('1. **Unlimited liability** — No cap');
    expect(md).toContain('> “liability shall not be limited” — somewhere in part 2 (quote not found verbatim)');
    expect(md).toContain('> “renews automatically” — characters 200–220');
  });

  it('is deterministic', () => {
    expect(renderReport(analysis, { documentName: 'msa_final.pdf' })).toBe(
      renderReport(analysis, { documentName: 'msa_final.pdf' }),
    );
  });

  it('renders generic answers as JSON per part', () => {
    const generic: GenericAnalysis = {
      strategy: 'generic',
      taskId: 'flags',
      taskVersion: 2,
      chunkCount: 1,
      missingChunks: [],
      chunks: [{ chunk: 0, start: 0, end: 1200, output: { risky: true } }],
    };
    const out = renderReport(generic, { documentName: 'a.txt' });
    expect(out).toContain('## Part 1 (characters 0–1,200)');
    expect(out).toContain('"risky": true');
  });
});
