import { existsSync, readdirSync } from 'node:fs';
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

interface AnalyzeJson {
  batchId: string;
  reused: boolean;
  counts: { total: number; completed: number; failed: number };
  outDir: string;
  documents: { name: string; status: string; resultFile?: string; reportFile?: string }[];
}

describe('docflow analyze', () => {
  let t: TemporalTestContext;
  let pipeline: TestPipeline;
  let work: string;
  let env: Record<string, string>;
  let docs: string;

  beforeAll(async () => {
    t = await connectTemporal();
    pipeline = await startTestPipeline(t);
    work = await mkdtemp(join(tmpdir(), 'docflow-cli-'));
    // The CLI runs against the test's dev server and workers: the same queues, store, emulator and timings.
    env = { ...pipelineEnv(pipeline), DOCFLOW_DATA_DIR: join(work, '.docflow') };
    ({ dir: docs } = await writeTempFiles({
      'alpha.txt': shortContract('CLI-ALPHA'),
      'beta.md': shortContract('CLI-BETA'),
      'gamma.txt': shortContract('CLI-GAMMA'),
    }));
  });

  afterAll(async () => {
    await pipeline?.stop();
    await t?.close();
    await rm(work, { recursive: true, force: true });
    await rm(docs, { recursive: true, force: true });
  });

  it('analyses a folder, waits, and exports every result with parsable --json', async () => {
    const out = join(work, 'out-1');
    const run = await runCli(['--json', 'analyze', docs, '--out', out], { env, cwd: work });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as AnalyzeJson;
    expect(result.counts).toMatchObject({ total: 3, completed: 3, failed: 0 });
    expect(result.reused).toBe(false);
    expect(result.batchId).toMatch(/^b-[0-9a-f]{12}$/);
    expect(readdirSync(out).sort()).toEqual([
      'alpha.report.md',
      'alpha.result.json',
      'beta.report.md',
      'beta.result.json',
      'gamma.report.md',
      'gamma.result.json',
      'report.md',
      'summary.csv',
      'summary.json',
    ]);
  });

  it('run again on the same inputs, attaches to the finished batch and pays for nothing new', async () => {
    const before = pipeline.emulator.counters();
    const out = join(work, 'out-2');
    const run = await runCli(['--json', 'analyze', join(docs, '*.txt'), join(docs, 'beta.md'), '--out', out], {
      env,
      cwd: work,
    });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as AnalyzeJson;
    expect(result.reused).toBe(true);
    expect(run.stderr).toContain('reusing its results');
    const after = pipeline.emulator.counters();
    expect({ jobs: after.jobsCreated, calls: after.runtimeInvocations, tokens: after.inputTokens }).toEqual({
      jobs: before.jobsCreated,
      calls: before.runtimeInvocations,
      tokens: before.inputTokens,
    });
    expect(existsSync(join(out, 'alpha.result.json'))).toBe(true);
  });

  it('exits with 3 when a document fails, and shows plain progress on a pipe', async () => {
    const { dir, paths } = await writeTempFiles({ 'good.txt': shortContract('CLI-GOOD'), 'empty.txt': '' });
    try {
      const run = await runCli(['analyze', ...paths, '--out', join(work, 'out-3')], { env, cwd: work });
      expect(run.code, run.stderr).toBe(3);
      expect(run.stdout).toMatch(/docs \(\d+%\)/);
      expect(run.stdout).toContain('1 completed, 1 failed, 0 cancelled of 2 documents');
      // stdout is a pipe: no cursor movement, colours or carriage returns.
      expect(run.stdout.includes('\u001b') || run.stdout.includes('\r')).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
