import { resolve } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import type { Command } from 'commander';
import { liveState } from '../../embedded/state-file';
import { installWorkerLogger } from '../../embedded/worker-logger';
import { activityContextFromConfig, createWorkers } from '../../worker';
import { CliError, ExitCode, connectClient, loadCliConfig } from '../context';
import { interrupted } from './watch';
import { temporalConnectionOptions } from '../../temporal/connection';

/**
 * `docflow worker`: one worker process against the configured cluster. Run more of them, on more machines, to
 * scale out: workflows and activities spread over every worker polling the same task queues.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run a docflow worker against the configured Temporal cluster (TEMPORAL_ADDRESS) until Ctrl+C.')
    .action(async (_flags: unknown, command: Command) => {
      const { config } = loadCliConfig(command);
      let address = config.temporal.address;
      if (!address) {
        // Without a cluster, a second worker can still join a running `docflow dev` (to try scaling out locally).
        const dev = await liveState(resolve(config.embedded.dataDir));
        if (dev?.owner !== 'dev') {
          throw new CliError(
            'docflow worker needs a Temporal cluster: set TEMPORAL_ADDRESS (or --address), or start `docflow dev`',
            ExitCode.usage,
          );
        }
        address = dev.address;
        config.store.kind = 'file';
        config.store.fileRoot = dev.storeRoot;
        config.temporal.taskQueue = dev.taskQueue;
        config.bedrock.endpoint ??= dev.emulatorEndpoint;
      }
      // Worker logs are this process's output: they go to stderr, at INFO, for whatever collects them.
      installWorkerLogger({ stream: process.stderr });
      const stop = interrupted();
      const connected = await connectClient(config, address);
      const native = await NativeConnection.connect({
        ...temporalConnectionOptions(config, address),
      });
      try {
        // Bedrock goes to config.bedrock.endpoint when set (an emulator), else to real AWS with the standard
        // credential chain; the store is the configured one (S3 for workers on other machines).
        const workers = await createWorkers({
          connection: native,
          config,
          context: activityContextFromConfig(config, connected.temporal, { store: connected.store }),
          // On Ctrl+C or a deployment's SIGTERM, activities in flight get 30 s to finish before they are handed
          // back to Temporal (which retries them on another worker): short activities are not wasted.
          overrides: { shutdownGraceTime: '30s' },
        });
        const running = workers.run();
        process.stderr.write(
          `docflow worker polling ${config.temporal.taskQueue} and ${config.temporal.bedrockTaskQueue} on ${address} ` +
            `(Bedrock: ${config.bedrock.endpoint ?? `AWS ${config.aws.region}`}). Ctrl+C stops it gracefully.\n`,
        );
        const why = await Promise.race([stop.signal, running.then(() => 'stopped' as const)]);
        if (why !== 'stopped') {
          process.stderr.write(`Received ${why}: finishing activities in flight...\n`);
          workers.shutdown();
          await running;
        }
        process.stderr.write('Worker stopped.\n');
      } finally {
        stop.dispose();
        await native.close();
        await connected.close();
      }
    });
}
