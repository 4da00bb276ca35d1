import { z } from 'zod';
import type { CompletionRequest, CompletionResponse } from '../core/offline-model/types';
import type { ObjectStore } from '../store/object-store';
import { DEFAULT_BATCH_MODELS } from './batch-models';
import { faultsSchema } from './faults';

const ms = z.number().int().min(0);
const positive = z.number().int().min(1);

/** How fast jobs move through the status machine. Real Bedrock takes minutes to hours; tests use milliseconds. */
export const timingsSchema = z
  .object({
    submittedMs: ms.default(500),
    validatingMs: ms.default(1_000),
    scheduledMs: ms.default(1_000),
    stoppingMs: ms.default(500),
    /** Records finished per second by one job in InProgress. */
    recordsPerSecond: z.number().positive().default(50),
    /** How often the engine advances jobs: the granularity of every duration above. */
    tickMs: positive.default(50),
    /** The length of one emulated hour, for `timeoutDurationInHours` (a job still running then ends Expired). */
    hourMs: positive.default(3_600_000),
    /** A job still Scheduled this long after submission ends Expired; default: its timeout. */
    jobExpirationMs: positive.optional(),
    /** How often, at most, a running job's output is rewritten with the records finished since. */
    outputIntervalMs: ms.default(1_000),
    /** Jobs InProgress at once across the emulator; the others wait in Scheduled. */
    concurrentJobs: positive.default(10),
  })
  .strict();

/** Bedrock batch inference quotas per model (AWS defaults). */
export const quotasSchema = z
  .object({
    minRecordsPerJob: positive.default(100),
    maxRecordsPerFile: positive.default(50_000),
    maxRecordsPerJob: positive.default(50_000),
    maxFileBytes: positive.default(1024 ** 3),
    maxJobBytes: positive.default(5 * 1024 ** 3),
    /** Submitted + in-progress jobs per model; one more is ServiceQuotaExceededException. */
    maxActiveJobsPerModel: positive.default(20),
  })
  .strict();

/** On-demand (bedrock-runtime) quotas per model. */
export const runtimeQuotasSchema = z
  .object({
    requestsPerMinute: positive.default(1_000),
    tokensPerMinute: positive.default(2_000_000),
    /** The sliding window both quotas are counted over. */
    windowMs: positive.default(60_000),
  })
  .strict();

export const emulatorOptionsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port. */
    port: z.number().int().min(0).max(65_535).default(0),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
      .default('us-east-1'),
    accountId: z
      .string()
      .regex(/^\d{12}$/)
      .default('123456789012'),
    /**
     * Where the emulator saves its jobs (`jobs/<id>.json` under it), in its store: an emulator started on the same
     * store and state URI carries on with every job the last one knew.
     */
    stateUri: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must look like s3://bucket[/prefix]')
      .default('s3://docflow/_emulator/'),
    /** The model ids and inference profiles a batch job may name; any other is a ValidationException. */
    batchModels: z
      .array(z.string().min(1))
      .min(1)
      .default([...DEFAULT_BATCH_MODELS]),
    /** Seeds every fault draw and output shuffle: the same seed replays the same scenario. */
    seed: z.number().int().default(1),
    timings: timingsSchema.default({}),
    quotas: quotasSchema.default({}),
    runtime: runtimeQuotasSchema.default({}),
    faults: faultsSchema.default({}),
  })
  .strict();

export type ModelFunction = (req: CompletionRequest) => CompletionResponse;

export type EmulatorOptionsInput = z.input<typeof emulatorOptionsSchema> & {
  /** Where jobs read their input and write their output (`s3://bucket/key` in both backends). */
  store: ObjectStore;
  /** The model that answers; default: docflow's deterministic offline model. */
  model?: ModelFunction;
};

export type EmulatorConfig = z.output<typeof emulatorOptionsSchema>;
export type Timings = EmulatorConfig['timings'];
export type Quotas = EmulatorConfig['quotas'];
