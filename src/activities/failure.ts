import { ApplicationFailure } from '@temporalio/activity';
import { isDocflowError } from '../core/errors';

/** AWS error names that retrying can fix: the account quota, throttling, or a passing service fault. */
const RETRYABLE_AWS_ERRORS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceQuotaExceededException',
  'InternalServerException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'SlowDown',
  'RequestTimeout',
  'TimeoutError',
]);

interface AwsLikeError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * The one place where errors become Temporal failures: DocflowErrors keep their own verdict, AWS errors are
 * classified by name and status (throttling and 5xx retried with a jittered delay; validation, access and
 * not-found fail at once), anything else is left to the activity retry policy.
 */
export function toApplicationFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (isDocflowError(err)) {
    if (!err.retryable) return ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: true });
    return ApplicationFailure.create({
      message: err.message,
      type: err.code,
      nextRetryDelay: err.retryAfterMs !== undefined ? jitter(err.retryAfterMs) : undefined,
    });
  }
  const aws = err as AwsLikeError;
  if (aws && typeof aws === 'object' && aws.$metadata) {
    const name = aws.name ?? 'AwsError';
    const status = aws.$metadata.httpStatusCode ?? 0;
    const message = `${name}${status ? ` (HTTP ${status})` : ''}: ${(aws.message ?? '').slice(0, 300)}`;
    if (RETRYABLE_AWS_ERRORS.has(name) || status === 429 || status >= 500) {
      const base = name === 'ThrottlingException' || status === 429 ? 2_000 : 1_000;
      return ApplicationFailure.create({ message, type: name, nextRetryDelay: jitter(base) });
    }
    return ApplicationFailure.create({ message, type: name, nonRetryable: true });
  }
  return err;
}

/** Full jitter around the base delay (0.5x to 1.5x), so throttled workers do not retry in lockstep. */
function jitter(baseMs: number): number {
  return Math.round(baseMs * (0.5 + Math.random()));
}

/** Wraps every function of an activity object so its errors go through `toApplicationFailure`. */
export function withFailureMapping<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    };
  }
  return wrapped as T;
}
