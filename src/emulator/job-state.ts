import type { ObjectStore } from '../store/object-store';
import { joinUri } from '../store/uri';
import type { Job, PersistedJob } from './job';

/**
 * Every job's state as one object, `<stateUri>jobs/<id>.json`, rewritten on each change, so that an emulator
 * started on the same store picks up every job where the last one left it. Records and results are not in it:
 * they are re-read from the job's input and from the output already written.
 */
export class JobStateStore {
  /** The last write of each job: writes of one job run in order, each with the job's state when it starts. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly stateUri: string,
  ) {}

  private jobsPrefix(): string {
    return joinUri(this.stateUri, 'jobs/');
  }

  private jobUri(id: string): string {
    return joinUri(this.stateUri, 'jobs', `${id}.json`);
  }

  /** Writes the job's current state after any earlier write of it; resolves when this write is durable. */
  save(job: Job): Promise<void> {
    const previous = this.writes.get(job.id) ?? Promise.resolve();
    const write = previous.then(() =>
      this.store.put(this.jobUri(job.id), JSON.stringify(persisted(job)), { contentType: 'application/json' }),
    );
    // A failed write must not block the next one, which carries a newer state anyway.
    this.writes.set(
      job.id,
      write.catch(() => undefined),
    );
    return write;
  }

  /** Waits for every write under way. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }

  async loadAll(): Promise<PersistedJob[]> {
    const jobs: PersistedJob[] = [];
    for await (const info of this.store.listAll(this.jobsPrefix())) {
      if (!info.key.endsWith('.json')) continue;
      let state: PersistedJob;
      try {
        state = JSON.parse(await this.store.getText(info.uri)) as PersistedJob;
      } catch (err) {
        throw new Error(`Cannot read the emulator's job state ${info.uri}: ${(err as Error).message}`);
      }
      jobs.push(state);
    }
    return jobs;
  }

  /** Forgets every job. */
  async deleteAll(): Promise<void> {
    await this.settled();
    this.writes.clear();
    const uris: string[] = [];
    for await (const info of this.store.listAll(this.jobsPrefix())) uris.push(info.uri);
    await Promise.all(uris.map((uri) => this.store.delete(uri)));
  }
}

function persisted(job: Job): PersistedJob {
  return {
    id: job.id,
    arn: job.arn,
    request: job.request,
    tags: job.tags,
    fate: job.fate,
    status: job.status,
    ...(job.message === undefined ? {} : { message: job.message }),
    submitTime: job.submitTime,
    lastModifiedTime: job.lastModifiedTime,
    ...(job.endTime === undefined ? {} : { endTime: job.endTime }),
    expiresAt: job.expiresAt,
    statusSince: job.statusSince,
    totalRecords: job.totalRecords,
    written: job.written,
  };
}
