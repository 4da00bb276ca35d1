import { z } from 'zod';

/**
 * Every docflow setting, declared once: its key (as written in the config file and shown by `docflow config`),
 * its environment variable, its type with validation, its default and what it means. DESIGN rule 6: every
 * limit is configuration with a sane default.
 */
export interface SettingSpec<T extends z.ZodTypeAny = z.ZodTypeAny> {
  key: string;
  env: string[];
  schema: T;
  default: z.infer<T> | undefined;
  description: string;
  /** Never printed: shown as `***` by `docflow config`. */
  secret?: boolean;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max = Number.MAX_VALUE) => z.coerce.number().min(min).max(max);
const bool = z.preprocess(
  (v) => (typeof v === 'string' ? !['false', '0', 'no', 'off', ''].includes(v.toLowerCase()) : v),
  z.boolean(),
);
const str = z.string().min(1);
const optionalStr = z.string().min(1).optional();
const list = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string().min(1)),
);

function spec<T extends z.ZodTypeAny>(
  key: string,
  env: string | string[],
  schema: T,
  dflt: z.infer<T> | undefined,
  description: string,
  secret = false,
): SettingSpec<T> {
  return { key, env: Array.isArray(env) ? env : [env], schema, default: dflt, description, secret };
}

export const SETTINGS = [
  // Temporal
  spec(
    'temporal.address',
    ['TEMPORAL_ADDRESS', 'DOCFLOW_TEMPORAL_ADDRESS'],
    optionalStr,
    undefined,
    'Temporal frontend host:port. Unset: docflow starts an embedded dev server.',
  ),
  spec(
    'temporal.namespace',
    ['TEMPORAL_NAMESPACE', 'DOCFLOW_TEMPORAL_NAMESPACE'],
    str,
    'default',
    'Temporal namespace.',
  ),
  spec('temporal.apiKey', ['TEMPORAL_API_KEY'], optionalStr, undefined, 'API key (Temporal Cloud); implies TLS.', true),
  spec('temporal.tls', 'DOCFLOW_TEMPORAL_TLS', bool, false, 'Connect to Temporal over TLS.'),
  spec('temporal.taskQueue', 'DOCFLOW_TASK_QUEUE', str, 'docflow', 'Task queue of workflows and pipeline activities.'),
  spec(
    'temporal.bedrockTaskQueue',
    'DOCFLOW_BEDROCK_TASK_QUEUE',
    str,
    'docflow-bedrock',
    'Task queue of Bedrock-facing activities (rate-limited queue-wide).',
  ),
  // Embedded mode
  spec(
    'embedded.dataDir',
    'DOCFLOW_DATA_DIR',
    str,
    '.docflow',
    'Where the embedded mode keeps its SQLite file, store and logs.',
  ),
  spec('embedded.temporalPort', 'DOCFLOW_TEMPORAL_PORT', int(1, 65535), 7233, 'Embedded Temporal gRPC port.'),
  spec('embedded.uiPort', 'DOCFLOW_UI_PORT', int(1, 65535), 8233, 'Embedded Temporal Web UI port.'),
  spec('embedded.emulatorPort', 'DOCFLOW_EMULATOR_PORT', int(0, 65535), 8787, 'Embedded Bedrock emulator port.'),
  // Object store
  spec(
    'store.uri',
    'DOCFLOW_STORE',
    str,
    's3://docflow',
    'Store root as s3://bucket[/prefix]. With store.kind=file the bucket is a folder under store.fileRoot.',
  ),
  spec('store.kind', 'DOCFLOW_STORE_KIND', z.enum(['file', 's3']), 'file', 'file (local folder) or s3.'),
  spec('store.fileRoot', 'DOCFLOW_STORE_ROOT', str, '.docflow/store', 'Folder of the file store (store.kind=file).'),
  spec(
    'store.s3Endpoint',
    ['DOCFLOW_S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3'],
    optionalStr,
    undefined,
    'S3 endpoint override (S3-compatible servers).',
  ),
  spec('store.s3ForcePathStyle', 'DOCFLOW_S3_FORCE_PATH_STYLE', bool, false, 'Path-style S3 addressing.'),
  // AWS / Bedrock
  spec('aws.region', ['AWS_REGION', 'AWS_DEFAULT_REGION'], str, 'us-east-1', 'AWS region of Bedrock and S3.'),
  spec(
    'bedrock.endpoint',
    ['DOCFLOW_BEDROCK_ENDPOINT', 'AWS_ENDPOINT_URL_BEDROCK'],
    optionalStr,
    undefined,
    'Bedrock control-plane endpoint override (the emulator).',
  ),
  spec(
    'bedrock.runtimeEndpoint',
    ['DOCFLOW_BEDROCK_RUNTIME_ENDPOINT', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME'],
    optionalStr,
    undefined,
    'bedrock-runtime endpoint override (defaults to bedrock.endpoint when that is set).',
  ),
  spec(
    'bedrock.roleArn',
    'DOCFLOW_BATCH_ROLE_ARN',
    optionalStr,
    undefined,
    'IAM role Bedrock assumes to read job input and write output (required on AWS).',
  ),
  spec(
    'bedrock.modelId',
    'DOCFLOW_MODEL',
    str,
    'anthropic.claude-3-haiku-20240307-v1:0',
    'Model id or inference profile.',
  ),
  spec(
    'bedrock.requestsPerSecond',
    'DOCFLOW_BEDROCK_RPS',
    num(0.01),
    5,
    'Bedrock-facing activity starts per second across all workers (protects the account quota).',
  ),
  // Worker processes
  spec(
    'worker.maxConcurrentActivities',
    'DOCFLOW_WORKER_MAX_ACTIVITIES',
    int(1, 10_000),
    32,
    'Activities (and local activities) one worker process runs at once on the main task queue; extraction is CPU-bound, so more than a few per core only adds memory.',
  ),
  spec(
    'worker.maxCachedWorkflows',
    'DOCFLOW_WORKER_MAX_CACHED_WORKFLOWS',
    int(2, 100_000),
    1_000,
    'Workflows one worker process keeps in memory between their tasks; others are replayed from history when they wake (documents waiting for a batch job are cheap to replay).',
  ),
  // Pipeline
  spec(
    'pipeline.task',
    'DOCFLOW_TASK',
    str,
    'contract-review',
    'Task id: contract-review, summarize, extract-entities, or a user task.',
  ),
  spec('pipeline.taskFiles', 'DOCFLOW_TASK_FILES', list, [], 'User task definitions (JSON files) to load.'),
  spec(
    'pipeline.mode',
    'DOCFLOW_MODE',
    z.enum(['batch', 'on-demand']),
    'batch',
    'batch (falls back to on-demand below the minimum) or on-demand.',
  ),
  spec(
    'pipeline.priority',
    'DOCFLOW_PRIORITY',
    z.enum(['high', 'normal', 'low']),
    'normal',
    'Default document priority.',
  ),
  spec('pipeline.chunkMaxTokens', 'DOCFLOW_CHUNK_MAX_TOKENS', int(100), 6000, 'Maximum estimated tokens per chunk.'),
  spec(
    'pipeline.chunkOverlapTokens',
    'DOCFLOW_CHUNK_OVERLAP_TOKENS',
    int(0),
    200,
    'Overlap between consecutive chunks.',
  ),
  spec(
    'pipeline.maxRecordAttempts',
    'DOCFLOW_MAX_RECORD_ATTEMPTS',
    int(1, 50),
    3,
    'Submissions of one chunk before it fails.',
  ),
  spec(
    'pipeline.onDemandConcurrency',
    'DOCFLOW_ON_DEMAND_CONCURRENCY',
    int(1, 256),
    4,
    'On-demand calls in flight per document.',
  ),
  spec(
    'pipeline.documentTimeoutMs',
    'DOCFLOW_DOCUMENT_TIMEOUT_MS',
    int(1000),
    72 * 3600_000,
    'A document not finished after this fails.',
  ),
  spec(
    'pipeline.corpusWindow',
    'DOCFLOW_CORPUS_WINDOW',
    int(1, 100_000),
    5_000,
    "Most documents of a corpus in flight at once. Records in flight follow Bedrock's quotas (job slots x records per job); this bounds the documents that takes.",
  ),
  spec('pipeline.notify', 'DOCFLOW_NOTIFY', bool, true, 'Send notifications on completion and failure.'),
  // Batch collector and jobs
  spec(
    'batch.minRecordsPerJob',
    'DOCFLOW_MIN_RECORDS_PER_JOB',
    int(1),
    100,
    'Bedrock minimum records per job (100 on AWS).',
  ),
  spec('batch.maxRecordsPerJob', 'DOCFLOW_MAX_RECORDS_PER_JOB', int(1), 50_000, 'Records per job at most.'),
  spec(
    'batch.maxJobBytes',
    'DOCFLOW_MAX_JOB_BYTES',
    int(1),
    1_000_000_000,
    'Input bytes per job at most (one input file, 1 GB on AWS).',
  ),
  spec('batch.maxConcurrentJobs', 'DOCFLOW_MAX_CONCURRENT_JOBS', int(1), 20, 'Submitted + in-progress jobs per model.'),
  spec(
    'batch.maxWaitMs',
    'DOCFLOW_BATCH_MAX_WAIT_MS',
    int(0),
    300_000,
    'Longest wait of a normal-priority record before a flush.',
  ),
  spec(
    'batch.idleFlushMs',
    'DOCFLOW_BATCH_IDLE_FLUSH_MS',
    int(0),
    30_000,
    "How long a corpus's announced documents are expected with none arriving; then their records stop holding jobs back (0: the maximum wait).",
  ),
  spec(
    'batch.jobStartupMs',
    'DOCFLOW_BATCH_JOB_STARTUP_MS',
    int(0),
    300_000,
    'Expected time from creating a Bedrock job to its first processed record, until jobs have shown it: a free job slot takes a smaller job rather than stay idle longer than this waiting for a full one.',
  ),
  spec('batch.lowPriorityMaxWaitMs', 'DOCFLOW_BATCH_LOW_MAX_WAIT_MS', int(0), 3_600_000, 'The same for low priority.'),
  spec('batch.jobTimeoutHours', 'DOCFLOW_JOB_TIMEOUT_HOURS', int(24, 168), 24, 'timeoutDurationInHours of each job.'),
  spec('batch.pollInitialMs', 'DOCFLOW_POLL_INITIAL_MS', int(10), 30_000, 'First poll interval of a job.'),
  spec('batch.pollMaxMs', 'DOCFLOW_POLL_MAX_MS', int(10), 600_000, 'Longest poll interval.'),
  spec('batch.pollBackoff', 'DOCFLOW_POLL_BACKOFF', num(1, 10), 1.5, 'Poll interval growth factor.'),
  spec(
    'batch.maxJobAttempts',
    'DOCFLOW_MAX_JOB_ATTEMPTS',
    int(1, 20),
    3,
    'Creations of a job whose earlier attempt Failed.',
  ),
  spec(
    'batch.continueAsNewAfterEvents',
    'DOCFLOW_CONTINUE_AS_NEW_EVENTS',
    int(100, 50_000),
    2_000,
    'History events (signals counted) before a long-lived workflow continues as new (a short history replays quickly when another worker picks it up).',
  ),
  // Notifications
  spec('notify.webhookUrls', 'DOCFLOW_WEBHOOK_URLS', list, [], 'Webhook endpoints for completion and failure events.'),
  spec(
    'notify.webhookSecret',
    'DOCFLOW_WEBHOOK_SECRET',
    optionalStr,
    undefined,
    'HMAC-SHA256 signing secret of webhooks.',
    true,
  ),
  spec('notify.snsTopicArns', 'DOCFLOW_SNS_TOPIC_ARNS', list, [], 'SNS topics for completion and failure events.'),
  spec('notify.snsEndpoint', 'DOCFLOW_SNS_ENDPOINT', optionalStr, undefined, 'SNS endpoint override.'),
] as const;

export type SettingKey = (typeof SETTINGS)[number]['key'];
