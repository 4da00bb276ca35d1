import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
} from '@aws-sdk/client-bedrock';
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeResponse, encodeRequest } from '../../src/core/codecs';
import {
  CLAUDE_MODEL_ID,
  TEST_ROLE_ARN,
  claudeRecords,
  rejection,
  startTestEmulator,
  waitForStatus,
  writeJsonl,
} from '../support/emulator';
import type { TestEmulator } from '../support/emulator';

let t: TestEmulator;
let seq = 0;
beforeAll(async () => {
  t = await startTestEmulator({ quotas: { minRecordsPerJob: 5 } });
});
afterAll(async () => t.stop());
beforeEach(async () => {
  t.emulator.setFaults({});
  await t.emulator.reset({ jobs: true });
});

async function submit(
  target: TestEmulator,
  jobName: string,
  records = claudeRecords(10),
): Promise<{ jobArn: string; outputPrefix: string }> {
  seq++;
  const base = `s3://docflow-test/faults/job${seq}`;
  await writeJsonl(target.store, `${base}/input/records.jsonl`, records);
  const { jobArn } = await target.bedrock.send(
    new CreateModelInvocationJobCommand({
      jobName,
      roleArn: TEST_ROLE_ARN,
      modelId: CLAUDE_MODEL_ID,
      inputDataConfig: { s3InputDataConfig: { s3Uri: `${base}/input/` } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: `${base}/output/` } },
      timeoutDurationInHours: 24,
    }),
  );
  return { jobArn: jobArn as string, outputPrefix: `${base}/output/${(jobArn as string).slice(-12)}/` };
}

const list = (target: TestEmulator) => target.bedrock.send(new ListModelInvocationJobsCommand({}));

describe('request faults', () => {
  it('throttles an operation at its configured rate with ThrottlingException 429', async () => {
    t.emulator.setFaults({ operations: { ListModelInvocationJobs: { throttleRate: 1 } } });
    const err = await rejection(() => list(t));
    expect(err.name).toBe('ThrottlingException');
    expect(err.$metadata?.httpStatusCode).toBe(429);
    // Other operations are untouched.
    await expect(t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: 'abcdefghijkl' }))).rejects.toThrow(
      /not found/,
    );
    expect(t.emulator.counters().throttled).toBe(1);
  });

  it('answers with InternalServerException 500 at the server error rate', async () => {
    t.emulator.setFaults({ serverErrorRate: 1 });
    const err = await rejection(() => list(t));
    expect(err.name).toBe('InternalServerException');
    expect(err.$metadata?.httpStatusCode).toBe(500);
    expect(t.emulator.counters().serverErrors).toBe(1);
  });

  it('replays the same faults for the same seed', async () => {
    async function outcomes(seed: number): Promise<string[]> {
      const target = await startTestEmulator({ seed, faults: { throttleRate: 0.3, serverErrorRate: 0.2 } });
      try {
        const seen: string[] = [];
        for (let i = 0; i < 30; i++)
          seen.push(
            await list(target).then(
              () => 'ok',
              (err: Error) => err.name,
            ),
          );
        return seen;
      } finally {
        await target.stop();
      }
    }
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(await outcomes(8)).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', 'ThrottlingException', 'InternalServerException']));
  });
});

describe('job faults', () => {
  it('failNextJobs fails the next job after validation, with the configured message', async () => {
    t.emulator.setFaults({ failNextJobs: 1, failJobMessage: 'Injected: the model is unavailable.' });
    const failing = await submit(t, 'will-fail');
    const fine = await submit(t, 'will-pass');
    const failed = await waitForStatus(t.bedrock, failing.jobArn, ['Failed', 'Completed']);
    expect(failed).toMatchObject({ status: 'Failed', message: 'Injected: the model is unavailable.' });
    expect((await waitForStatus(t.bedrock, fine.jobArn, ['Failed', 'Completed'])).status).toBe('Completed');
    expect(t.emulator.faults().failNextJobs).toBe(0);
  });

  it('failJobsMatching fails the jobs whose name contains the text', async () => {
    t.emulator.setFaults({ failJobsMatching: 'doomed' });
    const { jobArn } = await submit(t, 'batch-doomed-3');
    expect((await waitForStatus(t.bedrock, jobArn, ['Failed', 'Completed'])).status).toBe('Failed');
  });

  it('expireNextJobs leaves the next job Scheduled until it ends Expired, with nothing processed', async () => {
    t.emulator.setFaults({ expireNextJobs: 1 });
    const { jobArn } = await submit(t, 'will-expire');
    const expired = await waitForStatus(t.bedrock, jobArn, ['Expired', 'Completed']);
    expect(expired).toMatchObject({ status: 'Expired', processedRecordCount: 0 });
    expect(expired.message).toMatch(/expired before it could start/);
  });

  it('slow jobs take slowJobFactor times longer', async () => {
    t.emulator.setFaults({ slowJobsMatching: 'slow', slowJobFactor: 20 });
    const slow = await submit(t, 'slow-job');
    const quick = await submit(t, 'quick-job');
    await waitForStatus(t.bedrock, quick.jobArn, ['Completed']);
    const { status } = await t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: slow.jobArn }));
    expect(['Submitted', 'Validating']).toContain(status);
    await waitForStatus(t.bedrock, slow.jobArn, ['Completed']);
  });
});

describe('model output faults', () => {
  it('malformed and truncated outputs reach the batch output of the named records', async () => {
    t.emulator.setFaults({ malformedOutputRecordIds: ['r0001'], truncatedOutputRecordIds: ['r0002'] });
    const { jobArn, outputPrefix } = await submit(t, 'spoiled');
    await waitForStatus(t.bedrock, jobArn, ['Completed']);
    const lines = (await t.store.getText(`${outputPrefix}records.jsonl.out`))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { recordId: string; modelOutput: unknown });
    const result = (id: string) => decodeResponse('claude-messages', lines.find((l) => l.recordId === id)?.modelOutput);
    const intact = result('r0003');
    expect(() => JSON.parse(result('r0001').text) as unknown).toThrow();
    expect(result('r0002').stopReason).toBe('max_tokens');
    expect(result('r0002').text.length).toBeLessThan(intact.text.length);
    expect(intact.stopReason).toBe('end_turn');
  });

  it('a malformed output rate of 1 spoils runtime invocations too', async () => {
    t.emulator.setFaults({ malformedOutputRate: 1 });
    const response = await t.runtime.send(
      new InvokeModelCommand({
        modelId: CLAUDE_MODEL_ID,
        body: JSON.stringify(encodeRequest('claude-messages', { prompt: 'Clause 1.', maxTokens: 100 })),
      }),
    );
    const { text } = decodeResponse('claude-messages', JSON.parse(new TextDecoder().decode(response.body)));
    expect(() => JSON.parse(text) as unknown).toThrow();
  });
});
