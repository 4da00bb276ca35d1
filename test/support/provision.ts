/**
 * Runs before `npm test` (the `pretest` script): makes sure the tools the tests start are on this machine, building
 * or installing them once into the cache (~/.cache/docflow, or DOCFLOW_CACHE_DIR):
 * - the Temporal CLI (dev server), found or built with Go, or left to the SDK's download;
 * - moto's server (S3 and SNS on loopback), from PyPI into a virtualenv.
 */
import { defaultCacheDir, resolveTemporalCli } from '../../src/temporal/cli-binary';
import { provisionMoto } from './moto-binary';

async function main(): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const started = Date.now();
  const cli = await resolveTemporalCli({
    cliPath: process.env.TEMPORAL_CLI_PATH || undefined,
    cacheDir: defaultCacheDir(),
    log,
  });
  log(`Temporal CLI (${cli.source}): ${cli.path ?? 'downloaded by the SDK when the tests start'}`);
  const moto = process.env.DOCFLOW_MOTO_SERVER ?? (await provisionMoto(log));
  log(`moto server: ${moto}`);
  log(`Test tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
