import type { BatchJobStatus, CollectorSettings } from '../shared/types';

/** One look at a job: when, in which status, and how many of its records were processed. */
export interface JobSighting {
  at: number;
  status: BatchJobStatus;
  processed?: number;
  total?: number;
}

export type PollSettings = Pick<CollectorSettings, 'pollInitialMs' | 'pollMaxMs' | 'pollBackoff'>;

/** The shortest wait between two polls: Bedrock's control plane is rate-limited and jobs take minutes at least. */
const MIN_POLL_MS = 1_000;

/**
 * How long to wait before looking at a job again. Before a job runs, the wait grows from `pollInitialMs` by
 * `pollBackoff` up to `pollMaxMs`. Once it runs, Bedrock's progress counters tell its rate: the next look is when the
 * job should be done (a second or 2 % later, so one look usually finds it finished), within `pollMaxMs`. The first
 * look at a running job is followed by a short one that measures the rate. Pure and deterministic.
 */
export function nextPollDelay(
  previous: JobSighting | undefined,
  current: JobSighting,
  lastDelayMs: number,
  settings: PollSettings,
): number {
  const clamp = (ms: number) => Math.round(Math.min(settings.pollMaxMs, Math.max(MIN_POLL_MS, ms)));
  const backoff = () =>
    previous === undefined
      ? Math.min(settings.pollMaxMs, settings.pollInitialMs)
      : Math.min(settings.pollMaxMs, Math.round(lastDelayMs * settings.pollBackoff));
  if (current.status !== 'InProgress' || current.processed === undefined || !current.total) return backoff();
  if (previous?.status !== 'InProgress' || previous.processed === undefined) {
    return clamp(Math.min(lastDelayMs, settings.pollInitialMs) / 10);
  }
  const done = current.processed - previous.processed;
  const elapsed = current.at - previous.at;
  if (done <= 0 || elapsed <= 0) return backoff();
  const remainingMs = ((current.total - current.processed) * elapsed) / done;
  return clamp(remainingMs + Math.max(MIN_POLL_MS, remainingMs * 0.02));
}
