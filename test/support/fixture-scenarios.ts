import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { DocflowClient } from '../../src/client';
import type { JobFinishedMessage } from '../../src/shared/types';
import { shortContract, writeTempFiles } from './documents';
import type { TestPipeline, TestPipelineOptions } from './pipeline';
import type { TemporalTestContext } from './temporal';

/**
 * The runs the replay fixtures are recorded from: one scenario per path of the workflows that matters, each on a
 * pipeline of its own (its own task queue, emulator and store) against a real dev server. A scenario drives the
 * pipeline, checks that the path it names was really taken (a fixture of another path would prove nothing), and
 * picks the runs worth keeping. `record-fixtures.ts` writes their histories.
 */
export interface Scenario {
  name: string;
  /** The path of the workflows it records, for the index and the README. */
  covers: string;
  pipeline: TestPipelineOptions;
  drive(ctx: ScenarioContext): Promise<PickedRun[]>;
}

export interface ScenarioContext {
  t: TemporalTestContext;
  p: TestPipeline;
  client: DocflowClient;
}

export interface PickedRun {
  /** Distinguishes runs of one type in one scenario (`analyzeDocument`, `bedrockBatchJob-first-run`, ...). */
  label: string;
  workflowType: string;
  workflowId: string;
  runId: string;
  status: string;
}

/** Small documents (three chunks each) and a small job minimum, so a handful of documents fills a job. */
const SMALL = {
  'pipeline.chunkMaxTokens': 120,
  'pipeline.chunkOverlapTokens': 10,
  'batch.minRecordsPerJob': 5,
  'batch.maxRecordsPerJob': 50,
  'batch.maxWaitMs': 600_000,
};
/** The emulator's job minimum matching SMALL. */
const SMALL_QUOTAS = { quotas: { minRecordsPerJob: 5 } };
/** Records wait in the queue: no job can reach this minimum. */
const HELD = { ...SMALL, 'batch.minRecordsPerJob': 1_000, 'batch.maxRecordsPerJob': 2_000 };

async function contracts(tag: string, count: number): Promise<string[]> {
  const files: Record<string, string> = {};
  // Distinct text per document and scenario: a document's workflow id derives from its content.
  for (let i = 0; i < count; i++) files[`${tag}-${i}.txt`] = shortContract(`FIXTURE-${tag.toUpperCase()}-${i}`);
  return (await writeTempFiles(files)).paths;
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a corpus of `count` contracts tagged `tag` (batch `fixture-<tag>`) to its end; every document completes. */
async function completeCorpus(
  ctx: ScenarioContext,
  tag: string,
  count: number,
  options: { window?: number; batchOnly?: boolean } = {},
) {
  const { batchId } = await ctx.client.startCorpus({
    files: await contracts(tag, count),
    batchId: `fixture-${tag}`,
    ...(options.window === undefined ? {} : { window: options.window }),
  });
  const outcome = await ctx.client.awaitCorpus(batchId);
  check(outcome.counts.completed === count, 'documents completed');
  if (options.batchOnly) check(outcome.costs.onDemandChunks === 0, 'every chunk through batch');
  return outcome;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`scenario did not take its path: ${message}`);
}

/** Every run of a type on the pipeline's task queue, oldest first (continued-as-new runs are runs of their own). */
async function runsOf({ t, p }: ScenarioContext, type: string): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  for await (const wf of t.client.workflow.list({
    query: `TaskQueue = '${p.taskQueue}' AND WorkflowType = '${type}'`,
  })) {
    runs.push(wf);
  }
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime() || a.workflowId.localeCompare(b.workflowId));
}

function pick(run: WorkflowExecutionInfo | undefined, label?: string): PickedRun {
  if (!run) throw new Error(`scenario has no run to record${label ? ` for ${label}` : ''}`);
  return {
    label: label ?? run.type,
    workflowType: run.type,
    workflowId: run.workflowId,
    runId: run.runId,
    status: run.status.name,
  };
}

async function jobResults(ctx: ScenarioContext): Promise<{ run: WorkflowExecutionInfo; result: JobFinishedMessage }[]> {
  const runs = (await runsOf(ctx, 'bedrockBatchJob')).filter((r) => r.status.name === 'COMPLETED');
  return Promise.all(
    runs.map(async (run) => ({
      run,
      result: (await ctx.t.client.workflow.getHandle(run.workflowId, run.runId).result()) as JobFinishedMessage,
    })),
  );
}

/** The first document whose last round number is at least `round` (documents answer `progress` while workers run). */
async function documentWithRounds(ctx: ScenarioContext, round: number): Promise<WorkflowExecutionInfo | undefined> {
  for (const run of await runsOf(ctx, 'analyzeDocument')) {
    if ((await ctx.client.documentProgress(run.workflowId)).attempts >= round) return run;
  }
  return undefined;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'batch',
    covers: 'a corpus of three documents whose records go out in one batch job that completes',
    pipeline: { settings: SMALL, emulator: SMALL_QUOTAS },
    async drive(ctx) {
      await completeCorpus(ctx, 'batch', 3, { batchOnly: true });
      check(ctx.p.emulator.counters().jobsCreated === 1, 'one job');
      return [
        pick((await runsOf(ctx, 'analyzeCorpus'))[0]),
        pick((await runsOf(ctx, 'analyzeDocument'))[0]),
        pick((await runsOf(ctx, 'batchCollector'))[0]),
        pick((await runsOf(ctx, 'bedrockBatchJob'))[0]),
      ];
    },
  },
  {
    name: 'high-priority',
    covers: 'a high-priority document invoked on-demand at once, without the collector',
    pipeline: { settings: SMALL, emulator: SMALL_QUOTAS },
    async drive(ctx) {
      const [file] = await contracts('urgent', 1);
      const started = await ctx.client.startDocument({ file, priority: 'high' });
      const outcome = await ctx.client.awaitDocument(started.docId);
      check(outcome.onDemandChunks === outcome.chunks && outcome.chunks > 0, 'every chunk on-demand');
      check((await runsOf(ctx, 'batchCollector')).length === 0, 'no collector');
      return [pick((await runsOf(ctx, 'analyzeDocument'))[0])];
    },
  },
  {
    name: 'on-demand-tail',
    covers: 'a lone document below the job minimum: the collector sends it on-demand after the maximum wait',
    pipeline: { settings: { 'batch.maxWaitMs': 1_500 } },
    async drive(ctx) {
      const [file] = await contracts('tail', 1);
      const started = await ctx.client.startDocument({ file });
      const outcome = await ctx.client.awaitDocument(started.docId);
      check(outcome.onDemandChunks === outcome.chunks && outcome.chunks > 0, 'the tail went on-demand');
      check(ctx.p.emulator.counters().jobsCreated === 0, 'no job');
      return [pick((await runsOf(ctx, 'analyzeDocument'))[0]), pick((await runsOf(ctx, 'batchCollector'))[0])];
    },
  },
  {
    name: 'job-failed-retry',
    covers: 'a batch job that ends Failed is created again (next attempt) for the same records and completes',
    pipeline: { settings: SMALL, emulator: { ...SMALL_QUOTAS, faults: { failNextJobs: 1 } } },
    async drive(ctx) {
      await completeCorpus(ctx, 'failed', 2);
      check(ctx.p.emulator.counters().jobsCreated === 2, 'the job created twice (two attempts)');
      const [job] = await jobResults(ctx);
      check(job?.result.status === 'Completed', 'the retried job completed');
      return [pick(job?.run), pick((await runsOf(ctx, 'analyzeDocument'))[0])];
    },
  },
  {
    name: 'job-expired',
    covers: 'a batch job that ends Expired: its records fail to their documents, which resubmit them in a new job',
    pipeline: {
      settings: { ...SMALL, 'batch.maxWaitMs': 1_000 },
      emulator: { ...SMALL_QUOTAS, faults: { expireNextJobs: 1 } },
    },
    async drive(ctx) {
      await completeCorpus(ctx, 'expired', 2);
      const expired = (await jobResults(ctx)).find((j) => j.result.status === 'Expired');
      check(expired !== undefined, 'a job ended Expired');
      return [
        pick(expired?.run),
        pick(await documentWithRounds(ctx, 2), 'analyzeDocument'),
        pick((await runsOf(ctx, 'batchCollector'))[0]),
      ];
    },
  },
  {
    name: 'job-partially-completed',
    covers: 'a batch job cut off by its timeout ends PartiallyCompleted: its results are kept, the rest resubmitted',
    pipeline: {
      settings: { ...SMALL, 'batch.maxWaitMs': 1_000, 'batch.jobTimeoutHours': 24 },
      // 24 emulated hours last 1.44 s: the job runs out of time after about half of its records.
      emulator: { ...SMALL_QUOTAS, timings: { hourMs: 60, recordsPerSecond: 6 } },
    },
    async drive(ctx) {
      await completeCorpus(ctx, 'partial', 3);
      const partial = (await jobResults(ctx)).find((j) => j.result.status === 'PartiallyCompleted');
      check(partial !== undefined && partial.result.succeeded > 0, 'a job ended PartiallyCompleted with results');
      return [
        pick(partial?.run),
        pick(await documentWithRounds(ctx, 2), 'analyzeDocument'),
        pick((await runsOf(ctx, 'batchCollector'))[0]),
      ];
    },
  },
  {
    name: 'record-resubmission',
    covers: 'records that fail inside a completed job are resubmitted alone, in a second round, by their documents',
    pipeline: {
      settings: { ...SMALL, 'batch.maxWaitMs': 1_000 },
      emulator: { ...SMALL_QUOTAS, faults: { failRecordRate: 0.3 } },
    },
    async drive(ctx) {
      await completeCorpus(ctx, 'records', 3);
      // The first round may go out in more than one job (and the second round in another): pick one that failed some.
      const job = (await jobResults(ctx)).find((j) => j.result.failed > 0);
      check(job !== undefined, 'a job carried failed records');
      return [pick(await documentWithRounds(ctx, 2), 'analyzeDocument'), pick(job?.run)];
    },
  },
  {
    name: 'cancel-document',
    covers: 'a document cancelled while its records wait in the queue: it withdraws them and ends cancelled',
    pipeline: { settings: HELD, emulator: SMALL_QUOTAS },
    async drive(ctx) {
      const [file] = await contracts('cancel', 1);
      const started = await ctx.client.startDocument({ file });
      await waitFor(
        'the document to wait for its batch',
        () => ctx.client.documentProgress(started.docId),
        (pr) => pr.stage === 'waiting-batch',
      );
      await ctx.client.cancelDocument(started.docId);
      await waitFor(
        'the document to end cancelled',
        () => ctx.client.documentHandle(started.docId).describe(),
        (d) => d.status.name === 'CANCELLED',
      );
      return [pick((await runsOf(ctx, 'analyzeDocument'))[0]), pick((await runsOf(ctx, 'batchCollector'))[0])];
    },
  },
  {
    name: 'cancel-corpus',
    covers: 'a corpus cancelled while its documents wait: it cancels them and ends cancelled',
    pipeline: { settings: HELD, emulator: SMALL_QUOTAS },
    async drive(ctx) {
      const { batchId } = await ctx.client.startCorpus({
        files: await contracts('cancorp', 3),
        batchId: 'fixture-cancel',
      });
      await waitFor(
        'three documents waiting for their batch',
        async () => {
          const docs = await ctx.client.list({ batchId, type: 'analyzeDocument' });
          return Promise.all(docs.map((d) => ctx.client.documentProgress(d.workflowId).then((pr) => pr.stage)));
        },
        (stages) => stages.length === 3 && stages.every((s) => s === 'waiting-batch'),
      );
      await ctx.client.cancelCorpus(batchId);
      await waitFor(
        'the corpus and its documents to end cancelled',
        async () => [...(await runsOf(ctx, 'analyzeCorpus')), ...(await runsOf(ctx, 'analyzeDocument'))],
        (runs) => runs.length === 4 && runs.every((r) => r.status.name === 'CANCELLED'),
      );
      return [pick((await runsOf(ctx, 'analyzeCorpus'))[0]), pick((await runsOf(ctx, 'analyzeDocument'))[0])];
    },
  },
  {
    name: 'document-failed',
    covers: 'a document that fails (unsupported format): it publishes its failure and ends failed',
    pipeline: { settings: SMALL, emulator: SMALL_QUOTAS },
    async drive(ctx) {
      const { paths } = await writeTempFiles({ 'fixture-scan.bin': '\u0000\u0001\u0002binary\u0000\u00ff'.repeat(20) });
      const started = await ctx.client.startDocument({ file: paths[0] });
      const failed = await ctx.client.awaitDocument(started.docId).then(
        () => false,
        () => true,
      );
      check(failed, 'the document failed');
      return [pick((await runsOf(ctx, 'analyzeDocument'))[0])];
    },
  },
  {
    name: 'slots-full',
    covers:
      'more records than one job takes with one job slot: the collector waits for the slot, then starts the next job',
    pipeline: {
      settings: { ...SMALL, 'batch.maxRecordsPerJob': 6, 'batch.maxConcurrentJobs': 1 },
      emulator: { ...SMALL_QUOTAS, timings: { recordsPerSecond: 20 } },
    },
    async drive(ctx) {
      await completeCorpus(ctx, 'slots', 4, { batchOnly: true });
      const jobs = await runsOf(ctx, 'bedrockBatchJob');
      check(jobs.length >= 2, 'several jobs');
      const [first, second] = jobs;
      check(
        first !== undefined && second !== undefined && (first.closeTime?.getTime() ?? 0) <= second.startTime.getTime(),
        'the second job waited for the first one’s slot',
      );
      return [pick((await runsOf(ctx, 'batchCollector'))[0]), pick(second, 'bedrockBatchJob-second')];
    },
  },
  {
    name: 'continue-as-new',
    covers:
      'a corpus, the collector and a slowly polled job each continue as new past 100 events, and their next runs ' +
      'carry on from the state handed over',
    pipeline: {
      settings: {
        ...SMALL,
        'batch.maxRecordsPerJob': 200,
        'batch.continueAsNewAfterEvents': 100,
        'batch.pollInitialMs': 50,
        'batch.pollMaxMs': 100,
      },
      emulator: {
        ...SMALL_QUOTAS,
        timings: { recordsPerSecond: 20 },
        // About 20 s for the first job: polled long enough (each look is about ten events) to pass 100 events.
        faults: { slowNextJobs: 1, slowJobFactor: 20 },
      },
    },
    async drive(ctx) {
      await completeCorpus(ctx, 'can', 16, { window: 4 });
      const picked: PickedRun[] = [];
      for (const type of ['analyzeCorpus', 'batchCollector', 'bedrockBatchJob']) {
        const runs = await runsOf(ctx, type);
        const first = runs.find((r) => r.status.name === 'CONTINUED_AS_NEW');
        check(first !== undefined, `${type} continued as new`);
        // The run it continued into: same workflow id, started from the state the first run handed over.
        const next = runs.find(
          (r) => r.workflowId === first?.workflowId && r.startTime.getTime() > (first?.startTime.getTime() ?? 0),
        );
        picked.push(pick(first, `${type}-handing-over`), pick(next, `${type}-continued`));
      }
      return picked;
    },
  },
];
