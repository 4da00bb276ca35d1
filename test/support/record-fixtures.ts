/**
 * Re-records every replay fixture: runs each scenario of `fixture-scenarios.ts` on a dev server of its own and writes
 * the picked runs' histories (gzipped) with an index into the release folder of the current version.
 *
 *   npm run fixtures:record                        # all scenarios into test/fixtures/histories/<package version>/
 *   npm run fixtures:record -- --only batch,slots-full   # just these, the others' fixtures are kept
 *   npm run fixtures:record -- --out /tmp/histories      # somewhere else
 *
 * A folder of a released version is never re-recorded (the script refuses unless --force): its histories are what
 * runs in production were made of, and they must keep replaying on every later version of the code.
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DocflowClient } from '../../src/client';
import { dropAwsNodeVersionNotice } from '../../src/node-warnings';
import { startDevServer } from './dev-server';
import type { FixtureEntry, FixtureIndex } from './fixtures';
import { HISTORIES_DIR, readFixtureIndex, writeHistory } from './fixtures';
import { SCENARIOS } from './fixture-scenarios';
import { startTestPipeline } from './pipeline';
import { provideOutsideVitest } from './provided';
import { connectTemporal, installTestRuntime } from './temporal';

async function main(): Promise<void> {
  dropAwsNodeVersionNotice();
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      only: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const pkg = JSON.parse(await readFile(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
  const out = resolve(values.out ?? join(HISTORIES_DIR, pkg.version));
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  const previous = await readFixtureIndex(out).catch(() => undefined);
  if (previous && previous.version !== pkg.version && !values.force) {
    throw new Error(
      `${out} holds the fixtures of release ${previous.version}, not of ${pkg.version}: released fixtures are kept ` +
        'as they are (--force overrides)',
    );
  }

  installTestRuntime();
  const server = await startDevServer(join(__dirname, '../../src/workflows/index.ts'));
  provideOutsideVitest(server.values);
  const t = await connectTemporal();
  const kept = (previous?.fixtures ?? []).filter((f) => only !== undefined && !only.includes(f.scenario));
  const recorded: FixtureEntry[] = [];
  try {
    await mkdir(out, { recursive: true });
    for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
      const started = Date.now();
      process.stdout.write(`${scenario.name}: ${scenario.covers}\n`);
      const p = await startTestPipeline(t, scenario.pipeline);
      let picked;
      try {
        picked = await scenario.drive({ t, p, client: new DocflowClient(t.client, p.config, p.store) });
      } finally {
        await p.stop();
      }
      for (const run of picked) {
        const history = await t.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        const file = `${scenario.name}.${run.label}.json.gz`;
        const bytes = await writeHistory(join(out, file), history);
        const events = history.events?.length ?? 0;
        recorded.push({
          file,
          scenario: scenario.name,
          workflowType: run.workflowType,
          workflowId: run.workflowId,
          status: run.status,
          events,
        });
        process.stdout.write(`  ${file}: ${run.status}, ${events} events, ${bytes} bytes\n`);
      }
      process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    await t.close();
    await server.teardown();
  }

  const fixtures = [...kept, ...recorded].sort((a, b) => a.file.localeCompare(b.file));
  const index: FixtureIndex = { version: pkg.version, recordedAt: new Date().toISOString(), fixtures };
  await writeFile(join(out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  // Histories of scenarios that no longer exist (or were renamed) go.
  const wanted = new Set(['index.json', ...fixtures.map((f) => f.file)]);
  let total = 0;
  for (const name of await readdir(out)) {
    if (!wanted.has(name)) await rm(join(out, name));
    else total += (await stat(join(out, name))).size;
  }
  process.stdout.write(`${fixtures.length} histories in ${out} (${(total / 1024).toFixed(0)} KiB)\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
