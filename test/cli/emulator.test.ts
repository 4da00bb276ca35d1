import { BedrockClient, CreateModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../src/store';
import { parseJson, runCli, startCli } from '../support/cli-process';
import type { RunningCli } from '../support/cli-process';
import {
  CLAUDE_MODEL_ID,
  TEST_REGION,
  TEST_ROLE_ARN,
  claudeRecords,
  waitForStatus,
  writeJsonl,
} from '../support/emulator';

let running: RunningCli | undefined;
let dir: string | undefined;
afterEach(async () => {
  await running?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  running = undefined;
  dir = undefined;
});

describe('docflow emulator', () => {
  it('reads and writes jobs in the store given by --store after the command name', async () => {
    dir = await mkdtemp(join(tmpdir(), 'docflow-emulator-cli-'));
    const store = new FileObjectStore(dir);
    await writeJsonl(store, 's3://docflow-test/in/records.jsonl', claudeRecords(3));
    running = startCli([
      'emulator',
      '--store',
      `file:${dir}`,
      '--port',
      '0',
      '--min-records',
      '1',
      '--submitted-ms',
      '0',
      '--validating-ms',
      '0',
      '--scheduled-ms',
      '0',
    ]);
    const [, endpoint] = await running.waitForOutput(/listening on (http:\/\/\S+)/);
    const bedrock = new BedrockClient({
      endpoint,
      region: TEST_REGION,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-checked' },
    });
    try {
      const { jobArn } = await bedrock.send(
        new CreateModelInvocationJobCommand({
          jobName: 'cli-store',
          roleArn: TEST_ROLE_ARN,
          modelId: CLAUDE_MODEL_ID,
          inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://docflow-test/in/' } },
          outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://docflow-test/out/' } },
          timeoutDurationInHours: 24,
        }),
      );
      // The job could only complete by reading its input from the folder the flag named.
      const done = await waitForStatus(bedrock, jobArn as string, ['Completed', 'Failed'], 30_000);
      expect(done.status, done.message).toBe('Completed');
      const jobId = (jobArn as string).slice(-12);
      expect(await store.head(`s3://docflow-test/out/${jobId}/records.jsonl.out`)).toBeDefined();
      expect(await store.head(`s3://docflow/_emulator/jobs/${jobId}.json`)).toBeDefined();
    } finally {
      bedrock.destroy();
    }
  });

  it('leaves the global --store to the other commands', async () => {
    const run = await runCli(['--json', 'config', '--store', 's3://flagged-store']);
    expect(run.code, run.stderr).toBe(0);
    const { settings } = parseJson<{ settings: { key: string; value: unknown; source: string }[] }>(run);
    expect(settings.find((s) => s.key === 'store.uri')).toMatchObject({ value: 's3://flagged-store', source: 'flag' });
  });
});
