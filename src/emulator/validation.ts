import { tryModelFamily } from '../core/codecs';
import { catalogueId } from './batch-models';
import { ConstraintViolations, notFound, validationError } from './errors';
import { JOB_STATUSES } from './job';
import type { JobRequest, JobStatus, Tag } from './job';

/*
 * The synchronous checks of the request's own fields, with the constraints of the Bedrock API model
 * (service `bedrock`, 2023-04-20: the shapes of botocore's service-2.json). Anything that needs the input data
 * (S3 access, JSONL, record counts, sizes) waits for the Validating phase, as on AWS.
 */
const JOB_NAME_PATTERN = '[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}';
const ROLE_ARN_PATTERN = 'arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+';
const MODEL_ID_PATTERN =
  '(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-:]{1,63}/[a-z0-9]{12}$)|' +
  '(:foundation-model/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)$)|' +
  '([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$)))|' +
  '([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)';
const S3_URI_PATTERN = "s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?";
const TOKEN_PATTERN = '[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}';
const JOB_IDENTIFIER_PATTERN =
  '((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})';
const KMS_KEY_PATTERN =
  '(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))|' +
  '([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)';
const ACCOUNT_PATTERN = '[0-9]{12}';
const TAG_PATTERN = '[a-zA-Z0-9\\s._:/=+@-]*';
const VPC_ID_PATTERN = '[-0-9a-zA-Z]+';
const TAGGABLE_ARN_PATTERN =
  '.*(^[a-zA-Z0-9][a-zA-Z0-9\\-]*$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:custom-model/(imported)/[a-z0-9]{12}$)|' +
  '(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:([0-9]{12}|)((:(fine-tuning-job|model-customization-job|custom-model)/' +
  '[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}(/[a-z0-9]{12})$)|' +
  '(:guardrail/[a-z0-9]+$)|(:automated-reasoning-policy/[a-zA-Z0-9]+(:[a-zA-Z0-9]+)?$)|' +
  '(:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$)|' +
  '(:(provisioned-model|model-invocation-job|model-evaluation-job|evaluation-job|model-import-job|imported-model|' +
  'async-invoke|provisioned-model-v2|provisioned-model-reservation|prompt-router|custom-model-deployment)/[a-z0-9]{12}$))).*';

/** The model's patterns must match the whole value, as the service's validation does. */
const whole = (pattern: string): [RegExp, string] => [new RegExp(`^(?:${pattern})$`), pattern];
/**
 * The job name pattern backtracks exponentially on a long run of dashes that fails (`-*` and the class after it both
 * take `-`); within the name's 63 characters it accepts exactly what this linear form accepts.
 */
const JOB_NAME: [RegExp, string] = [/^[a-zA-Z0-9][a-zA-Z0-9+\-.]*$/, JOB_NAME_PATTERN];
const ROLE_ARN = whole(ROLE_ARN_PATTERN);
const MODEL_ID = whole(MODEL_ID_PATTERN);
const S3_URI = whole(S3_URI_PATTERN);
const TOKEN = whole(TOKEN_PATTERN);
const JOB_IDENTIFIER = whole(JOB_IDENTIFIER_PATTERN);
const KMS_KEY = whole(KMS_KEY_PATTERN);
const ACCOUNT = whole(ACCOUNT_PATTERN);
const TAG = whole(TAG_PATTERN);
const VPC_ID = whole(VPC_ID_PATTERN);
const TAGGABLE_ARN = whole(TAGGABLE_ARN_PATTERN);

/** What validation needs to know of the emulator: where it runs and which models can batch. */
export interface ServiceContext {
  region: string;
  accountId: string;
  batchModels: ReadonlySet<string>;
}

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

  object(path: string, value: unknown, { required = true }: { required?: boolean } = {}): Body | undefined {
    if (value === undefined || value === null) {
      if (required) this.violations.add(path, value, 'must not be null');
      return undefined;
    }
    if (!isObject(value)) {
      this.violations.add(path, value, 'must be a structure');
      return undefined;
    }
    return value;
  }

  /** A list member with length bounds; its elements, each with the path the service names it by. */
  list(
    path: string,
    value: unknown,
    rules: { required?: boolean; min: number; max: number },
  ): { path: string; value: unknown }[] {
    if (value === undefined || value === null) {
      if (rules.required) this.violations.add(path, value, 'must not be null');
      return [];
    }
    if (!Array.isArray(value)) {
      this.violations.add(path, value, 'must be a list');
      return [];
    }
    if (value.length < rules.min) {
      this.violations.add(path, value, `must have length greater than or equal to ${rules.min}`);
    } else if (value.length > rules.max) {
      this.violations.add(path, value, `must have length less than or equal to ${rules.max}`);
    }
    return value.map((item: unknown, i) => ({ path: `${path}.${i + 1}.member`, value: item }));
  }

  tags(path: string, value: unknown, required: boolean): void {
    for (const tag of this.list(path, value, { required, min: 0, max: 200 })) {
      const fields = this.object(tag.path, tag.value);
      if (!fields) continue;
      this.string(`${tag.path}.key`, fields.key, { required: true, min: 1, max: 128, pattern: TAG });
      this.string(`${tag.path}.value`, fields.value, { required: true, min: 0, max: 256, pattern: TAG });
    }
  }

  tagKeys(path: string, value: unknown): void {
    for (const key of this.list(path, value, { required: true, min: 0, max: 200 })) {
      this.string(key.path, key.value, { required: true, min: 1, max: 128, pattern: TAG });
    }
  }

  s3Location(path: string, value: unknown): Body | undefined {
    const config = this.object(path, value);
    if (!config) return undefined;
    this.string(`${path}.s3Uri`, config.s3Uri, { required: true, min: 1, max: 1024, pattern: S3_URI });
    this.string(`${path}.s3BucketOwner`, config.s3BucketOwner, { pattern: ACCOUNT });
    return config;
  }
}

/** Validates a CreateModelInvocationJob body; throws ValidationException with every violation found. */
export function validateCreateRequest(body: unknown, service: ServiceContext): JobRequest {
  if (!isObject(body)) throw validationError('The request body must be a JSON object.');
  const c = new Checker();
  c.string('jobName', body.jobName, { required: true, min: 1, max: 63, pattern: JOB_NAME });
  c.string('roleArn', body.roleArn, { required: true, min: 0, max: 2048, pattern: ROLE_ARN });
  c.string('modelId', body.modelId, { required: true, min: 1, max: 2048, pattern: MODEL_ID });
  c.string('clientRequestToken', body.clientRequestToken, { min: 1, max: 256, pattern: TOKEN });
  const input = c.object('inputDataConfig', body.inputDataConfig);
  const s3Input = input && c.s3Location('inputDataConfig.s3InputDataConfig', input.s3InputDataConfig);
  if (s3Input) c.enumValue('inputDataConfig.s3InputDataConfig.s3InputFormat', s3Input.s3InputFormat, ['JSONL']);
  const output = c.object('outputDataConfig', body.outputDataConfig);
  const s3Output = output && c.s3Location('outputDataConfig.s3OutputDataConfig', output.s3OutputDataConfig);
  if (s3Output) {
    c.string('outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId', s3Output.s3EncryptionKeyId, {
      min: 1,
      max: 2048,
      pattern: KMS_KEY,
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
  c.tags('tags', body.tags, false);
  const vpc = c.object('vpcConfig', body.vpcConfig, { required: false });
  if (vpc) {
    for (const subnet of c.list('vpcConfig.subnetIds', vpc.subnetIds, { required: true, min: 1, max: 16 })) {
      c.string(subnet.path, subnet.value, { required: true, min: 0, max: 32, pattern: VPC_ID });
    }
    for (const group of c.list('vpcConfig.securityGroupIds', vpc.securityGroupIds, {
      required: true,
      min: 1,
      max: 5,
    })) {
      c.string(group.path, group.value, { required: true, min: 0, max: 32, pattern: VPC_ID });
    }
  }
  c.violations.throwIfAny();
  // Past the shape checks: the model must be one the service can batch.
  const modelId = body.modelId as string;
  const entry = catalogueId(modelId, service);
  if (entry === undefined || !service.batchModels.has(entry) || tryModelFamily(entry) === undefined) {
    throw validationError(
      `The provided model identifier is invalid: ${modelId} is not a model or inference profile that supports ` +
        `batch inference in ${service.region}. Use the full model id with its version suffix (for example ` +
        "anthropic.claude-3-haiku-20240307-v1:0), or add the model to the emulator's batchModels.",
    );
  }
  return body as unknown as JobRequest;
}

/**
 * The job id of a GetModelInvocationJob / StopModelInvocationJob identifier (an ARN or the id). An ARN of another
 * region or account names no job here.
 */
export function parseJobIdentifier(identifier: string, service: ServiceContext): string {
  const c = new ConstraintViolations();
  if (identifier.length > 1011) c.add('jobIdentifier', identifier, 'must have length less than or equal to 1011');
  else if (!JOB_IDENTIFIER[0].test(identifier)) {
    c.add('jobIdentifier', identifier, `must satisfy regular expression pattern: ${JOB_IDENTIFIER_PATTERN}`);
  }
  c.throwIfAny();
  if (identifier.length > 12 && !identifier.startsWith(jobArnPrefix(service))) {
    throw notFound(`The model invocation job ${identifier} was not found.`);
  }
  return identifier.slice(-12);
}

const jobArnPrefix = (service: ServiceContext): string =>
  `arn:aws:bedrock:${service.region}:${service.accountId}:model-invocation-job/`;

export interface TagRequest {
  jobId: string;
  tags?: Tag[];
  tagKeys?: string[];
}

/**
 * Validates a TagResource / UntagResource / ListTagsForResource body. The emulator's only taggable resources are
 * its jobs: any other ARN the model allows names nothing here.
 */
export function validateTagRequest(
  body: unknown,
  operation: 'TagResource' | 'UntagResource' | 'ListTagsForResource',
  service: ServiceContext,
): TagRequest {
  if (!isObject(body)) throw validationError('The request body must be a JSON object.');
  const c = new Checker();
  c.string('resourceARN', body.resourceARN, { required: true, min: 20, max: 1011, pattern: TAGGABLE_ARN });
  if (operation === 'TagResource') c.tags('tags', body.tags, true);
  if (operation === 'UntagResource') c.tagKeys('tagKeys', body.tagKeys);
  c.violations.throwIfAny();
  const arn = body.resourceARN as string;
  const prefix = jobArnPrefix(service);
  if (!arn.startsWith(prefix) || !/^[a-z0-9]{12}$/.test(arn.slice(prefix.length))) {
    throw notFound(`The resource ${arn} was not found.`);
  }
  return {
    jobId: arn.slice(prefix.length),
    ...(operation === 'TagResource' ? { tags: body.tags as Tag[] } : {}),
    ...(operation === 'UntagResource' ? { tagKeys: body.tagKeys as string[] } : {}),
  };
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
  c.string('nameContains', nameContains, { min: 1, max: 63, pattern: JOB_NAME });
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
  c.string('nextToken', nextToken, { min: 1, max: 2048, pattern: whole('\\S*') });
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
