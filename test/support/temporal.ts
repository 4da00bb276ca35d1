import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { WorkerOptions } from '@temporalio/worker';
import { provided } from './provided';

/** Connections to the run's dev server (started by global-setup.ts), opened once per test file. */
export interface TemporalTestContext {
  address: string;
  namespace: string;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * Installs the SDK runtime with quiet logging, once per process: before anything else of the SDK starts (a dev
 * server started in the same process, as the fixture recorder does, would install a noisy default one).
 */
export function installTestRuntime(): void {
  if (runtimeInstalled) return;
  // Quiet the SDK's own logging: tests assert on behaviour, and failures surface through results.
  // DOCFLOW_TEST_LOG=WARN (or DEBUG) shows activity failures and retries when a test needs a closer look.
  const level = (process.env.DOCFLOW_TEST_LOG ?? 'ERROR') as 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
  Runtime.install({ logger: new DefaultLogger(level) });
  runtimeInstalled = true;
}

export async function connectTemporal(): Promise<TemporalTestContext> {
  installTestRuntime();
  const address = await provided('temporalAddress');
  const namespace = await provided('temporalNamespace');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    address,
    namespace,
    client,
    connection,
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** A task queue no other test uses, so tests never pick up each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export type TestWorkerOptions = Partial<Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>>;

/**
 * Creates a worker on the shared workflow bundle with test-friendly settings:
 * - any workflow error, non-determinism included, fails the workflow at once (instead of the workflow task
 *   being retried until the test times out), so a broken workflow is a readable test failure;
 * - a short sticky-queue timeout, so a workflow moves to another worker quickly when one stops.
 */
export async function createTestWorker(ctx: TemporalTestContext, options: TestWorkerOptions = {}): Promise<Worker> {
  return Worker.create({
    connection: ctx.nativeConnection,
    namespace: ctx.namespace,
    workflowBundle: { codePath: await provided('workflowBundlePath') },
    stickyQueueScheduleToStartTimeout: '1s',
    workflowFailureErrorTypes: { '*': ['Error'] },
    shutdownGraceTime: '2s',
    ...options,
    taskQueue: options.taskQueue ?? uniqueTaskQueue(),
  });
}

/** Runs `fn` while a test worker polls; the worker is shut down when `fn` settles. */
export async function withWorker<T>(
  ctx: TemporalTestContext,
  options: TestWorkerOptions,
  fn: (worker: Worker) => Promise<T>,
): Promise<T> {
  const worker = await createTestWorker(ctx, options);
  return worker.runUntil(fn(worker));
}
