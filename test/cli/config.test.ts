import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EffectiveSetting, SettingReference } from '../../src/cli/commands/config';
import { SETTINGS } from '../../src/config/settings';
import { parseJson, runCli } from '../support/cli-process';

interface EffectiveConfig {
  file: string | null;
  settings: EffectiveSetting[];
}

const SECRET_KEY = 'tcld-secret-api-key-value';
const WEBHOOK_SECRET = 'whsec-never-print-this';

describe('docflow config', () => {
  it('shows every setting with its value and where it came from: default, file, environment variable, flag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'docflow-config-cli-'));
    const file = join(dir, 'docflow.config.json');
    await writeFile(file, JSON.stringify({ batch: { maxWaitMs: 1_000 }, 'aws.region': 'eu-west-1' }));
    const run = await runCli(
      ['--json', '--namespace', 'flagged', 'config'],
      { DOCFLOW_MAX_CONCURRENT_JOBS: '7', AWS_REGION: 'eu-central-1' },
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const config = parseJson<EffectiveConfig>(run);
    expect(config.file).toBe(file);
    expect(config.settings.map((s) => s.key)).toEqual(SETTINGS.map((s) => s.key));
    const byKey = Object.fromEntries(config.settings.map((s) => [s.key, s]));
    expect(byKey['batch.maxWaitMs']).toMatchObject({ value: 1_000, source: 'file', origin: file });
    expect(byKey['batch.maxConcurrentJobs']).toMatchObject({
      value: 7,
      source: 'env',
      origin: 'DOCFLOW_MAX_CONCURRENT_JOBS',
    });
    expect(byKey['aws.region']).toMatchObject({ value: 'eu-central-1', source: 'env', origin: 'AWS_REGION' });
    expect(byKey['temporal.namespace']).toMatchObject({ value: 'flagged', source: 'flag' });
    expect(byKey['batch.minRecordsPerJob']).toMatchObject({ value: 100, source: 'default' });
    expect(byKey['batch.minRecordsPerJob']?.origin).toBeUndefined();
  });

  it('shows secrets as *** and never prints their values', async () => {
    const env = { TEMPORAL_API_KEY: SECRET_KEY, DOCFLOW_WEBHOOK_SECRET: WEBHOOK_SECRET };
    const json = await runCli(['--json', 'config'], env);
    const byKey = Object.fromEntries(parseJson<EffectiveConfig>(json).settings.map((s) => [s.key, s]));
    expect(byKey['temporal.apiKey']).toMatchObject({ value: '***', secret: true, source: 'env' });
    expect(byKey['notify.webhookSecret']).toMatchObject({ value: '***', secret: true });
    const human = await runCli(['config'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^temporal\.apiKey\s+\*\*\*\s+env TEMPORAL_API_KEY$/m);
    for (const run of [json, human]) {
      expect(run.stdout + run.stderr).not.toContain(SECRET_KEY);
      expect(run.stdout + run.stderr).not.toContain(WEBHOOK_SECRET);
    }
  });

  it('prints a table with the source of each value', async () => {
    const run = await runCli(['config'], { DOCFLOW_TASK_QUEUE: 'contracts' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^config file: none/);
    expect(run.stdout).toMatch(/^SETTING\s+VALUE\s+SOURCE$/m);
    expect(run.stdout).toMatch(/^temporal\.taskQueue\s+contracts\s+env DOCFLOW_TASK_QUEUE$/m);
    expect(run.stdout).toMatch(/^temporal\.address\s+\(unset\)\s+default$/m);
  });

  it('lists every setting with its environment variables and description (--keys)', async () => {
    const run = await runCli(['--json', 'config', '--keys']);
    const keys = parseJson<SettingReference[]>(run);
    expect(keys).toHaveLength(SETTINGS.length);
    expect(keys.find((k) => k.key === 'bedrock.roleArn')).toMatchObject({
      env: ['DOCFLOW_BATCH_ROLE_ARN'],
      default: null,
    });
    const human = await runCli(['config', '--keys']);
    expect(human.stdout).toMatch(/^batch\.maxWaitMs {2}\(DOCFLOW_BATCH_MAX_WAIT_MS; default 300000\)$/m);
  });

  it('prints the committed configuration reference (--markdown)', async () => {
    const run = await runCli(['config', '--markdown']);
    expect(run.stdout).toBe(await readFile(join(__dirname, '../../docs/configuration.md'), 'utf8'));
  });

  it('exits 2 with the setting and its source when a value is invalid', async () => {
    const run = await runCli(['config'], { DOCFLOW_MAX_CONCURRENT_JOBS: 'many' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid batch\.maxConcurrentJobs \(from DOCFLOW_MAX_CONCURRENT_JOBS\)/);
  });
});
