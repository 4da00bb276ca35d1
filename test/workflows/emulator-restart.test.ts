import { BedrockClient, ListModelInvocationJobsCommand } from '@aws-sdk/client-bedrock';
import type { ModelInvocationJobSummary } from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocflowClient } from '../../src/client';
import { shortContract, writeTempFiles } from '../support/documents';
import { startTestPipeline } from '../support/pipeline';
import type { TestPipeline } from '../support/pipeline';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';

const DOCUMENTS = 10;

describe('an emulator restart while its job is InProgress', () => {
  let t: TemporalTestContext;
  let p: TestPipeline;
  let bedrock: BedrockClient;

  beforeAll(async () => {
    t = await connectTemporal();
    p = await startTestPipeline(t, {
      // One job slot: every record waits for the one job, which is running when the emulator goes down.
      settings: { 'batch.minRecordsPerJob': 5, 'batch.maxConcurrentJobs': 1 },
      // Slow enough that the job is still running when the emulator goes down.
      emulator: { quotas: { minRecordsPerJob: 5 }, timings: { recordsPerSecond: 2, outputIntervalMs: 200 } },
    });
    bedrock = new BedrockClient({
      endpoint: p.emulator.endpoint,
      region: p.config.aws.region,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-checked' },
    });
  });
  afterAll(async () => {
    bedrock?.destroy();
    await p?.stop();
    await t?.close();
  });

  const jobs = async (): Promise<ModelInvocationJobSummary[]> =>
    (await bedrock.send(new ListModelInvocationJobsCommand({}))).invocationJobSummaries ?? [];

  it('completes every document with the one Bedrock job it had, resumed by the new emulator', async () => {
    const client = new DocflowClient(t.client, p.config, p.store);
    const files: Record<string, string> = {};
    for (let i = 0; i < DOCUMENTS; i++) files[`restart-${i}.txt`] = shortContract(`MARKER-RESTART-${i}`);
    const { paths } = await writeTempFiles(files);
    const { batchId } = await client.startCorpus({ files: paths, batchId: 'emulator-restart-batch' });

    await expect
      .poll(async () => (await jobs()).map((j) => j.status), { timeout: 60_000, interval: 200 })
      .toEqual(['InProgress']);
    const createdBefore = p.emulator.counters().jobsCreated;
    await p.restartEmulator();

    const outcome = await client.awaitCorpus(batchId);
    expect(outcome.counts).toMatchObject({ total: DOCUMENTS, completed: DOCUMENTS, failed: 0 });
    const listed = await jobs();
    expect(listed.map((j) => j.status)).toEqual(['Completed']);
    expect(createdBefore + p.emulator.counters().jobsCreated).toBe(1);
    expect(p.emulator.counters().runtimeInvocations).toBe(0);
  });
});
