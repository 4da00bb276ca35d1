import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultCacheDir } from '../../src/temporal/cli-binary';

const execFileAsync = promisify(execFile);

/** moto's release the tests run against (S3 and SNS endpoints on loopback). */
export const MOTO_REQUIREMENT = 'moto[server]==5.2.1';

export function motoVenvDir(cacheDir = defaultCacheDir()): string {
  return join(cacheDir, 'moto-venv');
}

/**
 * The `moto_server` command: `DOCFLOW_MOTO_SERVER`, else the cached virtualenv that `npm test` provisions,
 * else `moto_server` on PATH.
 */
export async function resolveMotoServer(): Promise<string> {
  if (process.env.DOCFLOW_MOTO_SERVER) return process.env.DOCFLOW_MOTO_SERVER;
  const cached = join(motoVenvDir(), 'bin', 'moto_server');
  try {
    await access(join(motoVenvDir(), '.docflow-installed'), constants.R_OK);
    return cached;
  } catch {
    return 'moto_server';
  }
}

/** Installs moto into a virtualenv in the cache (once per machine); a marker file says the install finished. */
export async function provisionMoto(log: (message: string) => void): Promise<string> {
  const venv = motoVenvDir();
  const bin = join(venv, 'bin', 'moto_server');
  const marker = join(venv, '.docflow-installed');
  try {
    await access(marker, constants.R_OK);
    return bin;
  } catch {
    // not provisioned, or an earlier install stopped half-way: start afresh
  }
  log(`Installing ${MOTO_REQUIREMENT} into ${venv} (once per machine)...`);
  await rm(venv, { recursive: true, force: true });
  await mkdir(join(venv, '..'), { recursive: true });
  try {
    await execFileAsync('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    await execFileAsync(
      join(venv, 'bin', 'pip'),
      ['install', '--quiet', '--disable-pip-version-check', MOTO_REQUIREMENT],
      {
        timeout: 15 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? (err as Error).message;
    throw new Error(`could not install ${MOTO_REQUIREMENT} (needs python3 with venv and pip):\n${stderr.slice(-1500)}`);
  }
  await writeFile(marker, `${MOTO_REQUIREMENT}\n`);
  return bin;
}
