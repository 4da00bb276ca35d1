import { spread } from '../core/job-sizes';
import type { CollectorSettings, WaitingByPriority } from '../shared/types';

export interface PlanInput {
  waiting: WaitingByPriority;
  /** Records expected from documents that corpora have started and that have not enqueued yet. */
  comingRecords: number;
  activeJobs: number;
  settings: CollectorSettings;
  now: number;
  flushRequested: boolean;
}

export interface FlushPlan {
  /** Jobs to claim from the queue now, by record count (each at least Bedrock's minimum). */
  jobs: number[];
  /**
   * Set when everything waiting goes out: the claim spreads what the queue really holds over up to `jobs.length`
   * jobs of at most `maxRecords` each (the collector's count of waiting records may be an estimate).
   */
  spread?: { maxRecords: number };
  /** Set when the waiting tail goes on-demand: the groups whose maximum wait is over. */
  onDemandReason?: string;
  /** When planning again may change the answer without any new signal (a maximum wait ends). */
  wakeAt?: number;
}

/**
 * Decides what the collector does with its waiting records. Pure and deterministic. Bedrock bills tokens, not jobs,
 * so every free job slot is used (DESIGN rule 9):
 * - records known to be coming (documents a corpus has started) set the job size: waiting + coming records spread
 *   over the free slots, so a corpus fills every slot with jobs of even size as its records arrive;
 * - with nothing known to be coming (a stream of single documents), the maximum wait reached, or a flush requested,
 *   everything waiting goes out now, spread over as many free slots as the minimum per job allows;
 * - below the minimum, records go on-demand only when nothing else is coming and their maximum wait is over: never
 *   while a corpus's records are still arriving, never while what waits system-wide reaches the minimum;
 * - with no free slot, records wait for a job to finish (slots are never exceeded).
 */
export function planFlush(input: PlanInput): FlushPlan {
  const { settings, waiting, now } = input;
  const total = waiting.normal.records + waiting.low.records;
  const bytes = waiting.normal.bytes + waiting.low.bytes;
  if (total === 0) return { jobs: [] };

  const expiries = [
    waiting.normal.records > 0 && waiting.normal.oldestAt !== undefined
      ? waiting.normal.oldestAt + settings.maxWaitMs
      : undefined,
    waiting.low.records > 0 && waiting.low.oldestAt !== undefined
      ? waiting.low.oldestAt + settings.lowPriorityMaxWaitMs
      : undefined,
  ].filter((t): t is number => t !== undefined);
  const firstExpiry = expiries.length > 0 ? Math.min(...expiries) : undefined;
  const expired = firstExpiry !== undefined && firstExpiry <= now;
  const min = settings.minRecordsPerJob;
  const perRecordBytes = bytes / total;
  const maxSize = Math.max(
    min,
    Math.min(
      settings.maxRecordsPerJob,
      perRecordBytes > 0 ? Math.floor(settings.maxJobBytes / perRecordBytes) : settings.maxRecordsPerJob,
    ),
  );
  const free = Math.max(0, settings.maxConcurrentJobs - input.activeJobs);
  const coming = Math.max(0, input.comingRecords);
  const sendNow = input.flushRequested || expired || coming === 0;

  const jobs: number[] = [];
  if (free > 0 && total >= min) {
    if (sendNow) {
      const count = Math.min(free, Math.floor(total / min));
      jobs.push(...spread(Math.min(total, count * maxSize), count));
      if (count > 0) return finish(jobs, { maxRecords: maxSize });
    } else {
      // As many jobs as the free slots and the minimum allow for everything expected, evenly sized (rounded down, so
      // the rest is never a tail below the minimum).
      const expected = total + coming;
      const slotsToUse = Math.max(1, Math.min(free, Math.floor(expected / min)));
      const target = clamp(Math.floor(expected / slotsToUse), min, maxSize);
      // Keep twice the minimum for the last jobs, which go out once everything has arrived: the expected count is an
      // estimate, and a short one must not strand a tail below the minimum.
      const reserve = Math.floor(Math.max(0, expected - 2 * min) / target);
      const count = Math.min(free, Math.floor(total / target), reserve);
      for (let i = 0; i < count; i++) jobs.push(target);
    }
  }
  return finish(jobs, undefined);

  function finish(planned: number[], spreadAll: FlushPlan['spread']): FlushPlan {
    const left = total - planned.reduce((a, b) => a + b, 0);
    const base = spreadAll ? { jobs: planned, spread: spreadAll } : { jobs: planned };
    if (left > 0 && left < min && coming === 0 && (expired || input.flushRequested)) {
      return {
        ...base,
        onDemandReason:
          (expired
            ? `only ${left} records were waiting when their maximum wait ended and no more were coming`
            : `only ${left} records were waiting when a flush was requested`) +
          `; a Bedrock batch job needs at least ${min}`,
      };
    }
    // Nothing else changes by itself: arrivals, announcements and finished jobs all arrive as signals.
    const wakeAt = left > 0 && firstExpiry !== undefined && firstExpiry > now ? firstExpiry : undefined;
    return wakeAt === undefined ? base : { ...base, wakeAt };
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}
