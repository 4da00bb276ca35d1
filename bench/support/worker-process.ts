/**
 * docflow's workers in a process of their own, so that a benchmark measures the worker's memory alone: the emulator,
 * the Temporal client of the benchmark and its bookkeeping live in the parent.
 *
 * The parent calls `startWorkerProcess`; this file, run as the child, reads its options from the environment,
 * builds the workers exactly as `docflow worker` does (`createWorkers`, `activityContextFromConfig`), samples its
 * resident set size every second, and reports the peak over IPC when told to stop.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config/load';
import { dropAwsNodeVersionNotice } from '../../src/node-warnings';
import { activityContextFromConfig, createWorkers } from '../../src/worker';

export interface WorkerProcessOptions {
  /** Temporal frontend `host:port`. */
  address: string;
  namespace: string;
  /** docflow settings by key, as `loadConfig` takes flags (the same the benchmark's client uses). */
  flags: Record<string, unknown>;
  /** A workflow bundle written by `bundleWorkflowCode`, so each run does not bundle again. */
  workflowBundlePath: string;
  cwd: string;
}

export interface WorkerMemory {
  /** Peak `process.memoryUsage().rss` of the worker process, sampled every second. */
  peakRssBytes: number;
  samples: number;
}

type ChildMessage = { type: 'ready' } | ({ type: 'stopped' } & WorkerMemory) | { type: 'error'; message: string };

const OPTIONS_ENV = 'DOCFLOW_BENCH_WORKER_OPTIONS';
const SAMPLE_MS = 1_000;

/** A running worker child process. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  /** Shuts the workers down (in-flight tasks finish) and returns the memory figures. */
  stop(): Promise<WorkerMemory>;
}

/** Starts the workers in a child process and resolves once they poll their task queues. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  // fork() keeps the parent's execArgv: under tsx, the child loads this TypeScript file the same way.
  const child = fork(__filename, [], {
    env: { ...process.env, [OPTIONS_ENV]: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await nextMessage(child, 'ready');
  return {
    pid: child.pid,
    async stop() {
      const stopped = nextMessage(child, 'stopped');
      child.send({ type: 'stop' });
      const { peakRssBytes, samples } = await stopped;
      await new Promise<void>((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()) : resolve()));
      return { peakRssBytes, samples };
    },
  };
}

function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === type) {
        cleanup();
        resolve(message as Extract<ChildMessage, { type: T }>);
      } else if (message.type === 'error') {
        cleanup();
        reject(new Error(`worker process: ${message.message}`));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker process exited (code ${String(code)}) before "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function runChild(options: WorkerProcessOptions): Promise<void> {
  let peakRssBytes = 0;
  let samples = 0;
  const sample = () => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    samples += 1;
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);
  dropAwsNodeVersionNotice();

  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const { config } = loadConfig({ env: {}, cwd: options.cwd, flags: options.flags });
  const connection = await Connection.connect({ address: options.address });
  const nativeConnection = await NativeConnection.connect({ address: options.address });
  const client = new Client({ connection, namespace: options.namespace });
  const workers = await createWorkers({
    connection: nativeConnection,
    config,
    context: activityContextFromConfig(config, client, { env: {} }),
    workflowBundle: { codePath: options.workflowBundlePath },
  });
  const running = workers.run();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    workers.shutdown();
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stop') stop();
  });
  // A benchmark that dies (Ctrl-C, crash) must not leave its worker polling a dev server that is gone.
  process.on('disconnect', stop);
  send({ type: 'ready' });
  await running;
  process.off('disconnect', stop);
  clearInterval(sampler);
  sample();
  await nativeConnection.close();
  await connection.close();
  send({ type: 'stopped', peakRssBytes, samples });
  process.disconnect?.();
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

if (require.main === module) {
  const raw = process.env[OPTIONS_ENV];
  if (!raw) throw new Error(`${OPTIONS_ENV} is not set: this file is started by startWorkerProcess`);
  runChild(JSON.parse(raw) as WorkerProcessOptions).catch((err: unknown) => {
    send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
    process.disconnect?.();
  });
}
