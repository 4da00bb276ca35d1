import { describe, expect, it } from 'vitest';
import type { CollectorSettings, RecordGroup } from '../../src/shared/types';
import { planFlush } from '../../src/workflows/collector-plan';

const settings: CollectorSettings = {
  minRecordsPerJob: 100,
  maxRecordsPerJob: 1_000,
  maxJobBytes: 10_000_000,
  maxConcurrentJobs: 2,
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

function group(id: number, records: number, enqueuedAt = 0, priority: RecordGroup['priority'] = 'normal'): RecordGroup {
  return {
    groupId: `g${id}`,
    docWorkflowId: `doc-${id}`,
    docId: id.toString(16).padStart(24, '0'),
    attempt: 1,
    chunkIndexes: Array.from({ length: records }, (_, i) => i),
    requestsKey: `documents/${id}/requests/a1.jsonl`,
    bytes: records * 100,
    priority,
    taskId: 'contract-review',
    enqueuedAt,
  };
}

const records = (slices: { chunkIndexes: number[] }[]) => slices.reduce((n, s) => n + s.chunkIndexes.length, 0);

describe('collector flush planning', () => {
  it('keeps records waiting until the oldest reaches its maximum wait', () => {
    const plan = planFlush({ pending: [group(1, 150, 0)], settings, activeJobs: 0, now: 999, flushRequested: false });
    expect(plan.jobs).toHaveLength(0);
    expect(plan.onDemand).toHaveLength(0);
    expect(records(plan.remaining)).toBe(150);
  });

  it('packs every waiting document into one job once the wait is over', () => {
    const pending = [group(1, 40, 0), group(2, 50, 500), group(3, 30, 900)];
    const plan = planFlush({ pending, settings, activeJobs: 0, now: 1_000, flushRequested: false });
    expect(plan.jobs).toHaveLength(1);
    expect(records(plan.jobs[0] ?? [])).toBe(120);
    expect(new Set(plan.jobs[0]?.map((s) => s.docWorkflowId))).toEqual(new Set(['doc-1', 'doc-2', 'doc-3']));
    expect(plan.remaining).toHaveLength(0);
  });

  it('starts full jobs at once, splitting a document across jobs when needed', () => {
    const plan = planFlush({
      pending: [group(1, 700, 0), group(2, 700, 0)],
      settings,
      activeJobs: 0,
      now: 10,
      flushRequested: false,
    });
    expect(plan.jobs).toHaveLength(1);
    expect(records(plan.jobs[0] ?? [])).toBe(1_000);
    expect(records(plan.remaining)).toBe(400);
    // The split document keeps the chunks not yet taken, none twice.
    const taken = plan.jobs[0]?.find((s) => s.docWorkflowId === 'doc-2')?.chunkIndexes ?? [];
    const left = plan.remaining.find((g) => g.docWorkflowId === 'doc-2')?.chunkIndexes ?? [];
    expect([...taken, ...left].sort((a, b) => a - b)).toEqual(Array.from({ length: 700 }, (_, i) => i));
  });

  it('splits a due flush evenly so that no job falls below the minimum', () => {
    const plan = planFlush({
      pending: [group(1, 1_050, 0)],
      settings,
      activeJobs: 0,
      now: 5_000,
      flushRequested: false,
    });
    expect(plan.jobs.map(records)).toEqual([525, 525]);
    expect(plan.onDemand).toHaveLength(0);
  });

  it('never uses more job slots than the quota leaves free', () => {
    const pending = [group(1, 3_000, 0)];
    const plan = planFlush({ pending, settings, activeJobs: 1, now: 5_000, flushRequested: false });
    expect(plan.jobs).toHaveLength(1);
    expect(records(plan.remaining)).toBe(2_000);
    const none = planFlush({ pending, settings, activeJobs: 2, now: 5_000, flushRequested: false });
    expect(none.jobs).toHaveLength(0);
    expect(none.onDemand).toHaveLength(0);
  });

  it('sends groups whose wait is over on-demand when too few records wait for a job, keeping newer ones', () => {
    const pending = [group(1, 10, 0), group(2, 20, 800)];
    const plan = planFlush({ pending, settings, activeJobs: 0, now: 1_000, flushRequested: false });
    expect(plan.jobs).toHaveLength(0);
    expect(plan.onDemand.map((g) => g.groupId)).toEqual(['g1']);
    expect(plan.onDemandReason).toMatch(/at least 100/);
    expect(plan.remaining.map((g) => g.groupId)).toEqual(['g2']);
  });

  it('gives low-priority records their longer wait', () => {
    const plan = planFlush({
      pending: [group(1, 10, 0, 'low')],
      settings,
      activeJobs: 0,
      now: 1_000,
      flushRequested: false,
    });
    expect(plan.onDemand).toHaveLength(0);
    expect(plan.remaining).toHaveLength(1);
  });

  it('flushes everything on request: a job when the minimum is met, on-demand otherwise', () => {
    const enough = planFlush({
      pending: [group(1, 60, 10), group(2, 60, 20)],
      settings,
      activeJobs: 0,
      now: 30,
      flushRequested: true,
    });
    expect(enough.jobs.map(records)).toEqual([120]);
    const few = planFlush({
      pending: [group(1, 6, 10), group(2, 6, 20)],
      settings,
      activeJobs: 0,
      now: 30,
      flushRequested: true,
    });
    expect(few.onDemand.map((g) => g.groupId)).toEqual(['g1', 'g2']);
    expect(few.remaining).toHaveLength(0);
  });

  it('respects the byte limit of a job', () => {
    const plan = planFlush({
      pending: [group(1, 500, 0), group(2, 500, 0)],
      settings: { ...settings, maxJobBytes: 60_000 },
      activeJobs: 0,
      now: 5_000,
      flushRequested: false,
    });
    for (const job of plan.jobs) expect(job.reduce((n, s) => n + s.bytes, 0)).toBeLessThanOrEqual(60_000);
    expect(records(plan.jobs.flat()) + records(plan.remaining)).toBe(1_000);
  });
});

describe('collector flush planning when arrivals pause', () => {
  const idle = { ...settings, idleFlushMs: 300 };

  it('submits what waits once no records arrived for the idle time, before the maximum wait', () => {
    const pending = [group(1, 60, 0), group(2, 60, 100)];
    expect(planFlush({ pending, settings: idle, activeJobs: 0, now: 399, flushRequested: false }).jobs).toHaveLength(0);
    const plan = planFlush({ pending, settings: idle, activeJobs: 0, now: 400, flushRequested: false });
    expect(plan.jobs.map(records)).toEqual([120]);
  });

  it('never sends records on-demand because arrivals paused: that waits for the maximum wait', () => {
    const plan = planFlush({
      pending: [group(1, 20, 0)],
      settings: idle,
      activeJobs: 0,
      now: 500,
      flushRequested: false,
    });
    expect(plan.jobs).toHaveLength(0);
    expect(plan.onDemand).toHaveLength(0);
    expect(plan.remaining).toHaveLength(1);
  });

  it('is off when idleFlushMs is 0 or absent', () => {
    const pending = [group(1, 150, 0)];
    expect(
      planFlush({ pending, settings: { ...settings, idleFlushMs: 0 }, activeJobs: 0, now: 900, flushRequested: false })
        .jobs,
    ).toHaveLength(0);
    expect(planFlush({ pending, settings, activeJobs: 0, now: 900, flushRequested: false }).jobs).toHaveLength(0);
  });
});
