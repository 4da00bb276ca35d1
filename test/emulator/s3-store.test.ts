import { CreateModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../src/store';
import {
  CLAUDE_MODEL_ID,
  TEST_ROLE_ARN,
  claudeRecords,
  startTestEmulator,
  waitForStatus,
  writeJsonl,
} from '../support/emulator';
import type { TestEmulator } from '../support/emulator';
import { startS3Server } from '../support/s3-server';
import type { TestS3Server } from '../support/s3-server';

let s3: TestS3Server;
let t: TestEmulator;
let bucket: string;

beforeAll(async () => {
  s3 = await startS3Server();
  bucket = await s3.createBucket('emulator');
  const store = new S3ObjectStore({ client: s3.client });
  t = await startTestEmulator({ store, stateUri: `s3://${bucket}/_emulator/`, quotas: { minRecordsPerJob: 5 } });
});
afterAll(async () => {
  await t?.stop();
  await s3?.stop();
});

async function create(jobName: string, input: string, output: string): Promise<string> {
  const { jobArn } = await t.bedrock.send(
    new CreateModelInvocationJobCommand({
      jobName,
      roleArn: TEST_ROLE_ARN,
      modelId: CLAUDE_MODEL_ID,
      inputDataConfig: { s3InputDataConfig: { s3Uri: input, s3InputFormat: 'JSONL' } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: output } },
      timeoutDurationInHours: 24,
    }),
  );
  return jobArn as string;
}

describe('over an S3-compatible server', () => {
  it('reads the input from S3 and writes the .out file and manifest there', async () => {
    await writeJsonl(t.store, `s3://${bucket}/jobs/s3job/input/records.jsonl`, claudeRecords(12));
    const jobArn = await create('s3-job', `s3://${bucket}/jobs/s3job/input/`, `s3://${bucket}/jobs/s3job/output/`);
    const done = await waitForStatus(t.bedrock, jobArn, ['Completed', 'Failed'], 20_000);
    expect(done.status).toBe('Completed');
    const prefix = `s3://${bucket}/jobs/s3job/output/${jobArn.slice(-12)}/`;
    const keys: string[] = [];
    for await (const info of t.store.listAll(prefix))
      keys.push(info.key.slice(prefix.length - `s3://${bucket}/`.length));
    expect(keys.sort()).toEqual(['manifest.json.out', 'records.jsonl.out']);
    const lines = (await t.store.getText(`${prefix}records.jsonl.out`)).trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(JSON.parse(await t.store.getText(`${prefix}manifest.json.out`))).toMatchObject({
      successRecordCount: 12,
      errorRecordCount: 0,
    });
  });

  it('fails a job whose input bucket does not exist, naming the input location', async () => {
    const jobArn = await create('s3-missing', 's3://no-such-bucket-docflow/in/', `s3://${bucket}/out/`);
    const failed = await waitForStatus(t.bedrock, jobArn, ['Failed', 'Completed'], 20_000);
    expect(failed.status).toBe('Failed');
    expect(failed.message).toMatch(/s3:\/\/no-such-bucket-docflow\/in\//);
  });
});
