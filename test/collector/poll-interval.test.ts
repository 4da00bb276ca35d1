import { describe, expect, it } from 'vitest';
import { nextPollDelay } from '../../src/workflows/poll-interval';

const settings = { pollInitialMs: 30_000, pollMaxMs: 600_000, pollBackoff: 1.5 };

describe('job poll timing', () => {
  it('starts at the initial interval and backs off while the job has not started running', () => {
    expect(nextPollDelay(undefined, { at: 0, status: 'Submitted' }, 30_000, settings)).toBe(30_000);
    const prev = { at: 0, status: 'Submitted' as const };
    expect(nextPollDelay(prev, { at: 30_000, status: 'Scheduled' }, 30_000, settings)).toBe(45_000);
    expect(nextPollDelay(prev, { at: 30_000, status: 'Scheduled' }, 500_000, settings)).toBe(600_000);
  });

  it('looks again soon after first seeing the job run, to measure its rate', () => {
    const prev = { at: 0, status: 'Scheduled' as const };
    const now = { at: 45_000, status: 'InProgress' as const, processed: 10, total: 5_000 };
    expect(nextPollDelay(prev, now, 45_000, settings)).toBe(3_000);
  });

  it("then waits until the job's own progress says it will be done, with a little to spare", () => {
    const prev = { at: 0, status: 'InProgress' as const, processed: 100, total: 1_100 };
    // 100 records in 10 s: the last 900 take 90 s more, looked at 2 % later.
    const now = { at: 10_000, status: 'InProgress' as const, processed: 200, total: 1_100 };
    expect(nextPollDelay(prev, now, 3_000, settings)).toBe(91_800);
    // Never longer than the maximum, never shorter than a second.
    const slow = { at: 10_000, status: 'InProgress' as const, processed: 101, total: 1_000_000 };
    expect(nextPollDelay(prev, slow, 3_000, settings)).toBe(600_000);
    const almost = { at: 10_000, status: 'InProgress' as const, processed: 1_099, total: 1_100 };
    expect(nextPollDelay(prev, almost, 3_000, settings)).toBe(1_010);
  });

  it('backs off when a running job reports no progress', () => {
    const prev = { at: 0, status: 'InProgress' as const, processed: 100, total: 1_000 };
    const now = { at: 10_000, status: 'InProgress' as const, processed: 100, total: 1_000 };
    expect(nextPollDelay(prev, now, 20_000, settings)).toBe(30_000);
  });
});
