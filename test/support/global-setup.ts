import { join } from 'node:path';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startDevServer } from './dev-server';

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
  const server = await startDevServer(join(__dirname, 'workflows-entry.ts'));
  project.provide('temporalAddress', server.values.temporalAddress);
  project.provide('temporalNamespace', server.values.temporalNamespace);
  project.provide('workflowBundlePath', server.values.workflowBundlePath);
  project.provide('temporalCliPath', server.values.temporalCliPath);
  return () => server.teardown();
}
