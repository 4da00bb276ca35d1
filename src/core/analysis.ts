/**
 * The merged, per-document result of a task: what activities store, the client reads and the report renders.
 * Types only, safe for workflow code. Every finding says where it comes from in DOCUMENT character offsets.
 */
import type { RiskCategory, Severity } from './tasks/contract-review';
import type { EntityType } from './tasks/extract-entities';
import type { MergeStrategy } from './tasks/task';

/** Where a finding is in the document. `located: false` means the quote was not found and the span is the chunk's. */
export interface Provenance {
  chunk: number;
  start: number;
  end: number;
  located: boolean;
}

export interface MergedParty {
  /** The most used spelling of the party's name. */
  name: string;
  /** The role or defined term most used for the party, or null. */
  role: string | null;
  /** Other spellings and roles seen for the same party. */
  aliases: string[];
  provenance: Provenance[];
}

export interface DateCandidate {
  /** yyyy-mm-dd when known, else the date as written. */
  value: string;
  raw: string;
  provenance: Provenance[];
}

/** A date the chunks agree on, or the best-supported one with the disagreeing readings kept visible. */
export interface ReconciledDate extends DateCandidate {
  iso: string | null;
  conflicts: DateCandidate[];
  /** Set when the ISO date was computed from a stated term ("five (5) years") and this other date. */
  derivedFrom?: 'effectiveDate' | 'agreementDate';
}

export interface ReconciledText {
  value: string;
  provenance: Provenance[];
  conflicts: { value: string; provenance: Provenance[] }[];
}

export interface MergedClause {
  summary: string;
  evidence: string;
  provenance: Provenance[];
}

export interface MergedObligation extends MergedClause {
  party: string | null;
}

export interface MergedRiskyClause extends MergedClause {
  category: RiskCategory;
  severity: Severity;
}

interface AnalysisBase {
  strategy: MergeStrategy;
  taskId: string;
  taskVersion: number;
  chunkCount: number;
  /** Chunks without a usable answer (failed records): the analysis covers the rest of the document only. */
  missingChunks: number[];
}

export interface ContractReviewAnalysis extends AnalysisBase {
  strategy: 'contract-review';
  parties: MergedParty[];
  agreementDate: ReconciledDate | null;
  effectiveDate: ReconciledDate | null;
  expirationDate: ReconciledDate | null;
  governingLaw: ReconciledText | null;
  paymentTerms: MergedClause[];
  obligations: MergedObligation[];
  terminationConditions: MergedClause[];
  riskyClauses: MergedRiskyClause[];
}

export interface SummaryAnalysis extends AnalysisBase {
  strategy: 'summarize';
  /** The chunk summaries in document order. */
  summary: string;
  sections: { chunk: number; start: number; end: number; summary: string }[];
  keyPoints: string[];
}

export interface EntitiesAnalysis extends AnalysisBase {
  strategy: 'extract-entities';
  entities: { type: EntityType; text: string; provenance: Provenance[] }[];
}

export interface GenericAnalysis extends AnalysisBase {
  strategy: 'generic';
  /** Each chunk's validated answer, in document order. */
  chunks: { chunk: number; start: number; end: number; output: unknown }[];
}

export type DocumentAnalysis = ContractReviewAnalysis | SummaryAnalysis | EntitiesAnalysis | GenericAnalysis;
