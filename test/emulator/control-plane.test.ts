import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  ListTagsForResourceCommand,
  StopModelInvocationJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListModelInvocationJobs,
} from '@aws-sdk/client-bedrock';
import type { CreateModelInvocationJobCommandInput } from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load';
import { CLAUDE_MODEL_ID, TEST_ROLE_ARN, rejection, startTestEmulator, waitForStatus } from '../support/emulator';
import type { TestEmulator } from '../support/emulator';

let t: TestEmulator;
let seq = 0;

// Jobs here never get past Validating with real input: these tests are about the API, not the processing.
beforeAll(async () => {
  t = await startTestEmulator({ timings: { submittedMs: 60_000 } });
});
afterAll(async () => t.stop());
beforeEach(async () => t.emulator.reset({ jobs: true }));

function jobInput(overrides: Partial<CreateModelInvocationJobCommandInput> = {}): CreateModelInvocationJobCommandInput {
  seq++;
  return {
    jobName: `docflow-job-${seq}`,
    roleArn: TEST_ROLE_ARN,
    modelId: CLAUDE_MODEL_ID,
    inputDataConfig: {
      s3InputDataConfig: { s3Uri: 's3://docflow-test/jobs/x/input/records.jsonl', s3InputFormat: 'JSONL' },
    },
    outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://docflow-test/jobs/x/output/' } },
    timeoutDurationInHours: 24,
    clientRequestToken: `token-${seq}`,
    ...overrides,
  };
}

const create = (overrides: Partial<CreateModelInvocationJobCommandInput> = {}) =>
  t.bedrock.send(new CreateModelInvocationJobCommand(jobInput(overrides)));

describe('CreateModelInvocationJob', () => {
  it('returns a job ARN ending in a 12-character [a-z0-9] id', async () => {
    const { jobArn } = await create();
    expect(jobArn).toMatch(/^arn:aws:bedrock:us-east-1:123456789012:model-invocation-job\/[a-z0-9]{12}$/);
    expect(t.emulator.counters().jobsCreated).toBe(1);
  });

  it('returns the original job for a repeated clientRequestToken, without creating another', async () => {
    const first = await create({ clientRequestToken: 'same-token-1' });
    const again = await create({ clientRequestToken: 'same-token-1', jobName: 'another-name' });
    expect(again.jobArn).toBe(first.jobArn);
    expect(t.emulator.counters()).toMatchObject({ jobsCreated: 1, duplicateTokensSeen: 1 });
  });

  it.each<[string, Partial<CreateModelInvocationJobCommandInput>, RegExp]>([
    [
      'a job name with an underscore',
      { jobName: 'docflow_job' },
      /Value 'docflow_job' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    ],
    [
      'a job name over 63 characters',
      { jobName: 'a'.repeat(64) },
      /at 'jobName' failed to satisfy constraint: Member must have length less than or equal to 63/,
    ],
    [
      // The model's pattern backtracks exponentially on this: the emulator must still answer at once.
      'a job name with a long run of dashes before an underscore',
      { jobName: `a${'-'.repeat(60)}_` },
      /at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    ],
    [
      'a role that is not an IAM role ARN',
      { roleArn: 'arn:aws:iam::123456789012:user/me' },
      /at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    ],
    [
      'a timeout under 24 hours',
      { timeoutDurationInHours: 23 },
      /Value '23' at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value greater than or equal to 24/,
    ],
    [
      'a timeout over 168 hours',
      { timeoutDurationInHours: 169 },
      /at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value less than or equal to 168/,
    ],
    [
      'an input URI that is not s3://',
      { inputDataConfig: { s3InputDataConfig: { s3Uri: 'https://bucket/key.jsonl' } } },
      /at 'inputDataConfig.s3InputDataConfig.s3Uri' failed to satisfy constraint/,
    ],
    [
      'an input format other than JSONL',
      {
        inputDataConfig: {
          s3InputDataConfig: { s3Uri: 's3://docflow-test/in.jsonl', s3InputFormat: 'CSV' as 'JSONL' },
        },
      },
      /at 'inputDataConfig.s3InputDataConfig.s3InputFormat' failed to satisfy constraint: Member must satisfy enum value set: \[JSONL\]/,
    ],
    [
      'an output bucket name in capitals',
      { outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://Bucket/out/' } } },
      /at 'outputDataConfig.s3OutputDataConfig.s3Uri'/,
    ],
    [
      'a client request token with an underscore',
      { clientRequestToken: 'bad_token' },
      /at 'clientRequestToken' failed to satisfy constraint/,
    ],
    [
      'a model the service cannot batch',
      { modelId: 'cohere.command-r-v1:0' },
      /^The provided model identifier is invalid: cohere\.command-r-v1:0 is not a model or inference profile that supports batch inference in us-east-1\./,
    ],
    [
      'a model id without its version suffix',
      { modelId: 'anthropic.claude-3-haiku-20240307' },
      /^The provided model identifier is invalid: anthropic\.claude-3-haiku-20240307 is not a model .*version suffix/,
    ],
    [
      'a model that does not exist',
      { modelId: 'anthropic.claude-9-v1:0' },
      /^The provided model identifier is invalid/,
    ],
    [
      'a foundation model ARN of another region',
      { modelId: 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0' },
      /^The provided model identifier is invalid/,
    ],
    [
      'a model id outside the pattern',
      { modelId: 'Claude 3 Haiku' },
      /Value 'Claude 3 Haiku' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    ],
    [
      'an input bucket name of two characters',
      { inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://ab/in/' } } },
      /Value 's3:\/\/ab\/in\/' at 'inputDataConfig.s3InputDataConfig.s3Uri' failed to satisfy constraint/,
    ],
    [
      'an output bucket name ending in a hyphen',
      { outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://bucket-/out/' } } },
      /at 'outputDataConfig.s3OutputDataConfig.s3Uri' failed to satisfy constraint/,
    ],
    [
      'a KMS key that is neither an ARN, a key id nor an alias',
      { outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://docflow-test/out/', s3EncryptionKeyId: 'my key' } } },
      /at 'outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId' failed to satisfy constraint/,
    ],
    [
      'a tag key with #',
      { tags: [{ key: 'team#1', value: 'legal' }] },
      /Value 'team#1' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    ],
    [
      'a tag key over 128 characters',
      {
        tags: [
          { key: 'ok', value: '' },
          { key: 'k'.repeat(129), value: 'v' },
        ],
      },
      /at 'tags.2.member.key' failed to satisfy constraint: Member must have length less than or equal to 128/,
    ],
    [
      'a tag without a value',
      { tags: [{ key: 'team' } as { key: string; value: string }] },
      /Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null/,
    ],
    [
      'a VPC configuration without subnets',
      { vpcConfig: { subnetIds: [], securityGroupIds: ['sg-0123456789abcdef0'] } },
      /at 'vpcConfig.subnetIds' failed to satisfy constraint: Member must have length greater than or equal to 1/,
    ],
    [
      'a VPC configuration with 17 subnets',
      {
        vpcConfig: {
          subnetIds: Array.from({ length: 17 }, (_, i) => `subnet-${i}`),
          securityGroupIds: ['sg-0123456789abcdef0'],
        },
      },
      /at 'vpcConfig.subnetIds' failed to satisfy constraint: Member must have length less than or equal to 16/,
    ],
    [
      'a security group id with an underscore',
      { vpcConfig: { subnetIds: ['subnet-1'], securityGroupIds: ['sg_1'] } },
      /Value 'sg_1' at 'vpcConfig.securityGroupIds.1.member' failed to satisfy constraint/,
    ],
  ])('rejects %s with ValidationException 400', async (_what, overrides, message) => {
    const err = await rejection(() => create(overrides));
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toMatch(message);
    expect(t.emulator.counters().jobsCreated).toBe(0);
  });

  it.each<[string, Partial<CreateModelInvocationJobCommandInput>]>([
    ["docflow's default model", { modelId: loadConfig({ env: {} }).config.bedrock.modelId }],
    ['a cross-region inference profile', { modelId: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0' }],
    ['a Nova model', { modelId: 'amazon.nova-lite-v1:0' }],
    [
      'a foundation model ARN of this region',
      { modelId: `arn:aws:bedrock:us-east-1::foundation-model/${CLAUDE_MODEL_ID}` },
    ],
    [
      'a KMS key id in UUID form',
      {
        outputDataConfig: {
          s3OutputDataConfig: {
            s3Uri: 's3://docflow-test/out/',
            s3EncryptionKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
          },
        },
      },
    ],
    [
      'a KMS alias',
      {
        outputDataConfig: {
          s3OutputDataConfig: { s3Uri: 's3://docflow-test/out/', s3EncryptionKeyId: 'alias/docflow' },
        },
      },
    ],
    [
      'a KMS key ARN',
      {
        outputDataConfig: {
          s3OutputDataConfig: {
            s3Uri: 's3://docflow-test/out/',
            s3EncryptionKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
        },
      },
    ],
    ['tags with spaces, symbols and an empty value', { tags: [{ key: 'cost centre:legal/EU', value: '' }] }],
    [
      '16 subnets and 5 security groups',
      {
        vpcConfig: {
          subnetIds: Array.from({ length: 16 }, (_, i) => `subnet-${i}`),
          securityGroupIds: Array.from({ length: 5 }, (_, i) => `sg-${i}`),
        },
      },
    ],
  ])('accepts %s', async (_what, overrides) => {
    await expect(create(overrides)).resolves.toHaveProperty('jobArn');
  });

  it('reports every violation of a request at once', async () => {
    const err = await rejection(() => create({ jobName: 'bad_name', timeoutDurationInHours: 12 }));
    expect(err.message).toMatch(/^2 validation errors detected: /);
  });

  it('rejects a job beyond the submitted + in-progress slots of a model with ServiceQuotaExceededException 400', async () => {
    const quota = await startTestEmulator({ quotas: { maxActiveJobsPerModel: 2 }, timings: { submittedMs: 60_000 } });
    try {
      const send = (name: string, modelId = CLAUDE_MODEL_ID) =>
        quota.bedrock.send(
          new CreateModelInvocationJobCommand(jobInput({ jobName: name, modelId, clientRequestToken: name })),
        );
      await send('slot-1');
      await send('slot-2');
      const err = await rejection(() => send('slot-3'));
      expect(err.name).toBe('ServiceQuotaExceededException');
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toContain(
        `limit of 2 submitted and in-progress batch inference jobs for model ${CLAUDE_MODEL_ID}`,
      );
      // The slots are per model, and a repeated token is still answered.
      await expect(send('other-model', 'amazon.nova-lite-v1:0')).resolves.toHaveProperty('jobArn');
      await expect(send('slot-1')).resolves.toHaveProperty('jobArn');
    } finally {
      await quota.stop();
    }
  });
});

describe('GetModelInvocationJob', () => {
  it('describes the job by ARN and by id, with the request fields and ISO dates the SDK parses', async () => {
    const input = jobInput({ tags: [{ key: 'team', value: 'legal' }] });
    const { jobArn } = await t.bedrock.send(new CreateModelInvocationJobCommand(input));
    const byArn = await t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const byId = await t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn?.slice(-12) }));
    expect(byId.jobArn).toBe(jobArn);
    expect(byArn).toMatchObject({
      jobArn,
      jobName: input.jobName,
      modelId: CLAUDE_MODEL_ID,
      roleArn: TEST_ROLE_ARN,
      clientRequestToken: input.clientRequestToken,
      status: 'Submitted',
      inputDataConfig: input.inputDataConfig,
      outputDataConfig: input.outputDataConfig,
      timeoutDurationInHours: 24,
      modelInvocationType: 'InvokeModel',
    });
    expect(byArn.submitTime).toBeInstanceOf(Date);
    expect(Math.abs((byArn.submitTime as Date).getTime() - Date.now())).toBeLessThan(5_000);
    expect((byArn.jobExpirationTime as Date).getTime() - (byArn.submitTime as Date).getTime()).toBe(24 * 3_600_000);
  });

  it('answers an unknown job with ResourceNotFoundException 404', async () => {
    const err = await rejection(() =>
      t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: 'abcdefghijkl' })),
    );
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata?.httpStatusCode).toBe(404);
    expect(err.message).toContain('abcdefghijkl');
  });

  it.each([
    ['another account', 'arn:aws:bedrock:us-east-1:210987654321:model-invocation-job/'],
    ['another region', 'arn:aws:bedrock:eu-west-1:123456789012:model-invocation-job/'],
  ])(
    'answers the ARN of a job id that exists here, but in %s, with ResourceNotFoundException 404',
    async (_where, prefix) => {
      const { jobArn } = await create();
      const elsewhere = `${prefix}${(jobArn as string).slice(-12)}`;
      for (const send of [
        () => t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: elsewhere })),
        () => t.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: elsewhere })),
      ]) {
        const err = await rejection(send);
        expect(err.name).toBe('ResourceNotFoundException');
        expect(err.$metadata?.httpStatusCode).toBe(404);
      }
    },
  );

  it('answers a malformed identifier with ValidationException 400', async () => {
    const err = await rejection(() => t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: 'not-a-job' })));
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toContain("at 'jobIdentifier'");
  });
});

describe('StopModelInvocationJob', () => {
  it('stops a job that has not finished: Stopping, then Stopped', async () => {
    const { jobArn } = await create();
    await t.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const stopping = await t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(stopping.status).toBe('Stopping');
    const stopped = await waitForStatus(t.bedrock, jobArn as string, ['Stopped']);
    expect(stopped.endTime).toBeInstanceOf(Date);
  });

  it('refuses to stop a finished job with ValidationException 400', async () => {
    const { jobArn } = await create();
    await t.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    await waitForStatus(t.bedrock, jobArn as string, ['Stopped']);
    const err = await rejection(() => t.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn })));
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toContain('is Stopped and cannot be stopped');
  });

  it('answers an unknown job with ResourceNotFoundException 404', async () => {
    const err = await rejection(() =>
      t.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: '000000000000' })),
    );
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata?.httpStatusCode).toBe(404);
  });
});

describe('ListModelInvocationJobs', () => {
  async function createMany(names: string[]): Promise<string[]> {
    const arns: string[] = [];
    for (const jobName of names) {
      arns.push((await create({ jobName })).jobArn as string);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    return arns;
  }

  it('lists the newest first by default, with the job summaries', async () => {
    const arns = await createMany(['list-a', 'list-b', 'list-c']);
    const page = await t.bedrock.send(new ListModelInvocationJobsCommand({}));
    expect(page.invocationJobSummaries?.map((j) => j.jobArn)).toEqual([...arns].reverse());
    expect(page.nextToken).toBeUndefined();
    expect(page.invocationJobSummaries?.[0]).toMatchObject({
      jobName: 'list-c',
      status: 'Submitted',
      modelId: CLAUDE_MODEL_ID,
    });
  });

  it('sorts by creation time ascending when asked', async () => {
    const arns = await createMany(['asc-a', 'asc-b']);
    const page = await t.bedrock.send(
      new ListModelInvocationJobsCommand({ sortBy: 'CreationTime', sortOrder: 'Ascending' }),
    );
    expect(page.invocationJobSummaries?.map((j) => j.jobArn)).toEqual(arns);
  });

  it('pages with maxResults and nextToken, through the SDK paginator', async () => {
    const arns = await createMany(Array.from({ length: 7 }, (_, i) => `page-${i}`));
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateListModelInvocationJobs(
      { client: t.bedrock, pageSize: 3 },
      { sortOrder: 'Ascending' },
    )) {
      pages.push(page.invocationJobSummaries?.length ?? 0);
      seen.push(...(page.invocationJobSummaries ?? []).map((j) => j.jobArn as string));
    }
    expect(pages).toEqual([3, 3, 1]);
    expect(seen).toEqual(arns);
  });

  it('filters by status, name and submit time', async () => {
    const [stopMe] = await createMany(['filter-stop-me', 'filter-keep', 'other-job']);
    await t.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: stopMe }));
    const byStatus = await t.bedrock.send(new ListModelInvocationJobsCommand({ statusEquals: 'Stopping' }));
    expect(byStatus.invocationJobSummaries?.map((j) => j.jobName)).toEqual(['filter-stop-me']);
    const byName = await t.bedrock.send(new ListModelInvocationJobsCommand({ nameContains: 'filter' }));
    expect(byName.invocationJobSummaries?.map((j) => j.jobName).sort()).toEqual(['filter-keep', 'filter-stop-me']);
    const after = await t.bedrock.send(
      new ListModelInvocationJobsCommand({ submitTimeAfter: new Date(Date.now() + 60_000) }),
    );
    expect(after.invocationJobSummaries).toEqual([]);
    const before = await t.bedrock.send(
      new ListModelInvocationJobsCommand({ submitTimeBefore: new Date(Date.now() + 60_000) }),
    );
    expect(before.invocationJobSummaries).toHaveLength(3);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'maxResults over 1000',
      { maxResults: 1001 },
      /at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000/,
    ],
    [
      'an unknown status',
      { statusEquals: 'Running' },
      /at 'statusEquals' failed to satisfy constraint: Member must satisfy enum value set/,
    ],
    [
      'an unknown sort key',
      { sortBy: 'Name' },
      /at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: \[CreationTime\]/,
    ],
    ['a forged nextToken', { nextToken: 'bm90LWEtdG9rZW4' }, /^The provided nextToken is invalid\.$/],
  ])('rejects %s with ValidationException 400', async (_what, input, message) => {
    const err = await rejection(() => t.bedrock.send(new ListModelInvocationJobsCommand(input)));
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toMatch(message);
  });
});

describe('tags', () => {
  const listTags = async (resourceARN: string) =>
    (await t.bedrock.send(new ListTagsForResourceCommand({ resourceARN }))).tags;

  it('lists the tags a job was created with, adds and replaces with TagResource, removes with UntagResource', async () => {
    const { jobArn } = await create({ tags: [{ key: 'team', value: 'legal' }] });
    const arn = jobArn as string;
    expect(await listTags(arn)).toEqual([{ key: 'team', value: 'legal' }]);
    await t.bedrock.send(
      new TagResourceCommand({
        resourceARN: arn,
        tags: [
          { key: 'team', value: 'contracts' },
          { key: 'batch', value: 'b1' },
        ],
      }),
    );
    expect(await listTags(arn)).toEqual([
      { key: 'team', value: 'contracts' },
      { key: 'batch', value: 'b1' },
    ]);
    await t.bedrock.send(new UntagResourceCommand({ resourceARN: arn, tagKeys: ['team', 'absent'] }));
    expect(await listTags(arn)).toEqual([{ key: 'batch', value: 'b1' }]);
  });

  it('answers a job ARN unknown here (or of another account) with ResourceNotFoundException 404', async () => {
    for (const resourceARN of [
      'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl',
      'arn:aws:bedrock:us-east-1:210987654321:model-invocation-job/abcdefghijkl',
    ]) {
      const err = await rejection(() => t.bedrock.send(new ListTagsForResourceCommand({ resourceARN })));
      expect(err.name).toBe('ResourceNotFoundException');
      expect(err.$metadata?.httpStatusCode).toBe(404);
    }
  });

  it('rejects an invalid tag with ValidationException 400, and more than 200 tags with TooManyTagsException 400', async () => {
    const { jobArn } = await create();
    const invalid = await rejection(() =>
      t.bedrock.send(new TagResourceCommand({ resourceARN: jobArn, tags: [{ key: 'a#b', value: 'x' }] })),
    );
    expect(invalid.name).toBe('ValidationException');
    expect(invalid.message).toMatch(/at 'tags.1.member.key'/);
    const many = Array.from({ length: 150 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await t.bedrock.send(new TagResourceCommand({ resourceARN: jobArn, tags: many }));
    const more = Array.from({ length: 60 }, (_, i) => ({ key: `more${i}`, value: 'v' }));
    const tooMany = await rejection(() => t.bedrock.send(new TagResourceCommand({ resourceARN: jobArn, tags: more })));
    expect(tooMany.name).toBe('TooManyTagsException');
    expect(tooMany.$metadata?.httpStatusCode).toBe(400);
  });
});
