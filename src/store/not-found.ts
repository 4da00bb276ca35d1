import { DocflowError, isDocflowError } from '../core/errors';

/** Thrown by `get`/`getText`/`getStream` when the object does not exist (code NOT_FOUND, not retryable). */
export class ObjectNotFoundError extends DocflowError {
  readonly uri: string;

  constructor(uri: string, cause?: unknown) {
    super('NOT_FOUND', `object not found: ${uri}`, { retryable: false, cause });
    this.name = 'ObjectNotFoundError';
    this.uri = uri;
  }
}

/** True for any docflow error meaning "absent" (a missing object or bucket), whatever the backend. */
export function isNotFound(err: unknown): boolean {
  return isDocflowError(err) && err.code === 'NOT_FOUND';
}
