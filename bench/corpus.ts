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
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { DocflowClient } from '../src/client';
import { loadConfig, pipelineSettings } from '../src/config/load';
import { startEmulator } from '../src/emulator';
import { collectorWorkflowId } from '../src/shared/ids';
import { statusQuery } from '../src/shared/messages';
import { searchAttributeKeys } from '../src/shared/search-attributes';
import { createObjectStore } from '../src/store';
import { defaultCacheDir, resolveTemporalCli } from '../src/temporal/cli-binary';
import { activityContextFromConfig, createWorkers } from '../src/worker';

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

const PARTIES = [
  'Alder',
  'Birchwood',
  'Cobalt',
  'Dunmore',
  'Elmstead',
  'Fairhaven',
  'Granite',
  'Holloway',
  'Ironvale',
  'Juniper',
];
const STATES = ['Delaware', 'New York', 'California', 'Texas', 'Oregon', 'Illinois', 'Washington', 'Colorado'];
const CLAUSES = [
  'Supplier shall deliver the Products in accordance with the delivery schedule set out in Schedule A.',
  'Customer shall pay each undisputed invoice within thirty (30) days of receipt; late amounts bear interest at 1.5% per month.',
  'Either party may terminate this Agreement upon sixty (60) days written notice for convenience.',
  'This Agreement renews automatically for successive one-year terms unless either party gives notice of non-renewal.',
  'Supplier shall indemnify and hold harmless Customer from any and all claims arising out of the Products.',
  'Neither party may assign this Agreement without the prior written consent of the other party.',
  'Customer shall purchase exclusively from Supplier all of its requirements for the Products during the Term.',
  'Each party shall keep the Confidential Information of the other party in strict confidence for five (5) years.',
  'Supplier warrants that the Products will conform to the Specifications for twelve (12) months after delivery.',
  'In no event shall either party be liable for indirect, incidental or consequential damages.',
];

/** A synthetic supply contract of a few pages, different for every index. */
function syntheticContract(i: number): string {
  const a = PARTIES[i % PARTIES.length] ?? 'Alder';
  const b = PARTIES[(i * 7 + 3) % PARTIES.length] ?? 'Birchwood';
  const state = STATES[i % STATES.length] ?? 'Delaware';
  const day = (i % 27) + 1;
  const lines = [
    `SUPPLY AGREEMENT No. ${i}`,
    '',
    `This Supply Agreement is entered into as of January ${day}, 2025 by and between ${a} Components ${i} LLC ` +
      `("Supplier") and ${b} Manufacturing ${i} Inc. ("Customer").`,
    '',
  ];
  for (let s = 1; s <= 24; s++) {
    lines.push(`${s}. ${CLAUSES[(i + s) % CLAUSES.length] ?? ''} Section reference ${i}-${s}.`, '');
  }
  lines.push(`25. Governing Law. This Agreement shall be governed by the laws of the State of ${state}.`, '');
  return lines.join('\n');
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
  const cli = await resolveTemporalCli({ cacheDir: defaultCacheDir(), log: (m) => process.stderr.write(`${m}\n`) });
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows') });
  const work = await mkdtemp(join(tmpdir(), 'docflow-bench-'));
  const files = await corpusFiles(args, join(work));
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= args.runs; run++) {
      // A fresh server per run: the same documents on one server would attach to the first run's results.
      const env = await TestWorkflowEnvironment.createLocal({
        server: { executable: cli.executable, ip: '127.0.0.1', searchAttributes: searchAttributeKeys },
      });
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

  const median = (pick: (r: RunResult) => number) => {
    const v = results.map(pick).sort((a, b) => a - b);
    return v[Math.floor((v.length - 1) / 2)] ?? 0;
  };
  const summary = {
    corpus: args.corpus,
    documents: results[0]?.documents,
    runs: results.length,
    machine: `${cpus().length} cores, Node ${process.version}`,
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

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
