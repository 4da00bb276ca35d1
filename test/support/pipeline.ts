import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocflowConfig } from '../../src/config/load';
import { loadConfig, pipelineSettings } from '../../src/config/load';
import { startEmulator } from '../../src/emulator';
import type { Emulator, EmulatorOptionsInput } from '../../src/emulator';
import { createObjectStore } from '../../src/store';
import type { ObjectStore } from '../../src/store/object-store';
import type { PipelineSettings } from '../../src/shared/types';
import { activityContextFromConfig, createWorkers } from '../../src/worker';
import type { DocflowWorkers } from '../../src/worker';
import { provided } from './provided';
import type { TemporalTestContext } from './temporal';
import { uniqueTaskQueue } from './temporal';

export interface TestPipeline {
  config: DocflowConfig;
  settings: PipelineSettings;
  store: ObjectStore;
  storeDir: string;
  /** The running emulator (a new one after `restartEmulator`). */
  emulator: Emulator;
  taskQueue: string;
  /**
   * Stops the emulator and starts another on the same port and store, as a docflow restart does in embedded mode;
   * `emulator` options are merged over the pipeline's.
   */
  restartEmulator(emulator?: Omit<EmulatorOptionsInput, 'store' | 'port'>): Promise<void>;
  /**
   * Starts a fresh pair of workers (after `stopWorkers`, to simulate a worker process restart); `workflowBundlePath`
   * deploys other workflow code than the run's bundle (an upgrade), `identity` names the workers in histories.
   */
  startWorkers(options?: { workflowBundlePath?: string; identity?: string }): Promise<void>;
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestPipelineOptions {
  /** Settings by key, as in a config file (`batch.maxWaitMs`, ...). */
  settings?: Record<string, unknown>;
  emulator?: Omit<EmulatorOptionsInput, 'store'>;
  /** Environment the workers' activities see (for example a webhook secret named by `secretEnv`). */
  env?: NodeJS.ProcessEnv;
  /** Run over an S3-compatible server instead of a local folder (the store root is `s3://<bucket>`). */
  s3?: {
    endpoint: string;
    region: string;
    bucket: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
}

/** Fast defaults: real limits where tests assert them, short waits and polls everywhere else. */
const TEST_SETTINGS: Record<string, unknown> = {
  'batch.maxWaitMs': 2_000,
  // Off: tests decide when records are submitted (maximum wait, or the flushNow signal).
  'batch.idleFlushMs': 0,
  'batch.lowPriorityMaxWaitMs': 4_000,
  'batch.pollInitialMs': 200,
  'batch.pollMaxMs': 1_000,
  'batch.pollBackoff': 1.5,
  'pipeline.notify': false,
  'pipeline.documentTimeoutMs': 300_000,
  'bedrock.requestsPerSecond': 200,
};

const FAST_EMULATOR: Omit<EmulatorOptionsInput, 'store'> = {
  timings: {
    submittedMs: 100,
    validatingMs: 100,
    scheduledMs: 100,
    stoppingMs: 100,
    recordsPerSecond: 500,
    tickMs: 20,
  },
};

/**
 * A whole docflow deployment for one test: a file store in a temporary folder, the Bedrock emulator on an
 * ephemeral port, and docflow's real workers (on task queues of their own) against the run's dev server.
 */
export async function startTestPipeline(
  t: TemporalTestContext,
  options: TestPipelineOptions = {},
): Promise<TestPipeline> {
  const storeDir = await mkdtemp(join(tmpdir(), 'docflow-pipeline-'));
  const store = options.s3
    ? createObjectStore({
        kind: 's3',
        endpoint: options.s3.endpoint,
        region: options.s3.region,
        forcePathStyle: true,
        credentials: options.s3.credentials,
      })
    : createObjectStore({ kind: 'file', root: storeDir });
  const emulatorOptions = (overrides: Omit<EmulatorOptionsInput, 'store'>): EmulatorOptionsInput => ({
    ...FAST_EMULATOR,
    ...options.emulator,
    ...overrides,
    timings: { ...FAST_EMULATOR.timings, ...options.emulator?.timings, ...overrides.timings },
    ...(options.s3 ? { stateUri: `s3://${options.s3.bucket}/_emulator/` } : {}),
    store,
  });
  const emulator = await startEmulator(emulatorOptions({}));
  const taskQueue = uniqueTaskQueue('pipeline');
  const { config } = loadConfig({
    env: {},
    cwd: storeDir,
    flags: {
      ...TEST_SETTINGS,
      'bedrock.endpoint': emulator.endpoint,
      'temporal.namespace': t.namespace,
      'temporal.taskQueue': taskQueue,
      'temporal.bedrockTaskQueue': `${taskQueue}-bedrock`,
      ...(options.s3 ? { 'store.kind': 's3', 'store.uri': `s3://${options.s3.bucket}` } : {}),
      ...options.settings,
    },
  });
  const context = activityContextFromConfig(config, t.client, { store, env: options.env ?? {} });

  let workers: DocflowWorkers | undefined;
  let running: Promise<void> | undefined;
  const pipeline: TestPipeline = {
    config,
    settings: pipelineSettings(config),
    store,
    storeDir,
    emulator,
    taskQueue,
    async restartEmulator(overrides = {}) {
      const { port } = pipeline.emulator;
      await pipeline.emulator.stop();
      pipeline.emulator = await startEmulator(emulatorOptions({ ...overrides, port }));
    },
    async startWorkers(start = {}) {
      workers = await createWorkers({
        connection: t.nativeConnection,
        config,
        context,
        workflowBundle: { codePath: start.workflowBundlePath ?? (await provided('workflowBundlePath')) },
        overrides: {
          stickyQueueScheduleToStartTimeout: '1s',
          workflowFailureErrorTypes: {
            '*': ['NondeterminismError', 'DeterminismViolationError', 'TypeError', 'ReferenceError'],
          },
          shutdownGraceTime: '1s',
          ...(start.identity ? { identity: start.identity } : {}),
        },
      });
      running = workers.run();
    },
    async stopWorkers() {
      workers?.shutdown();
      await running;
      workers = undefined;
      running = undefined;
    },
    async stop() {
      await pipeline.stopWorkers();
      await pipeline.emulator.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
  await pipeline.startWorkers();
  return pipeline;
}
