import { describe, expect, it } from 'vitest';
import type { CollectorSettings } from '../../src/shared/types';
import { validateLimitChange } from '../../src/workflows/collector-limits';

const current: CollectorSettings = {
  minRecordsPerJob: 100,
  maxRecordsPerJob: 50_000,
  maxJobBytes: 1_000_000_000,
  maxConcurrentJobs: 20,
  maxWaitMs: 300_000,
  lowPriorityMaxWaitMs: 3_600_000,
  idleFlushMs: 30_000,
  jobTimeoutHours: 24,
  pollInitialMs: 30_000,
  pollMaxMs: 600_000,
  pollBackoff: 1.5,
  maxJobAttempts: 3,
  continueAsNewAfterEvents: 5_000,
  bedrockTaskQueue: 'docflow-bedrock',
};

describe('collector limit changes', () => {
  it('accepts valid changes', () => {
    expect(() => validateLimitChange(current, { maxConcurrentJobs: 10, maxWaitMs: 60_000 })).not.toThrow();
  });

  it("refuses unknown keys and limits that are not an operator's to change, naming what may change", () => {
    expect(() => validateLimitChange(current, { bedrockTaskQueue: 'x' })).toThrow(
      /unknown or unchangeable limit "bedrockTaskQueue"; changeable: minRecordsPerJob/,
    );
    expect(() => validateLimitChange(current, { maxJobs: 3 } as never)).toThrow(
      /unknown or unchangeable limit "maxJobs"/,
    );
  });

  it('refuses wrong types and values out of range, saying what is allowed', () => {
    expect(() => validateLimitChange(current, { maxConcurrentJobs: 0 })).toThrow(
      /maxConcurrentJobs must be a whole number from 1 to 1000, got 0/,
    );
    expect(() => validateLimitChange(current, { maxWaitMs: '5' } as never)).toThrow(
      /maxWaitMs must be a whole number of milliseconds/,
    );
    expect(() => validateLimitChange(current, { jobTimeoutHours: 200 })).toThrow(/from 24 to 168/);
    expect(() => validateLimitChange(current, null as never)).toThrow(/takes an object of limits/);
  });

  it('refuses a minimum above the maximum, taking the current values into account', () => {
    expect(() => validateLimitChange(current, { minRecordsPerJob: 60_000 })).toThrow(
      /must not exceed maxRecordsPerJob \(50000\)/,
    );
    expect(() => validateLimitChange(current, { pollMaxMs: 1_000 })).toThrow(
      /pollInitialMs \(30000\) must not exceed pollMaxMs/,
    );
  });
});
