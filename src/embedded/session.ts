import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { connectClient, CliError, ExitCode } from '../cli/context';
import type { Connected } from '../cli/context';
import type { DocflowConfig, LoadedConfig } from '../config/load';
import { startEmulator } from '../emulator';
import type { Emulator } from '../emulator';
import { joinUri } from '../store/uri';
import { activityContextFromConfig, createWorkers } from '../worker';
import { startDevServer } from './dev-server';
import type { DevServer } from './dev-server';
import { embeddedConfig } from './embedded-settings';
import { liveState, removeState, stopOrphanServer, writeState } from './state-file';
import type { EmbeddedState } from './state-file';
import { installWorkerLogger } from './worker-logger';

/**
 * Emulated Bedrock jobs take a few seconds per status (real ones take minutes to hours) with AWS's real quotas,
 * so the embedded mode behaves like Bedrock, minimum of 100 records per job included, only faster.
 */
export const EMBEDDED_EMULATOR_TIMINGS = {
  submittedMs: 2_000,
  validatingMs: 3_000,
  scheduledMs: 3_000,
  recordsPerSecond: 25,
};

/**
 * Who opens the session:
 * - `analyze`: a one-shot command that needs a worker while it runs;
 * - `dev`: keeps the embedded pieces running for other commands;
 * - `client`: status, watch, result: any running embedded process will do, else it starts its own like `analyze`.
 */
export type SessionRole = 'analyze' | 'dev' | 'client';

/** A connection to docflow for one command, remote or embedded. */
export interface Session extends Connected {
  /**
   * `remote`: the configured cluster (TEMPORAL_ADDRESS); `embedded`: this process started the dev server,
   * the emulator and a worker; `attached`: another docflow process (`docflow dev`) runs them.
   */
  mode: 'remote' | 'embedded' | 'attached';
  /** Whether workers keep running after this process exits (so `--no-wait` makes sense). */
  workersOutliveProcess: boolean;
  /** Temporal Web UI, when known. */
  uiUrl?: string;
  /** What was started or found, for `docflow dev` to print. */
  embedded?: EmbeddedState & { dataDir: string; temporalLog: string; workerLog: string };
  /** Settles if the in-process worker stops (it rejects with the worker's error); set once it runs. */
  workerStopped?: Promise<void>;
  /** Starts the in-process worker if this session has one and it is not running yet. */
  ensureWorker(): Promise<void>;
}

export interface OpenSessionOptions {
  role: SessionRole;
  /** An explicit Temporal CLI binary (TEMPORAL_CLI_PATH). */
  cliPath?: string;
  /** Progress messages while starting (to stderr). */
  log?: (message: string) => void;
}

/**
 * Connects a command to docflow: the configured cluster when `temporal.address` is set; otherwise the embedded
 * mode, reusing a running `docflow dev` for the same data dir or starting a Temporal dev server (SQLite under the
 * data dir, Web UI on), the Bedrock emulator and a worker in this process.
 */
export async function openSession(loaded: LoadedConfig, options: OpenSessionOptions): Promise<Session> {
  if (loaded.config.temporal.address) {
    if (options.role === 'dev') {
      throw new CliError(
        'docflow dev runs a local Temporal server: unset TEMPORAL_ADDRESS (or --address) to use it',
        ExitCode.usage,
      );
    }
    const connected = await connectClient(loaded.config);
    return { ...connected, mode: 'remote', workersOutliveProcess: true, ensureWorker: () => Promise.resolve() };
  }

  const config = embeddedConfig(loaded);
  const dataDir = resolve(config.embedded.dataDir);
  const live = await liveState(dataDir);
  if (live) {
    if (options.role === 'dev') {
      throw new CliError(
        `docflow ${live.owner} (pid ${live.pid}) is already running on ${dataDir}: ` +
          `${live.owner === 'dev' ? 'use it' : 'wait for it to finish'}, or set DOCFLOW_DATA_DIR to another folder`,
        ExitCode.usage,
      );
    }
    if (options.role === 'analyze' && live.owner !== 'dev') {
      throw new CliError(
        `another docflow analyze (pid ${live.pid}) is running on ${dataDir}: wait for it, ` +
          'or run `docflow dev` in another terminal so several commands can share it',
        ExitCode.unavailable,
      );
    }
    return attach(config, dataDir, live);
  }
  return startEmbedded(config, dataDir, options);
}

async function attach(config: DocflowConfig, dataDir: string, live: EmbeddedState): Promise<Session> {
  const shared = structuredClone(config);
  // The running process decides where results live and which queue its worker polls.
  shared.store.kind = 'file';
  shared.store.fileRoot = live.storeRoot;
  shared.temporal.namespace = live.namespace;
  shared.temporal.taskQueue = live.taskQueue;
  shared.bedrock.endpoint = live.emulatorEndpoint;
  const connected = await connectClient(shared, live.address);
  return {
    ...connected,
    mode: 'attached',
    workersOutliveProcess: live.owner === 'dev',
    uiUrl: live.uiUrl,
    ensureWorker: () => Promise.resolve(),
    embedded: { ...live, dataDir, temporalLog: join(dataDir, 'temporal.log'), workerLog: join(dataDir, 'worker.log') },
  };
}

async function startEmbedded(base: DocflowConfig, dataDir: string, options: OpenSessionOptions): Promise<Session> {
  const log = options.log ?? (() => undefined);
  await mkdir(dataDir, { recursive: true });
  const workerLog = join(dataDir, 'worker.log');
  const config = structuredClone(base);
  config.store.fileRoot = resolve(config.store.fileRoot);

  const stack: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const step of stack.reverse()) await step().catch(() => undefined);
    stack.length = 0;
  };
  try {
    if (await stopOrphanServer(dataDir)) log('Stopped a Temporal dev server left behind by an earlier docflow run.');
    log(`Starting the Temporal dev server (state in ${join(dataDir, 'temporal.db')})...`);
    let server: DevServer;
    try {
      server = await startDevServer({
        dataDir,
        port: config.embedded.temporalPort,
        uiPort: config.embedded.uiPort,
        namespace: config.temporal.namespace,
        cliPath: options.cliPath,
        log,
      });
    } catch (err) {
      throw new CliError(`cannot start the embedded Temporal server: ${(err as Error).message}`, ExitCode.unavailable);
    }
    stack.push(() => server.stop());

    const connected = await connectClient(config, server.address);
    stack.push(() => connected.close());
    let emulator: Emulator;
    try {
      emulator = await startEmulator({
        store: connected.store,
        port: config.embedded.emulatorPort,
        region: config.aws.region,
        // Beside docflow's own data: a restarted docflow finds the jobs its emulator had.
        stateUri: joinUri(config.store.uri, '_emulator/'),
        timings: EMBEDDED_EMULATOR_TIMINGS,
      });
    } catch (err) {
      throw new CliError(
        `cannot start the Bedrock emulator on port ${config.embedded.emulatorPort}: ${(err as Error).message} ` +
          '(set DOCFLOW_EMULATOR_PORT to a free port, or 0 for any)',
        ExitCode.unavailable,
      );
    }
    stack.push(() => emulator.stop());
    config.bedrock.endpoint = emulator.endpoint;
    config.bedrock.runtimeEndpoint = emulator.endpoint;

    const state: EmbeddedState = {
      pid: process.pid,
      owner: options.role === 'dev' ? 'dev' : 'analyze',
      address: server.address,
      namespace: config.temporal.namespace,
      temporalPort: config.embedded.temporalPort,
      uiPort: config.embedded.uiPort,
      uiUrl: server.uiUrl,
      emulatorEndpoint: emulator.endpoint,
      storeRoot: config.store.fileRoot,
      taskQueue: config.temporal.taskQueue,
      serverPid: server.pid,
      startedAt: new Date().toISOString(),
    };
    await writeState(dataDir, state);
    stack.push(() => removeState(dataDir));

    const session: Session = {
      ...connected,
      config,
      mode: 'embedded',
      workersOutliveProcess: false,
      uiUrl: server.uiUrl,
      embedded: { ...state, dataDir, temporalLog: server.logFile, workerLog },
      close: unwind,
      async ensureWorker() {
        if (session.workerStopped) return;
        log('Starting the worker...');
        // Only now: an installed SDK runtime that never gets a worker would keep the process from exiting.
        installWorkerLogger({ file: workerLog });
        const native = await NativeConnection.connect({ address: server.address });
        stack.push(() => native.close());
        const workers = await createWorkers({
          connection: native,
          config,
          context: activityContextFromConfig(config, connected.temporal, { store: connected.store }),
        });
        const running = workers.run();
        session.workerStopped = running;
        stack.push(async () => {
          workers.shutdown();
          await running.catch(() => undefined);
        });
      },
    };
    // `analyze` starts the worker only when there is work: a rerun of a finished batch needs none.
    if (options.role !== 'analyze') await session.ensureWorker();
    return session;
  } catch (err) {
    await unwind();
    throw err;
  }
}
