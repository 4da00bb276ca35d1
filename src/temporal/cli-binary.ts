import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * The Temporal CLI release docflow builds and runs (dev server with SQLite and the Web UI, server 1.29.1).
 * Later tags carry a `replace` directive in go.mod, which makes `go install …@version` refuse them.
 */
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_SERVER_MIN_VERSION = '1.29.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

/** Where the dev server binary comes from, in the order they are tried. */
export type CliSource = 'env' | 'path' | 'cache' | 'go-build' | 'sdk-download';

/** The executable in the shape `@temporalio/testing`'s `createLocal` takes. */
export type DevServerExecutable =
  { type: 'existing-path'; path: string } | { type: 'cached-download'; downloadDir: string; version?: string };

export interface ResolvedCli {
  source: CliSource;
  executable: DevServerExecutable;
  /** The binary's path, unless the SDK is left to download it. */
  path?: string;
  /** `temporal --version` of the binary, when known. */
  version?: string;
}

export interface ResolveCliOptions {
  /** An explicit binary (`TEMPORAL_CLI_PATH`); when set it must work, nothing else is tried. */
  cliPath?: string;
  /** Cache folder surviving between runs (`DOCFLOW_CACHE_DIR`, default `~/.cache/docflow`). */
  cacheDir?: string;
  /** Build with Go when nothing usable is found (default true). */
  allowBuild?: boolean;
  /** Let the Temporal SDK download the CLI when Go is unavailable (default true; needs internet). */
  allowDownload?: boolean;
  /** PATH to search (default: the process PATH). */
  searchPath?: string;
  log?: (message: string) => void;
}

export class TemporalCliNotFoundError extends Error {
  constructor(reasons: string[]) {
    super(
      [
        'No usable Temporal CLI (dev server) was found. Tried:',
        ...reasons.map((r) => `  - ${r}`),
        'Fix one of these:',
        '  - set TEMPORAL_CLI_PATH to a Temporal CLI binary (>= 1.5.1);',
        '  - put `temporal` (>= 1.5.1) on PATH;',
        `  - install Go so docflow can run \`go install ${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}\` into its cache;`,
        '  - or run on a machine with internet access so the Temporal SDK can download the CLI.',
      ].join('\n'),
    );
    this.name = 'TemporalCliNotFoundError';
  }
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCFLOW_CACHE_DIR) return env.DOCFLOW_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'docflow');
}

/** The path at which a Go build of the pinned CLI version is cached. */
export function cachedCliPath(cacheDir: string): string {
  return join(cacheDir, 'temporal-cli', `v${TEMPORAL_CLI_VERSION}`, 'temporal');
}

/**
 * Finds a Temporal CLI able to run the dev server: `TEMPORAL_CLI_PATH`, then `temporal` on PATH (>= 1.5.1),
 * then the cached Go build, then a fresh `go install` into the cache, then the SDK's own download.
 */
export async function resolveTemporalCli(options: ResolveCliOptions = {}): Promise<ResolvedCli> {
  const log = options.log ?? (() => undefined);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const reasons: string[] = [];

  if (options.cliPath) {
    const version = await probeVersion(options.cliPath);
    if (!version) {
      throw new TemporalCliNotFoundError([`TEMPORAL_CLI_PATH=${options.cliPath}: not an executable Temporal CLI`]);
    }
    return existing('env', options.cliPath, version);
  }

  const onPath = await findOnPath('temporal', options.searchPath ?? process.env.PATH ?? '');
  if (onPath) {
    const version = await probeVersion(onPath);
    if (version && isSupportedVersion(version)) return existing('path', onPath, version);
    reasons.push(`temporal on PATH (${onPath}): version ${version ?? 'unknown'} is older than ${TEMPORAL_CLI_VERSION}`);
  } else {
    reasons.push('temporal on PATH: not found');
  }

  const cached = cachedCliPath(cacheDir);
  const cachedVersion = await probeVersion(cached);
  if (cachedVersion) return existing('cache', cached, cachedVersion);
  reasons.push(`cached build (${cached}): not present`);

  if (options.allowBuild !== false) {
    const go = await findOnPath('go', options.searchPath ?? process.env.PATH ?? '');
    if (go) {
      await buildWithGo(go, cacheDir, log);
      const built = await probeVersion(cached);
      if (built) return existing('go-build', cached, built);
      reasons.push(`go install into ${cached}: finished but the binary does not run`);
    } else {
      reasons.push('go: not found on PATH');
    }
  }

  if (options.allowDownload !== false) {
    log('No local Temporal CLI and no Go: the Temporal SDK will download the CLI (needs internet).');
    return {
      source: 'sdk-download',
      executable: { type: 'cached-download', downloadDir: join(cacheDir, 'temporal-download') },
    };
  }
  throw new TemporalCliNotFoundError(reasons);
}

/** `temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)`; a `go install` build says `0.0.0-DEV`. */
export function parseCliVersion(output: string): { cli: string; server?: string } | undefined {
  const m = /temporal version (\S+)(?:\s+\(Server (\S+?)[,)])?/.exec(output);
  if (!m?.[1]) return undefined;
  return { cli: m[1], server: m[2] };
}

export function isSupportedVersion(versionOutput: string): boolean {
  const parsed = parseCliVersion(versionOutput);
  if (!parsed) return false;
  if (compareVersions(parsed.cli, TEMPORAL_CLI_VERSION) >= 0) return true;
  // Source builds report 0.0.0-DEV: judge them by the server they embed.
  return (
    parsed.cli.startsWith('0.0.0') &&
    !!parsed.server &&
    compareVersions(parsed.server, TEMPORAL_SERVER_MIN_VERSION) >= 0
  );
}

export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/);
  const pb = b.replace(/^v/, '').split(/[.-]/);
  for (let i = 0; i < 3; i++) {
    const d = (Number(pa[i]) || 0) - (Number(pb[i]) || 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function existing(source: CliSource, path: string, version: string): ResolvedCli {
  return { source, path, version, executable: { type: 'existing-path', path } };
}

async function probeVersion(path: string): Promise<string | undefined> {
  try {
    await access(path, fsConstants.X_OK);
    const { stdout } = await execFileAsync(path, ['--version'], { timeout: 30_000 });
    return parseCliVersion(stdout) ? stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

async function findOnPath(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(':').filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      await access(candidate, fsConstants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `go install` into a private GOBIN, then an atomic rename into the cache, under a lock folder so that
 * two processes never build at once (the second waits and reuses the first one's binary).
 */
async function buildWithGo(go: string, cacheDir: string, log: (message: string) => void): Promise<void> {
  const target = cachedCliPath(cacheDir);
  const targetDir = join(target, '..');
  await mkdir(targetDir, { recursive: true });
  const lock = join(targetDir, '.build-lock');
  await acquireLock(lock, log);
  try {
    if (await probeVersion(target)) return;
    const gobin = await mkdtemp(join(targetDir, '.gobin-'));
    log(
      `Building Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${targetDir} (a few minutes, once per machine)...`,
    );
    const started = Date.now();
    try {
      await execFileAsync(go, ['install', `${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`], {
        env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod' },
        timeout: 30 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      await rename(join(gobin, 'temporal'), target);
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(`go install ${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION} failed:\n${stderr.slice(-2000)}`);
    } finally {
      await rm(gobin, { recursive: true, force: true });
    }
    log(`Built Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s.`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function acquireLock(lock: string, log: (message: string) => void): Promise<void> {
  const staleAfterMs = 40 * 60_000;
  for (let waited = 0; ; waited += 2000) {
    try {
      await mkdir(lock);
      return;
    } catch {
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > staleAfterMs) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (waited === 0) log('Another process is building the Temporal CLI; waiting for it...');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
