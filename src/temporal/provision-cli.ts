/**
 * `npm run temporal:provision` (and `pretest`): makes sure a Temporal CLI is available before the tests
 * start, building it once with Go into the cache when needed, and prints where it is.
 */
import { defaultCacheDir, resolveTemporalCli } from './cli-binary';

async function main(): Promise<void> {
  const started = Date.now();
  const cli = await resolveTemporalCli({
    cliPath: process.env.TEMPORAL_CLI_PATH || undefined,
    cacheDir: defaultCacheDir(),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const where =
    cli.path ?? `SDK download into ${cli.executable.type === 'cached-download' ? cli.executable.downloadDir : '?'}`;
  const took = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `Temporal CLI (${cli.source}): ${where}${cli.version ? ` — ${cli.version.split('\n')[0]}` : ''} [${took} s]\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
