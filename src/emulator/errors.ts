/**
 * Errors as AWS sends them: an HTTP status, an error type (the `x-amzn-ErrorType` header, from which the SDK
 * picks the exception class) and a `message`. Anything else thrown inside the emulator becomes an
 * InternalServerException.
 */
export type AwsErrorType =
  | 'ValidationException'
  | 'ServiceQuotaExceededException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'TooManyTagsException'
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'AccessDeniedException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'SerializationException'
  | 'UnknownOperationException';

const STATUS: Record<AwsErrorType, number> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 400,
  TooManyTagsException: 400,
  ThrottlingException: 429,
  InternalServerException: 500,
  AccessDeniedException: 403,
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  SerializationException: 400,
  UnknownOperationException: 404,
};

export class AwsError extends Error {
  readonly type: AwsErrorType;
  readonly status: number;

  constructor(type: AwsErrorType, message: string) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = STATUS[type];
  }
}

export const validationError = (message: string): AwsError => new AwsError('ValidationException', message);
export const notFound = (message: string): AwsError => new AwsError('ResourceNotFoundException', message);
export const quotaExceeded = (message: string): AwsError => new AwsError('ServiceQuotaExceededException', message);
export const throttled = (): AwsError =>
  new AwsError('ThrottlingException', 'Too many requests, please wait before trying again.');
export const internalError = (): AwsError =>
  new AwsError('InternalServerException', 'The server encountered an internal error while processing the request.');

/**
 * Request-shape violations read like the Coral validation AWS runs before any service logic:
 * `1 validation error detected: Value 'x_y' at 'jobName' failed to satisfy constraint: Member must ...`.
 */
export class ConstraintViolations {
  private readonly violations: string[] = [];

  add(path: string, value: unknown, constraint: string): void {
    const shown =
      value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
    this.violations.push(`Value ${shown} at '${path}' failed to satisfy constraint: Member ${constraint}`);
  }

  throwIfAny(): void {
    const n = this.violations.length;
    if (n === 0) return;
    throw validationError(`${n} validation error${n === 1 ? '' : 's'} detected: ${this.violations.join('; ')}`);
  }
}
