import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { searchAttributeCliArgs, searchAttributeKeys } from '../shared/search-attributes';
import { defaultCacheDir, resolveTemporalCli } from '../temporal/cli-binary';
import { portAnswers } from './state-file';

export interface DevServerOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** An explicit Temporal CLI binary (`TEMPORAL_CLI_PATH`). */
  cliPath?: string;
  /** How long to wait for the server to answer. */
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

/** A Temporal dev server this process started. */
export interface DevServer {
  address: string;
  uiUrl: string;
  /** Persistent state (workflows survive restarts). */
  dbFile: string;
  logFile: string;
  /** The server process, when docflow spawned it (not with the SDK's download). */
  pid?: number;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Starts `temporal server start-dev` on a SQLite file under `dataDir`, with the Web UI and docflow's search
 * attributes, and waits until its frontend serves the namespace. Restarting on an existing file resumes every
 * workflow where it was. Without a local CLI binary (no Go, nothing cached) the Temporal SDK downloads one.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const { dataDir, port, uiPort, namespace } = options;
  const log = options.log ?? (() => undefined);
  await mkdir(dataDir, { recursive: true });
  const dbFile = join(dataDir, 'temporal.db');
  const logFile = join(dataDir, 'temporal.log');
  const address = `${HOST}:${port}`;
  const uiUrl = `http://${HOST}:${uiPort}`;
  for (const [what, p, variable] of [
    ['Temporal', port, 'DOCFLOW_TEMPORAL_PORT'],
    ['Temporal Web UI', uiPort, 'DOCFLOW_UI_PORT'],
  ] as const) {
    if (await portAnswers(HOST, p)) {
      throw new Error(
        `port ${p} (${what}) is already in use by another program: set ${variable} to a free port` +
          (what === 'Temporal' ? `, or TEMPORAL_ADDRESS=${HOST}:${p} to use the server that is there` : ''),
      );
    }
  }

  const cli = await resolveTemporalCli({ cliPath: options.cliPath, cacheDir: defaultCacheDir(), log });
  let stop: () => Promise<void>;
  let pid: number | undefined;
  let exited: Promise<string> | undefined;
  if (cli.path !== undefined) {
    const child = await spawnServer(cli.path, { dbFile, logFile, port, uiPort, namespace });
    pid = child.pid;
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    // If this process ends without stopping the server (an uncaught error), the server must not outlive it.
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
    stop = async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    };
  } else {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: cli.executable,
        dbFilename: dbFile,
        ip: HOST,
        port,
        ui: true,
        uiPort,
        namespace,
        searchAttributes: searchAttributeKeys,
        log: { format: 'pretty', level: 'warn' },
      },
    });
    stop = () => env.teardown();
  }

  try {
    await waitUntilServing(address, namespace, options.readyTimeoutMs ?? 60_000, exited, logFile);
    if (cli.path !== undefined) await ensureSearchAttributes(cli.path, address, namespace);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl, dbFile, logFile, pid, stop };
}

async function spawnServer(
  path: string,
  o: { dbFile: string; logFile: string; port: number; uiPort: number; namespace: string },
): Promise<ChildProcess> {
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    o.dbFile,
    '--ip',
    HOST,
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--namespace',
    o.namespace,
    ...searchAttributeCliArgs().flatMap((a) => ['--search-attribute', a]),
    '--log-level',
    'warn',
  ];
  const logHandle = await open(o.logFile, 'a');
  await logHandle.write(`\n--- ${new Date().toISOString()} temporal ${args.join(' ')}\n`);
  // Its own process group: Ctrl+C in the terminal reaches docflow, which stops the worker first and the server last.
  const child = spawn(path, args, { stdio: ['ignore', logHandle.fd, logHandle.fd], detached: true });
  // The child holds its own copy of the descriptor.
  await logHandle.close();
  return child;
}

/** Polls the frontend until it answers for the namespace. */
async function waitUntilServing(
  address: string,
  namespace: string,
  timeoutMs: number,
  exited: Promise<string> | undefined,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: string | undefined;
  void exited?.then((code) => (exitCode = code));
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`the Temporal dev server exited (${exitCode}) while starting: ${await tail(logFile)}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the Temporal dev server did not answer within ${timeoutMs / 1000} s (${lastError}); see ${logFile}`);
}

/**
 * `start-dev --search-attribute` registers attributes only when it creates the database: on a data dir made by an
 * older docflow, attributes added since would be missing. Creating them again is harmless (same name, same type).
 */
async function ensureSearchAttributes(cliPath: string, address: string, namespace: string): Promise<void> {
  const args = ['operator', 'search-attribute', 'create', '--address', address, '--namespace', namespace];
  for (const pair of searchAttributeCliArgs()) {
    const [name = '', type = ''] = pair.split('=');
    args.push('--name', name, '--type', type);
  }
  await promisify(execFile)(cliPath, args, { timeout: 30_000 });
}

async function tail(file: string): Promise<string> {
  try {
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    return lines.slice(-5).join(' | ');
  } catch {
    return `see ${file}`;
  }
}
