import { describe, expect, it } from 'vitest';
import type { CollectorSettings, WaitingByPriority } from '../../src/shared/types';
import { planFlush } from '../../src/workflows/collector-plan';
import type { PlanInput } from '../../src/workflows/collector-plan';

const settings: CollectorSettings = {
  minRecordsPerJob: 100,
  maxRecordsPerJob: 50_000,
  maxJobBytes: 1_000_000_000,
  maxConcurrentJobs: 20,
  maxWaitMs: 1_000,
  lowPriorityMaxWaitMs: 5_000,
  jobTimeoutHours: 24,
  pollInitialMs: 100,
  pollMaxMs: 1_000,
  pollBackoff: 1.5,
  maxJobAttempts: 3,
  continueAsNewAfterEvents: 5_000,
  bedrockTaskQueue: 'q-bedrock',
};

function waiting(normal: number, oldestAt = 0, low = 0, lowOldestAt = 0): WaitingByPriority {
  return {
    normal: { records: normal, bytes: normal * 1_000, oldestAt: normal > 0 ? oldestAt : undefined },
    low: { records: low, bytes: low * 1_000, oldestAt: low > 0 ? lowOldestAt : undefined },
  };
}

function plan(input: Partial<PlanInput> & { waiting: WaitingByPriority }) {
  return planFlush({ comingRecords: 0, activeJobs: 0, settings, now: 0, flushRequested: false, ...input });
}

const sum = (sizes: number[]) => sizes.reduce((a, b) => a + b, 0);

describe('collector planning', () => {
  it('spreads waiting records over every free slot when nothing more is coming, each job at least the minimum', () => {
    const p = plan({ waiting: waiting(2_700) });
    expect(p.jobs).toHaveLength(20);
    expect(sum(p.jobs)).toBe(2_700);
    expect(Math.max(...p.jobs) - Math.min(...p.jobs)).toBeLessThanOrEqual(1);
    expect(Math.min(...p.jobs)).toBeGreaterThanOrEqual(100);
  });

  it('uses only as many slots as the minimum allows', () => {
    const p = plan({ waiting: waiting(462) });
    expect(p.jobs).toEqual([116, 116, 115, 115]);
  });

  it('never exceeds the free slots, and leaves what does not fit waiting for a slot', () => {
    const p = plan({ waiting: waiting(5_000), activeJobs: 18 });
    expect(p.jobs).toEqual([2_500, 2_500]);
    const full = plan({ waiting: waiting(5_000), activeJobs: 20, now: 10_000 });
    expect(full.jobs).toEqual([]);
    expect(full.onDemandReason).toBeUndefined();
  });

  it('caps each job at the per-job record and byte limits', () => {
    const p = plan({ waiting: waiting(200_000), settings: { ...settings, maxConcurrentJobs: 2 } });
    expect(p.jobs).toEqual([50_000, 50_000]);
    const bytes = plan({ waiting: waiting(1_000), settings: { ...settings, maxJobBytes: 300_000 } });
    expect(Math.max(...bytes.jobs)).toBeLessThanOrEqual(300);
    expect(sum(bytes.jobs)).toBeLessThanOrEqual(1_000);
  });

  it('sizes jobs for the records known to be coming, filling slots evenly as they arrive', () => {
    // 100 documents x 27 chunks announced; 300 records have arrived: jobs of 2,700 / 20 = 135 go out now.
    const p = plan({ waiting: waiting(300), comingRecords: 2_400 });
    expect(p.jobs).toEqual([135, 135]);
    // Too few for a job of that size yet: wait, even though the minimum is reached.
    expect(plan({ waiting: waiting(120), comingRecords: 2_580 }).jobs).toEqual([]);
  });

  it("keeps twice the minimum back until a corpus's last records arrive, so a short estimate strands no tail", () => {
    const small = { ...settings, minRecordsPerJob: 10 };
    // 72 records expected: jobs of 10 go out while they arrive, but the last 20 wait for the rest...
    expect(plan({ waiting: waiting(60), comingRecords: 12, settings: small }).jobs).toEqual([10, 10, 10, 10, 10]);
    // ...so when only 6 more come instead of 12, the 16 left still make a job.
    expect(plan({ waiting: waiting(16), comingRecords: 0, settings: small }).jobs).toEqual([16]);
    // 250 expected, two jobs' worth: nothing goes before all have arrived, then two jobs of 125.
    expect(plan({ waiting: waiting(130), comingRecords: 120 }).jobs).toEqual([]);
    expect(plan({ waiting: waiting(250) }).jobs).toEqual([125, 125]);
  });

  it('never sends records on-demand while records are coming, even when their maximum wait is over', () => {
    const p = plan({ waiting: waiting(40, 0), comingRecords: 30, now: 60_000 });
    expect(p.onDemandReason).toBeUndefined();
    expect(p.jobs).toEqual([]);
  });

  it('never sends records on-demand while what waits system-wide reaches the minimum', () => {
    // Normal and low together reach the minimum: one batch job carries both.
    const p = plan({ waiting: waiting(60, 0, 50, 0), now: 60_000 });
    expect(p.jobs).toEqual([110]);
    expect(p.onDemandReason).toBeUndefined();
  });

  it('sends a true tail below the minimum on-demand once its maximum wait is over, and says why', () => {
    const before = plan({ waiting: waiting(40, 0), now: 999 });
    expect(before.onDemandReason).toBeUndefined();
    expect(before.wakeAt).toBe(1_000);
    const after = plan({ waiting: waiting(40, 0), now: 1_000 });
    expect(after.jobs).toEqual([]);
    expect(after.onDemandReason).toMatch(/only 40 records .* at least 100/);
  });

  it('gives low-priority records their own, longer wait', () => {
    expect(plan({ waiting: waiting(0, 0, 40, 0), now: 1_000 }).onDemandReason).toBeUndefined();
    expect(plan({ waiting: waiting(0, 0, 40, 0), now: 1_000 }).wakeAt).toBe(5_000);
    expect(plan({ waiting: waiting(0, 0, 40, 0), now: 5_000 }).onDemandReason).toBeDefined();
  });

  it('sends everything it can at once when a flush is requested, even with records coming', () => {
    const p = plan({ waiting: waiting(300), comingRecords: 10_000, flushRequested: true });
    expect(p.jobs).toEqual([100, 100, 100]);
  });

  it('does nothing, and schedules no wake-up, with nothing waiting', () => {
    expect(plan({ waiting: waiting(0) })).toEqual({ jobs: [] });
  });
});

/**
 * A corpus whose records arrive at `arrivalPerSecond` while Bedrock-like jobs run: each takes `startupS` before its
 * first record and then `perJobRate` records a second. The plan is asked every `stepS`; returns when the last record
 * is done and the job sizes.
 */
function simulate(o: {
  records: number;
  arrivalPerSecond: number;
  perJobRate: number;
  startupS: number;
  intake: boolean;
  stepS?: number;
}): { finishS: number; jobs: number[] } {
  const step = o.stepS ?? 0.5;
  const running: number[] = []; // end times
  const busy: { records: number; startedAt: number }[] = [];
  const jobs: number[] = [];
  let seenRate: number | undefined; // learned from the first job that ends, as the collector does
  let arrived = 0;
  let waitingNow = 0;
  for (let t = 0; t < 100_000; t += step) {
    const arriving = Math.min(o.records - arrived, Math.floor(o.arrivalPerSecond * (t + step)) - arrived);
    arrived += arriving;
    waitingNow += arriving;
    for (let i = running.length - 1; i >= 0; i--) {
      if ((running[i] as number) <= t) {
        running.splice(i, 1);
        busy.splice(i, 1);
        seenRate = o.perJobRate;
      }
    }
    const p = plan({
      waiting: waiting(waitingNow, t * 1000),
      comingRecords: o.records - arrived,
      activeJobs: running.length,
      now: t * 1000,
      settings: { ...settings, maxWaitMs: 3_600_000 },
      ...(o.intake
        ? {
            intake: {
              recordsPerSecond: arrived / (t + step),
              jobStartupMs: o.startupS * 1000,
              ...(seenRate === undefined ? {} : { jobRecordsPerSecond: seenRate }),
              busy: [...busy],
            },
          }
        : {}),
    });
    for (const size of p.jobs) {
      const records = Math.min(size, waitingNow);
      if (records === 0) continue;
      waitingNow -= records;
      jobs.push(records);
      running.push(t + o.startupS + records / o.perJobRate);
      busy.push({ records, startedAt: t * 1000 });
    }
    if (arrived === o.records && waitingNow === 0 && running.length === 0) return { finishS: t, jobs };
  }
  throw new Error('the simulated corpus never finished');
}

describe('collector planning while a corpus arrives (simulated)', () => {
  // The proportions of the scale benchmark: 27,000 records arriving over about 170 s, 20 slots of 4 records/s.
  const corpus = { records: 27_000, arrivalPerSecond: 160, perJobRate: 4, startupS: 6.2 };
  const ideal = corpus.startupS + corpus.records / (20 * corpus.perJobRate);

  it('keeps slots busy while records arrive instead of waiting for full-size jobs', () => {
    const before = simulate({ ...corpus, intake: false });
    const after = simulate({ ...corpus, intake: true });
    expect(after.finishS).toBeLessThan(before.finishS);
    expect(ideal / after.finishS).toBeGreaterThan(0.8);
    expect(Math.min(...after.jobs)).toBeGreaterThanOrEqual(settings.minRecordsPerJob);
    expect(after.jobs.length).toBeLessThanOrEqual(80);
  });

  it('still makes one full-size job per slot when records arrive much faster than jobs start', () => {
    const fast = simulate({ ...corpus, arrivalPerSecond: 5_000, intake: true });
    expect(fast.jobs).toHaveLength(20);
    expect(ideal / fast.finishS).toBeGreaterThan(0.95);
  });

  it('does no worse than full-size jobs for a small corpus', () => {
    const small = { records: 2_700, arrivalPerSecond: 225, perJobRate: 4, startupS: 6.2 };
    const before = simulate({ ...small, intake: false });
    const after = simulate({ ...small, intake: true });
    expect(after.finishS).toBeLessThanOrEqual(before.finishS);
    expect(after.jobs).toHaveLength(20);
  });
});
