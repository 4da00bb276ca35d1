import { CreateModelInvocationJobCommand, ListModelInvocationJobsCommand } from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_MODEL_ID, TEST_ROLE_ARN, rejection, startTestEmulator } from '../support/emulator';
import type { TestEmulator } from '../support/emulator';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ timings: { submittedMs: 60_000 } });
});
afterAll(async () => t.stop());

const admin = (path: string, body?: unknown) =>
  fetch(
    `${t.emulator.endpoint}/_docflow/${path}`,
    body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
  );

describe('admin endpoint', () => {
  it('binds to loopback on an ephemeral port and reports health', async () => {
    expect(t.emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await admin('health')).json()).toEqual({ status: 'ok' });
  });

  it('reports counters, and resets them (and the jobs, when asked)', async () => {
    const create = () =>
      t.bedrock.send(
        new CreateModelInvocationJobCommand({
          jobName: 'admin-job',
          roleArn: TEST_ROLE_ARN,
          modelId: CLAUDE_MODEL_ID,
          inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://docflow-test/in/' } },
          outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://docflow-test/out/' } },
          clientRequestToken: 'admin-token',
        }),
      );
    await create();
    await create();
    expect(await (await admin('counters')).json()).toMatchObject({ jobsCreated: 1, duplicateTokensSeen: 1 });
    expect(await (await admin('reset', {})).json()).toMatchObject({ jobsCreated: 0, duplicateTokensSeen: 0 });
    expect((await t.bedrock.send(new ListModelInvocationJobsCommand({}))).invocationJobSummaries).toHaveLength(1);
    await admin('reset', { jobs: true });
    expect((await t.bedrock.send(new ListModelInvocationJobsCommand({}))).invocationJobSummaries).toHaveLength(0);
  });

  it('sets faults from JSON and refuses an invalid configuration with 400', async () => {
    const set = await admin('faults', { operations: { ListModelInvocationJobs: { serverErrorRate: 1 } } });
    expect(set.status).toBe(200);
    const err = await rejection(() => t.bedrock.send(new ListModelInvocationJobsCommand({})));
    expect(err.name).toBe('InternalServerException');
    const bad = await admin('faults', { throttleRate: 2 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^Invalid fault configuration: .*throttleRate/);
    await admin('faults', {});
    expect(await (await admin('faults')).json()).toMatchObject({ throttleRate: 0, operations: {} });
  });

  it('answers an unknown (signed) path with 404 UnknownOperationException', async () => {
    const res = await fetch(`${t.emulator.endpoint}/no-such-operation`, {
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=abc',
      },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^UnknownOperationException:/);
  });
});
