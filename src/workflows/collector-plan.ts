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
  /**
   * What the collector knows about arrivals and jobs, to keep every slot busy (collectors started before it was known
   * leave it out and plan as they did). With it, a free slot takes a smaller job rather than idle longer than a job
   * takes to start, and job sizes are balanced so that the jobs of all slots end together.
   */
  intake?: PlanIntake;
}

export interface PlanIntake {
  /** Records per second arriving from announced corpora (0: not known yet). */
  recordsPerSecond: number;
  /** Expected time from creating a job to its first processed record. */
  jobStartupMs: number;
  /** Records one job processes per second once started, when finished jobs have shown it. */
  jobRecordsPerSecond?: number;
  /** The running jobs: their records and when they were started (epoch ms). */
  busy: { records: number; startedAt: number }[];
}

export interface FlushPlan {
  /** Jobs to claim from the queue now, by record count (each at least Bedrock's minimum). */
  jobs: number[];
  /**
   * Set when everything waiting goes out: the claim spreads what the queue really holds over up to `jobs.length`
   * jobs of at most `maxRecords` each (the collector's count of waiting records may be an estimate).
   */
  spread?: { maxRecords: number };
  /**
   * Set when nothing more is coming: if the jobs would leave fewer than the minimum in the queue, they take it all
   * (the claim sees what the queue really holds).
   */
  absorbTail?: { maxRecords: number };
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
 * - with no free slot, records wait for a job to finish (slots are never exceeded);
 * - with `intake` (collectors started since balanced jobs), job sizes make the work of every slot end together, and a
 *   free slot does not idle longer than a job takes to start: see `planBalanced`.
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
  if (free > 0 && total >= min && input.intake && !input.flushRequested && !expired) {
    const balanced = planBalanced({ total, coming, free, min, maxSize, now, intake: input.intake });
    jobs.push(...balanced.jobs);
    const finished = finish(jobs, undefined);
    const plan = coming === 0 && jobs.length > 0 ? { ...finished, absorbTail: { maxRecords: maxSize } } : finished;
    return balanced.wakeAt === undefined ? plan : { ...plan, wakeAt: earliest(plan.wakeAt, balanced.wakeAt) };
  }
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

/**
 * Jobs for the free slots such that every slot's work ends at about the same time: each free slot gets the records it
 * can process by then, after a job's start-up; busy slots take their share when their job ends. Records that are
 * coming count: a job is not made smaller because its records are still on their way, unless waiting for them would
 * idle the slot longer than starting a job costs. The last jobs of a corpus hold back twice the minimum until
 * everything has arrived, so no tail below the minimum is stranded.
 */
function planBalanced(o: {
  total: number;
  coming: number;
  free: number;
  min: number;
  maxSize: number;
  now: number;
  intake: PlanIntake;
}): { jobs: number[]; wakeAt?: number } {
  const { total, coming, free, min, maxSize, now, intake } = o;
  const expected = total + coming;
  const target = clamp(balancedJobSize(expected, free, o), min, maxSize);
  const jobs: number[] = [];
  let left = total;
  let leftExpected = expected;
  let wakeAt: number | undefined;
  for (let slot = 0; slot < free && left >= min; slot++) {
    let size = Math.min(left, target);
    if (size < target && coming > 0) {
      // A smaller job now, or a full one once its records are here: whichever leaves the slot idle for less.
      const fullInMs = intake.recordsPerSecond > 0 ? ((target - size) / intake.recordsPerSecond) * 1000 : Infinity;
      if (fullInMs <= intake.jobStartupMs) {
        wakeAt = now + Math.max(1_000, Math.min(fullInMs, intake.jobStartupMs));
        break;
      }
    }
    if (coming > 0 && leftExpected - size < 2 * min) break;
    // With everything here, a rest below the minimum joins this job (or the jobs are evened out).
    if (coming === 0 && left - size > 0 && left - size < min) size = Math.min(left, maxSize);
    jobs.push(size);
    left -= size;
    leftExpected -= size;
  }
  return wakeAt === undefined ? { jobs } : { jobs, wakeAt };
}

/**
 * The job size that makes the work of every slot end together: free slots start now, busy slots once their job ends
 * (its start-up plus its records at the per-job rate). Before any job has shown its rate, in records: busy jobs are
 * taken as just started, so each free slot gets as much as a busy one holds plus an even share of what is left.
 */
function balancedJobSize(expected: number, free: number, o: { now: number; intake: PlanIntake }): number {
  const { intake, now } = o;
  const rate = intake.jobRecordsPerSecond;
  if (rate === undefined || rate <= 0) {
    return Math.floor(
      fill(
        Array.from({ length: free }, () => 0).concat(intake.busy.map((b) => b.records)),
        (level, held) => Math.max(0, level - held),
        expected,
      ),
    );
  }
  const startupMs = intake.jobStartupMs;
  const starts = [
    ...Array.from({ length: free }, () => now),
    ...intake.busy.map((b) => Math.max(now, b.startedAt + startupMs + (b.records / rate) * 1000)),
  ];
  // Records all slots process by `end` (epoch ms), each new job paying a start-up first.
  const end = fill(starts, (at, start) => rate * Math.max(0, (at - start - startupMs) / 1000), expected);
  return Math.floor(rate * Math.max(0, (end - now - startupMs) / 1000));
}

/** The smallest level at which the slots' amounts (`amount(level, slot)`, growing with level) add up to `total`. */
function fill(slots: number[], amount: (level: number, slot: number) => number, total: number): number {
  const sum = (level: number) => slots.reduce((acc, slot) => acc + amount(level, slot), 0);
  let low = Math.min(...slots);
  let high = low + 1;
  while (sum(high) < total) high = low + (high - low) * 2;
  for (let i = 0; i < 60 && high - low > 0.5; i++) {
    const mid = (low + high) / 2;
    if (sum(mid) >= total) high = mid;
    else low = mid;
  }
  return high;
}

function earliest(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.min(a, b);
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}
