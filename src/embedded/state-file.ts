import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** What a running embedded process publishes in `<dataDir>/dev.json`, so other docflow commands can use it. */
export interface EmbeddedState {
  /** The docflow process that hosts the worker and the emulator. */
  pid: number;
  /** `dev` keeps running; `analyze` (and the other one-shot commands) stop everything when they finish. */
  owner: 'dev' | 'analyze';
  address: string;
  namespace: string;
  temporalPort: number;
  uiPort: number;
  uiUrl: string;
  emulatorEndpoint: string;
  /** Absolute folder of the file store the worker uses. */
  storeRoot: string;
  taskQueue: string;
  /** The Temporal dev server process, when docflow spawned it. */
  serverPid?: number;
  startedAt: string;
}

export function stateFilePath(dataDir: string): string {
  return join(dataDir, 'dev.json');
}

export async function writeState(dataDir: string, state: EmbeddedState): Promise<void> {
  await writeFile(stateFilePath(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes the state file if it still describes this process (another process may have replaced it). */
export async function removeState(dataDir: string, pid = process.pid): Promise<void> {
  const state = await readState(dataDir);
  if (state?.pid === pid) await rm(stateFilePath(dataDir), { force: true });
}

async function readState(dataDir: string): Promise<EmbeddedState | undefined> {
  try {
    return JSON.parse(await readFile(stateFilePath(dataDir), 'utf8')) as EmbeddedState;
  } catch {
    return undefined;
  }
}

/**
 * The state of a live embedded process for this data dir: its process exists and its Temporal port answers.
 * A state file left by a process that died (kill -9, power loss) is ignored.
 */
export async function liveState(dataDir: string): Promise<EmbeddedState | undefined> {
  const state = await readState(dataDir);
  if (!state || state.pid === process.pid || !processAlive(state.pid)) return undefined;
  return (await portAnswers('127.0.0.1', state.temporalPort)) ? state : undefined;
}

/**
 * Stops a dev server left behind by a docflow process that was killed without cleaning up (kill -9), so that a new
 * one can take its port and its SQLite file. Returns whether there was one.
 */
export async function stopOrphanServer(dataDir: string): Promise<boolean> {
  const state = await readState(dataDir);
  if (!state?.serverPid || processAlive(state.pid) || !processAlive(state.serverPid)) return false;
  if (!(await commandLine(state.serverPid)).includes('start-dev')) return false;
  process.kill(state.serverPid, 'SIGTERM');
  for (let i = 0; i < 100 && processAlive(state.serverPid); i++) await new Promise((r) => setTimeout(r, 100));
  await rm(stateFilePath(dataDir), { force: true });
  return true;
}

/** The command line of a process (`ps` works on Linux and macOS alike). */
async function commandLine(pid: number): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('ps', ['-p', String(pid), '-o', 'command=']);
    return stdout;
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether something accepts TCP connections on host:port. */
export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
