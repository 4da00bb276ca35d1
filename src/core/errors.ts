/**
 * docflow's error taxonomy. Whether to retry is a property of the error, never a string match:
 * activities map these to Temporal `ApplicationFailure`s in one place (src/activities/failure.ts).
 * Messages name what was wrong and what to do; they never contain document text or secrets.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_CONFIG'
  | 'UNSUPPORTED_FORMAT'
  | 'EMPTY_DOCUMENT'
  | 'CORRUPT_DOCUMENT'
  | 'ENCRYPTED_DOCUMENT'
  | 'NO_TEXT'
  | 'UNSAFE_KEY'
  | 'NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'MODEL_OUTPUT_INVALID'
  | 'QUOTA_EXCEEDED'
  | 'THROTTLED'
  | 'TRANSIENT';

export interface DocflowErrorOptions {
  retryable: boolean;
  /** A hint for the next attempt's delay (for example from a throttling response). */
  retryAfterMs?: number;
  cause?: unknown;
}

export class DocflowError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: DocflowErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DocflowError';
    this.code = code;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** An error that the same input will always produce again: fail at once with this message. */
export function permanentError(code: ErrorCode, message: string, cause?: unknown): DocflowError {
  return new DocflowError(code, message, { retryable: false, cause });
}

/** An error that may pass: retry with backoff (honouring `retryAfterMs` when given). */
export function transientError(code: ErrorCode, message: string, retryAfterMs?: number, cause?: unknown): DocflowError {
  return new DocflowError(code, message, { retryable: true, retryAfterMs, cause });
}

export function isDocflowError(err: unknown): err is DocflowError {
  return err instanceof DocflowError;
}
