import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, pipelineSettings } from '../../src/config/load';

describe('configuration', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docflow-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses documented defaults when nothing is configured', () => {
    const { config, settings } = loadConfig({ env: {}, cwd: dir });
    expect(config.temporal.address).toBeUndefined();
    expect(config.batch.minRecordsPerJob).toBe(100);
    expect(config.batch.maxConcurrentJobs).toBe(20);
    expect(config.store.kind).toBe('file');
    expect(settings.every((s) => s.source === 'default')).toBe(true);
  });

  it('layers file < environment < flags and says where each value came from', async () => {
    const file = join(dir, 'docflow.config.json');
    await writeFile(
      file,
      JSON.stringify({ batch: { maxWaitMs: 1_000, maxConcurrentJobs: 5 }, 'aws.region': 'eu-west-1' }),
    );
    const { config, settings } = loadConfig({
      cwd: dir,
      env: { DOCFLOW_BATCH_MAX_WAIT_MS: '2000', AWS_REGION: 'eu-central-1' },
      flags: { 'aws.region': 'ap-southeast-2' },
    });
    expect(config.batch.maxConcurrentJobs).toBe(5);
    expect(config.batch.maxWaitMs).toBe(2_000);
    expect(config.aws.region).toBe('ap-southeast-2');
    const bySetting = Object.fromEntries(settings.map((s) => [s.key, s]));
    expect(bySetting['batch.maxConcurrentJobs']).toMatchObject({ source: 'file', origin: file });
    expect(bySetting['batch.maxWaitMs']).toMatchObject({ source: 'env', origin: 'DOCFLOW_BATCH_MAX_WAIT_MS' });
    expect(bySetting['aws.region']).toMatchObject({ source: 'flag' });
  });

  it('refuses an invalid value naming the setting and where it came from', () => {
    expect(() => loadConfig({ cwd: dir, env: { DOCFLOW_JOB_TIMEOUT_HOURS: '12' } })).toThrow(
      /invalid batch.jobTimeoutHours \(from DOCFLOW_JOB_TIMEOUT_HOURS\): "12"/,
    );
  });

  it('refuses unknown settings in a config file', async () => {
    await writeFile(join(dir, 'docflow.config.json'), JSON.stringify({ batch: { maxWait: 5 } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/unknown setting "batch.maxWait"/);
  });

  it('never echoes a secret in an error', () => {
    expect(() => loadConfig({ cwd: dir, env: {}, flags: { 'notify.webhookSecret': '' } })).toThrow(/\*\*\*/);
  });

  it('checks settings that depend on each other', () => {
    expect(() =>
      loadConfig({ cwd: dir, env: { DOCFLOW_MIN_RECORDS_PER_JOB: '500', DOCFLOW_MAX_RECORDS_PER_JOB: '100' } }),
    ).toThrow(/maxRecordsPerJob must be at least batch.minRecordsPerJob/);
    expect(() => loadConfig({ cwd: dir, env: { DOCFLOW_STORE: 'file:///tmp' } })).toThrow(
      /store.uri must look like s3:/,
    );
  });

  it('builds the settings a document workflow carries', () => {
    const { config } = loadConfig({ cwd: dir, env: { DOCFLOW_BEDROCK_TASK_QUEUE: 'bq' } });
    const settings = pipelineSettings(config);
    expect(settings.bedrockTaskQueue).toBe('bq');
    expect(settings.collector.bedrockTaskQueue).toBe('bq');
    expect(settings.collector.minRecordsPerJob).toBe(100);
    expect(settings.chunking).toEqual({ maxTokens: 6_000, overlapTokens: 200 });
  });
});
