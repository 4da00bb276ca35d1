import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { searchAttributeKeys } from '../../src/shared/search-attributes';
import { defaultCacheDir, resolveTemporalCli } from '../../src/temporal/cli-binary';
import type { ProvidedValues } from './provided';

/** A Temporal dev server (real server, in-memory SQLite) with docflow's search attributes, and a workflow bundle. */
export interface DevServer {
  values: ProvidedValues;
  teardown(): Promise<void>;
}

const quietBundler = {
  trace() {},
  debug() {},
  info() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
  log() {},
};

/** Bundles the workflows exported by `workflowsPath` (a module) into one file of code, as a worker loads it. */
export async function bundleWorkflows(workflowsPath: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundler });
  return code;
}

/**
 * Starts the dev server of docflow's Temporal CLI and writes the bundle of `workflowsPath` to a temporary file: what
 * a test run (global-setup.ts) and the fixture recorder both start from.
 */
export async function startDevServer(workflowsPath: string): Promise<DevServer> {
  const cli = await resolveTemporalCli({
    cliPath: process.env.TEMPORAL_CLI_PATH || undefined,
    cacheDir: defaultCacheDir(),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli.executable,
      ip: '127.0.0.1',
      searchAttributes: searchAttributeKeys,
      log: { format: 'pretty', level: 'error' },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'docflow-test-bundle-'));
  try {
    const bundlePath = join(dir, 'workflow-bundle.js');
    await writeFile(bundlePath, await bundleWorkflows(workflowsPath));
    return {
      values: {
        temporalAddress: env.address,
        temporalNamespace: env.namespace ?? 'default',
        workflowBundlePath: bundlePath,
        temporalCliPath: cli.path ?? '',
      },
      async teardown() {
        await env.teardown();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await env.teardown();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
