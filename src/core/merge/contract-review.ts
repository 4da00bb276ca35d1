/**
 * Merges per-chunk contract reviews into one. Overlapping chunks report the same clause twice, and a party or date
 * recurs in several chunks: findings are joined when they point at the same text (overlapping located spans or the
 * same normalised quote); parties when their names match after normalisation, or when one is the other's defined
 * term. Dates and governing law are reconciled by support, with every disagreeing reading kept as a conflict.
 */
import type {
  ContractReviewAnalysis,
  DateCandidate,
  MergedClause,
  MergedObligation,
  MergedParty,
  MergedRiskyClause,
  Provenance,
  ReconciledDate,
  ReconciledText,
} from '../analysis';
import type { ClauseFinding, ContractReviewOutput, DateFinding, Severity } from '../tasks/contract-review';
import type { Task } from '../tasks/task';
import { addToIsoDate, findDuration } from '../dates';
import type { ChunkResult } from './chunk-result';
import { jurisdictionKey, partyKey, textKey } from './normalise';
import { addProvenance, locateEvidence, sameSpan } from './provenance';

export function mergeContractReview(task: Task, chunks: ChunkResult[]): ContractReviewAnalysis {
  const answered = chunks.filter((c) => c.output !== null && c.output !== undefined);
  const outputs = answered.map((chunk) => ({ chunk, output: chunk.output as ContractReviewOutput }));
  const agreementDate = reconcileDates(outputs.map(({ chunk, output }) => ({ chunk, finding: output.agreementDate })));
  const effectiveDate = reconcileDates(outputs.map(({ chunk, output }) => ({ chunk, finding: output.effectiveDate })));
  const expirationDate = reconcileDates(
    outputs.map(({ chunk, output }) => ({ chunk, finding: output.expirationDate })),
  );

  return {
    strategy: 'contract-review',
    taskId: task.id,
    taskVersion: task.version,
    chunkCount: chunks.length,
    missingChunks: chunks.filter((c) => !answered.includes(c)).map((c) => c.index),
    parties: mergeParties(outputs),
    agreementDate,
    effectiveDate,
    expirationDate: resolveTerm(expirationDate, effectiveDate, agreementDate),
    governingLaw: reconcileGoverningLaw(outputs),
    paymentTerms: mergeClauses(outputs.flatMap(({ chunk, output }) => output.paymentTerms.map((f) => ({ chunk, f })))),
    obligations: mergeClauses<MergedObligation>(
      outputs.flatMap(({ chunk, output }) => output.obligations.map((f) => ({ chunk, f }))),
      (a, b) => a.party === b.party || a.party === null || b.party === null,
    ),
    terminationConditions: mergeClauses(
      outputs.flatMap(({ chunk, output }) => output.terminationConditions.map((f) => ({ chunk, f }))),
    ),
    riskyClauses: mergeRiskyClauses(outputs),
  };
}

interface Located<F> {
  chunk: ChunkResult;
  f: F;
}

function mergeParties(outputs: { chunk: ChunkResult; output: ContractReviewOutput }[]): MergedParty[] {
  interface Group {
    key: string;
    names: Map<string, number>;
    roles: Map<string, number>;
    provenance: Provenance[];
  }
  const groups = new Map<string, Group>();
  for (const { chunk, output } of outputs) {
    for (const party of output.parties) {
      const key = partyKey(party.name);
      if (key === '') continue;
      let group = groups.get(key);
      if (group === undefined) {
        group = { key, names: new Map(), roles: new Map(), provenance: [] };
        groups.set(key, group);
      }
      count(group.names, party.name.trim());
      if (party.role !== null) count(group.roles, party.role.trim());
      addProvenance(group.provenance, locateEvidence(chunk, party.evidence));
    }
  }
  // A party reported only by its defined term ("the Company") joins the party that carries that term as its role.
  for (const group of [...groups.values()]) {
    const owner = [...groups.values()].find(
      (g) => g !== group && [...g.roles.keys()].some((r) => partyKey(r) === group.key),
    );
    if (owner === undefined) continue;
    for (const [name, n] of group.names) count(owner.roles, name, n);
    for (const [role, n] of group.roles) count(owner.roles, role, n);
    for (const p of group.provenance) addProvenance(owner.provenance, p);
    groups.delete(group.key);
  }
  return [...groups.values()]
    .map((g) => {
      const name = mostUsed(g.names, preferMixedCase) ?? g.key;
      const role = mostUsed(g.roles, preferMixedCase) ?? null;
      const aliases = [...g.names.keys(), ...g.roles.keys()].filter((a) => a !== name && a !== role);
      return { name, role, aliases: [...new Set(aliases)], provenance: g.provenance };
    })
    .sort(byFirstMention);
}

function reconcileDates(findings: { chunk: ChunkResult; finding: DateFinding | null }[]): ReconciledDate | null {
  const candidates = new Map<string, DateCandidate & { iso: string | null }>();
  for (const { chunk, finding } of findings) {
    if (finding === null) continue;
    const value = finding.iso ?? finding.raw.trim();
    const key = finding.iso ?? textKey(finding.raw);
    let candidate = candidates.get(key);
    if (candidate === undefined) {
      candidate = { value, raw: finding.raw.trim(), iso: finding.iso, provenance: [] };
      candidates.set(key, candidate);
    }
    addProvenance(candidate.provenance, locateEvidence(chunk, finding.evidence));
  }
  const [best, ...others] = [...candidates.values()].sort(bySupport);
  if (best === undefined) return null;
  return { ...best, conflicts: others.map(({ value, raw, provenance }) => ({ value, raw, provenance })) };
}

/**
 * A chunk that states the term ("five (5) years") without the start date cannot date the expiration; the document
 * can: add the term to the effective date (else the agreement date), and say so.
 */
function resolveTerm(
  expiration: ReconciledDate | null,
  effective: ReconciledDate | null,
  agreement: ReconciledDate | null,
): ReconciledDate | null {
  if (expiration === null || expiration.iso !== null) return expiration;
  const duration = findDuration(expiration.raw);
  const [start, from] =
    effective?.iso != null
      ? [effective.iso, 'effectiveDate' as const]
      : [agreement?.iso ?? null, 'agreementDate' as const];
  if (duration === undefined || start === null) return expiration;
  const iso = addToIsoDate(start, duration.amount, duration.unit);
  return iso === null ? expiration : { ...expiration, value: iso, iso, derivedFrom: from };
}

function reconcileGoverningLaw(outputs: { chunk: ChunkResult; output: ContractReviewOutput }[]): ReconciledText | null {
  const candidates = new Map<string, { value: string; provenance: Provenance[] }>();
  for (const { chunk, output } of outputs) {
    const law = output.governingLaw;
    if (law === null) continue;
    const key = jurisdictionKey(law.jurisdiction);
    let candidate = candidates.get(key);
    if (candidate === undefined) {
      candidate = { value: law.jurisdiction.trim(), provenance: [] };
      candidates.set(key, candidate);
    }
    addProvenance(candidate.provenance, locateEvidence(chunk, law.evidence));
  }
  const [best, ...others] = [...candidates.values()].sort(bySupport);
  if (best === undefined) return null;
  return { ...best, conflicts: others };
}

function mergeRiskyClauses(outputs: { chunk: ChunkResult; output: ContractReviewOutput }[]): MergedRiskyClause[] {
  const merged = mergeClauses<MergedRiskyClause>(
    outputs.flatMap(({ chunk, output }) => output.riskyClauses.map((f) => ({ chunk, f }))),
    (a, b) => a.category === b.category,
    (into, from) => {
      if (SEVERITY_RANK[from.severity] > SEVERITY_RANK[into.severity]) into.severity = from.severity;
    },
  );
  return merged;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

/**
 * Joins findings that quote the same text: overlapping located spans, or equal normalised quotes. `compatible` can
 * forbid joining (different categories); `absorb` folds a duplicate's extra information into the kept finding.
 */
function mergeClauses<M extends MergedClause>(
  findings: Located<Omit<M, 'provenance'> & ClauseFinding>[],
  compatible: (a: M, b: M) => boolean = () => true,
  absorb: (into: M, from: M) => void = () => undefined,
): M[] {
  const merged: M[] = [];
  for (const { chunk, f } of findings) {
    const candidate = { ...f, provenance: [locateEvidence(chunk, f.evidence)] } as M;
    const evidenceKey = textKey(f.evidence);
    const same = merged.find(
      (m) =>
        compatible(m, candidate) &&
        (m.provenance.some((p) => sameSpan(p, candidate.provenance[0]!)) || textKey(m.evidence) === evidenceKey),
    );
    if (same === undefined) {
      merged.push(candidate);
      continue;
    }
    absorb(same, candidate);
    for (const p of candidate.provenance) addProvenance(same.provenance, p);
    // Keep the fuller quote: the other chunk may have seen only part of a clause cut at its edge.
    if (f.evidence.length > same.evidence.length) same.evidence = f.evidence;
  }
  return merged.sort(byFirstMention);
}

function count(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function mostUsed(map: Map<string, number>, tieBreak: (a: string, b: string) => number): string | undefined {
  return [...map.entries()].sort((a, b) => b[1] - a[1] || tieBreak(a[0], b[0]))[0]?.[0];
}

/** Prefers "Acme Corporation" to "ACME CORPORATION" (signature blocks shout), then the longer spelling. */
function preferMixedCase(a: string, b: string): number {
  const shouting = (s: string): number => (s === s.toUpperCase() && /[A-Z]/.test(s) ? 1 : 0);
  return shouting(a) - shouting(b) || b.length - a.length || (a < b ? -1 : 1);
}

/** More distinct mentions first; then the one mentioned earliest. */
function bySupport(a: { provenance: Provenance[] }, b: { provenance: Provenance[] }): number {
  return b.provenance.length - a.provenance.length || byFirstMention(a, b);
}

function byFirstMention(a: { provenance: Provenance[] }, b: { provenance: Provenance[] }): number {
  return (a.provenance[0]?.start ?? 0) - (b.provenance[0]?.start ?? 0);
}
