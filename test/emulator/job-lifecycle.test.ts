import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import type { CreateModelInvocationJobCommandInput, ModelInvocationJobStatus } from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeResponse } from '../../src/core/codecs';
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

const BUCKET = 'docflow-test';
let t: TestEmulator;
let seq = 0;

beforeAll(async () => {
  t = await startTestEmulator({ quotas: { minRecordsPerJob: 5 } });
});
afterAll(async () => t.stop());
beforeEach(async () => t.emulator.reset({ jobs: true }));

/** Writes the input files and creates a job over them; returns its ARN and the output prefix. */
async function submitJob(
  target: TestEmulator,
  files: Record<string, unknown[]>,
  overrides: Partial<CreateModelInvocationJobCommandInput> = {},
): Promise<{ jobArn: string; jobId: string; outputPrefix: string }> {
  seq++;
  const base = `s3://${BUCKET}/jobs/job${seq}`;
  for (const [name, lines] of Object.entries(files)) await writeJsonl(target.store, `${base}/input/${name}`, lines);
  const { jobArn } = await target.bedrock.send(
    new CreateModelInvocationJobCommand({
      jobName: `lifecycle-${seq}`,
      roleArn: TEST_ROLE_ARN,
      modelId: CLAUDE_MODEL_ID,
      inputDataConfig: { s3InputDataConfig: { s3Uri: `${base}/input/`, s3InputFormat: 'JSONL' } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: `${base}/output/` } },
      timeoutDurationInHours: 24,
      clientRequestToken: `lifecycle-${seq}-${Date.now()}`,
      ...overrides,
    }),
  );
  const jobId = (jobArn as string).slice(-12);
  return { jobArn: jobArn as string, jobId, outputPrefix: `${base}/output/${jobId}/` };
}

async function readLines(store: ObjectStore, uri: string): Promise<Record<string, unknown>[]> {
  const text = await store.getText(uri);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function outputKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.listAll(prefix)) keys.push(info.key.slice(info.key.lastIndexOf('/') + 1));
  return keys.sort();
}

/** Every status the job shows, polled until it ends. */
async function statusTrail(target: TestEmulator, jobArn: string): Promise<ModelInvocationJobStatus[]> {
  const trail: ModelInvocationJobStatus[] = [];
  for (;;) {
    const { status } = await target.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    if (status !== undefined && trail[trail.length - 1] !== status) trail.push(status);
    if (['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'].includes(status ?? '')) return trail;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function withEmulator(options: TestEmulatorOptions, fn: (target: TestEmulator) => Promise<void>): Promise<void> {
  const target = await startTestEmulator({ ...options, quotas: { minRecordsPerJob: 5, ...options.quotas } });
  try {
    await fn(target);
  } finally {
    await target.stop();
  }
}

describe('a job that succeeds', () => {
  it('goes Submitted → Validating → Scheduled → InProgress → Completed', async () => {
    // Each stage lasts long enough that a poll every few milliseconds sees it even on a loaded machine.
    const stage = { submittedMs: 400, validatingMs: 400, scheduledMs: 400 };
    await withEmulator({ timings: { ...stage, recordsPerSecond: 20 } }, async (slow) => {
      const { jobArn } = await submitJob(slow, { 'records.jsonl': claudeRecords(10) });
      expect(await statusTrail(slow, jobArn)).toEqual([
        'Submitted',
        'Validating',
        'Scheduled',
        'InProgress',
        'Completed',
      ]);
    });
  });

  it('updates the progress counters as records finish', async () => {
    await withEmulator({ timings: { recordsPerSecond: 100 } }, async (slow) => {
      const { jobArn } = await submitJob(slow, { 'records.jsonl': claudeRecords(20) });
      const submitted = await slow.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
      expect(submitted).toMatchObject({
        totalRecordCount: 0,
        processedRecordCount: 0,
        successRecordCount: 0,
        errorRecordCount: 0,
      });
      const running = await waitForStatus(slow.bedrock, jobArn, ['InProgress']);
      expect(running.totalRecordCount).toBe(20);
      let mid = running;
      while ((mid.processedRecordCount ?? 0) === 0) {
        mid = await slow.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
      }
      expect(mid.status).toBe('InProgress');
      expect(mid.processedRecordCount).toBeLessThan(20);
      const done = await waitForStatus(slow.bedrock, jobArn, ['Completed']);
      expect(done).toMatchObject({
        totalRecordCount: 20,
        processedRecordCount: 20,
        successRecordCount: 20,
        errorRecordCount: 0,
      });
    });
  });

  it('writes the records finished so far to the output while the job is InProgress', async () => {
    await withEmulator({ timings: { recordsPerSecond: 100, outputIntervalMs: 20 } }, async (slow) => {
      const { jobArn, outputPrefix } = await submitJob(slow, { 'records.jsonl': claudeRecords(200) });
      await waitForStatus(slow.bedrock, jobArn, ['InProgress']);
      let lines: Record<string, unknown>[] = [];
      while (lines.length === 0) {
        lines = await readLines(slow.store, `${outputPrefix}records.jsonl.out`).catch(() => []);
      }
      const job = await slow.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
      expect(job.status).toBe('InProgress');
      expect(lines.length).toBeLessThan(200);
      expect(job.processedRecordCount).toBeGreaterThanOrEqual(lines.length);
      await waitForStatus(slow.bedrock, jobArn, ['Completed']);
      expect(await readLines(slow.store, `${outputPrefix}records.jsonl.out`)).toHaveLength(200);
    });
  });

  it('writes <input file>.out per input file, lines in an order that is not the input order, and a manifest', async () => {
    const a = claudeRecords(30, 'a');
    const b = claudeRecords(10, 'b');
    const { jobArn, outputPrefix } = await submitJob(t, { 'part-1.jsonl': a, 'part-2.jsonl': b });
    await waitForStatus(t.bedrock, jobArn, ['Completed']);
    expect(await outputKeys(t.store, outputPrefix)).toEqual([
      'manifest.json.out',
      'part-1.jsonl.out',
      'part-2.jsonl.out',
    ]);

    const lines = await readLines(t.store, `${outputPrefix}part-1.jsonl.out`);
    const ids = lines.map((line) => line.recordId);
    expect([...ids].sort()).toEqual(a.map((r) => r.recordId));
    expect(ids).not.toEqual(a.map((r) => r.recordId));
    const first = lines[0] as { recordId: string; modelInput: unknown; modelOutput: unknown };
    expect(first.modelInput).toEqual(a.find((r) => r.recordId === first.recordId)?.modelInput);
    const result = decodeResponse('claude-messages', first.modelOutput);
    expect(result.text.length).toBeGreaterThan(0);

    const manifest = JSON.parse(await t.store.getText(`${outputPrefix}manifest.json.out`)) as Record<string, number>;
    const counters = t.emulator.counters();
    expect(manifest).toEqual({
      totalRecordCount: 40,
      processedRecordCount: 40,
      successRecordCount: 40,
      errorRecordCount: 0,
      inputTokenCount: counters.inputTokens,
      outputTokenCount: counters.outputTokens,
    });
    expect(manifest.inputTokenCount).toBeGreaterThan(0);
    expect(counters.recordsProcessed).toBe(40);
  });

  it('reads a single input file named by its URI', async () => {
    const uri = `s3://${BUCKET}/single/records-1.jsonl`;
    await writeJsonl(t.store, uri, claudeRecords(5));
    // A sibling whose key starts with the same characters is not part of the job.
    await writeJsonl(t.store, `s3://${BUCKET}/single/records-12.jsonl`, claudeRecords(5, 'other'));
    const { jobArn } = await t.bedrock.send(
      new CreateModelInvocationJobCommand({
        jobName: 'single-file',
        roleArn: TEST_ROLE_ARN,
        modelId: CLAUDE_MODEL_ID,
        inputDataConfig: { s3InputDataConfig: { s3Uri: uri } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${BUCKET}/single-out` } },
        timeoutDurationInHours: 24,
      }),
    );
    await waitForStatus(t.bedrock, jobArn as string, ['Completed']);
    const lines = await readLines(
      t.store,
      `s3://${BUCKET}/single-out/${(jobArn as string).slice(-12)}/records-1.jsonl.out`,
    );
    expect(lines).toHaveLength(5);
  });

  it('answers Converse requests when the job is created with modelInvocationType Converse', async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({
      recordId: `cv${i}`,
      modelInput: {
        messages: [{ role: 'user', content: [{ text: `Clause ${i}: payment is due in 30 days.` }] }],
        inferenceConfig: { maxTokens: 200 },
      },
    }));
    const { jobArn, outputPrefix } = await submitJob(
      t,
      { 'records.jsonl': records },
      { modelInvocationType: 'Converse' },
    );
    const done = await waitForStatus(t.bedrock, jobArn, ['Completed']);
    expect(done.modelInvocationType).toBe('Converse');
    const [line] = await readLines(t.store, `${outputPrefix}records.jsonl.out`);
    expect(line?.modelOutput).toMatchObject({ output: { message: { role: 'assistant' } }, stopReason: 'end_turn' });
  });
});

describe('the Validating phase', () => {
  const good = claudeRecords(5);
  it.each<[string, Record<string, unknown[]>, TestEmulatorOptions['quotas'], RegExp]>([
    [
      'fewer records than the minimum',
      { 'r.jsonl': claudeRecords(4) },
      {},
      /has 4 records, fewer than the minimum of 5 records per batch inference job/,
    ],
    [
      'a line that is not JSON',
      { 'r.jsonl': [...good, 'not json'] },
      {},
      /Invalid JSONL: line 6 of input file r\.jsonl is not valid JSON/,
    ],
    [
      'a line without modelInput',
      { 'r.jsonl': [...good, { recordId: 'x1' }] },
      {},
      /line 6 of input file r\.jsonl has no modelInput object/,
    ],
    [
      'a file over the records-per-file quota',
      { 'r.jsonl': claudeRecords(7) },
      { maxRecordsPerFile: 6 },
      /has 7 records, more than the maximum of 6 records per file/,
    ],
    [
      'a job over the records-per-job quota',
      { 'a.jsonl': claudeRecords(5, 'a'), 'b.jsonl': claudeRecords(5, 'b') },
      { maxRecordsPerJob: 8 },
      /more than the maximum of 8 records per job/,
    ],
    [
      'a file over the file size quota',
      { 'r.jsonl': good },
      { maxFileBytes: 200 },
      /more than the maximum file size of 200 bytes/,
    ],
    [
      'files over the job size quota',
      { 'a.jsonl': claudeRecords(5, 'a'), 'b.jsonl': claudeRecords(5, 'b') },
      { maxJobBytes: 1500 },
      /more than the maximum job size of 1500 bytes/,
    ],
    ['no input files', {}, {}, /No \.jsonl input files were found at s3:\/\//],
  ])('fails a job with %s, with a message saying so', async (_what, files, quotas, message) => {
    await withEmulator({ quotas }, async (target) => {
      const real = await submitRaw(target, files);
      const failed = await waitForStatus(target.bedrock, real, ['Failed', 'Scheduled', 'InProgress', 'Completed']);
      expect(failed.status).toBe('Failed');
      expect(failed.message).toMatch(message);
      expect(failed.endTime).toBeInstanceOf(Date);
    });
  });
});

/** Like submitJob, but string lines are written as they are, to break the JSONL. */
async function submitRaw(target: TestEmulator, files: Record<string, unknown[]>): Promise<string> {
  seq++;
  const base = `s3://${BUCKET}/raw/job${seq}`;
  for (const [name, lines] of Object.entries(files)) {
    await target.store.put(
      `${base}/input/${name}`,
      lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
    );
  }
  const { jobArn } = await target.bedrock.send(
    new CreateModelInvocationJobCommand({
      jobName: `raw-${seq}`,
      roleArn: TEST_ROLE_ARN,
      modelId: CLAUDE_MODEL_ID,
      inputDataConfig: { s3InputDataConfig: { s3Uri: `${base}/input/`, s3InputFormat: 'JSONL' } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: `${base}/output/` } },
      timeoutDurationInHours: 24,
    }),
  );
  return jobArn as string;
}

describe('stopping, expiry and failures', () => {
  it('a job stopped InProgress ends Stopped and keeps what it processed', async () => {
    await withEmulator({ timings: { recordsPerSecond: 100 } }, async (slow) => {
      const { jobArn, outputPrefix } = await submitJob(slow, { 'records.jsonl': claudeRecords(200) });
      let job = await waitForStatus(slow.bedrock, jobArn, ['InProgress']);
      while ((job.processedRecordCount ?? 0) < 3)
        job = await slow.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
      await slow.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
      const stopped = await waitForStatus(slow.bedrock, jobArn, ['Stopped']);
      const processed = stopped.processedRecordCount ?? 0;
      expect(processed).toBeGreaterThanOrEqual(3);
      expect(processed).toBeLessThan(200);
      expect(await readLines(slow.store, `${outputPrefix}records.jsonl.out`)).toHaveLength(processed);
      const manifest = JSON.parse(await slow.store.getText(`${outputPrefix}manifest.json.out`)) as Record<
        string,
        number
      >;
      expect(manifest).toMatchObject({ totalRecordCount: 200, processedRecordCount: processed });
    });
  });

  it('a running job cut off by its timeout ends PartiallyCompleted and keeps what it processed', async () => {
    // One emulated hour is 5 ms, so the 24-hour timeout falls 120 ms after submission: mid-run.
    await withEmulator(
      { timings: { hourMs: 5, recordsPerSecond: 200, submittedMs: 5, validatingMs: 5, scheduledMs: 5 } },
      async (fast) => {
        const { jobArn, outputPrefix } = await submitJob(fast, { 'records.jsonl': claudeRecords(500) });
        const partial = await waitForStatus(fast.bedrock, jobArn, ['PartiallyCompleted', 'Expired', 'Completed']);
        expect(partial.status).toBe('PartiallyCompleted');
        expect(partial.message).toMatch(/did not finish within its timeout of 24 hours/);
        const processed = partial.processedRecordCount ?? 0;
        expect(processed).toBeGreaterThan(0);
        expect(processed).toBeLessThan(500);
        expect(await readLines(fast.store, `${outputPrefix}records.jsonl.out`)).toHaveLength(processed);
      },
    );
  });

  it('a job that stays Scheduled past jobExpirationMs ends Expired with nothing processed', async () => {
    // The first job holds the only running slot for 10 s; the second expires after 2 s in Scheduled (room for load).
    await withEmulator(
      { timings: { concurrentJobs: 1, jobExpirationMs: 2_000, recordsPerSecond: 10 } },
      async (busy) => {
        const first = await submitJob(busy, { 'records.jsonl': claudeRecords(100) });
        const second = await submitJob(busy, { 'records.jsonl': claudeRecords(5) });
        await waitForStatus(busy.bedrock, first.jobArn, ['InProgress']);
        const expired = await waitForStatus(busy.bedrock, second.jobArn, ['Expired', 'InProgress']);
        expect(expired.status).toBe('Expired');
        expect(expired.processedRecordCount).toBe(0);
        expect(await outputKeys(busy.store, second.outputPrefix)).toEqual([]);
      },
    );
  });

  it('records that fail leave error lines and the job ends Completed', async () => {
    t.emulator.setFaults({ failRecordIds: ['r0002', 'r0004'] });
    try {
      const { jobArn, outputPrefix } = await submitJob(t, { 'records.jsonl': claudeRecords(10) });
      const done = await waitForStatus(t.bedrock, jobArn, ['PartiallyCompleted', 'Completed']);
      expect(done).toMatchObject({
        status: 'Completed',
        processedRecordCount: 10,
        successRecordCount: 8,
        errorRecordCount: 2,
      });
      const lines = await readLines(t.store, `${outputPrefix}records.jsonl.out`);
      const failed = lines.filter((line) => 'error' in line);
      expect(failed.map((line) => line.recordId).sort()).toEqual(['r0002', 'r0004']);
      const first = failed[0] as { modelInput: unknown; error: { errorCode: number; errorMessage: string } };
      expect(first.modelInput).toEqual(claudeRecords(10).find((r) => r.recordId === failed[0]?.recordId)?.modelInput);
      expect(first.error.errorCode).toBe(500);
      expect(first.error.errorMessage).toMatch(/internal error/);
      expect(failed[0]).not.toHaveProperty('modelOutput');
      expect(t.emulator.counters().recordsFailed).toBe(2);
    } finally {
      t.emulator.setFaults({});
    }
  });

  it('a job whose every record fails still ends Completed, with an error line per record', async () => {
    const records = claudeRecords(6);
    t.emulator.setFaults({ failRecordIds: records.map((r) => r.recordId) });
    try {
      const { jobArn, outputPrefix } = await submitJob(t, { 'records.jsonl': records });
      const done = await waitForStatus(t.bedrock, jobArn, ['PartiallyCompleted', 'Completed', 'Failed']);
      expect(done).toMatchObject({
        status: 'Completed',
        processedRecordCount: 6,
        successRecordCount: 0,
        errorRecordCount: 6,
      });
      const lines = await readLines(t.store, `${outputPrefix}records.jsonl.out`);
      expect(lines.filter((line) => 'error' in line)).toHaveLength(6);
    } finally {
      t.emulator.setFaults({});
    }
  });

  it('a record whose modelInput is malformed for the model fails with errorCode 400, the others succeed', async () => {
    const records = [...claudeRecords(5), { recordId: 'bad', modelInput: { prompt: 'a Llama body sent to Claude' } }];
    const { jobArn, outputPrefix } = await submitJob(t, { 'records.jsonl': records });
    await waitForStatus(t.bedrock, jobArn, ['Completed']);
    const bad = (await readLines(t.store, `${outputPrefix}records.jsonl.out`)).find((line) => line.recordId === 'bad');
    const error = bad?.error as { errorCode: number; errorMessage: string };
    expect(error.errorCode).toBe(400);
    expect(error.errorMessage).toMatch(/^Malformed input request: .*anthropic_version is required/);
  });
});
