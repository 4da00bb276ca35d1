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
  /**
   * Expected time from creating a job to its first processed record (Bedrock's Submitted, Validating and Scheduled),
   * until the collector has seen it from finished jobs: a free slot takes a smaller job rather than idle longer.
   */
  jobStartupMs?: number;
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
  /** The corpus that started the document and its place in the corpus manifest: told by signal when it ends. */
  corpus?: DocumentWatcher;
}

export interface TokenUsage {
  input: number;
  output: number;
}

export interface DocumentProgress extends CostTotals {
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

export interface DocumentOutcome extends CostTotals {
  docId: string;
  workflowId: string;
  name: string;
  status: DocumentStatus;
  failureReason?: string;
  chunks: number;
  jobs: string[];
  resultUri?: string;
  reportUri?: string;
  summary?: AnalysisSummary;
}

/**
 * A document's records waiting in the collector's queue (one submission round, or the part of it not yet in a job).
 * The queue lives in the object store, one empty object per group whose key encodes these fields, so workflows
 * never carry record lists: they pass counts and keys (DESIGN rule 8).
 */
export interface QueuedGroup {
  docId: string;
  /** Submission round of the document's records (1 = first). */
  attempt: number;
  /** First line of the round's request file that this group covers. */
  offset: number;
  records: number;
  bytes: number;
  priority: Priority;
  /** Epoch ms at which the document enqueued the round. */
  enqueuedAt: number;
  /** The task whose schema reads the records' answers. */
  taskId: string;
}

/** What a document tells its collector when it enqueues a round: a few numbers, whatever the document's size. */
export interface EnqueuedMessage {
  docId: string;
  attempt: number;
  records: number;
  bytes: number;
  priority: Priority;
  enqueuedAt: number;
  /** The corpus the document belongs to, so the collector knows which announced documents have arrived. */
  corpusId?: string;
}

/** A corpus announcing documents it has started: their records are coming, so the collector plans for them. */
export interface RecordsComingMessage {
  corpusId: string;
  documents: number;
}

/** Outcome of one submission round's records in one Bedrock job (or on-demand), compact: indexes and totals. */
export interface ChunkResultsMessage {
  jobName?: string;
  attempt: number;
  via: 'batch' | 'on-demand';
  /** Chunk indexes whose result is stored. */
  ok: number[];
  /** Failed chunks: [chunk index, index into `reasons`, retryable]. */
  failed: [number, number, boolean][];
  reasons: string[];
  tokens: TokenUsage;
  costUsd: number;
  /** What the same tokens would have cost on-demand. */
  onDemandUsd: number;
}

/** Sent when a round's records cannot make a batch job: the document invokes them on-demand. */
export interface GoOnDemandMessage {
  attempt: number;
  /** The records of the round's request file, by line: [offset, offset + count). */
  offset: number;
  count: number;
  reason: string;
}

/** A corpus (other than the one that started it) that wants to hear when a document ends. */
export interface DocumentWatcher {
  corpusWorkflowId: string;
  index: number;
}

/** What a document tells its corpus when it ends: counts and totals only. */
export interface DocumentFinishedMessage extends CostTotals {
  index: number;
  docId: string;
  status: DocumentStatus;
  failureReason?: string;
  chunks: number;
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
  /** Folder of the job's records in the store (`jobs/<jobKey>/`): its claim lists the groups it carries. */
  jobKey: string;
  modelId: string;
  records: number;
  documents: number;
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
  /** Epoch ms at which the current attempt's job was created, and at which it was first seen processing records. */
  createdAt?: number;
  processingAt?: number;
  /** The first and the latest sighting of the current attempt processing records: its rate. */
  firstProcessing?: { at: number; processed: number };
  lastProcessing?: { at: number; processed: number };
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
  status: BatchJobStatus | 'Preparing' | 'Collecting' | 'Delivering' | 'Done';
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
  status: BatchJobStatus | 'Cancelled' | 'Lost';
  records: number;
  succeeded: number;
  failed: number;
  /** Milliseconds from creating the Bedrock job to seeing it process records, when it was seen doing so. */
  startupMs?: number;
  /** Records the job processed per second while InProgress, when two sightings showed it. */
  recordsPerSecond?: number;
}

export interface JobStartedMessage {
  jobWorkflowId: string;
  /** Milliseconds from creating the Bedrock job to seeing it process records. */
  startupMs: number;
}

export interface ActiveJob {
  jobWorkflowId: string;
  jobKey: string;
  sequence: number;
  records: number;
  documents: number;
  startedAt: number;
}

/** Records waiting in the collector's queue, per priority: counts and ages, never the records themselves. */
export interface WaitingRecords {
  records: number;
  bytes: number;
  /** Epoch ms of the oldest waiting group; undefined when none waits. */
  oldestAt?: number;
}

export type WaitingByPriority = Record<'normal' | 'low', WaitingRecords>;

export interface CollectorStats {
  jobsStarted: number;
  recordsBatched: number;
  recordsSentOnDemand: number;
  /** Why records went on-demand, with how many. */
  onDemandReasons: Record<string, number>;
  /** Job workflows that ended without reporting (terminated, timed out) and whose slot was taken back. */
  jobsReclaimed: number;
}

export interface CollectorStatus {
  collectorKey: string;
  paused: boolean;
  /** Records waiting in the queue (from arrivals, corrected by every claim's count of the queue). */
  pendingRecords: number;
  pendingBytes: number;
  oldestWaitMs: number;
  /** Records the collector expects from documents that corpora have started and that have not enqueued yet. */
  comingRecords: number;
  activeJobs: ActiveJob[];
  jobsStarted: number;
  recordsBatched: number;
  recordsSentOnDemand: number;
  onDemandReasons: Record<string, number>;
  jobsReclaimed: number;
  settings: CollectorSettings;
}

/** Announced documents of one corpus that have not enqueued yet. */
export interface ComingDocuments {
  documents: number;
  /** Epoch ms of the last announcement or arrival: announcements go stale when arrivals stop. */
  updatedAt: number;
}

export interface CollectorState {
  collectorKey?: string;
  modelId: string;
  settings: CollectorSettings;
  paused: boolean;
  waiting: WaitingByPriority;
  /** Epoch ms of the latest arrival. */
  newestAt?: number;
  coming: Record<string, ComingDocuments>;
  /** Records per enqueued first round, to estimate what announced documents will bring. */
  arrivals: { documents: number; records: number };
  /** Records arrived from announced corpora since `since` (epoch ms): the rate at which a corpus's records come. */
  intake?: { since: number; records: number };
  /** Job start-up time seen on finished jobs (a moving average), in ms. */
  jobStartupMs?: number;
  /** Records per second one job processed, seen on finished jobs (a moving average). */
  jobRecordsPerSecond?: number;
  activeJobs: ActiveJob[];
  nextSequence: number;
  stats: CollectorStats;
}

/** Where a corpus's documents come from. */
export type CorpusSource =
  | { kind: 'uris'; uris: DocumentSource[] }
  | { kind: 'prefix'; prefixUri: string }
  /** Local files, readable by the workers (embedded mode): uploaded to the store when the manifest is made. */
  | { kind: 'paths'; paths: string[] }
  /** A list of paths or sources written to the store by the client (`corpora/<batchId>/sources.json`), so a corpus
   * of any size starts with a small input. */
  | { kind: 'listed'; key: string };

export interface AnalyzeCorpusInput {
  batchId: string;
  source: CorpusSource;
  priority: Priority;
  settings: PipelineSettings;
  /**
   * Most documents in flight at once. Records in flight follow Bedrock's quotas (job slots x records per job);
   * this caps the documents that takes, to bound worker and server load.
   */
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

/** Where records went and what they cost, for people who pay the bill: per document and per corpus. */
export interface CostTotals {
  tokens: TokenUsage;
  /** What was paid (batch price for batch records, on-demand price for the rest). */
  costUsd: number;
  /** What the same tokens would have cost on-demand. */
  onDemandUsd: number;
  /** Chunk results that came through batch inference / on-demand (all rounds). */
  batchChunks: number;
  onDemandChunks: number;
  /** Why records went on-demand, with how many. */
  onDemandReasons: Record<string, number>;
}

export interface CorpusResumeState {
  manifestCount: number;
  nextOffset: number;
  /** Manifest entries [0, announced) the collector has been told are coming. */
  announced?: number;
  counts: CorpusCounts;
  costs: CostTotals;
  chunks: number;
  startedAt: string;
  failureReasons: Record<string, number>;
  /** Manifest entries whose end has been counted, as hex of a bit set (a document reported twice counts once). */
  finished: string;
}

export interface CorpusProgress {
  batchId: string;
  stage: 'listing' | 'running' | 'summarizing' | 'completed' | 'cancelled';
  counts: CorpusCounts;
  tokens: TokenUsage;
  costUsd: number;
  costs: CostTotals;
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
  costs: CostTotals;
  failureReasons: Record<string, number>;
  startedAt: string;
}

export interface CorpusOutcome {
  batchId: string;
  counts: CorpusCounts;
  tokens: TokenUsage;
  costUsd: number;
  costs: CostTotals;
  summaryUri: string;
  csvUri: string;
  reportUri: string;
}
