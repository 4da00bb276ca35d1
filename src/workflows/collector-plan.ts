import type { CollectorSettings, JobRecordSlice, RecordGroup } from '../shared/types';

export interface FlushInput {
  pending: RecordGroup[];
  settings: CollectorSettings;
  activeJobs: number;
  now: number;
  flushRequested: boolean;
}

export interface FlushPlan {
  /** Jobs to start now, each a list of record slices (a group may be split across jobs). */
  jobs: JobRecordSlice[][];
  /** Groups that cannot reach the batch minimum in time: their documents invoke them on-demand. */
  onDemand: RecordGroup[];
  onDemandReason: string;
  /** What keeps waiting. */
  remaining: RecordGroup[];
}

/**
 * Decides what the collector does with its waiting records. Pure and deterministic:
 * - full jobs (records or bytes at the per-job maximum) go out whenever a job slot is free;
 * - when the oldest group has waited its maximum, when arrivals have paused for `idleFlushMs` (a stream has stopped,
 *   or a corpus window is full of documents waiting for this job), or when a flush is requested, everything waiting
 *   goes out in as few jobs as the limits allow, evenly sized, provided it reaches Bedrock's minimum per job;
 * - below the minimum, the groups whose wait is over go on-demand, the others keep waiting;
 * - with no free slot, records wait for a job to finish (slots are never exceeded).
 */
export function planFlush(input: FlushInput): FlushPlan {
  const { settings } = input;
  let remaining = input.pending.map((g) => ({ ...g, chunkIndexes: [...g.chunkIndexes] }));
  let slots = Math.max(0, settings.maxConcurrentJobs - input.activeJobs);
  const jobs: JobRecordSlice[][] = [];

  const total = () => remaining.reduce((sum, g) => sum + g.chunkIndexes.length, 0);
  const bytes = () => remaining.reduce((sum, g) => sum + g.bytes, 0);
  const takeJob = (maxRecords = settings.maxRecordsPerJob) => {
    const taken = takeSlices(remaining, maxRecords, settings.maxJobBytes);
    remaining = taken.remaining;
    jobs.push(taken.slices);
    slots--;
  };

  const expired = (g: RecordGroup) =>
    (g.enqueuedAt ?? 0) + (g.priority === 'low' ? settings.lowPriorityMaxWaitMs : settings.maxWaitMs) <= input.now;
  const newest = remaining.reduce((max, g) => Math.max(max, g.enqueuedAt ?? 0), 0);
  const idle =
    (settings.idleFlushMs ?? 0) > 0 &&
    remaining.length > 0 &&
    newest + (settings.idleFlushMs ?? 0) <= input.now &&
    total() >= settings.minRecordsPerJob;
  const due = input.flushRequested || idle || remaining.some(expired);
  if (!due) {
    while (
      slots > 0 &&
      (total() >= settings.maxRecordsPerJob ||
        (total() >= settings.minRecordsPerJob && bytes() >= settings.maxJobBytes))
    ) {
      takeJob();
    }
  }
  let onDemand: RecordGroup[] = [];
  let onDemandReason = '';
  if (due) {
    // Everything waiting goes in the fewest jobs, evenly sized so that no job falls below the minimum.
    const jobCount = Math.ceil(total() / settings.maxRecordsPerJob);
    const evenSize = jobCount > 0 ? Math.ceil(total() / jobCount) : 0;
    const size = evenSize >= settings.minRecordsPerJob ? evenSize : settings.maxRecordsPerJob;
    while (slots > 0 && total() >= settings.minRecordsPerJob)
      takeJob(Math.max(size, Math.min(total(), settings.minRecordsPerJob)));
    const waiting = total();
    if (waiting > 0 && waiting < settings.minRecordsPerJob) {
      onDemand = input.flushRequested ? remaining : remaining.filter(expired);
      remaining = input.flushRequested ? [] : remaining.filter((g) => !expired(g));
      onDemandReason =
        `only ${waiting} records were waiting when the maximum wait ended; ` +
        `a Bedrock batch job needs at least ${settings.minRecordsPerJob}`;
    }
  }
  return { jobs, onDemand, onDemandReason, remaining };
}

/** Takes whole groups, splitting the last one, up to the record and byte limits of one job. */
function takeSlices(
  groups: RecordGroup[],
  maxRecords: number,
  maxBytes: number,
): { slices: JobRecordSlice[]; remaining: RecordGroup[] } {
  const slices: JobRecordSlice[] = [];
  const remaining: RecordGroup[] = [];
  let records = 0;
  let size = 0;
  for (const group of groups) {
    const perRecord = group.chunkIndexes.length > 0 ? group.bytes / group.chunkIndexes.length : 0;
    const byCount = maxRecords - records;
    const byBytes = perRecord > 0 ? Math.floor((maxBytes - size) / perRecord) : Number.MAX_SAFE_INTEGER;
    const room = Math.max(0, Math.min(byCount, byBytes));
    // The first record always goes, so a record larger than the byte limit cannot stall the queue.
    const take =
      slices.length === 0
        ? Math.max(1, Math.min(room, group.chunkIndexes.length))
        : Math.min(room, group.chunkIndexes.length);
    if (take > 0) {
      const { enqueuedAt: _enqueuedAt, ...rest } = group;
      const taken = group.chunkIndexes.slice(0, take);
      slices.push({ ...rest, chunkIndexes: taken, bytes: Math.round(perRecord * take) });
      records += take;
      size += perRecord * take;
    }
    if (take < group.chunkIndexes.length) {
      const left = group.chunkIndexes.slice(take);
      remaining.push({ ...group, chunkIndexes: left, bytes: Math.round(perRecord * left.length) });
    }
  }
  return { slices, remaining };
}
