import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { searchAttributeKeys } from '../../src/shared/search-attributes';
import { defaultCacheDir, resolveTemporalCli } from '../../src/temporal/cli-binary';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
    temporalCliPath: string;
  }
}

/**
 * Starts one Temporal dev server (real server, in-memory SQLite) with docflow's search attributes, and
 * bundles the workflow code once, for the whole test run. Test files connect to both through `inject`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
  const bundlePath = join(dir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(__dirname, 'workflows-entry.ts'),
    logger: {
      trace() {},
      debug() {},
      info() {},
      warn: (m) => console.warn(m),
      error: (m) => console.error(m),
      log() {},
    },
  });
  await writeFile(bundlePath, code);

  project.provide('temporalAddress', env.address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  project.provide('workflowBundlePath', bundlePath);
  project.provide('temporalCliPath', cli.path ?? '');

  return async () => {
    await env.teardown();
    await rm(dir, { recursive: true, force: true });
  };
}
