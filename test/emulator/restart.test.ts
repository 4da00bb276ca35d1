import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-bedrock';
import type { CreateModelInvocationJobCommandInput } from '@aws-sdk/client-bedrock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../src/store';
import type { ObjectStore } from '../../src/store';
import {
  CLAUDE_MODEL_ID,
  TEST_ROLE_ARN,
  claudeRecords,
  startTestEmulator,
  waitForStatus,
  writeJsonl,
} from '../support/emulator';
import type { TestEmulator, TestEmulatorOptions } from '../support/emulator';

const BASE = 's3://docflow-test/restart';
let root: string;
let store: ObjectStore;
const running: TestEmulator[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'docflow-emulator-restart-'));
  store = new FileObjectStore(root);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
  await rm(root, { recursive: true, force: true });
});

/** An emulator on the shared store: the restarts below start another one on the same store. */
async function emulatorOnStore(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const target = await startTestEmulator({
    store,
    quotas: { minRecordsPerJob: 5 },
    ...options,
    timings: { recordsPerSecond: 300, outputIntervalMs: 20, ...options.timings },
  });
  running.push(target);
  return target;
}

async function stopEmulator(target: TestEmulator): Promise<void> {
  running.splice(running.indexOf(target), 1);
  await target.stop();
}

function jobInput(name: string): CreateModelInvocationJobCommandInput {
  return {
    jobName: name,
    roleArn: TEST_ROLE_ARN,
    modelId: CLAUDE_MODEL_ID,
    inputDataConfig: { s3InputDataConfig: { s3Uri: `${BASE}/${name}/input/`, s3InputFormat: 'JSONL' } },
    outputDataConfig: { s3OutputDataConfig: { s3Uri: `${BASE}/${name}/output/` } },
    timeoutDurationInHours: 24,
    clientRequestToken: `${name}-token`,
  };
}

async function outputLines(jobArn: string, name: string): Promise<{ recordId: string }[]> {
  const text = await store.getText(`${BASE}/${name}/output/${jobArn.slice(-12)}/records.jsonl.out`);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { recordId: string });
}

describe('an emulator restarted on the same store', () => {
  it('carries on with a job that was InProgress: Get and List find it, it completes, and its token still maps to it', async () => {
    const first = await emulatorOnStore();
    await writeJsonl(store, `${BASE}/resume/input/records.jsonl`, claudeRecords(300));
    const { jobArn } = await first.bedrock.send(new CreateModelInvocationJobCommand(jobInput('resume')));
    await waitForStatus(first.bedrock, jobArn as string, ['InProgress']);
    // Wait until part of the output is written, so the restart has something to resume from.
    await expect
      .poll(() => outputLines(jobArn as string, 'resume').catch(() => []), { timeout: 10_000 })
      .not.toEqual([]);
    const before = await first.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(before.status).toBe('InProgress');
    await stopEmulator(first);

    const second = await emulatorOnStore();
    const found = await second.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(found).toMatchObject({ jobArn, jobName: 'resume', status: 'InProgress', totalRecordCount: 300 });
    expect(found.processedRecordCount).toBeGreaterThan(0);
    const listed = await second.bedrock.send(new ListModelInvocationJobsCommand({}));
    expect(listed.invocationJobSummaries?.map((j) => j.jobArn)).toEqual([jobArn]);

    const again = await second.bedrock.send(new CreateModelInvocationJobCommand(jobInput('resume')));
    expect(again.jobArn).toBe(jobArn);
    expect(second.emulator.counters()).toMatchObject({ jobsCreated: 0, duplicateTokensSeen: 1 });

    const done = await waitForStatus(second.bedrock, jobArn as string, ['Completed'], 20_000);
    expect(done).toMatchObject({ processedRecordCount: 300, successRecordCount: 300, errorRecordCount: 0 });
    const ids = (await outputLines(jobArn as string, 'resume')).map((line) => line.recordId);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    // The second emulator processed only what the first had not written.
    expect(second.emulator.counters().recordsProcessed).toBeLessThan(300);
  });

  it('keeps finished jobs as they ended, and a job still Submitted goes on through the status machine', async () => {
    const first = await emulatorOnStore({ timings: { submittedMs: 60_000 } });
    await writeJsonl(store, `${BASE}/waiting/input/records.jsonl`, claudeRecords(5));
    const waiting = await first.bedrock.send(new CreateModelInvocationJobCommand(jobInput('waiting')));
    await stopEmulator(first);

    const second = await emulatorOnStore();
    expect(
      (await second.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: waiting.jobArn }))).status,
    ).toBe('Submitted');
    const done = await waitForStatus(second.bedrock, waiting.jobArn as string, ['Completed']);
    await stopEmulator(second);

    const third = await emulatorOnStore();
    const after = await third.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: waiting.jobArn }));
    expect(after).toMatchObject({ status: 'Completed', processedRecordCount: 5, endTime: done.endTime });
  });

  it('keeps the tags of a job', async () => {
    const first = await emulatorOnStore({ timings: { submittedMs: 60_000 } });
    const { jobArn } = await first.bedrock.send(
      new CreateModelInvocationJobCommand({ ...jobInput('tagged'), tags: [{ key: 'team', value: 'legal' }] }),
    );
    await first.bedrock.send(new TagResourceCommand({ resourceARN: jobArn, tags: [{ key: 'batch', value: 'b1' }] }));
    await stopEmulator(first);
    const second = await emulatorOnStore();
    const { tags } = await second.bedrock.send(new ListTagsForResourceCommand({ resourceARN: jobArn }));
    expect(tags).toEqual([
      { key: 'team', value: 'legal' },
      { key: 'batch', value: 'b1' },
    ]);
  });

  it('forgets saved jobs after a reset that drops the jobs', async () => {
    const first = await emulatorOnStore({ timings: { submittedMs: 60_000 } });
    await first.bedrock.send(new CreateModelInvocationJobCommand(jobInput('forgotten')));
    await first.emulator.reset({ jobs: true });
    await stopEmulator(first);
    const second = await emulatorOnStore();
    expect((await second.bedrock.send(new ListModelInvocationJobsCommand({}))).invocationJobSummaries).toEqual([]);
  });
});
