import type { DocumentAnalysis } from '../core/analysis';
import type { CorpusTotals, DocumentOutcome } from '../shared/types';
import type { ManifestEntry } from './corpus';

export interface CorpusDocumentRow {
  entry: ManifestEntry;
  outcome?: DocumentOutcome;
  analysis?: unknown;
}

const CSV_COLUMNS = [
  'name',
  'doc_id',
  'status',
  'parties',
  'agreement_date',
  'effective_date',
  'expiration_date',
  'governing_law',
  'risk_count',
  'high_risk_count',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'failure_reason',
  'batch_chunks',
  'on_demand_chunks',
  'on_demand_equivalent_usd',
] as const;

/** One row per document: status, parties, dates, governing law, risk count, tokens and cost. */
export function corpusCsv(rows: CorpusDocumentRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { entry, outcome, analysis } of rows) {
    const review = contractReview(analysis);
    const values: (string | number | undefined)[] = [
      entry.source.name,
      entry.docId,
      outcome?.status ?? 'unknown',
      review?.parties.map((p) => p.name).join('; '),
      review?.agreementDate?.value,
      review?.effectiveDate?.value,
      review?.expirationDate?.value,
      review?.governingLaw?.value,
      review?.riskyClauses.length,
      review?.riskyClauses.filter((r) => r.severity === 'high').length,
      outcome?.tokens.input,
      outcome?.tokens.output,
      outcome ? outcome.costUsd.toFixed(6) : undefined,
      outcome?.failureReason,
      outcome?.batchChunks,
      outcome?.onDemandChunks,
      outcome?.onDemandUsd?.toFixed(6),
    ];
    lines.push(values.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A readable corpus report: totals, failures grouped by reason, and a line per document. */
export function corpusReport(totals: CorpusTotals, rows: CorpusDocumentRow[], completedAt: string): string {
  const c = totals.counts;
  const out = [
    `# Corpus ${totals.batchId}`,
    '',
    `Started ${totals.startedAt}, finished ${completedAt}.`,
    '',
    '| documents | completed | failed | cancelled | input tokens | output tokens | cost (USD) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${c.total} | ${c.completed} | ${c.failed} | ${c.cancelled} | ${totals.tokens.input} | ${totals.tokens.output} | ${totals.costUsd.toFixed(4)} |`,
    '',
  ];
  out.push(...costSection(totals));
  const reasons = Object.entries(totals.failureReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    out.push('## Failures by reason', '', '| reason | documents |', '|---|---:|');
    for (const [reason, count] of reasons) out.push(`| ${md(reason)} | ${count} |`);
    out.push('');
  }
  out.push(
    '## Documents',
    '',
    '| document | status | parties | governing law | risks (high) | report |',
    '|---|---|---|---|---|---|',
  );
  for (const { entry, outcome, analysis } of rows) {
    const review = contractReview(analysis);
    const risks = review
      ? `${review.riskyClauses.length} (${review.riskyClauses.filter((r) => r.severity === 'high').length})`
      : '';
    out.push(
      `| ${md(entry.source.name)} | ${outcome?.status ?? 'unknown'}${outcome?.failureReason ? `: ${md(outcome.failureReason)}` : ''} | ` +
        `${md(review?.parties.map((p) => p.name).join('; ') ?? '')} | ${md(review?.governingLaw?.value ?? '')} | ${risks} | ` +
        `${outcome?.reportUri ?? ''} |`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** What was paid, what the same work would have cost on-demand, and why any records went on-demand. */
function costSection(totals: CorpusTotals): string[] {
  const k = totals.costs;
  const chunks = k.batchChunks + k.onDemandChunks;
  const share = chunks > 0 ? ((100 * k.batchChunks) / chunks).toFixed(1) : '0.0';
  const out = [
    '## Cost',
    '',
    '| chunks via batch | chunks on-demand | batch share | paid (USD) | the same on-demand (USD) | saved (USD) |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${k.batchChunks} | ${k.onDemandChunks} | ${share} % | ${k.costUsd.toFixed(4)} | ${k.onDemandUsd.toFixed(4)} | ` +
      `${(k.onDemandUsd - k.costUsd).toFixed(4)} |`,
    '',
  ];
  const reasons = Object.entries(k.onDemandReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    out.push('Chunks sent on-demand, by reason:', '', '| reason | chunks |', '|---|---:|');
    for (const [reason, count] of reasons) out.push(`| ${md(reason)} | ${count} |`);
    out.push('');
  }
  return out;
}

function contractReview(analysis: unknown) {
  const a = analysis as DocumentAnalysis | undefined;
  return a?.strategy === 'contract-review' ? a : undefined;
}

function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function md(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}
