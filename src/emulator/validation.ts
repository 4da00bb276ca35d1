import { ConstraintViolations, validationError } from './errors';
import { JOB_STATUSES } from './job';
import type { JobRequest, JobStatus } from './job';
import { tryModelFamily } from '../core/codecs';

/*
 * The synchronous checks of the request's own fields, with the constraints of the Bedrock API model. Anything
 * that needs the input data (S3 access, JSONL, record counts, sizes) waits for the Validating phase, as on AWS.
 */
export const JOB_NAME_PATTERN = '[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}';
export const ROLE_ARN_PATTERN = 'arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+';
export const S3_URI_PATTERN = "s3://[a-z0-9][-.a-z0-9]{1,61}(?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?";
export const TOKEN_PATTERN = '[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}';
export const JOB_IDENTIFIER_PATTERN =
  '((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})';
const KMS_KEY_PATTERN =
  '(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))';
const ACCOUNT_PATTERN = '[0-9]{12}';

const whole = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`);
const JOB_NAME = whole(JOB_NAME_PATTERN);
const ROLE_ARN = whole(ROLE_ARN_PATTERN);
const S3_URI = whole(S3_URI_PATTERN);
const TOKEN = whole(TOKEN_PATTERN);
const JOB_IDENTIFIER = whole(JOB_IDENTIFIER_PATTERN);
const KMS_KEY = whole(KMS_KEY_PATTERN);
const ACCOUNT = whole(ACCOUNT_PATTERN);

type Body = Record<string, unknown>;

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  readonly violations = new ConstraintViolations();

  /** A string member: required or not, with length bounds and a pattern. */
  string(
    path: string,
    value: unknown,
    rules: { required?: boolean; min?: number; max?: number; pattern?: [RegExp, string] },
  ): void {
    if (value === undefined || value === null) {
      if (rules.required) this.violations.add(path, value, 'must not be null');
      return;
    }
    if (typeof value !== 'string') {
      this.violations.add(path, value, 'must be a string');
      return;
    }
    if (rules.min !== undefined && value.length < rules.min) {
      this.violations.add(path, value, `must have length greater than or equal to ${rules.min}`);
    } else if (rules.max !== undefined && value.length > rules.max) {
      this.violations.add(path, value, `must have length less than or equal to ${rules.max}`);
    } else if (rules.pattern !== undefined && !rules.pattern[0].test(value)) {
      this.violations.add(path, value, `must satisfy regular expression pattern: ${rules.pattern[1]}`);
    }
  }

  enumValue(path: string, value: unknown, allowed: readonly string[]): void {
    if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
      this.violations.add(path, value, `must satisfy enum value set: [${allowed.join(', ')}]`);
    }
  }

  object(path: string, value: unknown): Body | undefined {
    if (value === undefined || value === null) {
      this.violations.add(path, value, 'must not be null');
      return undefined;
    }
    if (!isObject(value)) {
      this.violations.add(path, value, 'must be a structure');
      return undefined;
    }
    return value;
  }
}

/** Validates a CreateModelInvocationJob body; throws ValidationException with every violation found. */
export function validateCreateRequest(body: unknown): JobRequest {
  if (!isObject(body)) throw validationError('The request body must be a JSON object.');
  const c = new Checker();
  c.string('jobName', body.jobName, { required: true, min: 1, max: 63, pattern: [JOB_NAME, JOB_NAME_PATTERN] });
  c.string('roleArn', body.roleArn, { required: true, min: 0, max: 2048, pattern: [ROLE_ARN, ROLE_ARN_PATTERN] });
  c.string('modelId', body.modelId, { required: true, min: 1, max: 2048 });
  c.string('clientRequestToken', body.clientRequestToken, { min: 1, max: 256, pattern: [TOKEN, TOKEN_PATTERN] });
  const input = c.object('inputDataConfig', body.inputDataConfig);
  const s3Input = input && c.object('inputDataConfig.s3InputDataConfig', input.s3InputDataConfig);
  if (s3Input) {
    c.string('inputDataConfig.s3InputDataConfig.s3Uri', s3Input.s3Uri, {
      required: true,
      min: 1,
      max: 1024,
      pattern: [S3_URI, S3_URI_PATTERN],
    });
    c.enumValue('inputDataConfig.s3InputDataConfig.s3InputFormat', s3Input.s3InputFormat, ['JSONL']);
    c.string('inputDataConfig.s3InputDataConfig.s3BucketOwner', s3Input.s3BucketOwner, {
      pattern: [ACCOUNT, ACCOUNT_PATTERN],
    });
  }
  const output = c.object('outputDataConfig', body.outputDataConfig);
  const s3Output = output && c.object('outputDataConfig.s3OutputDataConfig', output.s3OutputDataConfig);
  if (s3Output) {
    c.string('outputDataConfig.s3OutputDataConfig.s3Uri', s3Output.s3Uri, {
      required: true,
      min: 1,
      max: 1024,
      pattern: [S3_URI, S3_URI_PATTERN],
    });
    c.string('outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId', s3Output.s3EncryptionKeyId, {
      min: 1,
      max: 2048,
      pattern: [KMS_KEY, KMS_KEY_PATTERN],
    });
    c.string('outputDataConfig.s3OutputDataConfig.s3BucketOwner', s3Output.s3BucketOwner, {
      pattern: [ACCOUNT, ACCOUNT_PATTERN],
    });
  }
  const timeout = body.timeoutDurationInHours;
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !Number.isInteger(timeout)) {
      c.violations.add('timeoutDurationInHours', timeout, 'must be an integer');
    } else if (timeout < 24) {
      c.violations.add('timeoutDurationInHours', timeout, 'must have value greater than or equal to 24');
    } else if (timeout > 168) {
      c.violations.add('timeoutDurationInHours', timeout, 'must have value less than or equal to 168');
    }
  }
  c.enumValue('modelInvocationType', body.modelInvocationType, ['InvokeModel', 'Converse']);
  if (body.tags !== undefined && (!Array.isArray(body.tags) || body.tags.length > 200)) {
    c.violations.add('tags', body.tags, 'must be a list of at most 200 tags');
  }
  c.violations.throwIfAny();
  // Past the shape checks: the model must be one the service can batch.
  if (tryModelFamily(body.modelId as string) === undefined) {
    throw validationError('The provided model identifier is invalid.');
  }
  return body as unknown as JobRequest;
}

/** The job id of a GetModelInvocationJob / StopModelInvocationJob identifier (an ARN or the id). */
export function parseJobIdentifier(identifier: string): string {
  const c = new ConstraintViolations();
  if (identifier.length > 1011) c.add('jobIdentifier', identifier, 'must have length less than or equal to 1011');
  else if (!JOB_IDENTIFIER.test(identifier)) {
    c.add('jobIdentifier', identifier, `must satisfy regular expression pattern: ${JOB_IDENTIFIER_PATTERN}`);
  }
  c.throwIfAny();
  return identifier.slice(-12);
}

export interface ListQuery {
  statusEquals?: JobStatus;
  nameContains?: string;
  submitTimeAfter?: number;
  submitTimeBefore?: number;
  sortOrder: 'Ascending' | 'Descending';
  maxResults: number;
  nextToken?: string;
}

/** Validates the ListModelInvocationJobs query string. */
export function validateListQuery(query: URLSearchParams): ListQuery {
  const c = new Checker();
  const statusEquals = query.get('statusEquals') ?? undefined;
  c.enumValue('statusEquals', statusEquals, JOB_STATUSES);
  const nameContains = query.get('nameContains') ?? undefined;
  c.string('nameContains', nameContains, { min: 1, max: 63, pattern: [JOB_NAME, JOB_NAME_PATTERN] });
  c.enumValue('sortBy', query.get('sortBy') ?? undefined, ['CreationTime']);
  const sortOrder = query.get('sortOrder') ?? 'Descending';
  c.enumValue('sortOrder', sortOrder, ['Ascending', 'Descending']);
  const rawMax = query.get('maxResults');
  const maxResults = rawMax === null ? 1000 : Number(rawMax);
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    c.violations.add('maxResults', rawMax, 'must have value greater than or equal to 1');
  } else if (maxResults > 1000) {
    c.violations.add('maxResults', rawMax, 'must have value less than or equal to 1000');
  }
  const nextToken = query.get('nextToken') ?? undefined;
  c.string('nextToken', nextToken, { min: 1, max: 2048, pattern: [/^\S*$/, '\\S*'] });
  const submitTimeAfter = timeParam(c, query, 'submitTimeAfter');
  const submitTimeBefore = timeParam(c, query, 'submitTimeBefore');
  c.violations.throwIfAny();
  return {
    ...(statusEquals === undefined ? {} : { statusEquals: statusEquals as JobStatus }),
    ...(nameContains === undefined ? {} : { nameContains }),
    ...(submitTimeAfter === undefined ? {} : { submitTimeAfter }),
    ...(submitTimeBefore === undefined ? {} : { submitTimeBefore }),
    sortOrder: sortOrder as ListQuery['sortOrder'],
    maxResults,
    ...(nextToken === undefined ? {} : { nextToken }),
  };
}

function timeParam(c: Checker, query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) c.violations.add(name, raw, 'must be an ISO 8601 timestamp');
  return ms;
}
