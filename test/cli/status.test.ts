import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../embedded/run-cli';
import { pipelineEnv } from '../support/cli-process';
import { shortContract, writeTempFiles } from '../support/documents';
import { startTestPipeline } from '../support/pipeline';
import type { TestPipeline } from '../support/pipeline';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';

describe('docflow status and result', () => {
  let t: TemporalTestContext;
  let pipeline: TestPipeline;
  let work: string;
  let docs: string;
  let env: Record<string, string>;
  let batchId: string;
  let docId: string;

  beforeAll(async () => {
    t = await connectTemporal();
    pipeline = await startTestPipeline(t);
    work = await mkdtemp(join(tmpdir(), 'docflow-cli-status-'));
    env = pipelineEnv(pipeline);
    ({ dir: docs } = await writeTempFiles({ 'one.txt': shortContract('ST-ONE'), 'two.txt': shortContract('ST-TWO') }));
    const run = await runCli(['--json', 'analyze', docs, '--batch', 'status-test', '--out', join(work, 'a')], {
      env,
      cwd: work,
    });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { batchId: string; documents: { docId: string; name: string }[] };
    batchId = result.batchId;
    docId = result.documents.find((d) => d.name === 'one.txt')?.docId ?? '';
  });

  afterAll(async () => {
    await pipeline?.stop();
    await t?.close();
    await rm(work, { recursive: true, force: true });
    await rm(docs, { recursive: true, force: true });
  });

  it('status --json of a batch gives its final counts', async () => {
    const run = await runCli(['--json', 'status', batchId], { env, cwd: work });
    expect(run.code, run.stderr).toBe(0);
    const status = JSON.parse(run.stdout) as { kind: string; status: string; outcome: { counts: object } };
    expect(status).toMatchObject({ kind: 'corpus', status: 'COMPLETED' });
    expect(status.outcome.counts).toMatchObject({ total: 2, completed: 2 });
  });

  it('status --json of a document gives its outcome', async () => {
    const run = await runCli(['--json', 'status', docId], { env, cwd: work });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      kind: 'document',
      outcome: { name: 'one.txt', status: 'completed' },
    });
  });

  it('result --json of a document prints the analysis; without --json it writes the files', async () => {
    const json = await runCli(['--json', 'result', docId], { env, cwd: work });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toHaveProperty('analysis');
    const out = join(work, 'doc');
    const files = await runCli(['result', `docflow-doc-${docId}`, '--out', out], { env, cwd: work });
    expect(files.code, files.stderr).toBe(0);
    expect(existsSync(join(out, 'one.result.json')) && existsSync(join(out, 'one.report.md'))).toBe(true);
  });

  it('result of a batch exports its summary and documents', async () => {
    const out = join(work, 'batch');
    const run = await runCli(['result', batchId, '--out', out], { env, cwd: work });
    expect(run.code, run.stderr).toBe(0);
    expect(['summary.json', 'summary.csv', 'report.md', 'two.result.json'].every((f) => existsSync(join(out, f)))).toBe(
      true,
    );
  });

  it('an unknown id exits with 4', async () => {
    const run = await runCli(['status', 'no-such-batch'], { env, cwd: work });
    expect(run.code).toBe(4);
  });
});
