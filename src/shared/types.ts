/**
 * Types that cross the workflow / activity / client boundary, declared once. Safe for workflow code.
 * Nothing here carries document text, chunk text or model output: only ids, keys, counts and reasons.
 */

export type Priority = 'high' | 'normal' | 'low';

/** `batch` packs records into Bedrock batch jobs (falling back to on-demand below the minimum); `on-demand` never waits. */
export type InferenceMode = 'batch' | 'on-demand';

export type DocumentStage =
  | 'queued'
  | 'extracting'
  | 'chunking'
  | 'submitting'
  | 'waiting-batch'
  | 'invoking'
  | 'retrying'
  | 'merging'
  | 'publishing'
  | 'completed'
  | 'failed'
  | 'cancelled';

export type DocumentStatus = 'completed' | 'failed' | 'cancelled';

/** Limits of the batch collector and its Bedrock jobs (DESIGN §1 quotas; all configuration). */
export interface CollectorSettings {
  /** Bedrock's minimum records per job (100 on AWS, not adjustable). */
  minRecordsPerJob: number;
  maxRecordsPerJob: number;
  maxJobBytes: number;
  /** Submitted + in-progress jobs per model. */
  maxConcurrentJobs: number;
  /** How long the oldest waiting record of a normal-priority document may wait before a flush. */
  maxWaitMs: number;
  /** The same for low-priority documents. */
  lowPriorityMaxWaitMs: number;
  /**
   * Submit what waits (when it reaches the minimum) once no new records arrived for this long: a stream has paused,
   * or a corpus window is full of documents waiting for this very job. 0 turns it off.
   */
  idleFlushMs?: number;
  jobTimeoutHours: number;
  /** First poll interval of a job; grows by `pollBackoff` up to `pollMaxMs`. */
  pollInitialMs: number;
  pollMaxMs: number;
  pollBackoff: number;
  /** Creations of a Bedrock job for the same records when the job ends Failed. */
  maxJobAttempts: number;
  /** Continue-as-new after this many history events (signals included). */
  continueAsNewAfterEvents: number;
  /** Task queue of the Bedrock-facing activities (rate-limited queue-wide). */
  bedrockTaskQueue: string;
}

/** Everything a document's workflow needs to know, fixed when it starts. */
export interface PipelineSettings {
  taskId: string;
  modelId: string;
  mode: InferenceMode;
  chunking: { maxTokens: number; overlapTokens: number };
  /** Submissions of one chunk before it is failed (the first one included). */
  maxRecordAttempts: number;
  onDemandConcurrency: number;
  /** A document that has not finished after this long fails with a reason (DESIGN rule 1: nothing hangs). */
  documentTimeoutMs: number;
  bedrockTaskQueue: string;
  collector: CollectorSettings;
  notify: boolean;
}

export interface DocumentSource {
  /** `s3://bucket/key` in the configured store. */
  uri: string;
  /** File name as the user knows it (used for format detection and reports). */
  name: string;
}

export interface AnalyzeDocumentInput {
  docId: string;
  source: DocumentSource;
  batchId?: string;
  priority: Priority;
  settings: PipelineSettings;
}

export interface TokenUsage {
  input: number;
  output: number;
}

export interface DocumentProgress {
  docId: string;
  name: string;
  batchId?: string;
  stage: DocumentStage;
  priority: Priority;
  mode: InferenceMode;
  chunks: { total: number; succeeded: number; failed: number; pending: number };
  /** Bedrock batch jobs that carried any of this document's records. */
  jobs: string[];
  /** Submission rounds so far (1 = first submission). */
  attempts: number;
  onDemandChunks: number;
  tokens: TokenUsage;
  costUsd: number;
  startedAt: string;
  updatedAt: string;
  completedAt?: string;
  failureReason?: string;
  resultUri?: string;
  reportUri?: string;
}

/** Counts of what the merged analysis found: never names or text. */
export interface AnalysisSummary {
  parties: number;
  dates: number;
  obligations: number;
  risks: number;
  highRisks: number;
  conflicts: number;
}

export interface DocumentOutcome {
  docId: string;
  workflowId: string;
  name: string;
  status: DocumentStatus;
  failureReason?: string;
  chunks: number;
  tokens: TokenUsage;
  costUsd: number;
  jobs: string[];
  resultUri?: string;
  reportUri?: string;
  summary?: AnalysisSummary;
}

/** A document's records handed to the batch collector: references and counts only. */
export interface RecordGroup {
  /** Unique per document and submission round: the collector ignores a group it has seen. */
  groupId: string;
  docWorkflowId: string;
  docId: string;
  attempt: number;
  chunkIndexes: number[];
  /** Store key of the JSONL file holding these records' model inputs. */
  requestsKey: string;
  bytes: number;
  priority: Priority;
  taskId: string;
  /** Epoch ms at which the collector received the group (set by the collector). */
  enqueuedAt?: number;
}

/** A slice of a group assigned to one Bedrock job. */
export type JobRecordSlice = Omit<RecordGroup, 'enqueuedAt'>;

export interface ChunkOutcome {
  chunkIndex: number;
  attempt: number;
  ok: boolean;
  /** Short reason for a failed record; never model output or document text. */
  reason?: string;
  /** Whether resubmitting the record may succeed. */
  retryable?: boolean;
  tokens: TokenUsage;
  costUsd: number;
  via: 'batch' | 'on-demand';
  jobName?: string;
}

export interface ChunkResultsMessage {
  jobName?: string;
  results: ChunkOutcome[];
}

/** Sent by the collector when records cannot make a batch job in time: the document invokes them on-demand. */
export interface GoOnDemandMessage {
  groupId: string;
  attempt: number;
  chunkIndexes: number[];
  reason: string;
}

export type BatchJobStatus =
  | 'Submitted'
  | 'Validating'
  | 'Scheduled'
  | 'InProgress'
  | 'Completed'
  | 'PartiallyCompleted'
  | 'Failed'
  | 'Stopping'
  | 'Stopped'
  | 'Expired';

export const TERMINAL_JOB_STATUSES: readonly BatchJobStatus[] = [
  'Completed',
  'PartiallyCompleted',
  'Failed',
  'Stopped',
  'Expired',
];

export interface BatchJobInput {
  collectorWorkflowId: string;
  collectorKey: string;
  sequence: number;
  modelId: string;
  slices: JobRecordSlice[];
  settings: CollectorSettings;
  /** Carried over continue-as-new. */
  resume?: BatchJobResumeState;
}

export interface BatchJobResumeState {
  attempt: number;
  jobArn?: string;
  jobName?: string;
  pollIntervalMs: number;
  inputUri: string;
  outputUri: string;
  records: number;
  history: BatchJobAttempt[];
}

export interface BatchJobAttempt {
  attempt: number;
  jobName: string;
  jobArn?: string;
  status?: BatchJobStatus;
  message?: string;
}

export interface BatchJobProgress {
  sequence: number;
  jobName?: string;
  jobArn?: string;
  status: BatchJobStatus | 'Preparing' | 'Collecting' | 'Done';
  attempt: number;
  records: number;
  documents: number;
  counters: { total?: number; processed?: number; succeeded?: number; failed?: number };
  attempts: BatchJobAttempt[];
}

export interface JobFinishedMessage {
  jobWorkflowId: string;
  sequence: number;
  jobName?: string;
  status: BatchJobStatus | 'Cancelled';
  records: number;
  succeeded: number;
  failed: number;
}

export interface ActiveJob {
  jobWorkflowId: string;
  sequence: number;
  records: number;
  documents: number;
  startedAt: number;
}

export interface CollectorStatus {
  collectorKey: string;
  paused: boolean;
  pendingGroups: number;
  pendingRecords: number;
  pendingBytes: number;
  oldestWaitMs: number;
  activeJobs: ActiveJob[];
  jobsStarted: number;
  recordsBatched: number;
  recordsSentOnDemand: number;
  settings: CollectorSettings;
}

export interface CollectorState {
  collectorKey?: string;
  modelId: string;
  settings: CollectorSettings;
  paused: boolean;
  pending: RecordGroup[];
  activeJobs: ActiveJob[];
  nextSequence: number;
  /** Recently seen group ids, so a re-delivered group is not batched twice. */
  seenGroupIds: string[];
  stats: { jobsStarted: number; recordsBatched: number; recordsSentOnDemand: number };
}

/** Where a corpus's documents come from. */
export type CorpusSource =
  | { kind: 'uris'; uris: DocumentSource[] }
  | { kind: 'prefix'; prefixUri: string }
  /** Local files, readable by the workers (embedded mode): uploaded to the store when the manifest is made. */
  | { kind: 'paths'; paths: string[] };

export interface AnalyzeCorpusInput {
  batchId: string;
  source: CorpusSource;
  priority: Priority;
  settings: PipelineSettings;
  /** Documents running at once (sliding window; far below Temporal's 2,000 pending children). */
  window: number;
  /** Carried over continue-as-new. */
  resume?: CorpusResumeState;
}

export interface CorpusCounts {
  total: number;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
  running: number;
}

export interface CorpusResumeState {
  manifestCount: number;
  nextOffset: number;
  counts: CorpusCounts;
  tokens: TokenUsage;
  costUsd: number;
  startedAt: string;
  failureReasons: Record<string, number>;
}

export interface CorpusProgress {
  batchId: string;
  stage: 'listing' | 'running' | 'summarizing' | 'completed' | 'cancelled';
  counts: CorpusCounts;
  tokens: TokenUsage;
  costUsd: number;
  startedAt: string;
  updatedAt: string;
  /** Estimated remaining time from the completion rate so far. */
  etaSeconds?: number;
  failureReasons: Record<string, number>;
  summaryUri?: string;
}

/** What a finished corpus run adds up to, as its summary activity receives it. */
export interface CorpusTotals {
  batchId: string;
  counts: CorpusCounts;
  tokens: TokenUsage;
  costUsd: number;
  failureReasons: Record<string, number>;
  startedAt: string;
}

export interface CorpusOutcome {
  batchId: string;
  counts: CorpusCounts;
  tokens: TokenUsage;
  costUsd: number;
  summaryUri: string;
  csvUri: string;
  reportUri: string;
}
