import { randomInt } from 'node:crypto';
import { isDocflowError } from '../core/errors';
import { modelFamily } from '../core/codecs';
import type { CompletionRequest } from '../core/offline-model/types';
import type { ObjectStore } from '../store/object-store';
import type { Counters } from './counters';
import { notFound, quotaExceeded, validationError } from './errors';
import type { Faults } from './faults';
import { InputRejected, readJobInput } from './job-input';
import { writeJobOutput } from './job-output';
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from './job';
import type { InputRecord, Job, JobRequest, JobStatus } from './job';
import { answerModelRequest, decodeModelRequest } from './model-invocation';
import type { RequestFormat } from './model-invocation';
import type { EmulatorConfig, ModelFunction } from './options';
import type { ListQuery } from './validation';

/** Bedrock's default when a create request leaves the timeout out. */
const DEFAULT_TIMEOUT_HOURS = 24;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface EngineDeps {
  config: EmulatorConfig;
  store: ObjectStore;
  model: ModelFunction;
  faults: Faults;
  counters: Counters;
}

/**
 * The batch jobs and their status machine: Submitted → Validating → Scheduled → InProgress → Completed |
 * PartiallyCompleted | Failed, Stopping → Stopped, Expired. As on AWS, a job whose records failed still ends
 * Completed (the errors are lines of the output), a running job cut off by its timeout ends PartiallyCompleted, and
 * only a job that never left Scheduled ends Expired. A timer advances every job each `tickMs`.
 */
export class JobEngine {
  private readonly jobs = new Map<string, Job>();
  private readonly jobsByToken = new Map<string, string>();
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: EngineDeps) {}

  start(): void {
    this.timer = setInterval(() => this.tick(Date.now()), this.deps.config.timings.tickMs);
  }

  /** Stops the clock and waits for any read or write under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.pending]);
  }

  /** Forgets every job (for a test that wants a clean slate). */
  async clear(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    this.jobs.clear();
    this.jobsByToken.clear();
  }

  /** CreateModelInvocationJob after the request's shape was validated. A repeated token returns the original job. */
  create(request: JobRequest): string {
    const token = request.clientRequestToken;
    const existing = token === undefined ? undefined : this.jobsByToken.get(token);
    if (existing !== undefined) {
      this.deps.counters.increment('duplicateTokensSeen');
      return (this.jobs.get(existing) as Job).arn;
    }
    const active = [...this.jobs.values()].filter(
      (j) => j.request.modelId === request.modelId && ACTIVE_STATUSES.has(j.status),
    );
    const limit = this.deps.config.quotas.maxActiveJobsPerModel;
    if (active.length >= limit) {
      throw quotaExceeded(
        `You have reached the limit of ${limit} submitted and in-progress batch inference jobs for model ${request.modelId}. ` +
          'Wait for a job to finish or request a quota increase.',
      );
    }
    const now = Date.now();
    const id = this.newId();
    const { region, accountId, timings } = this.deps.config;
    const timeoutHours = request.timeoutDurationInHours ?? DEFAULT_TIMEOUT_HOURS;
    const job: Job = {
      id,
      arn: `arn:aws:bedrock:${region}:${accountId}:model-invocation-job/${id}`,
      request: {
        ...request,
        timeoutDurationInHours: timeoutHours,
        modelInvocationType: request.modelInvocationType ?? 'InvokeModel',
      },
      fate: this.deps.faults.jobFate(request.jobName),
      status: 'Submitted',
      submitTime: now,
      lastModifiedTime: now,
      statusSince: now,
      expiresAt: now + timeoutHours * timings.hourMs,
      results: [],
      successCount: 0,
      errorCount: 0,
      inputTokens: 0,
      outputTokens: 0,
      busy: false,
    };
    this.jobs.set(id, job);
    if (token !== undefined) this.jobsByToken.set(token, id);
    this.deps.counters.increment('jobsCreated');
    return job.arn;
  }

  get(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (job === undefined) throw notFound(`The model invocation job ${jobId} was not found.`);
    return job;
  }

  /** StopModelInvocationJob: a finished job cannot be stopped (ValidationException, as on AWS); stopping twice is harmless. */
  requestStop(jobId: string): void {
    const job = this.get(jobId);
    if (TERMINAL_STATUSES.has(job.status)) {
      throw validationError(`The model invocation job ${jobId} is ${job.status} and cannot be stopped.`);
    }
    if (job.status !== 'Stopping') this.setStatus(job, 'Stopping', Date.now());
  }

  list(query: ListQuery): { jobs: Job[]; nextToken?: string } {
    const matching = [...this.jobs.values()]
      .filter(
        (j) =>
          (query.statusEquals === undefined || j.status === query.statusEquals) &&
          (query.nameContains === undefined || j.request.jobName.includes(query.nameContains)) &&
          (query.submitTimeAfter === undefined || j.submitTime > query.submitTimeAfter) &&
          (query.submitTimeBefore === undefined || j.submitTime < query.submitTimeBefore),
      )
      // Map order is creation order, so equal submit times keep a stable order across pages.
      .map((job, seq) => ({ job, seq }))
      .sort((a, b) => a.job.submitTime - b.job.submitTime || a.seq - b.seq)
      .map(({ job }) => job);
    if (query.sortOrder === 'Descending') matching.reverse();
    const offset = query.nextToken === undefined ? 0 : decodePageToken(query.nextToken);
    const page = matching.slice(offset, offset + query.maxResults);
    const next = offset + page.length;
    return { jobs: page, ...(next < matching.length ? { nextToken: encodePageToken(next) } : {}) };
  }

  private newId(): string {
    for (;;) {
      let id = '';
      for (let i = 0; i < 12; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      if (!this.jobs.has(id)) return id;
    }
  }

  private tick(now: number): void {
    for (const job of this.jobs.values()) {
      if (!job.busy && !TERMINAL_STATUSES.has(job.status)) this.advance(job, now);
    }
  }

  private advance(job: Job, now: number): void {
    const { timings } = this.deps.config;
    const slow = job.fate.slowFactor;
    const elapsed = now - job.statusSince;
    switch (job.status) {
      case 'Submitted':
        if (elapsed >= timings.submittedMs * slow) {
          this.setStatus(job, 'Validating', now);
          this.runAsync(job, () => this.validate(job));
        }
        return;
      case 'Validating':
        if (elapsed < timings.validatingMs * slow) return;
        if (job.validationError !== undefined) this.finish(job, 'Failed', now, job.validationError);
        else if (job.fate.failMessage !== undefined) this.finish(job, 'Failed', now, job.fate.failMessage);
        else this.setStatus(job, 'Scheduled', now);
        return;
      case 'Scheduled':
        if (now >= this.scheduledDeadline(job) || (job.fate.expire && elapsed >= timings.scheduledMs * slow)) {
          this.finish(
            job,
            'Expired',
            now,
            'The job expired before it could start: it stayed Scheduled past its expiration time.',
          );
        } else if (
          !job.fate.expire &&
          elapsed >= timings.scheduledMs * slow &&
          this.inProgressCount() < timings.concurrentJobs
        ) {
          this.setStatus(job, 'InProgress', now);
        }
        return;
      case 'InProgress':
        this.processDueRecords(job, now);
        // A record that failed is an error line in the output, not a different status: the job Completed.
        if (job.results.length === job.records?.length) this.finishWithOutput(job, 'Completed', undefined);
        else if (now >= job.expiresAt) {
          this.finishWithOutput(
            job,
            'PartiallyCompleted',
            `The job did not finish within its timeout of ${job.request.timeoutDurationInHours} hours; the records processed so far are in the output.`,
          );
        }
        return;
      case 'Stopping':
        if (elapsed >= timings.stoppingMs) this.finishWithOutput(job, 'Stopped', undefined);
        return;
      default:
        return;
    }
  }

  private scheduledDeadline(job: Job): number {
    const { jobExpirationMs } = this.deps.config.timings;
    return jobExpirationMs === undefined ? job.expiresAt : job.submitTime + jobExpirationMs;
  }

  private inProgressCount(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.status === 'InProgress') n++;
    return n;
  }

  private async validate(job: Job): Promise<void> {
    try {
      const input = await readJobInput(
        this.deps.store,
        job.request.inputDataConfig.s3InputDataConfig.s3Uri,
        this.deps.config.quotas,
      );
      job.records = input.records;
      job.inputFiles = input.files;
    } catch (err) {
      if (!(err instanceof InputRejected)) throw err;
      job.validationError = err.message;
    }
    job.lastModifiedTime = Date.now();
  }

  /** Finishes the records the job's rate allows by now (a slow job runs `slowFactor` times slower). */
  private processDueRecords(job: Job, now: number): void {
    const records = job.records ?? [];
    const rate = this.deps.config.timings.recordsPerSecond / job.fate.slowFactor;
    const due = Math.min(records.length, Math.floor(((now - job.statusSince) * rate) / 1000));
    if (due <= job.results.length) return;
    const format: RequestFormat =
      job.request.modelInvocationType === 'Converse' ? 'converse' : modelFamily(job.request.modelId);
    while (job.results.length < due) this.processRecord(job, records[job.results.length] as InputRecord, format);
    job.lastModifiedTime = now;
  }

  private processRecord(job: Job, record: InputRecord, format: RequestFormat): void {
    const { faults, counters, model } = this.deps;
    const { recordId, modelInput } = record;
    const fail = (errorCode: number, errorMessage: string): void => {
      job.results.push({ recordId, modelInput, error: { errorCode, errorMessage } });
      job.errorCount++;
      counters.record(job.id, true, 0, 0);
    };
    if (faults.recordFails(job.id, recordId)) {
      fail(500, 'The model encountered an internal error while processing this record.');
      return;
    }
    let request: CompletionRequest;
    try {
      request = decodeModelRequest(format, modelInput);
    } catch (err) {
      if (!isDocflowError(err)) throw err;
      fail(400, `Malformed input request: ${err.message}, please reformat your input and try again.`);
      return;
    }
    const fault = faults.outputFault(`${job.id}/${recordId}`, recordId);
    const { completion, body } = answerModelRequest(model, format, job.request.modelId, request, fault);
    job.results.push({ recordId, modelInput, modelOutput: body });
    job.successCount++;
    job.inputTokens += completion.inputTokens;
    job.outputTokens += completion.outputTokens;
    counters.record(job.id, false, completion.inputTokens, completion.outputTokens);
  }

  private finishWithOutput(job: Job, status: JobStatus, message: string | undefined): void {
    this.runAsync(job, async () => {
      if (job.results.length > 0) {
        try {
          await writeJobOutput(this.deps.store, job, this.deps.config.seed);
        } catch (err) {
          this.finish(job, 'Failed', Date.now(), `Unable to write the output: ${(err as Error).message}`);
          return;
        }
      }
      this.finish(job, status, Date.now(), message);
    });
  }

  /** Runs an asynchronous step; the engine leaves the job alone until it ends. */
  private runAsync(job: Job, step: () => Promise<void>): void {
    job.busy = true;
    const run = step()
      .catch((err: unknown) => {
        this.finish(job, 'Failed', Date.now(), `Internal error: ${(err as Error).message}`);
      })
      .finally(() => {
        job.busy = false;
        this.pending.delete(run);
      });
    this.pending.add(run);
  }

  private setStatus(job: Job, status: JobStatus, now: number): void {
    job.status = status;
    job.statusSince = now;
    job.lastModifiedTime = now;
  }

  private finish(job: Job, status: JobStatus, now: number, message: string | undefined): void {
    this.setStatus(job, status, now);
    job.endTime = now;
    if (message !== undefined) job.message = message;
  }
}

function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodePageToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw validationError('The provided nextToken is invalid.');
}
