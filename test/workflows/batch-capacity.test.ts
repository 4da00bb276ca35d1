import { ListModelInvocationJobsCommand } from '@aws-sdk/client-bedrock';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { DocflowClient } from '../../src/client';
import { collectorWorkflowId } from '../../src/shared/ids';
import { BitSet } from '../../src/workflows/bit-set';
import { jobProgressQuery, statusQuery, updateLimitsUpdate } from '../../src/shared/messages';
import { activityContextFromConfig } from '../../src/worker';
import { shortContract, writeTempFiles } from '../support/documents';
import { historySize } from '../support/history';
import { startTestPipeline } from '../support/pipeline';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';

/** Small documents (three chunks each) and a small minimum, so a few dozen documents fill several jobs. */
const SMALL = {
  'pipeline.chunkMaxTokens': 120,
  'pipeline.chunkOverlapTokens': 10,
  'batch.minRecordsPerJob': 5,
  'batch.maxRecordsPerJob': 500,
  'batch.maxWaitMs': 600_000,
};

async function contracts(count: number, tag: string): Promise<string[]> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`${tag}-${i}.txt`] = shortContract(`MARKER-${tag}-${i}`);
  return (await writeTempFiles(files)).paths;
}

async function workflowsOf(t: TemporalTestContext, taskQueue: string, type: string): Promise<WorkflowExecutionInfo[]> {
  const out: WorkflowExecutionInfo[] = [];
  for await (const wf of t.client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND WorkflowType = '${type}'` })) {
    out.push(wf);
  }
  return out;
}

/** The most intervals [start, end) open at one moment. */
function mostAtOnce(intervals: { start: number; end: number }[]): number {
  const edges = intervals.flatMap((i) => [
    { at: i.start, d: 1 },
    { at: i.end, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let open = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (open += e.d));
  return most;
}

describe('batch capacity', () => {
  let t: TemporalTestContext;
  beforeAll(async () => {
    t = await connectTemporal();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finishes a corpus larger than its in-flight bound without draining, continuing as new while documents run', async () => {
    const p = await startTestPipeline(t, {
      settings: { ...SMALL, 'batch.continueAsNewAfterEvents': 100 },
      emulator: { quotas: { minRecordsPerJob: 5 } },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const { batchId } = await client.startCorpus({ files: await contracts(30, 'window'), window: 4 });
      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: 30, completed: 30, failed: 0 });
      expect(outcome.costs.onDemandChunks).toBe(0);

      const docs = await workflowsOf(t, p.taskQueue, 'analyzeDocument');
      expect(docs).toHaveLength(30);
      const spans = docs.map((d) => ({ start: d.startTime.getTime(), end: d.closeTime?.getTime() ?? Date.now() }));
      // A document tells the corpus it ended a moment before its workflow closes, and the next one may start in that
      // moment (longer on a loaded machine): allow four of those on top of the window of 4 (without the window, all
      // 30 would run at once).
      expect(mostAtOnce(spans)).toBeLessThanOrEqual(8);

      // Some run of the corpus handed over to the next while documents it had started were still running.
      const runs = (await workflowsOf(t, p.taskQueue, 'analyzeCorpus')).filter(
        (r) => r.status.name === 'CONTINUED_AS_NEW',
      );
      expect(runs.length).toBeGreaterThan(0);
      // Read from what each run handed over: documents it had started that had not yet told it they finished.
      const inFlightAtHandover: number[] = [];
      for (const r of runs) {
        const history = await t.client.workflow.getHandle(r.workflowId, r.runId).fetchHistory();
        const can = history.events?.find((e) => e.workflowExecutionContinuedAsNewEventAttributes)
          ?.workflowExecutionContinuedAsNewEventAttributes;
        type Handover = { resume: { counts: { started: number }; manifestCount: number; finished: string } };
        const [next] = (can?.input?.payloads ?? []).map((pl) => defaultPayloadConverter.fromPayload<Handover>(pl));
        if (next === undefined) throw new Error(`run ${r.runId} continued as new without an input`);
        const finished = new BitSet(next.resume.manifestCount, next.resume.finished).cardinality;
        inFlightAtHandover.push(next.resume.counts.started - finished);
      }
      expect(Math.max(...inFlightAtHandover)).toBeGreaterThan(0);
    } finally {
      await p.stop();
    }
  });

  it("spreads a corpus's records over several job slots at once and sends none on-demand while more are coming", async () => {
    // A maximum wait far shorter than the corpus takes to arrive: only knowing that records are coming keeps them
    // out of on-demand.
    const p = await startTestPipeline(t, {
      settings: { ...SMALL, 'batch.maxWaitMs': 100 },
      emulator: { quotas: { minRecordsPerJob: 5 }, timings: { recordsPerSecond: 20 } },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const { batchId } = await client.startCorpus({ files: await contracts(40, 'coming') });
      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: 40, completed: 40, failed: 0 });
      expect(outcome.costs.onDemandChunks).toBe(0);
      expect(p.emulator.counters().runtimeInvocations).toBe(0);

      const ctx = activityContextFromConfig(p.config, t.client, { store: p.store, env: {} });
      const jobs = (await ctx.bedrock.send(new ListModelInvocationJobsCommand({ maxResults: 1000 })))
        .invocationJobSummaries;
      expect(jobs?.length).toBeGreaterThan(1);
      const spans = (jobs ?? []).map((j) => ({
        start: j.submitTime?.getTime() ?? 0,
        end: j.endTime?.getTime() ?? Date.now(),
      }));
      expect(mostAtOnce(spans)).toBeGreaterThan(1);
    } finally {
      await p.stop();
    }
  });

  it('takes back the slot of a terminated job workflow, and its documents resubmit their records', async () => {
    const p = await startTestPipeline(t, {
      settings: { ...SMALL, 'batch.maxConcurrentJobs': 1, 'batch.pollMaxMs': 500 },
      emulator: { quotas: { minRecordsPerJob: 5 }, timings: { recordsPerSecond: 2 } },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const { batchId } = await client.startCorpus({ files: await contracts(4, 'reclaim') });
      await expect
        .poll(
          async () => (await workflowsOf(t, p.taskQueue, 'bedrockBatchJob')).filter((w) => w.status.name === 'RUNNING'),
          {
            timeout: 60_000,
          },
        )
        .toHaveLength(1);
      const [job] = await workflowsOf(t, p.taskQueue, 'bedrockBatchJob');
      await t.client.workflow.getHandle(job?.workflowId ?? '').terminate('operator test');

      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: 4, completed: 4, failed: 0 });
      const status = await t.client.workflow
        .getHandle(collectorWorkflowId(p.settings.modelId, p.taskQueue))
        .query(statusQuery);
      expect(status.jobsReclaimed).toBe(1);
      expect(status.activeJobs).toHaveLength(0);
      // The terminated job and at least one for the resubmitted records (a free slot may take them in two jobs).
      expect(status.jobsStarted).toBeGreaterThanOrEqual(2);

      // Limits change through a validated update: a bad value is refused before it reaches the collector.
      const collector = t.client.workflow.getHandle(collectorWorkflowId(p.settings.modelId, p.taskQueue));
      const refused = await collector.executeUpdate(updateLimitsUpdate, { args: [{ maxConcurrentJobs: 0 }] }).then(
        () => undefined,
        (err: unknown) => err as { cause?: { message?: string } },
      );
      expect(refused?.cause?.message).toMatch(/maxConcurrentJobs must be a whole number from 1 to 1000/);
      const changed = await collector.executeUpdate(updateLimitsUpdate, { args: [{ maxConcurrentJobs: 3 }] });
      expect(changed.maxConcurrentJobs).toBe(3);
      expect((await collector.query(statusQuery)).settings.maxConcurrentJobs).toBe(3);
    } finally {
      await p.stop();
    }
  });

  it('delivers one job to more than 2,000 documents with small histories and payloads', async () => {
    // One slot, so every record waits for the one job; one chunk per document.
    const p = await startTestPipeline(t, {
      settings: { 'batch.maxConcurrentJobs': 1, 'batch.maxWaitMs': 600_000, 'pipeline.corpusWindow': 5_000 },
      emulator: { timings: { recordsPerSecond: 5_000 } },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const count = 2_050;
      const files: Record<string, string> = {};
      for (let i = 0; i < count; i++) files[`many-${i}.txt`] = `Agreement ${i} between Alder LLC and Birch Inc.\n`;
      const { paths } = await writeTempFiles(files);
      const { batchId } = await client.startCorpus({ files: paths });
      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: count, completed: count, failed: 0 });
      expect(p.emulator.counters().jobsCreated).toBe(1);

      const [job] = await workflowsOf(t, p.taskQueue, 'bedrockBatchJob');
      const progress = await t.client.workflow.getHandle(job?.workflowId ?? '').query(jobProgressQuery);
      expect(progress.documents).toBe(count);
      expect(progress.records).toBe(count);
      for (const type of ['bedrockBatchJob', 'batchCollector', 'analyzeCorpus']) {
        for (const wf of await workflowsOf(t, p.taskQueue, type)) {
          const size = await historySize(t.client, wf.workflowId, wf.runId);
          expect(size.events, `${type} history`).toBeLessThan(10_240);
          expect(size.largestPayload, `${type} payload`).toBeLessThan(256 * 1024);
        }
      }
    } finally {
      await p.stop();
    }
  }, 900_000);
});
