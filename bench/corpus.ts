/**
 * Corpus benchmark: a whole corpus through docflow (real Temporal dev server, real workers, the Bedrock emulator with
 * scaled-down timings, a file store), measured end to end.
 *
 *   npx tsx bench/corpus.ts --corpus cuad --runs 3
 *   npx tsx bench/corpus.ts --corpus synthetic --docs 1000 --runs 3
 *
 * Reports documents per second, records per job, jobs used versus the minimum possible, and the share of records that
 * went through batch inference; writes bench/results/corpus-<name>.json.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { DocflowClient } from '../src/client';
import { loadConfig, pipelineSettings } from '../src/config/load';
import { startEmulator } from '../src/emulator';
import { collectorWorkflowId } from '../src/shared/ids';
import { statusQuery } from '../src/shared/messages';
import { createObjectStore } from '../src/store';
import { activityContextFromConfig, createWorkers } from '../src/worker';
import { benchTemporalCli, startBenchServer } from './support/dev-server';
import { machineNote } from './support/machine';
import { median as medianOf, round } from './support/stats';
import { syntheticContract } from './support/synthetic-contract';

interface Args {
  corpus: 'cuad' | 'synthetic';
  docs: number;
  runs: number;
  maxWaitMs: number;
  chunkTokens: number;
  window: number;
  cuadDir: string;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const corpus = (get('corpus') ?? 'cuad') as Args['corpus'];
  if (corpus !== 'cuad' && corpus !== 'synthetic') throw new Error('--corpus must be cuad or synthetic');
  return {
    corpus,
    docs: Number(get('docs') ?? 1000),
    runs: Number(get('runs') ?? 3),
    maxWaitMs: Number(get('max-wait-ms') ?? 5_000),
    chunkTokens: Number(get('chunk-tokens') ?? 2_000),
    window: Number(get('window') ?? 500),
    cuadDir: resolve(get('cuad-dir') ?? join(__dirname, '../../shared/corpus/cuad/contracts')),
    out: get('out'),
  };
}

async function corpusFiles(args: Args, dir: string): Promise<string[]> {
  if (args.corpus === 'cuad') {
    const names = (await readdir(args.cuadDir)).filter((f) => f.endsWith('.txt')).sort();
    if (names.length === 0) throw new Error(`no CUAD contracts in ${args.cuadDir}`);
    return names.map((n) => join(args.cuadDir, n));
  }
  const paths: string[] = [];
  for (let i = 0; i < args.docs; i++) {
    const path = join(dir, `synthetic-${String(i).padStart(5, '0')}.txt`);
    await writeFile(path, syntheticContract(i));
    paths.push(path);
  }
  return paths;
}

interface RunResult {
  documents: number;
  completed: number;
  failed: number;
  wallSeconds: number;
  documentsPerSecond: number;
  records: number;
  jobs: number;
  minimumJobs: number;
  recordsPerJob: number;
  batchedShare: number;
  onDemandRecords: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = await benchTemporalCli();
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows') });
  const work = await mkdtemp(join(tmpdir(), 'docflow-bench-'));
  const files = await corpusFiles(args, join(work));
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= args.runs; run++) {
      // A fresh server per run: the same documents on one server would attach to the first run's results.
      const env = await startBenchServer(cli);
      const storeDir = join(work, `store-${run}`);
      await mkdir(storeDir);
      const store = createObjectStore({ kind: 'file', root: storeDir });
      const emulator = await startEmulator({
        store,
        timings: { submittedMs: 200, validatingMs: 500, scheduledMs: 500, recordsPerSecond: 5_000, tickMs: 20 },
      });
      const taskQueue = `bench-${args.corpus}-${Date.now()}-${run}`;
      const { config } = loadConfig({
        env: {},
        cwd: work,
        flags: {
          'bedrock.endpoint': emulator.endpoint,
          'temporal.taskQueue': taskQueue,
          'temporal.bedrockTaskQueue': `${taskQueue}-bedrock`,
          'pipeline.chunkMaxTokens': args.chunkTokens,
          'pipeline.chunkOverlapTokens': 100,
          'pipeline.notify': false,
          'pipeline.corpusWindow': args.window,
          'batch.maxWaitMs': args.maxWaitMs,
          'batch.pollInitialMs': 250,
          'batch.pollMaxMs': 1_000,
          'bedrock.requestsPerSecond': 500,
        },
      });
      const client = new Client({ connection: env.connection, namespace: env.namespace });
      const workers = await createWorkers({
        connection: env.nativeConnection,
        config,
        context: activityContextFromConfig(config, client, { store, env: {} }),
        workflowBundle: { code },
      });
      const running = workers.run();
      const docflow = new DocflowClient(client, config, store);
      const started = process.hrtime.bigint();
      const { batchId } = await docflow.startCorpus({ files, batchId: `bench-${run}-${Date.now()}` });
      const outcome = await docflow.awaitCorpus(batchId);
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = await client.workflow
        .getHandle(collectorWorkflowId(config.bedrock.modelId, taskQueue))
        .query(statusQuery);
      const counters = emulator.counters();
      const records = status.recordsBatched + status.recordsSentOnDemand;
      const result: RunResult = {
        documents: outcome.counts.total,
        completed: outcome.counts.completed,
        failed: outcome.counts.failed,
        wallSeconds: round(wallSeconds, 2),
        documentsPerSecond: round(outcome.counts.total / wallSeconds, 2),
        records,
        jobs: counters.jobsCreated,
        minimumJobs: Math.ceil(records / pipelineSettings(config).collector.maxRecordsPerJob),
        recordsPerJob: round(counters.jobsCreated ? status.recordsBatched / counters.jobsCreated : 0, 1),
        batchedShare: round(records ? status.recordsBatched / records : 0, 3),
        onDemandRecords: status.recordsSentOnDemand,
      };
      results.push(result);
      process.stderr.write(`run ${run}: ${JSON.stringify(result)}\n`);
      workers.shutdown();
      await running;
      await emulator.stop();
      await env.teardown();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  const median = (pick: (r: RunResult) => number) => medianOf(results.map(pick));
  const summary = {
    corpus: args.corpus,
    documents: results[0]?.documents,
    runs: results.length,
    machine: machineNote().summary,
    settings: { maxWaitMs: args.maxWaitMs, chunkTokens: args.chunkTokens, window: args.window },
    median: {
      wallSeconds: median((r) => r.wallSeconds),
      documentsPerSecond: median((r) => r.documentsPerSecond),
      records: median((r) => r.records),
      jobs: median((r) => r.jobs),
      minimumJobs: median((r) => r.minimumJobs),
      recordsPerJob: median((r) => r.recordsPerJob),
      batchedShare: median((r) => r.batchedShare),
    },
    runsDetail: results,
  };
  const out = args.out ?? join(__dirname, 'results', `corpus-${args.corpus}.json`);
  await writeFile(out, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(
    [
      `corpus ${args.corpus}: ${summary.documents} documents, ${results.length} runs (${summary.machine})`,
      `  median wall time          ${summary.median.wallSeconds} s`,
      `  median documents / second ${summary.median.documentsPerSecond}`,
      `  records                   ${summary.median.records}`,
      `  jobs used / minimum       ${summary.median.jobs} / ${summary.median.minimumJobs}`,
      `  records per job           ${summary.median.recordsPerJob}`,
      `  share through batch       ${(summary.median.batchedShare * 100).toFixed(1)} %`,
      `  written to                ${out}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
