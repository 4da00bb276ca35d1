import { TestWorkflowEnvironment } from '@temporalio/testing';
import { searchAttributeKeys } from '../../src/shared/search-attributes';
import { defaultCacheDir, resolveTemporalCli } from '../../src/temporal/cli-binary';
import type { ResolvedCli } from '../../src/temporal/cli-binary';

/** The Temporal CLI the tests use (cache, PATH or TEMPORAL_CLI_PATH), with progress on stderr. */
export function benchTemporalCli(): Promise<ResolvedCli> {
  return resolveTemporalCli({ cacheDir: defaultCacheDir(), log: (m) => process.stderr.write(`${m}\n`) });
}

/**
 * A fresh Temporal dev server (in-memory) with docflow's search attributes. Benchmarks start one per run: the same
 * documents on one server would attach to the first run's finished workflows instead of being analysed again.
 */
export function startBenchServer(cli: ResolvedCli): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: cli.executable, ip: '127.0.0.1', searchAttributes: searchAttributeKeys },
  });
}
