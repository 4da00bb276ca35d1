/** The outcome of one doctor check. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** Why a check failed: a setting to change (exit 2), or a service that cannot be reached or used (exit 5). */
export type FailureCause = 'config' | 'unavailable';

export interface CheckResult {
  /** Stable identifier, for scripts reading `--json`. */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found. Never document text or secrets. */
  message: string;
  /** What to do about a warning or failure. */
  fix?: string;
  /** Set on failures. */
  cause?: FailureCause;
}

export const ok = (id: string, title: string, message: string): CheckResult => ({ id, title, status: 'ok', message });

export const skip = (id: string, title: string, message: string): CheckResult => ({
  id,
  title,
  status: 'skip',
  message,
});

export const warn = (id: string, title: string, message: string, fix: string): CheckResult => ({
  id,
  title,
  status: 'warn',
  message,
  fix,
});

export const fail = (id: string, title: string, cause: FailureCause, message: string, fix: string): CheckResult => ({
  id,
  title,
  status: 'fail',
  message,
  fix,
  cause,
});

/**
 * The exit code of a doctor run: 0 without failures; 5 when something could not be reached or used (it may be
 * down, or the configuration may point at the wrong place); 2 when every failure is a setting to change.
 */
export function doctorExitCode(results: CheckResult[]): 0 | 2 | 5 {
  const failures = results.filter((r) => r.status === 'fail');
  if (failures.length === 0) return 0;
  return failures.some((r) => r.cause === 'unavailable') ? 5 : 2;
}

/** A short, safe description of an error: its name and first message line, without stack or response bodies. */
export function errorSummary(err: unknown): string {
  const e = err as { name?: string; message?: string; code?: string | number } | undefined;
  const message = (e?.message ?? String(err)).split('\n')[0]?.slice(0, 300) ?? '';
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${message}`;
}
