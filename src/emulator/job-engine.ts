import { randomInt } from 'node:crypto';
import { isDocflowError } from '../core/errors';
import { modelFamily } from '../core/codecs';
import type { CompletionRequest } from '../core/offline-model/types';
import type { ObjectStore } from '../store/object-store';
import type { Counters } from './counters';
import { notFound, quotaExceeded, validationError } from './errors';
import type { Faults } from './faults';
import { InputRejected, readJobInput } from './job-input';
import { readJobOutput, writeJobOutput } from './job-output';
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from './job';
import type { InputRecord, Job, JobRequest, JobStatus, OutputLine, PersistedJob, Tag } from './job';
import type { JobStateStore } from './job-state';
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
  state: JobStateStore;
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

  /**
   * Loads every saved job, then starts the clock. A job that was past Submitted reads its input again, and a running
   * one takes back the results its output already holds and goes on from there.
   */
  async start(): Promise<void> {
    const saved = await this.deps.state.loadAll();
    saved.sort((a, b) => a.submitTime - b.submitTime);
    for (const state of saved) {
      const job = jobFromState(state);
      this.jobs.set(job.id, job);
      if (job.request.clientRequestToken !== undefined) this.jobsByToken.set(job.request.clientRequestToken, job.id);
    }
    for (const job of this.jobs.values()) await this.resume(job);
    this.timer = setInterval(() => this.tick(Date.now()), this.deps.config.timings.tickMs);
  }

  /** Stops the clock and waits for any read or write under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.pending]);
    await this.deps.state.settled();
  }

  /** Forgets every job, saved ones too (for a test that wants a clean slate). */
  async clear(): Promise<void> {
    // Out of the map first, so that no tick saves a job again while its state is being deleted.
    this.jobs.clear();
    this.jobsByToken.clear();
    await Promise.allSettled([...this.pending]);
    await this.deps.state.deleteAll();
  }

  /**
   * CreateModelInvocationJob after the request's shape was validated. A repeated token returns the original job.
   * The job is saved before its ARN is returned, so no restart can lose a job a caller was told about.
   */
  async create(request: JobRequest): Promise<string> {
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
    const { tags = [], ...fields } = request;
    const timeoutHours = request.timeoutDurationInHours ?? DEFAULT_TIMEOUT_HOURS;
    const job = jobFromState({
      id,
      arn: `arn:aws:bedrock:${region}:${accountId}:model-invocation-job/${id}`,
      request: {
        ...fields,
        timeoutDurationInHours: timeoutHours,
        modelInvocationType: request.modelInvocationType ?? 'InvokeModel',
      },
      tags,
      fate: this.deps.faults.jobFate(request.jobName),
      status: 'Submitted',
      submitTime: now,
      lastModifiedTime: now,
      statusSince: now,
      expiresAt: now + timeoutHours * timings.hourMs,
      totalRecords: 0,
      written: { records: 0, succeeded: 0, failed: 0, inputTokens: 0, outputTokens: 0 },
    });
    this.jobs.set(id, job);
    if (token !== undefined) this.jobsByToken.set(token, id);
    try {
      await this.deps.state.save(job);
    } catch (err) {
      this.jobs.delete(id);
      if (token !== undefined) this.jobsByToken.delete(token);
      throw err;
    }
    this.deps.counters.increment('jobsCreated');
    return job.arn;
  }

  get(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (job === undefined) throw notFound(`The model invocation job ${jobId} was not found.`);
    return job;
  }

  /** Replaces the job's tags; resolves once they are saved. */
  async setTags(jobId: string, tags: Tag[]): Promise<void> {
    const job = this.get(jobId);
    job.tags = tags;
    await this.deps.state.save(job);
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
          job.runClock = { since: now, from: 0 };
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
        } else if (this.outputDue(job, now)) this.runAsync(job, () => this.writeOutput(job, { final: false }));
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
    await this.readInput(job);
    job.lastModifiedTime = Date.now();
  }

  private async readInput(job: Job): Promise<void> {
    try {
      const input = await readJobInput(
        this.deps.store,
        job.request.inputDataConfig.s3InputDataConfig.s3Uri,
        this.deps.config.quotas,
      );
      job.records = input.records;
      job.inputFiles = input.files;
      job.totalRecords = input.records.length;
    } catch (err) {
      if (!(err instanceof InputRejected)) throw err;
      job.validationError = err.message;
    }
  }

  /** A restored job that was past Submitted needs its input again; a running one, the results it had written. */
  private async resume(job: Job): Promise<void> {
    if (job.status === 'Submitted' || TERMINAL_STATUSES.has(job.status)) return;
    // A job caught Validating reads its input again and ends the phase as it would have.
    await this.readInput(job);
    if (job.status === 'Validating') return;
    if (job.validationError !== undefined) {
      this.finish(job, 'Failed', Date.now(), `The input data can no longer be read: ${job.validationError}`);
      return;
    }
    if (job.status !== 'InProgress' && job.status !== 'Stopping') return;
    const written = await readJobOutput(this.deps.store, job);
    job.successCount = 0;
    job.errorCount = 0;
    for (const record of (job.records ?? []).slice(0, job.written.records)) {
      const line = written.get(record.recordId);
      if (line === undefined) break;
      this.addResult(job, line);
    }
    job.runClock = { since: Date.now(), from: job.results.length };
  }

  /** Finishes the records the job's rate allows by now (a slow job runs `slowFactor` times slower). */
  private processDueRecords(job: Job, now: number): void {
    const records = job.records ?? [];
    const rate = this.deps.config.timings.recordsPerSecond / job.fate.slowFactor;
    const { since, from } = job.runClock;
    const due = Math.min(records.length, from + Math.floor(((now - since) * rate) / 1000));
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
      this.addResult(job, { recordId, modelInput, error: { errorCode, errorMessage } });
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
    this.addResult(job, { recordId, modelInput, modelOutput: body });
    job.inputTokens += completion.inputTokens;
    job.outputTokens += completion.outputTokens;
    counters.record(job.id, false, completion.inputTokens, completion.outputTokens);
  }

  private addResult(job: Job, line: OutputLine): void {
    job.results.push(line);
    if ('error' in line) job.errorCount++;
    else job.successCount++;
  }

  /**
   * A running job's output is rewritten as records finish, at most every `outputIntervalMs`, and only once it would
   * grow by a quarter: each rewrite copies the whole file, and growing steps keep the bytes written to a few times
   * the output's size.
   */
  private outputDue(job: Job, now: number): boolean {
    const done = job.results.length;
    const written = job.written.records;
    return (
      done > written &&
      now - job.outputWrittenAt >= this.deps.config.timings.outputIntervalMs &&
      done - written >= Math.max(1, written / 4)
    );
  }

  /** Writes the output of the records processed so far (with the manifest when the job ends), then saves how far it goes. */
  private async writeOutput(job: Job, { final }: { final: boolean }): Promise<void> {
    const progress = {
      records: job.results.length,
      succeeded: job.successCount,
      failed: job.errorCount,
      inputTokens: job.inputTokens,
      outputTokens: job.outputTokens,
    };
    await writeJobOutput(this.deps.store, job, this.deps.config.seed, { manifest: final });
    job.written = progress;
    job.outputWrittenAt = Date.now();
    await this.deps.state.save(job);
  }

  private finishWithOutput(job: Job, status: JobStatus, message: string | undefined): void {
    this.runAsync(job, async () => {
      if (job.results.length > 0) {
        try {
          await this.writeOutput(job, { final: true });
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

  /** Every change of status is saved: a restarted emulator resumes the job from it. */
  private setStatus(job: Job, status: JobStatus, now: number, ended?: { message: string | undefined }): void {
    job.status = status;
    job.statusSince = now;
    job.lastModifiedTime = now;
    if (ended !== undefined) {
      job.endTime = now;
      if (ended.message !== undefined) job.message = ended.message;
    }
    // A failed save is not fatal: the next one carries a newer state anyway.
    this.deps.state.save(job).catch(() => undefined);
  }

  private finish(job: Job, status: JobStatus, now: number, message: string | undefined): void {
    this.setStatus(job, status, now, { message });
  }
}

/**
 * A job from its saved (or first) state: its counts are those its output holds, and it has no records or results
 * until its input and output are read again.
 */
function jobFromState(state: PersistedJob): Job {
  return {
    ...state,
    results: [],
    successCount: state.written.succeeded,
    errorCount: state.written.failed,
    inputTokens: state.written.inputTokens,
    outputTokens: state.written.outputTokens,
    runClock: { since: state.statusSince, from: 0 },
    outputWrittenAt: 0,
    busy: false,
  };
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
