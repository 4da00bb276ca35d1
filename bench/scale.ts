/**
 * Scale benchmark at Bedrock's proportions: thousands of synthetic contracts through docflow against an emulator with
 * Bedrock's job phases, per-job rate, running-job limit and job-slot quota, measured against the ideal schedule, with
 * Temporal's limits (history events, payload sizes, collector workflow-task latency) and the worker's memory.
 *
 *   npx tsx bench/scale.ts --docs 5000 --chunks 27 --runs 3
 *   npx tsx bench/scale.ts --mode direct --docs 5000 --direct-concurrency 64
 *   npx tsx bench/scale.ts --instant --docs 2000                  # orchestration throughput only
 *
 * Only stable surfaces are used: DocflowClient, loadConfig, the emulator, createWorkers, the Temporal client, the
 * Bedrock SDK and the workflow type names. Writes bench/results/scale-<label>.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BedrockClient, paginateListModelInvocationJobs } from '@aws-sdk/client-bedrock';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DocflowClient } from '../src/client';
import { loadConfig } from '../src/config/load';
import type { DocflowConfig } from '../src/config/load';
import { startEmulator } from '../src/emulator';
import type { Emulator } from '../src/emulator';
import { dropAwsNodeVersionNotice } from '../src/node-warnings';
import { createObjectStore } from '../src/store';
import { activityContextFromConfig, bedrockCredentialsOverride, createWorkers } from '../src/worker';
import { benchTemporalCli, startBenchServer } from './support/dev-server';
import { measureHistories } from './support/history-stats';
import type { HistoryFigures } from './support/history-stats';
import { machineNote } from './support/machine';
import { mapPool } from '../src/core/map-pool';
import { median, round, spread } from './support/stats';
import type { Spread } from './support/stats';
import { syntheticContractWithChunks } from './support/synthetic-contract';
import { startWorkerProcess } from './support/worker-process';

const USAGE = `npx tsx bench/scale.ts [options]
  --mode corpus|direct      one startCorpus, or startDocument per document (default corpus)
  --docs N                  documents (default 1000)
  --chunks N                chunks per document at --chunk-tokens (default 1)
  --chunk-tokens N          pipeline.chunkMaxTokens (default 2000)
  --runs R                  runs, each on a fresh dev server (default 3)
  --phases S,V,Q            emulator Submitted, Validating, Scheduled in ms (default 200,1000,5000)
  --rate N                  records per second of one running job (default 4)
  --running-jobs N          jobs InProgress at once in the emulator (default 20)
  --slots N                 submitted + in-progress jobs per model: emulator quota and batch.maxConcurrentJobs (default 20)
  --instant                 phases 0 and a very high rate: orchestration throughput only
  --direct-concurrency N    parallel startDocument calls in direct mode (default 64)
  --await-concurrency N     documents awaited at once in direct mode (default 256)
  --set key=value           a docflow setting (repeatable), e.g. batch.maxWaitMs=300000; default: production defaults
  --history-sample N        inspect at most N analyzeDocument histories (default 0: all)
  --history-concurrency N   histories fetched at once (default 16)
  --run-timeout-min M       report a run as timed out after M minutes, with the figures so far (default 0: wait)
  --in-process-worker       run the worker in the benchmark process (RSS then includes emulator and bookkeeping)
  --label L                 names the result file (default <mode>-<docs>x<chunks>[-instant])
  --out FILE                default bench/results/scale-<label>.json`;

/** Settings the benchmark itself owns: each run gets its own endpoint, queues and store. */
const HARNESS_KEYS = ['bedrock.endpoint', 'temporal.taskQueue', 'temporal.bedrockTaskQueue', 'store.kind'];
const FLAG_OWNED_KEYS: Record<string, string> = {
  'batch.maxConcurrentJobs': '--slots',
  'pipeline.chunkMaxTokens': '--chunk-tokens',
};

interface Args {
  mode: 'corpus' | 'direct';
  docs: number;
  chunks: number;
  chunkTokens: number;
  runs: number;
  phasesMs: { submitted: number; validating: number; scheduled: number };
  rate: number;
  runningJobs: number;
  slots: number;
  instant: boolean;
  directConcurrency: number;
  awaitConcurrency: number;
  set: Record<string, string>;
  historySample: number;
  historyConcurrency: number;
  runTimeoutMinutes: number;
  inProcessWorker: boolean;
  label: string;
  out: string;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      mode: { type: 'string', default: 'corpus' },
      docs: { type: 'string', default: '1000' },
      chunks: { type: 'string', default: '1' },
      'chunk-tokens': { type: 'string', default: '2000' },
      runs: { type: 'string', default: '3' },
      phases: { type: 'string', default: '200,1000,5000' },
      rate: { type: 'string', default: '4' },
      'running-jobs': { type: 'string', default: '20' },
      slots: { type: 'string', default: '20' },
      instant: { type: 'boolean', default: false },
      'direct-concurrency': { type: 'string', default: '64' },
      'await-concurrency': { type: 'string', default: '256' },
      set: { type: 'string', multiple: true, default: [] },
      'history-sample': { type: 'string', default: '0' },
      'history-concurrency': { type: 'string', default: '16' },
      'run-timeout-min': { type: 'string', default: '0' },
      'in-process-worker': { type: 'boolean', default: false },
      label: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const mode = values.mode;
  if (mode !== 'corpus' && mode !== 'direct') throw new Error('--mode must be corpus or direct');
  const count = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number of at least ${min}, got ${raw}`);
    return n;
  };
  const phases = values.phases.split(',').map((p, i) => count(`phases (part ${i + 1})`, p.trim(), 0));
  if (phases.length !== 3) throw new Error('--phases takes three durations in ms: Submitted,Validating,Scheduled');
  const set: Record<string, string> = {};
  for (const entry of values.set) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`--set takes key=value, got "${entry}"`);
    const key = entry.slice(0, eq).trim();
    if (HARNESS_KEYS.includes(key) || key.startsWith('store.')) {
      throw new Error(`--set ${key}: the benchmark sets it for every run`);
    }
    const owner = FLAG_OWNED_KEYS[key];
    if (owner) throw new Error(`--set ${key}: use ${owner}`);
    set[key] = entry.slice(eq + 1).trim();
  }
  const instant = values.instant;
  const docs = Math.floor(count('docs', values.docs, 1));
  const chunks = Math.floor(count('chunks', values.chunks, 1));
  const label = values.label ?? `${mode}-${docs}x${chunks}${instant ? '-instant' : ''}`;
  if (!/^[A-Za-z0-9._-]+$/.test(label)) throw new Error('--label takes letters, digits, dot, dash and underscore');
  return {
    mode,
    docs,
    chunks,
    chunkTokens: Math.floor(count('chunk-tokens', values['chunk-tokens'], 100)),
    runs: Math.floor(count('runs', values.runs, 1)),
    phasesMs: instant
      ? { submitted: 0, validating: 0, scheduled: 0 }
      : { submitted: phases[0] ?? 0, validating: phases[1] ?? 0, scheduled: phases[2] ?? 0 },
    rate: instant ? 1_000_000 : count('rate', values.rate, 0.001),
    runningJobs: Math.floor(count('running-jobs', values['running-jobs'], 1)),
    slots: Math.floor(count('slots', values.slots, 1)),
    instant,
    directConcurrency: Math.floor(count('direct-concurrency', values['direct-concurrency'], 1)),
    awaitConcurrency: Math.floor(count('await-concurrency', values['await-concurrency'], 1)),
    set,
    historySample: Math.floor(count('history-sample', values['history-sample'], 0)),
    historyConcurrency: Math.floor(count('history-concurrency', values['history-concurrency'], 1)),
    runTimeoutMinutes: count('run-timeout-min', values['run-timeout-min'], 0),
    inProcessWorker: values['in-process-worker'],
    label,
    out: resolve(values.out ?? join(__dirname, 'results', `scale-${label}.json`)),
  };
}

/** docflow's settings for one run: the user's --set over production defaults, plus what the harness owns. */
function runFlags(args: Args, run: { endpoint: string; taskQueue: string; storeDir: string }): Record<string, unknown> {
  return {
    ...args.set,
    'pipeline.chunkMaxTokens': args.chunkTokens,
    'batch.maxConcurrentJobs': args.slots,
    'bedrock.endpoint': run.endpoint,
    'temporal.taskQueue': run.taskQueue,
    'temporal.bedrockTaskQueue': `${run.taskQueue}-bedrock`,
    'store.kind': 'file',
    'store.fileRoot': run.storeDir,
  };
}

interface RunFigures {
  run: number;
  /** The run did not finish within --run-timeout-min: the figures are as of the deadline. */
  timedOut: boolean;
  documents: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Documents still running (a run that timed out). */
  running: number;
  /** Documents whose outcome reports a chunk count other than --chunks. */
  chunkMismatches: number;
  records: number;
  /** Direct mode: seconds until every startDocument returned. */
  startSeconds?: number;
  wallSeconds: number;
  documentsPerSecond: number;
  parallel: number;
  idealSeconds: number;
  utilisation: number;
  batchRecords: number;
  onDemandRecords: number;
  batchShare: number;
  jobsCreated: number;
  jobStatuses: Record<string, number>;
  recordsPerJob: Spread;
  /**
   * When Bedrock's slots were busy, in seconds from the start: the first and last job submitted, the last job ended, and
   * the share of slot time (slots x wall) that jobs held a slot. The gap between the last job's end and the wall time
   * is delivery, merging and the corpus summary.
   */
  timeline: {
    firstSubmitted: number;
    lastSubmitted: number;
    lastEnded: number;
    slotBusyShare: number;
    /** Seconds from the start at which the last job workflow, document and corpus workflow closed. */
    lastJobWorkflowClosed?: number;
    lastDocumentClosed?: number;
    corpusClosed?: number;
  };
  histories: HistoryFigures;
  collectorTaskMs: Spread;
  workerPeakRssMiB: number;
  workerRssScope: 'worker process' | 'benchmark process';
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  dropAwsNodeVersionNotice();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = await benchTemporalCli();
  const work = await mkdtemp(join(tmpdir(), 'docflow-scale-'));
  const results: RunFigures[] = [];
  let resolvedSettings: Record<string, unknown> = {};
  try {
    // The chunker's options as docflow will resolve them (a --set may change the overlap).
    const probe = loadConfig({
      env: {},
      cwd: work,
      flags: runFlags(args, { endpoint: 'http://127.0.0.1:1', taskQueue: 'probe', storeDir: work }),
    });
    const chunking = {
      maxTokens: probe.config.pipeline.chunkMaxTokens,
      overlapTokens: probe.config.pipeline.chunkOverlapTokens,
    };
    resolvedSettings = Object.fromEntries(
      probe.settings
        .filter((s) => /^(batch|pipeline|bedrock\.requestsPerSecond)/.test(s.key))
        .map((s) => [s.key, s.value]),
    );
    const generated = Date.now();
    const files = await writeContracts(join(work, 'documents'), args.docs, args.chunks, chunking);
    process.stderr.write(
      `${files.length} contracts of ${args.chunks} chunks (${chunking.maxTokens} tokens) written in ` +
        `${round((Date.now() - generated) / 1000, 1)} s\n`,
    );
    const bundlePath = join(work, 'workflow-bundle.js');
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows') });
    await writeFile(bundlePath, code);

    for (let run = 1; run <= args.runs; run++) {
      const figures = await runOnce(args, run, { cli, work, files, bundlePath });
      results.push(figures);
      process.stdout.write(`${describeRun(`run ${run}`, figures)}\n`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  const pick = (f: (r: RunFigures) => number) => round(median(results.map(f)), 3);
  const medians = {
    wallSeconds: pick((r) => r.wallSeconds),
    documentsPerSecond: pick((r) => r.documentsPerSecond),
    idealSeconds: pick((r) => r.idealSeconds),
    utilisation: pick((r) => r.utilisation),
    batchShare: pick((r) => r.batchShare),
    jobsCreated: pick((r) => r.jobsCreated),
    recordsPerJobMedian: pick((r) => r.recordsPerJob.median),
    completed: pick((r) => r.completed),
    failed: pick((r) => r.failed),
    largestHistoryEvents: pick((r) => r.histories.largestHistoryEvents.events),
    largestPayloadBytes: pick((r) => r.histories.largestPayload.bytes),
    largestEventBytes: pick((r) => r.histories.largestEvent.bytes),
    collectorTaskP50Ms: pick((r) => r.collectorTaskMs.median),
    collectorTaskP99Ms: pick((r) => r.collectorTaskMs.p99),
    collectorTaskMaxMs: pick((r) => r.collectorTaskMs.max),
    workerPeakRssMiB: pick((r) => r.workerPeakRssMiB),
  };
  const summary = {
    benchmark: 'scale',
    timedOutRuns: results.filter((r) => r.timedOut).length,
    label: args.label,
    date: new Date().toISOString(),
    machine: machineNote(),
    options: {
      mode: args.mode,
      docs: args.docs,
      chunks: args.chunks,
      chunkTokens: args.chunkTokens,
      runs: args.runs,
      instant: args.instant,
      directConcurrency: args.mode === 'direct' ? args.directConcurrency : undefined,
      historySample: args.historySample,
      runTimeoutMinutes: args.runTimeoutMinutes,
      inProcessWorker: args.inProcessWorker,
      set: args.set,
    },
    emulator: {
      phasesMs: args.phasesMs,
      recordsPerSecond: args.rate,
      concurrentJobs: args.runningJobs,
      maxActiveJobsPerModel: args.slots,
    },
    settings: resolvedSettings,
    median: medians,
    runs: results,
  };
  await mkdir(join(args.out, '..'), { recursive: true });
  await writeFile(args.out, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(
    [
      `scale ${args.label}: ${args.docs} documents x ${args.chunks} chunks, ${args.mode} mode, ${results.length} runs ` +
        `(${summary.machine.summary}, ${summary.machine.model})`,
      `medians over runs:`,
      `  wall time              ${medians.wallSeconds} s (${medians.documentsPerSecond} documents/s)`,
      `  ideal / utilisation    ${medians.idealSeconds} s / ${pct(medians.utilisation)}`,
      `  through batch          ${pct(medians.batchShare)}`,
      `  jobs, records per job  ${medians.jobsCreated}, median ${medians.recordsPerJobMedian}`,
      `  completed / failed     ${medians.completed} / ${medians.failed}`,
      `  largest history        ${medians.largestHistoryEvents} events`,
      `  largest payload        ${medians.largestPayloadBytes} bytes (largest event ${medians.largestEventBytes} bytes)`,
      `  collector task         p50 ${medians.collectorTaskP50Ms} ms, p99 ${medians.collectorTaskP99Ms} ms, max ${medians.collectorTaskMaxMs} ms`,
      `  worker peak RSS        ${medians.workerPeakRssMiB} MiB (${results[0]?.workerRssScope ?? ''})`,
      `written to ${args.out}`,
      '',
    ].join('\n'),
  );
}

async function writeContracts(
  dir: string,
  docs: number,
  chunks: number,
  chunking: { maxTokens: number; overlapTokens: number },
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < docs; i++) {
    const path = join(dir, `contract-${String(i).padStart(6, '0')}.txt`);
    await writeFile(path, syntheticContractWithChunks(i, chunks, chunking));
    paths.push(path);
  }
  return paths;
}

interface RunContext {
  cli: Awaited<ReturnType<typeof benchTemporalCli>>;
  work: string;
  files: string[];
  bundlePath: string;
}

async function runOnce(args: Args, run: number, ctx: RunContext): Promise<RunFigures> {
  // A fresh server per run: the same documents on one server would attach to the first run's results.
  const env = await startBenchServer(ctx.cli);
  const storeDir = join(ctx.work, `store-${run}`);
  await mkdir(storeDir);
  const store = createObjectStore({ kind: 'file', root: storeDir });
  const emulator = await startEmulator({
    store,
    timings: {
      submittedMs: args.phasesMs.submitted,
      validatingMs: args.phasesMs.validating,
      scheduledMs: args.phasesMs.scheduled,
      recordsPerSecond: args.rate,
      concurrentJobs: args.runningJobs,
      ...(args.instant ? { tickMs: 10 } : {}),
    },
    quotas: { maxActiveJobsPerModel: args.slots },
  });
  const taskQueue = `scale-${run}`;
  const flags = runFlags(args, { endpoint: emulator.endpoint, taskQueue, storeDir });
  const { config } = loadConfig({ env: {}, cwd: ctx.work, flags });
  const client = new Client({ connection: env.connection, namespace: env.namespace });
  const worker = await startWorker(args, { env, config, client, flags, work: ctx.work, bundlePath: ctx.bundlePath });
  try {
    const docflow = new DocflowClient(client, config, store);
    const batchId = `scale-${run}-${Date.now()}`;
    const started = process.hrtime.bigint();
    const startedAt = Date.now();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const deadline = args.runTimeoutMinutes > 0 ? Date.now() + args.runTimeoutMinutes * 60_000 : Infinity;
    let startSeconds: number | undefined;
    const submitted = (async () => {
      if (args.mode === 'corpus') {
        await docflow.startCorpus({ files: ctx.files, batchId });
        await docflow.awaitCorpus(batchId);
        return;
      }
      const startedDocs = await mapPool(ctx.files, args.directConcurrency, async (file) =>
        Date.now() < deadline ? docflow.startDocument({ file, batchId }) : undefined,
      );
      startSeconds = round(seconds(), 2);
      process.stderr.write(`run ${run}: ${startedDocs.length} documents started in ${startSeconds} s\n`);
      await mapPool(startedDocs, args.awaitConcurrency, async (doc) => {
        if (doc && Date.now() < deadline) await docflow.awaitDocument(doc.workflowId).catch(() => undefined);
      });
    })();
    const finished = await settlesBefore(submitted, deadline);
    const wall = seconds();
    if (!finished) process.stderr.write(`run ${run}: not finished after ${args.runTimeoutMinutes} min\n`);
    const documents = await documentOutcomes(docflow, batchId, args.awaitConcurrency);
    return await finishRun(args, run, {
      wall,
      timedOut: !finished,
      documents,
      emulator,
      client,
      config,
      worker,
      startSeconds,
      startedAt,
    });
  } finally {
    await worker.stop().catch(() => undefined);
    await emulator.stop();
    await env.teardown();
  }
}

/** Waits for `work` until `deadline` (epoch ms): true when it settled in time. A late failure is ignored. */
async function settlesBefore(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    if (Number.isFinite(deadline)) timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

interface DocumentCounts {
  completed: number;
  failed: number;
  cancelled: number;
  running: number;
  /** Completed documents whose outcome reports a chunk count other than asked. */
  chunkCounts: number[];
}

/**
 * The batch's documents as their workflows ended: each closed one's outcome (awaiting a closed run reads only its
 * close event). A workflow that ended without an outcome (failed, terminated, timed out) counts as failed.
 */
async function documentOutcomes(docflow: DocflowClient, batchId: string, concurrency: number): Promise<DocumentCounts> {
  const latest = new Map<string, { workflowId: string; status: string; startTime?: Date }>();
  for (const wf of await docflow.list({ batchId, type: 'analyzeDocument' })) {
    const seen = latest.get(wf.workflowId);
    if (!seen || (wf.startTime?.getTime() ?? 0) > (seen.startTime?.getTime() ?? 0)) latest.set(wf.workflowId, wf);
  }
  const counts: DocumentCounts = { completed: 0, failed: 0, cancelled: 0, running: 0, chunkCounts: [] };
  await mapPool([...latest.values()], concurrency, async (wf) => {
    if (wf.status === 'RUNNING') {
      counts.running += 1;
      return;
    }
    try {
      const outcome = await docflow.awaitDocument(wf.workflowId);
      if (outcome.status === 'completed') {
        counts.completed += 1;
        counts.chunkCounts.push(outcome.chunks);
      } else if (outcome.status === 'cancelled') counts.cancelled += 1;
      else counts.failed += 1;
    } catch {
      if (wf.status === 'CANCELLED') counts.cancelled += 1;
      else counts.failed += 1;
    }
  });
  return counts;
}

interface BenchWorker {
  stop(): Promise<{ peakRssBytes: number }>;
  scope: RunFigures['workerRssScope'];
}

async function startWorker(
  args: Args,
  run: {
    env: TestWorkflowEnvironment;
    config: DocflowConfig;
    client: Client;
    flags: Record<string, unknown>;
    work: string;
    bundlePath: string;
  },
): Promise<BenchWorker> {
  if (!args.inProcessWorker) {
    const child = await startWorkerProcess({
      address: run.env.address,
      namespace: run.env.namespace ?? 'default',
      flags: run.flags,
      workflowBundlePath: run.bundlePath,
      cwd: run.work,
    });
    let stopped: Promise<{ peakRssBytes: number }> | undefined;
    return { scope: 'worker process', stop: () => (stopped ??= child.stop()) };
  }
  const workers = await createWorkers({
    connection: run.env.nativeConnection,
    config: run.config,
    context: activityContextFromConfig(run.config, run.client, { env: {} }),
    workflowBundle: { codePath: run.bundlePath },
  });
  const running = workers.run();
  let peakRssBytes = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 1_000);
  let stopped: Promise<{ peakRssBytes: number }> | undefined;
  return {
    scope: 'benchmark process',
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(sampler);
        workers.shutdown();
        await running;
        return { peakRssBytes };
      })()),
  };
}

async function finishRun(
  args: Args,
  run: number,
  r: {
    wall: number;
    timedOut: boolean;
    documents: DocumentCounts;
    emulator: Emulator;
    client: Client;
    config: DocflowConfig;
    worker: BenchWorker;
    startSeconds?: number;
    startedAt: number;
  },
): Promise<RunFigures> {
  const { peakRssBytes } = await r.worker.stop();
  const counters = r.emulator.counters();
  const jobs = await listJobs(r.emulator, r.config);
  process.stderr.write(
    `run ${run}: ${r.timedOut ? 'stopped' : 'done'} after ${round(r.wall, 1)} s; reading the workflow histories\n`,
  );
  const histories = await measureHistories(r.client, {
    sample: args.historySample,
    concurrency: args.historyConcurrency,
  });
  const records = args.docs * args.chunks;
  const parallel = Math.max(
    1,
    Math.min(args.slots, args.runningJobs, Math.floor(records / r.config.batch.minRecordsPerJob)),
  );
  const phasesSeconds = (args.phasesMs.submitted + args.phasesMs.validating + args.phasesMs.scheduled) / 1000;
  const idealSeconds = phasesSeconds + records / (parallel * args.rate);
  const batchRecords = counters.recordsProcessed;
  const onDemandRecords = counters.runtimeInvocations;
  const jobStatuses: Record<string, number> = {};
  for (const job of jobs) jobStatuses[job.status] = (jobStatuses[job.status] ?? 0) + 1;
  return {
    run,
    timedOut: r.timedOut,
    documents: args.docs,
    completed: r.documents.completed,
    failed: r.documents.failed,
    cancelled: r.documents.cancelled,
    running: r.documents.running,
    chunkMismatches: r.documents.chunkCounts.filter((c) => c !== args.chunks).length,
    records,
    ...(r.startSeconds === undefined ? {} : { startSeconds: r.startSeconds }),
    wallSeconds: round(r.wall, 2),
    documentsPerSecond: round(r.documents.completed / r.wall, 2),
    parallel,
    idealSeconds: round(idealSeconds, 2),
    utilisation: round(idealSeconds / r.wall, 3),
    batchRecords,
    onDemandRecords,
    batchShare: round(batchRecords + onDemandRecords ? batchRecords / (batchRecords + onDemandRecords) : 0, 3),
    jobsCreated: counters.jobsCreated,
    jobStatuses,
    recordsPerJob: spread(jobs.map((j) => j.records)),
    timeline: {
      ...jobTimeline(jobs, r.startedAt, r.wall, args.slots),
      ...closedAt(histories.lastClosedAt, r.startedAt),
    },
    histories,
    collectorTaskMs: histories.workflowTaskMs.batchCollector ?? spread([]),
    workerPeakRssMiB: round(peakRssBytes / 1024 ** 2, 1),
    workerRssScope: r.worker.scope,
  };
}

/** Every job the emulator knows, through the real Bedrock client: ListModelInvocationJobs, page by page. */
async function listJobs(emulator: Emulator, config: DocflowConfig): Promise<ListedJob[]> {
  const bedrock = new BedrockClient({
    region: config.aws.region,
    endpoint: emulator.endpoint,
    credentials: bedrockCredentialsOverride(config, {}),
  });
  const jobs: ListedJob[] = [];
  for await (const page of paginateListModelInvocationJobs({ client: bedrock, pageSize: 1000 }, {})) {
    for (const job of page.invocationJobSummaries ?? []) {
      jobs.push({
        status: job.status ?? 'unknown',
        records: job.totalRecordCount ?? 0,
        submittedAt: job.submitTime?.getTime() ?? 0,
        endedAt: job.endTime?.getTime() ?? job.lastModifiedTime?.getTime() ?? 0,
      });
    }
  }
  bedrock.destroy();
  return jobs;
}

interface ListedJob {
  status: string;
  records: number;
  submittedAt: number;
  endedAt: number;
}

function jobTimeline(jobs: ListedJob[], startedAt: number, wall: number, slots: number): RunFigures['timeline'] {
  if (jobs.length === 0) return { firstSubmitted: 0, lastSubmitted: 0, lastEnded: 0, slotBusyShare: 0 };
  const at = (ms: number) => round((ms - startedAt) / 1000, 1);
  const busy = jobs.reduce((sum, j) => sum + Math.max(0, j.endedAt - j.submittedAt), 0) / 1000;
  return {
    firstSubmitted: at(Math.min(...jobs.map((j) => j.submittedAt))),
    lastSubmitted: at(Math.max(...jobs.map((j) => j.submittedAt))),
    lastEnded: at(Math.max(...jobs.map((j) => j.endedAt))),
    slotBusyShare: round(busy / (slots * wall), 3),
  };
}

function closedAt(last: Record<string, number>, startedAt: number): Partial<RunFigures['timeline']> {
  const at = (type: string) => (last[type] === undefined ? undefined : round(((last[type] ?? 0) - startedAt) / 1000, 1));
  const out: Partial<RunFigures['timeline']> = {};
  const job = at('bedrockBatchJob');
  const doc = at('analyzeDocument');
  const corpus = at('analyzeCorpus');
  if (job !== undefined) out.lastJobWorkflowClosed = job;
  if (doc !== undefined) out.lastDocumentClosed = doc;
  if (corpus !== undefined) out.corpusClosed = corpus;
  return out;
}

function describeRun(title: string, r: RunFigures): string {
  const h = r.histories;
  return [
    `${title}: ${r.documents} documents, ${r.records} records`,
    `  wall time              ${r.wallSeconds} s (${r.documentsPerSecond} documents/s)` +
      (r.startSeconds === undefined ? '' : `, all started after ${r.startSeconds} s`),
    `  ideal / utilisation    ${r.idealSeconds} s with ${r.parallel} jobs in parallel / ${pct(r.utilisation)}` +
      (r.timedOut ? ' (timed out: an upper bound)' : ''),
    `  through batch          ${pct(r.batchShare)} (${r.batchRecords} batch records, ${r.onDemandRecords} on-demand)`,
    `  jobs                   ${r.jobsCreated} created; records per job min ${r.recordsPerJob.min}, ` +
      `median ${r.recordsPerJob.median}, max ${r.recordsPerJob.max}; ${JSON.stringify(r.jobStatuses)}`,
    `  job timeline           first submitted ${r.timeline.firstSubmitted} s, last submitted ` +
      `${r.timeline.lastSubmitted} s, last ended ${r.timeline.lastEnded} s; slots busy ${pct(r.timeline.slotBusyShare)}`,
    `  closed                 last job workflow ${r.timeline.lastJobWorkflowClosed ?? '-'} s, last document ` +
      `${r.timeline.lastDocumentClosed ?? '-'} s, corpus ${r.timeline.corpusClosed ?? '-'} s`,
    `  documents              ${r.completed} completed, ${r.failed} failed, ${r.cancelled} cancelled, ` +
      `${r.running} running${r.timedOut ? ' (timed out)' : ''}; ` +
      `${r.chunkMismatches} with a chunk count other than asked`,
    `  workflows              ${JSON.stringify(h.workflows)}; ${h.inspected} histories read in ${h.seconds} s` +
      (h.sampled ? ' (documents sampled)' : ''),
    `  largest history        ${h.largestHistoryEvents.events} events (${h.largestHistoryEvents.workflowType}), ` +
      `${h.largestHistoryBytes.bytes} bytes (${h.largestHistoryBytes.workflowType})`,
    `  largest payload        ${h.largestPayload.bytes} bytes (${h.largestPayload.workflowType} ` +
      `${h.largestPayload.eventType ?? ''} ${h.largestPayload.field ?? ''}); largest event ${h.largestEvent.bytes} bytes ` +
      `(${h.largestEvent.workflowType} ${h.largestEvent.eventType ?? ''})`,
    `  collector task         ${r.collectorTaskMs.count} tasks: p50 ${r.collectorTaskMs.median} ms, ` +
      `p99 ${r.collectorTaskMs.p99} ms, max ${r.collectorTaskMs.max} ms`,
    `  worker peak RSS        ${r.workerPeakRssMiB} MiB (${r.workerRssScope})`,
  ].join('\n');
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
