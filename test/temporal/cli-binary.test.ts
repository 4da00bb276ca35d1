import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  TemporalCliNotFoundError,
  cachedCliPath,
  compareVersions,
  isSupportedVersion,
  parseCliVersion,
  resolveTemporalCli,
} from '../../src/temporal/cli-binary';

async function fakeCli(path: string, versionLine: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `#!/bin/sh\necho '${versionLine}'\n`);
  await chmod(path, 0o755);
}

describe('Temporal CLI provisioning', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docflow-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parses release and source-build version lines', () => {
    expect(parseCliVersion('temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)')).toEqual({
      cli: '1.5.1',
      server: '1.29.1',
    });
    expect(parseCliVersion('temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)')).toEqual({
      cli: '0.0.0-DEV',
      server: '1.29.1',
    });
    expect(parseCliVersion('something else')).toBeUndefined();
  });

  it('accepts 1.5.1 and later, and source builds embedding server 1.29.1 or later', () => {
    expect(isSupportedVersion('temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)')).toBe(true);
    expect(isSupportedVersion('temporal version 1.6.0 (Server 1.30.0, UI 2.43.0)')).toBe(true);
    expect(isSupportedVersion('temporal version 1.4.9 (Server 1.28.0, UI 2.40.0)')).toBe(false);
    expect(isSupportedVersion('temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)')).toBe(true);
    expect(isSupportedVersion('temporal version 0.0.0-DEV (Server 1.27.0, UI 2.30.0)')).toBe(false);
    expect(compareVersions('v1.10.0', '1.9.9')).toBe(1);
  });

  it('prefers TEMPORAL_CLI_PATH and refuses a broken one without falling back', async () => {
    const good = join(dir, 'explicit', 'temporal');
    await fakeCli(good, 'temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)');
    const resolved = await resolveTemporalCli({ cliPath: good, cacheDir: dir, searchPath: '' });
    expect(resolved).toMatchObject({ source: 'env', path: good, executable: { type: 'existing-path', path: good } });

    await expect(resolveTemporalCli({ cliPath: join(dir, 'missing'), cacheDir: dir, searchPath: '' })).rejects.toThrow(
      /TEMPORAL_CLI_PATH=.*missing: not an executable Temporal CLI/,
    );
  });

  it('skips a too-old temporal on PATH and uses the cached build', async () => {
    const binDir = join(dir, 'bin');
    await fakeCli(join(binDir, 'temporal'), 'temporal version 1.1.0 (Server 1.24.0, UI 2.20.0)');
    const cached = cachedCliPath(dir);
    await fakeCli(cached, 'temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)');
    const resolved = await resolveTemporalCli({ cacheDir: dir, searchPath: binDir });
    expect(resolved.source).toBe('cache');
    expect(resolved.path).toBe(cached);
  });

  it('names every option in its error when nothing works and neither build nor download is allowed', async () => {
    const attempt = resolveTemporalCli({ cacheDir: dir, searchPath: '', allowBuild: false, allowDownload: false });
    await expect(attempt).rejects.toBeInstanceOf(TemporalCliNotFoundError);
    await expect(attempt).rejects.toThrow(/TEMPORAL_CLI_PATH[\s\S]*on PATH[\s\S]*go install[\s\S]*internet/);
  });

  it('falls back to the SDK download when there is no Go', async () => {
    const resolved = await resolveTemporalCli({ cacheDir: dir, searchPath: '', allowBuild: true });
    expect(resolved.source).toBe('sdk-download');
    expect(resolved.executable).toEqual({ type: 'cached-download', downloadDir: join(dir, 'temporal-download') });
  });
});
