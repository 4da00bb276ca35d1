import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { msToTs } from '@temporalio/common/lib/time';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check';
import type { DoctorReport } from '../../src/doctor/run-doctor';
import { parseJson, pipelineEnv, runCli } from '../support/cli-process';
import type { TestPipeline } from '../support/pipeline';
import { startTestPipeline } from '../support/pipeline';
import { startS3Server } from '../support/s3-server';
import type { TestS3Server } from '../support/s3-server';
import type { TemporalTestContext } from '../support/temporal';
import { connectTemporal } from '../support/temporal';

let t: TemporalTestContext;
let p: TestPipeline;
let s3: TestS3Server;
let env: Record<string, string>;

beforeAll(async () => {
  t = await connectTemporal();
  [p, s3] = await Promise.all([startTestPipeline(t), startS3Server()]);
  env = pipelineEnv(p);
});

afterAll(async () => {
  await Promise.all([p?.stop(), s3?.stop()]);
  await t?.close();
});

async function doctor(overrides: Record<string, string | undefined> = {}): Promise<DoctorReport> {
  const run = await runCli(['--json', 'doctor'], { ...env, ...overrides });
  const report = parseJson<DoctorReport>(run);
  expect(run.code, run.stderr).toBe(report.exitCode);
  return report;
}

const check = (report: DoctorReport, id: string): CheckResult => {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
};

async function closedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

describe('docflow doctor', () => {
  it('passes against the dev server, the emulator, the file store and running workers', async () => {
    const report = await doctor();
    expect(report.exitCode).toBe(0);
    expect(Object.fromEntries(report.checks.map((c) => [c.id, c.status]))).toEqual({
      temporal: 'ok',
      namespace: 'ok',
      'search-attributes': 'ok',
      workers: 'ok',
      'aws-credentials': 'skip',
      store: 'ok',
      bedrock: 'ok',
      'role-arn': 'skip',
    });
    expect(check(report, 'bedrock').message).toContain('emulator');
    expect(check(report, 'workers').message).toContain(p.taskQueue);
  });

  it('prints one line per check and a summary', async () => {
    const run = await runCli(['doctor'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok {4}Temporal server +reachable at /m);
    expect(run.stdout).toMatch(/^skip {2}Batch role +not needed: Bedrock is the emulator/m);
    expect(run.stdout).toMatch(/6 ok, 0 warnings, 0 failed, 2 skipped/);
  });

  it('fails with exit 5 and says what to fix when Temporal is not reachable', async () => {
    const address = await closedAddress();
    const run = await runCli(['doctor'], { ...env, TEMPORAL_ADDRESS: address });
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(new RegExp(`^FAIL {2}Temporal server +cannot reach Temporal at ${address}`, 'm'));
    expect(run.stdout).toMatch(/fix: start the server .*TEMPORAL_ADDRESS/);
    expect(run.stdout).toMatch(/^skip {2}Workers +skipped: Temporal is not reachable/m);
    // The rest is still checked.
    expect(run.stdout).toMatch(/^ok {4}Object store/m);
  });

  it('fails with exit 2 for a namespace that does not exist', async () => {
    const report = await doctor({ TEMPORAL_NAMESPACE: `missing-${randomUUID().slice(0, 8)}` });
    expect(report.exitCode).toBe(2);
    expect(check(report, 'namespace')).toMatchObject({ status: 'fail', cause: 'config' });
    expect(check(report, 'namespace').fix).toMatch(/temporal operator namespace create/);
    expect(check(report, 'search-attributes').status).toBe('skip');
  });

  it('fails with exit 2 and the commands to run when the search attributes are not registered', async () => {
    const namespace = `bare-${randomUUID().slice(0, 8)}`;
    await t.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    let report = await doctor({ TEMPORAL_NAMESPACE: namespace });
    for (let i = 0; i < 20 && check(report, 'namespace').status !== 'ok'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      report = await doctor({ TEMPORAL_NAMESPACE: namespace });
    }
    expect(report.exitCode).toBe(2);
    const attributes = check(report, 'search-attributes');
    expect(attributes).toMatchObject({ status: 'fail', cause: 'config' });
    expect(attributes.message).toMatch(
      /missing DocflowBatchId, DocflowStage, DocflowModel, DocflowTask, DocflowPriority/,
    );
    expect(attributes.fix).toContain(
      `temporal operator search-attribute create --namespace ${namespace} --name DocflowBatchId --type Keyword`,
    );
  });

  it('warns when no worker polls the configured task queues', async () => {
    const report = await doctor({
      DOCFLOW_TASK_QUEUE: `idle-${randomUUID()}`,
      DOCFLOW_BEDROCK_TASK_QUEUE: `idle-${randomUUID()}`,
    });
    expect(report.exitCode).toBe(0);
    expect(check(report, 'workers')).toMatchObject({ status: 'warn' });
    expect(check(report, 'workers').fix).toMatch(/docflow worker/);
  });

  it('checks an S3 store: write, read, list and delete on moto, and a missing bucket as a configuration failure', async () => {
    const bucket = await s3.createBucket('doctor');
    const s3Env = {
      DOCFLOW_STORE_KIND: 's3',
      DOCFLOW_STORE: `s3://${bucket}/docflow`,
      DOCFLOW_S3_ENDPOINT: s3.endpoint,
      DOCFLOW_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    };
    const report = await doctor(s3Env);
    expect(report.exitCode).toBe(0);
    expect(check(report, 'store')).toMatchObject({ status: 'ok' });
    expect(check(report, 'store').message).toContain(`s3://${bucket}/docflow`);
    expect(check(report, 'aws-credentials').status).toBe('ok');
    expect(JSON.stringify(report)).not.toContain(s3.credentials.secretAccessKey);
    expect(JSON.stringify(report)).not.toContain(`"${s3.credentials.accessKeyId}"`);
    const left = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(left.KeyCount).toBe(0);

    const missing = await doctor({ ...s3Env, DOCFLOW_STORE: 's3://no-such-bucket-docflow/x' });
    expect(missing.exitCode).toBe(2);
    expect(check(missing, 'store')).toMatchObject({ status: 'fail', cause: 'config' });
    expect(check(missing, 'store').message).toMatch(/bucket does not exist/);
    expect(check(missing, 'store').fix).toMatch(/s3:PutObject/);
  });

  it('fails when the Bedrock endpoint does not answer, and then asks for the batch role', async () => {
    const report = await doctor({ DOCFLOW_BEDROCK_ENDPOINT: `http://${await closedAddress()}` });
    expect(report.exitCode).toBe(5);
    expect(check(report, 'bedrock')).toMatchObject({ status: 'fail', cause: 'unavailable' });
    expect(check(report, 'role-arn')).toMatchObject({ status: 'fail', cause: 'config' });
  });
});
