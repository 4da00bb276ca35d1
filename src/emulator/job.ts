import type { JobFate } from './faults';

export const JOB_STATUSES = [
  'Submitted',
  'InProgress',
  'Completed',
  'Failed',
  'Stopping',
  'Stopped',
  'PartiallyCompleted',
  'Expired',
  'Validating',
  'Scheduled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  'Completed',
  'PartiallyCompleted',
  'Failed',
  'Stopped',
  'Expired',
]);

/** The statuses that hold one of the model's job slots. */
export const ACTIVE_STATUSES: ReadonlySet<JobStatus> = new Set([
  'Submitted',
  'Validating',
  'Scheduled',
  'InProgress',
  'Stopping',
]);

/** The validated fields of a CreateModelInvocationJob request. */
export interface JobRequest {
  jobName: string;
  roleArn: string;
  modelId: string;
  clientRequestToken?: string;
  inputDataConfig: { s3InputDataConfig: { s3Uri: string; s3InputFormat?: string; s3BucketOwner?: string } };
  outputDataConfig: { s3OutputDataConfig: { s3Uri: string; s3EncryptionKeyId?: string; s3BucketOwner?: string } };
  timeoutDurationInHours: number;
  modelInvocationType: 'InvokeModel' | 'Converse';
  vpcConfig?: { subnetIds: string[]; securityGroupIds: string[] };
  tags?: { key: string; value: string }[];
}

/** One input record as read in the Validating phase. */
export interface InputRecord {
  recordId: string;
  modelInput: unknown;
  /** The input file (its name, without the prefix) the record came from. */
  file: string;
}

/** One line of a `.out` file. */
export type OutputLine =
  | { recordId: string; modelInput: unknown; modelOutput: unknown }
  | { recordId: string; modelInput: unknown; error: { errorCode: number; errorMessage: string } };

export type Tag = { key: string; value: string };

/** What the output holds durably: the first `records` records of the input, their outcomes and tokens. */
export interface WrittenProgress {
  records: number;
  succeeded: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
}

/** The part of a job that is saved on every change and survives an emulator restart. */
export interface PersistedJob {
  id: string;
  arn: string;
  request: JobRequest;
  tags: Tag[];
  fate: JobFate;
  status: JobStatus;
  message?: string;
  submitTime: number;
  lastModifiedTime: number;
  endTime?: number;
  /** After this instant a job that has not finished ends (Expired, or PartiallyCompleted when it was running). */
  expiresAt: number;
  /** When the current status began. */
  statusSince: number;
  /** The records the Validating phase counted (0 before). */
  totalRecords: number;
  written: WrittenProgress;
}

export interface Job extends PersistedJob {
  /** Set once the Validating phase (or a restart) has read the input. */
  records?: InputRecord[];
  inputFiles?: string[];
  validationError?: string;
  /** The processed records, in input order: a prefix of `records`. */
  results: OutputLine[];
  successCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  /** Where the record clock of an InProgress job starts: `from` records were done at `since`. */
  runClock: { since: number; from: number };
  /** When the output was last written. */
  outputWrittenAt: number;
  /** An asynchronous step (reading input, writing output) is under way: the engine waits for it. */
  busy: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The job as GetModelInvocationJob and ListModelInvocationJobs return it. */
export function describeJob(job: Job): Record<string, unknown> {
  const r = job.request;
  return {
    jobArn: job.arn,
    jobName: r.jobName,
    modelId: r.modelId,
    ...(r.clientRequestToken === undefined ? {} : { clientRequestToken: r.clientRequestToken }),
    roleArn: r.roleArn,
    status: job.status,
    ...(job.message === undefined ? {} : { message: job.message }),
    submitTime: iso(job.submitTime),
    lastModifiedTime: iso(job.lastModifiedTime),
    ...(job.endTime === undefined ? {} : { endTime: iso(job.endTime) }),
    inputDataConfig: r.inputDataConfig,
    outputDataConfig: r.outputDataConfig,
    ...(r.vpcConfig === undefined ? {} : { vpcConfig: r.vpcConfig }),
    timeoutDurationInHours: r.timeoutDurationInHours,
    jobExpirationTime: iso(job.expiresAt),
    modelInvocationType: r.modelInvocationType,
    // AWS shows the counters from submission: 0 until the Validating phase has counted the records.
    totalRecordCount: job.totalRecords,
    processedRecordCount: job.successCount + job.errorCount,
    successRecordCount: job.successCount,
    errorRecordCount: job.errorCount,
  };
}
