import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CancelOutcome } from '../../src/cli/commands/cancel';
import type { FailuresView } from '../../src/cli/commands/failures';
import type { JobRow } from '../../src/cli/commands/jobs';
import type { ListRow } from '../../src/cli/commands/list';
import type { RetryOutcome } from '../../src/cli/commands/retry';
import { DocflowClient } from '../../src/client';
import { parseJson, pipelineEnv, runCli } from '../support/cli-process';
import type { CliRun } from '../support/cli-process';
import { shortContract, writeTempFiles } from '../support/documents';
import type { TestPipeline } from '../support/pipeline';
import { startTestPipeline } from '../support/pipeline';
import type { TemporalTestContext } from '../support/temporal';
import { connectTemporal } from '../support/temporal';

let t: TemporalTestContext;
let p: TestPipeline;
let client: DocflowClient;
let env: Record<string, string>;

beforeAll(async () => {
  t = await connectTemporal();
  // Batch jobs of any size (so one document makes a job); the cancel tests make their jobs slow so that there is
  // something running to cancel.
  p = await startTestPipeline(t, {
    settings: { 'batch.minRecordsPerJob': 1, 'batch.lowPriorityMaxWaitMs': 600_000 },
    emulator: { quotas: { minRecordsPerJob: 1 } },
  });
  client = new DocflowClient(t.client, p.config, p.store);
  env = pipelineEnv(p);
});

afterAll(async () => {
  await p?.stop();
  await t?.close();
});

const docflow = (...args: string[]): Promise<CliRun> => runCli(args, env);
const uniqueBatch = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/** Visibility is eventually consistent: repeats a read until it shows what the test waits for. */
async function eventually<T>(fn: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('docflow list', () => {
  it('lists a batch and its documents as a table and as JSON, filtered by type, status and batch', async () => {
    const batchId = uniqueBatch('ops-list');
    const { paths } = await writeTempFiles({
      'list-a.txt': shortContract(`MARKER-LIST-A-${batchId}`),
      'list-b.txt': shortContract(`MARKER-LIST-B-${batchId}`),
    });
    await client.startCorpus({ files: paths, batchId, priority: 'high' });
    await client.awaitCorpus(batchId);

    const all = await eventually(
      async () => parseJson<ListRow[]>(await docflow('list', '--batch', batchId, '--json')),
      (rows) => rows.filter((r) => r.status === 'completed').length === 3,
    );
    expect(all.map((r) => r.type).sort()).toEqual(['corpus', 'document', 'document']);
    expect(all.every((r) => r.batchId === batchId && r.status === 'completed')).toBe(true);

    const documents = parseJson<ListRow[]>(
      await docflow('list', '--batch', batchId, '--type', 'document', '--status', 'completed', '--json'),
    );
    expect(documents).toHaveLength(2);
    expect(documents.every((r) => r.workflowId.startsWith('docflow-doc-') && r.stage === 'completed')).toBe(true);
    const failed = parseJson<ListRow[]>(await docflow('list', '--batch', batchId, '--status', 'failed', '--json'));
    expect(failed).toEqual([]);
    expect(parseJson<ListRow[]>(await docflow('list', '--batch', batchId, '--limit', '1', '--json'))).toHaveLength(1);

    const table = await docflow('list', '--batch', batchId);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^WORKFLOW ID\s+TYPE\s+STATUS\s+STAGE\s+BATCH/);
    expect(lines).toHaveLength(4);
    expect(table.stdout).toContain(`docflow-corpus-${batchId}`);
  });

  it('refuses an unknown status with a usage error', async () => {
    const run = await docflow('list', '--status', 'sleeping');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/running, completed, failed, cancelled/);
  });
});

describe('docflow failures and retry', () => {
  it('shows failed documents by reason, restarts only them, and refuses to re-run what completed', async () => {
    const batchId = uniqueBatch('ops-retry');
    const { paths } = await writeTempFiles({
      'retry-ok.txt': shortContract(`MARKER-OPS-OK-${batchId}`),
      'retry-bad.txt': shortContract(`MARKER-OPS-BAD-${batchId}`),
    });
    const ok = await client.startDocument({ file: paths[0], priority: 'high' });
    expect((await client.awaitDocument(ok.docId)).status).toBe('completed');
    // Every model answer is prose instead of JSON, and a chunk gets one attempt: the second document fails.
    p.emulator.setFaults({ malformedOutputRate: 1 });
    const settings = { ...p.settings, maxRecordAttempts: 1 };
    await client.startCorpus({ files: paths, batchId, priority: 'high', settings });
    expect((await client.awaitCorpus(batchId)).counts).toMatchObject({ completed: 1, failed: 1 });
    p.emulator.setFaults({});

    const view = await eventually(
      async () => parseJson<FailuresView>(await docflow('failures', batchId, '--json')),
      (v) => v.failed === 1,
    );
    expect(view).toMatchObject({ batchId, failed: 1, cancelled: 0 });
    expect(view.groups).toHaveLength(1);
    expect(view.groups[0]?.reason).toMatch(/model output invalid/);
    expect(view.groups[0]?.count).toBe(1);
    expect(view.groups[0]?.documents.map((d) => [d.name, d.status])).toEqual([['retry-bad.txt', 'failed']]);

    const human = await docflow('failures', batchId);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/1 failed, 0 cancelled/);
    expect(human.stdout).toMatch(/model output invalid.*\(1\)/);
    expect(human.stdout).toContain('retry-bad.txt');
    expect(human.stdout).not.toContain('MARKER-OPS');

    const retried = await docflow('retry', batchId, '--json');
    expect(retried.code).toBe(0);
    const outcome = parseJson<RetryOutcome>(retried);
    expect(outcome).toMatchObject({ kind: 'batch', id: batchId, workflowId: `docflow-corpus-${batchId}` });
    expect(outcome.documents?.map((d) => d.name)).toEqual(['retry-bad.txt']);
    expect((await client.awaitCorpus(batchId)).counts).toMatchObject({ completed: 2, failed: 0 });

    const again = await docflow('retry', batchId);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no failed or cancelled documents: nothing to retry/);
    const completed = await docflow('retry', ok.docId);
    expect(completed.code).toBe(2);
    expect(completed.stderr).toMatch(/completed: its result is kept/);
  });

  it('retries one failed document by its id and says so', async () => {
    const { paths } = await writeTempFiles({ 'retry-one.txt': shortContract(`MARKER-OPS-ONE-${randomUUID()}`) });
    p.emulator.setFaults({ malformedOutputRate: 1 });
    const started = await client.startDocument({
      file: paths[0],
      priority: 'high',
      settings: { ...p.settings, maxRecordAttempts: 1 },
    });
    await expect(client.awaitDocument(started.docId)).rejects.toThrow();
    p.emulator.setFaults({});

    const run = await docflow('retry', started.docId);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`restarted document ${started.docId}`);
    expect((await client.awaitDocument(started.docId)).status).toBe('completed');
  });
});

describe('docflow cancel', () => {
  it('cancels a batch with its running documents, then says there is nothing left to cancel', async () => {
    const batchId = uniqueBatch('ops-cancel');
    const { paths } = await writeTempFiles({
      'cancel-a.txt': shortContract(`MARKER-CANCEL-A-${batchId}`),
      'cancel-b.txt': shortContract(`MARKER-CANCEL-B-${batchId}`),
    });
    // Free job slots take records at once, whatever their priority: very slow jobs keep both documents running.
    p.emulator.setFaults({ slowNextJobs: 2, slowJobFactor: 10_000 });
    await client.startCorpus({ files: paths, batchId, priority: 'low' });
    await eventually(
      () => client.list({ batchId, type: 'analyzeDocument', status: 'Running' }),
      (rows) => rows.length === 2,
    );

    const run = await docflow('cancel', batchId);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`cancelled batch ${batchId} .*its 2 running documents`));
    await expect(client.awaitCorpus(batchId)).rejects.toThrow(/cancel/);

    const failures = await eventually(
      async () => parseJson<FailuresView>(await docflow('failures', batchId, '--json')),
      (v) => v.cancelled === 2,
    );
    expect(failures.groups.map((g) => g.reason)).toEqual(['cancelled']);

    const again = await docflow('cancel', batchId);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already cancelled: nothing to cancel/);
  });

  it('cancels one document by its workflow id (JSON)', async () => {
    const { paths } = await writeTempFiles({ 'cancel-one.txt': shortContract(`MARKER-CANCEL-ONE-${randomUUID()}`) });
    p.emulator.setFaults({ slowNextJobs: 1, slowJobFactor: 10_000 });
    const started = await client.startDocument({ file: paths[0], priority: 'low' });
    const run = await docflow('cancel', started.workflowId, '--json');
    expect(run.code).toBe(0);
    expect(parseJson<CancelOutcome>(run)).toMatchObject({ kind: 'document', workflowId: started.workflowId });
    await expect(client.awaitDocument(started.docId)).rejects.toThrow();
    expect((await client.documentHandle(started.docId).describe()).status.name).toBe('CANCELLED');
  });

  it('exits 4 for ids that name nothing', async () => {
    for (const args of [
      ['cancel', 'no-such-batch'],
      ['retry', 'no-such-doc'],
      ['failures', 'no-such-batch'],
    ]) {
      const run = await docflow(...args);
      expect(run.code, args.join(' ')).toBe(4);
      expect(run.stderr).toMatch(/no (document or )?batch "no-such-/);
    }
  });
});

describe('docflow jobs', () => {
  it('lists the Bedrock job that served a document, with its counters', async () => {
    const { paths } = await writeTempFiles({ 'job-doc.txt': shortContract(`MARKER-JOB-${randomUUID()}`) });
    const started = await client.startDocument({ file: paths[0], priority: 'normal' });
    const outcome = await client.awaitDocument(started.docId);
    expect(outcome.jobs.length).toBeGreaterThan(0);

    const jobs = await eventually(
      async () => parseJson<JobRow[]>(await docflow('jobs', '--status', 'completed', '--json')),
      (rows) => rows.some((j) => outcome.jobs.includes(j.jobName ?? '')),
    );
    const job = jobs.find((j) => outcome.jobs.includes(j.jobName ?? ''));
    expect(job).toMatchObject({ attempt: 1, workflowStatus: 'completed', progressAvailable: true });
    // The last attempt's Bedrock status when the workflow reports its attempts, else the workflow's own `Done`.
    expect(['Completed', 'Done']).toContain(job?.status);
    expect(job?.documents).toBeGreaterThanOrEqual(1);
    expect(job?.processed).toBe(job?.total);
    expect(job?.failed).toBe(0);

    const table = await docflow('jobs');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^JOB NAME\s+STATUS\s+ATTEMPT\s+PROCESSED\s+FAILED\s+TOTAL\s+DOCUMENTS/);
    expect(table.stdout).toContain(job?.jobName ?? 'missing');
  });
});
