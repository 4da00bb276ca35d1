import type { AddressInfo } from 'node:net';
import { complete } from '../core/offline-model';
import { ControlPlane } from './control-plane';
import { Counters } from './counters';
import type { CountersSnapshot } from './counters';
import { Faults } from './faults';
import type { FaultsConfig, FaultsInput } from './faults';
import { JobEngine } from './job-engine';
import { JobStateStore } from './job-state';
import { emulatorOptionsSchema } from './options';
import type { EmulatorConfig, EmulatorOptionsInput } from './options';
import { RateLimiter } from './rate-limiter';
import { adminRoutes, awsRoutes } from './routes';
import { Runtime } from './runtime';
import { createEmulatorServer } from './server';

export type { CountersSnapshot, JobCounters } from './counters';
export type { FaultsConfig, FaultsInput, Operation } from './faults';
export { OPERATIONS, faultsSchema } from './faults';
export type { EmulatorConfig, EmulatorOptionsInput, ModelFunction } from './options';
export { emulatorOptionsSchema } from './options';
export { jobOutputPrefix } from './job-output';

/** A running Bedrock emulator. */
export interface Emulator {
  /** `http://host:port`: pass it as `endpoint` to BedrockClient and BedrockRuntimeClient. */
  readonly endpoint: string;
  readonly port: number;
  readonly config: EmulatorConfig;
  /** Stops accepting requests and waits for job reads and writes under way. */
  stop(): Promise<void>;
  counters(): CountersSnapshot;
  resetCounters(): void;
  /** Resets counters, quota windows and fault draws; with `jobs: true` also forgets every job, saved ones too. */
  reset(options?: { jobs?: boolean }): Promise<void>;
  faults(): FaultsConfig;
  /** Replaces the fault configuration (omitted fields take their defaults). */
  setFaults(faults: FaultsInput): void;
}

/**
 * Starts the emulator on `host:port` (127.0.0.1 and an ephemeral port by default), with the jobs saved under its
 * state URI by an emulator before it.
 */
export async function startEmulator(options: EmulatorOptionsInput): Promise<Emulator> {
  const { store, model = complete, ...rest } = options;
  const config = emulatorOptionsSchema.parse(rest);
  const counters = new Counters();
  const faults = new Faults(config.seed, config.faults);
  const state = new JobStateStore(store, config.stateUri);
  const engine = new JobEngine({ config, store, model, faults, counters, state });
  const runtime = new Runtime({ model, faults, counters, limiter: new RateLimiter(config.runtime) });

  const reset = async ({ jobs = false }: { jobs?: boolean } = {}): Promise<void> => {
    if (jobs) await engine.clear();
    counters.reset();
    runtime.reset();
    faults.reseed();
  };
  const { server, close } = createEmulatorServer(
    [
      ...awsRoutes(
        new ControlPlane(engine, {
          region: config.region,
          accountId: config.accountId,
          batchModels: new Set(config.batchModels),
        }),
        runtime,
      ),
      ...adminRoutes({
        counters: () => counters.snapshot(),
        reset,
        faults: () => faults.current,
        setFaults: (input) => faults.set(input as FaultsInput),
      }),
    ],
    {
      requestFault: (operation) => faults.requestFault(operation),
      onError: (error) => {
        if (error.type === 'ThrottlingException') counters.increment('throttled');
        if (error.type === 'InternalServerException') counters.increment('serverErrors');
      },
    },
  );

  await engine.start();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await engine.stop();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    endpoint: `http://${host}:${port}`,
    port,
    config,
    async stop() {
      await engine.stop();
      await close();
    },
    counters: () => counters.snapshot(),
    resetCounters: () => counters.reset(),
    reset,
    faults: () => faults.current,
    setFaults: (input) => faults.set(input),
  };
}
