import type { CollectorSettings } from '../shared/types';

type Rule = [keyof CollectorSettings, (value: number) => boolean, string];

const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
const nonNegativeInt = (v: number) => Number.isInteger(v) && v >= 0;

/** Limits an operator may change on a running collector, with what each must be. */
const RULES: Rule[] = [
  ['minRecordsPerJob', positiveInt, 'a whole number of at least 1'],
  ['maxRecordsPerJob', positiveInt, 'a whole number of at least 1'],
  ['maxJobBytes', positiveInt, 'a whole number of at least 1'],
  ['maxConcurrentJobs', (v) => positiveInt(v) && v <= 1000, 'a whole number from 1 to 1000'],
  ['maxWaitMs', nonNegativeInt, 'a whole number of milliseconds, 0 or more'],
  ['lowPriorityMaxWaitMs', nonNegativeInt, 'a whole number of milliseconds, 0 or more'],
  ['idleFlushMs', nonNegativeInt, 'a whole number of milliseconds, 0 or more'],
  ['jobStartupMs', nonNegativeInt, 'a whole number of milliseconds, 0 or more'],
  ['jobTimeoutHours', (v) => Number.isInteger(v) && v >= 24 && v <= 168, 'a whole number of hours from 24 to 168'],
  ['pollInitialMs', (v) => Number.isInteger(v) && v >= 10, 'a whole number of milliseconds, 10 or more'],
  ['pollMaxMs', (v) => Number.isInteger(v) && v >= 10, 'a whole number of milliseconds, 10 or more'],
  ['pollBackoff', (v) => Number.isFinite(v) && v >= 1 && v <= 10, 'a number from 1 to 10'],
  ['maxJobAttempts', (v) => Number.isInteger(v) && v >= 1 && v <= 20, 'a whole number from 1 to 20'],
  [
    'continueAsNewAfterEvents',
    (v) => Number.isInteger(v) && v >= 100 && v <= 50_000,
    'a whole number from 100 to 50000',
  ],
];

/**
 * Checks a change of a collector's limits before it is accepted (the validator of the `updateLimits` update):
 * unknown keys, wrong types, values out of range and a minimum above the maximum are refused with a reason.
 */
export function validateLimitChange(current: CollectorSettings, change: Partial<CollectorSettings>): void {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    throw new Error('updateLimits takes an object of limits, for example {"maxConcurrentJobs": 10}');
  }
  const known = new Map(RULES.map((r) => [r[0], r]));
  for (const [key, value] of Object.entries(change)) {
    const rule = known.get(key as keyof CollectorSettings);
    if (!rule) {
      throw new Error(`unknown or unchangeable limit "${key}"; changeable: ${RULES.map((r) => r[0]).join(', ')}`);
    }
    if (typeof value !== 'number' || !rule[1](value)) {
      throw new Error(`${key} must be ${rule[2]}, got ${JSON.stringify(value)}`);
    }
  }
  const next = { ...current, ...change };
  if (next.minRecordsPerJob > next.maxRecordsPerJob) {
    throw new Error(
      `minRecordsPerJob (${next.minRecordsPerJob}) must not exceed maxRecordsPerJob (${next.maxRecordsPerJob})`,
    );
  }
  if (next.pollInitialMs > next.pollMaxMs) {
    throw new Error(`pollInitialMs (${next.pollInitialMs}) must not exceed pollMaxMs (${next.pollMaxMs})`);
  }
}
