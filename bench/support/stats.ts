/** Small statistics for benchmark figures. */

/** The median (the lower middle value for an even count, a value actually measured); 0 for no values. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/** The nearest-rank percentile (`p` in 0-100); 0 for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

export interface Spread {
  count: number;
  min: number;
  median: number;
  p99: number;
  max: number;
}

/** Minimum, median, 99th percentile and maximum of a list of values. */
export function spread(values: number[]): Spread {
  return {
    count: values.length,
    min: values.length ? Math.min(...values) : 0,
    median: median(values),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : 0,
  };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
