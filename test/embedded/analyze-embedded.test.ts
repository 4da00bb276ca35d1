import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portAnswers } from '../../src/embedded/state-file';
import { shortContract, writeTempFiles } from '../support/documents';
import { freePort, runCli } from './run-cli';

interface AnalyzeJson {
  batchId: string;
  reused: boolean;
  counts: { total: number; completed: number };
  outDir: string;
}

/**
 * The zero-setup path: no TEMPORAL_ADDRESS, so `docflow analyze` starts its own Temporal dev server (SQLite in a
 * temporary data dir), the Bedrock emulator and a worker, and stops them when done.
 */
describe('docflow analyze in embedded mode', () => {
  let work: string;
  let docs: { dir: string; paths: string[] };
  let env: Record<string, string>;
  let temporalPort: number;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'docflow-embedded-'));
    docs = await writeTempFiles({ 'first.txt': shortContract('EMB-1'), 'second.txt': shortContract('EMB-2') });
    temporalPort = await freePort();
    env = {
      DOCFLOW_DATA_DIR: join(work, 'data'),
      DOCFLOW_TEMPORAL_PORT: String(temporalPort),
      DOCFLOW_UI_PORT: String(await freePort()),
      DOCFLOW_EMULATOR_PORT: String(await freePort()),
      DOCFLOW_NOTIFY: 'false',
      ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
    };
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
    await rm(docs.dir, { recursive: true, force: true });
  });

  it('completes, exports, stops its server, and a second run reuses the batch', { timeout: 300_000 }, async () => {
    const first = await runCli(['--json', 'analyze', ...docs.paths, '--out', join(work, 'out')], {
      env,
      cwd: work,
      timeoutMs: 240_000,
    });
    expect(first.code, first.stderr).toBe(0);
    const one = JSON.parse(first.stdout) as AnalyzeJson;
    expect(one.counts).toMatchObject({ total: 2, completed: 2 });
    expect(existsSync(join(work, 'out', 'first.result.json'))).toBe(true);
    expect(existsSync(join(work, 'data', 'temporal.db'))).toBe(true);
    expect(existsSync(join(work, 'data', 'dev.json'))).toBe(false);
    expect(await portAnswers('127.0.0.1', temporalPort)).toBe(false);

    const second = await runCli(['--json', 'analyze', ...docs.paths, '--out', join(work, 'again')], {
      env,
      cwd: work,
      timeoutMs: 240_000,
    });
    expect(second.code, second.stderr).toBe(0);
    const two = JSON.parse(second.stdout) as AnalyzeJson;
    expect({ batchId: two.batchId, reused: two.reused }).toEqual({ batchId: one.batchId, reused: true });
    expect(existsSync(join(work, 'again', 'second.report.md'))).toBe(true);
    expect(second.ms).toBeLessThan(first.ms);
  });
});
