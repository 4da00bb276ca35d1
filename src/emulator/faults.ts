import { z } from 'zod';
import { chance, Prng } from './prng';

/** The operations the emulator serves; fault rates can target each one. */
export const OPERATIONS = [
  'CreateModelInvocationJob',
  'GetModelInvocationJob',
  'ListModelInvocationJobs',
  'StopModelInvocationJob',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'InvokeModel',
  'Converse',
] as const;
export type Operation = (typeof OPERATIONS)[number];

const rate = z.number().min(0).max(1);
const count = z.number().int().min(0);

const operationFaultsSchema = z.object({ throttleRate: rate.optional(), serverErrorRate: rate.optional() }).strict();

/**
 * Faults to inject, from configuration or `POST /_docflow/faults`. Rates draw from the seed; the `...Next...`
 * counts, `...Matching` (job name contains) and record id lists target one job or record deterministically.
 */
export const faultsSchema = z
  .object({
    /** Every operation: fraction of requests answered with ThrottlingException (429). */
    throttleRate: rate.default(0),
    /** Every operation: fraction of requests answered with InternalServerException (500). */
    serverErrorRate: rate.default(0),
    /** Per-operation rates, overriding the two above. */
    operations: z.record(z.enum(OPERATIONS), operationFaultsSchema).default({}),

    /** The next n jobs created end Failed after validation. */
    failNextJobs: count.default(0),
    failJobsMatching: z.string().min(1).optional(),
    failJobRate: rate.default(0),
    failJobMessage: z.string().min(1).default('Internal error while processing the batch inference job.'),

    /** The next n jobs stay Scheduled and end Expired without processing a record. */
    expireNextJobs: count.default(0),
    expireJobsMatching: z.string().min(1).optional(),
    expireJobRate: rate.default(0),

    /** Jobs that run `slowJobFactor` times slower (every phase, and the record rate). */
    slowNextJobs: count.default(0),
    slowJobsMatching: z.string().min(1).optional(),
    slowJobRate: rate.default(0),
    slowJobFactor: z.number().min(1).default(10),

    /** Records that end with an `error` object instead of a `modelOutput`. */
    failRecordIds: z.array(z.string()).default([]),
    failRecordRate: rate.default(0),
    /** Records (batch) and invocations (runtime) whose model text is not what was asked for: prose, not JSON. */
    malformedOutputRecordIds: z.array(z.string()).default([]),
    malformedOutputRate: rate.default(0),
    /** Records and invocations whose model text is cut off half-way, with a max_tokens stop. */
    truncatedOutputRecordIds: z.array(z.string()).default([]),
    truncatedOutputRate: rate.default(0),
  })
  .strict();

export type FaultsInput = z.input<typeof faultsSchema>;
export type FaultsConfig = z.output<typeof faultsSchema>;

/** What the faults decided for a job at creation. */
export interface JobFate {
  failMessage?: string;
  expire: boolean;
  slowFactor: number;
}

export type OutputFault = 'malformed' | 'truncated' | undefined;

/** The live fault configuration and the seeded draws made against it. */
export class Faults {
  private config: FaultsConfig;
  private sequence: Prng;
  private nextIds = 0;

  constructor(
    private readonly seed: number,
    input: FaultsInput = {},
  ) {
    this.config = faultsSchema.parse(input);
    this.sequence = new Prng(seed);
  }

  get current(): FaultsConfig {
    return this.config;
  }

  /** Replaces the whole configuration (omitted fields take their defaults) and restarts the draws. */
  set(input: FaultsInput): void {
    this.config = faultsSchema.parse(input);
    this.reseed();
  }

  reseed(): void {
    this.sequence = new Prng(this.seed);
    this.nextIds = 0;
  }

  /** A fault for this request, or undefined to serve it. */
  requestFault(operation: Operation): 'throttle' | 'server-error' | undefined {
    const specific = this.config.operations[operation];
    const throttleRate = specific?.throttleRate ?? this.config.throttleRate;
    const serverErrorRate = specific?.serverErrorRate ?? this.config.serverErrorRate;
    if (throttleRate === 0 && serverErrorRate === 0) return undefined;
    const draw = this.sequence.next();
    if (draw < throttleRate) return 'throttle';
    if (draw < throttleRate + serverErrorRate) return 'server-error';
    return undefined;
  }

  /** Decides, once per created job, whether it fails, expires or runs slowly. */
  jobFate(jobName: string): JobFate {
    const c = this.config;
    const ordinal = this.nextIds++;
    const fail =
      this.take('failNextJobs') ||
      matches(jobName, c.failJobsMatching) ||
      this.draw(c.failJobRate, 'fail', jobName, ordinal);
    const expire =
      !fail &&
      (this.take('expireNextJobs') ||
        matches(jobName, c.expireJobsMatching) ||
        this.draw(c.expireJobRate, 'expire', jobName, ordinal));
    const slow =
      this.take('slowNextJobs') ||
      matches(jobName, c.slowJobsMatching) ||
      this.draw(c.slowJobRate, 'slow', jobName, ordinal);
    return {
      ...(fail ? { failMessage: c.failJobMessage } : {}),
      expire,
      slowFactor: slow ? c.slowJobFactor : 1,
    };
  }

  recordFails(jobId: string, recordId: string): boolean {
    return (
      this.config.failRecordIds.includes(recordId) || this.draw(this.config.failRecordRate, 'record', jobId, recordId)
    );
  }

  /** How to spoil the model's text for this record or invocation (`key` names it), if at all. */
  outputFault(key: string, recordId?: string): OutputFault {
    const c = this.config;
    if (
      (recordId !== undefined && c.malformedOutputRecordIds.includes(recordId)) ||
      this.draw(c.malformedOutputRate, 'malformed', key)
    ) {
      return 'malformed';
    }
    if (
      (recordId !== undefined && c.truncatedOutputRecordIds.includes(recordId)) ||
      this.draw(c.truncatedOutputRate, 'truncated', key)
    ) {
      return 'truncated';
    }
    return undefined;
  }

  private take(field: 'failNextJobs' | 'expireNextJobs' | 'slowNextJobs'): boolean {
    if (this.config[field] === 0) return false;
    this.config = { ...this.config, [field]: this.config[field] - 1 };
    return true;
  }

  private draw(probability: number, ...parts: (string | number)[]): boolean {
    return probability > 0 && chance(this.seed, ...parts) < probability;
  }
}

function matches(name: string, fragment: string | undefined): boolean {
  return fragment !== undefined && name.includes(fragment);
}
