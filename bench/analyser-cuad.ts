/**
 * How well the offline model's contract review, run the way the pipeline runs it, matches the lawyers' labels on the
 * 40 CUAD contracts. Usage: npx tsx bench/analyser-cuad.ts [--corpus <dir>] [--out <file>]
 *
 * Pipeline per contract: chunkText (default options) → contract-review prompt per chunk → offline model (with the
 * task's maxOutputTokens) → parseModelOutput → mergeChunkResults. Matching rules are in `judge*` below and in
 * bench/README.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import type { ContractReviewAnalysis, ReconciledDate } from '../src/core/analysis';
import { chunkText, DEFAULT_CHUNK_OPTIONS } from '../src/core/chunker';
import { jurisdictionKey, mergeChunkResults, partyKey } from '../src/core/merge';
import type { ChunkResult } from '../src/core/merge';
import { parseModelOutput } from '../src/core/model-output';
import { toIsoDate } from '../src/core/dates';
import { complete } from '../src/core/offline-model';
import { getTask } from '../src/core/tasks';

interface Label {
  spans: string[];
  answer: string;
}
interface LabelEntry {
  labels: Record<'Parties' | 'Agreement Date' | 'Effective Date' | 'Expiration Date' | 'Governing Law', Label>;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const corpus = option('--corpus', '/work/shared/corpus/cuad');
const outFile = option('--out', join(__dirname, 'results', 'analyser-cuad.json'));

if (!existsSync(join(corpus, 'labels.json'))) {
  console.error(`CUAD corpus not found at ${corpus} (expected labels.json and contracts/): pass --corpus <dir>`);
  process.exit(2);
}
const labels = JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')) as Record<string, LabelEntry>;
const task = getTask('contract-review');

function analyse(
  text: string,
  name: string,
): { analysis: ContractReviewAnalysis; chunks: number; invalid: number; repaired: number } {
  const chunks = chunkText(text, DEFAULT_CHUNK_OPTIONS);
  let invalid = 0;
  let repaired = 0;
  const results: ChunkResult[] = chunks.map((c) => {
    const chunk = text.slice(c.start, c.end);
    const prompt = task.renderPrompt({
      chunkText: chunk,
      chunkIndex: c.index,
      chunkCount: chunks.length,
      documentName: name,
    });
    const response = complete({ system: task.system, prompt, maxTokens: task.maxOutputTokens });
    const parsed = parseModelOutput(task, response.text);
    if (!parsed.ok) invalid++;
    else if (parsed.repaired) repaired++;
    return { index: c.index, start: c.start, end: c.end, text: chunk, output: parsed.ok ? parsed.value : null };
  });
  return {
    analysis: mergeChunkResults(task, results) as ContractReviewAnalysis,
    chunks: chunks.length,
    invalid,
    repaired,
  };
}

type Verdict = 'match' | 'miss' | 'wrong' | 'extra' | 'none' | 'unscorable';

const UNSCORABLE = 'unscorable';

/** CUAD writes m/d/yy; "[]" marks redactions, which cannot be compared (UNSCORABLE). */
function labelIso(answer: string): string | null {
  const a = answer.trim();
  if (a === '') return null;
  if (a.includes('[')) return UNSCORABLE;
  if (/^perpetual$/i.test(a)) return 'perpetual';
  return toIsoDate(a) ?? UNSCORABLE;
}

/** A date matches when the merged value's ISO date equals the label's (expiration "perpetual" matches "perpetual"). */
function judgeDate(label: Label, predicted: ReconciledDate | null): Verdict {
  const want = labelIso(label.answer);
  if (want === UNSCORABLE) return 'unscorable';
  const got =
    predicted === null ? null : (predicted.iso ?? (/perpetu/i.test(predicted.raw) ? 'perpetual' : predicted.raw));
  if (want === null) return got === null ? 'none' : 'extra';
  if (got === null) return 'miss';
  return got === want ? 'match' : 'wrong';
}

/** Jurisdiction names compared without "the laws of the State of": either contains the other. */
function judgeLaw(label: Label, predicted: string | null): Verdict {
  const want = jurisdictionKey(label.answer);
  const got = predicted === null ? '' : jurisdictionKey(predicted);
  if (want === '') return got === '' ? 'none' : 'extra';
  if (got === '') return 'miss';
  return got.includes(want) || want.includes(got) ? 'match' : 'wrong';
}

/**
 * CUAD's Parties answer lists "Name ("Term")" entries separated by ';'. Entries that only group parties already listed
 * ("Company and Consultant (collectively, the "Parties")") are dropped; "X and all of its subsidiaries" counts as X.
 */
function labelParties(answer: string): string[] {
  return answer
    .split(';')
    .filter((entry) => !(/\band\b/i.test(entry.split('(')[0] ?? '') && /\bpart(?:y|ies)\b/i.test(entry)))
    .map((entry) => (entry.split('(')[0] ?? '').replace(/\s+and\s+all\s+of\s+its\b.*$/i, '').trim())
    .filter((name) => name !== '' && !/^[“"]/.test(name));
}

/** Two names refer to the same party when their normalised tokens overlap by at least half of the smaller set. */
function sameParty(a: string, b: string): boolean {
  const ta = new Set(partyKey(a).split(' ').filter(Boolean));
  const tb = new Set(partyKey(b).split(' ').filter(Boolean));
  if (ta.size === 0 || tb.size === 0) return false;
  const shared = [...ta].filter((t) => tb.has(t)).length;
  return shared * 2 >= Math.min(ta.size, tb.size) && shared > 0;
}

interface Row {
  contract: string;
  characters: number;
  chunks: number;
  invalidChunks: number;
  repairedChunks: number;
  ms: number;
  parties: { labelled: number; found: number; predicted: number; correct: number };
  agreementDate: Verdict;
  effectiveDate: Verdict;
  expirationDate: Verdict;
  governingLaw: Verdict;
}

const rows: Row[] = [];
const started = performance.now();
for (const [contract, entry] of Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))) {
  const text = readFileSync(join(corpus, 'contracts', contract), 'utf8');
  const t0 = performance.now();
  const { analysis, chunks, invalid, repaired } = analyse(text, contract);
  const ms = performance.now() - t0;
  const wanted = labelParties(entry.labels.Parties.answer);
  const names = analysis.parties.map((p) => p.name);
  rows.push({
    contract,
    characters: text.length,
    chunks,
    invalidChunks: invalid,
    repairedChunks: repaired,
    ms: Math.round(ms * 10) / 10,
    parties: {
      labelled: wanted.length,
      found: wanted.filter((w) => names.some((n) => sameParty(w, n))).length,
      predicted: names.length,
      // Counts only: the results file carries no contract text, not even party names.
      correct: names.filter((n) => wanted.some((w) => sameParty(w, n))).length,
    },
    agreementDate: judgeDate(entry.labels['Agreement Date'], analysis.agreementDate),
    effectiveDate: judgeDate(entry.labels['Effective Date'], analysis.effectiveDate),
    expirationDate: judgeDate(entry.labels['Expiration Date'], analysis.expirationDate),
    governingLaw: judgeLaw(entry.labels['Governing Law'], analysis.governingLaw?.value ?? null),
  });
}
const totalMs = performance.now() - started;

function fieldSummary(field: 'agreementDate' | 'effectiveDate' | 'expirationDate' | 'governingLaw') {
  const count = (v: Verdict): number => rows.filter((r) => r[field] === v).length;
  const scored = count('match') + count('miss') + count('wrong');
  return {
    labelled: scored,
    match: count('match'),
    wrong: count('wrong'),
    miss: count('miss'),
    extraWithoutLabel: count('extra'),
    unscorable: count('unscorable'),
    accuracy: scored === 0 ? null : count('match') / scored,
  };
}
const sum = (f: (r: Row) => number): number => rows.reduce((n, r) => n + f(r), 0);
const parties = {
  labelled: sum((r) => r.parties.labelled),
  found: sum((r) => r.parties.found),
  predicted: sum((r) => r.parties.predicted),
  correct: sum((r) => r.parties.correct),
  contractsAllFound: rows.filter((r) => r.parties.labelled > 0 && r.parties.found === r.parties.labelled).length,
  contractsLabelled: rows.filter((r) => r.parties.labelled > 0).length,
};
const summary = {
  contracts: rows.length,
  chunks: sum((r) => r.chunks),
  invalidChunks: sum((r) => r.invalidChunks),
  repairedChunks: sum((r) => r.repairedChunks),
  chunkOptions: DEFAULT_CHUNK_OPTIONS,
  parties: { ...parties, recall: parties.found / parties.labelled, precision: parties.correct / parties.predicted },
  agreementDate: fieldSummary('agreementDate'),
  effectiveDate: fieldSummary('effectiveDate'),
  expirationDate: fieldSummary('expirationDate'),
  governingLaw: fieldSummary('governingLaw'),
  totalMs: Math.round(totalMs),
  machine: { cpus: cpus().length, node: process.version },
};

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(0)} %`);
console.log(
  `CUAD analyser bench: ${summary.contracts} contracts, ${summary.chunks} chunks (${summary.invalidChunks} invalid, ${summary.repairedChunks} repaired), ${summary.totalMs} ms`,
);
console.log('');
console.log('| Field | Labelled | Match | Wrong | Missed | Accuracy | Predicted without label | Unscorable |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, f] of [
  ['Agreement Date', summary.agreementDate],
  ['Effective Date', summary.effectiveDate],
  ['Expiration Date', summary.expirationDate],
  ['Governing Law', summary.governingLaw],
] as const) {
  console.log(
    `| ${name} | ${f.labelled} | ${f.match} | ${f.wrong} | ${f.miss} | ${pct(f.accuracy)} | ${f.extraWithoutLabel} | ${f.unscorable} |`,
  );
}
console.log('');
console.log(
  `Parties: recall ${pct(summary.parties.recall)} (${parties.found}/${parties.labelled} labelled parties found), precision ${pct(summary.parties.precision)} (${parties.correct}/${parties.predicted} reported parties are labelled), all parties found in ${parties.contractsAllFound}/${parties.contractsLabelled} contracts`,
);

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify({ summary, contracts: rows }, null, 2)}\n`);
console.log(`\nwrote ${outFile}`);
