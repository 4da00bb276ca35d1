import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetModelInvocationJobCommand, ListModelInvocationJobsCommand } from '@aws-sdk/client-bedrock';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DocflowClient } from '../../src/client';
import type { ContractReviewAnalysis, Provenance } from '../../src/core/analysis';
import { parseRecordId } from '../../src/core/record-id';
import { schemaValidator } from '../../src/core/schema-validator';
import { getTask } from '../../src/core/tasks';
import { activityContextFromConfig } from '../../src/worker';
import { collectorWorkflowId, storeKeys } from '../../src/shared/ids';
import { flushNowSignal, statusQuery } from '../../src/shared/messages';
import type { StoredChunkResult } from '../../src/activities/documents';
import { cuadAvailable, cuadContractPaths, shortContract, writeTempFiles } from '../support/documents';
import { historyText } from '../support/history';
import { startTestPipeline } from '../support/pipeline';
import type { TestPipeline } from '../support/pipeline';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';

/** Every workflow a test pipeline ran: documents, corpus, collector and Bedrock jobs. */
async function workflowsOf(t: TemporalTestContext, taskQueue: string): Promise<WorkflowExecutionInfo[]> {
  const out: WorkflowExecutionInfo[] = [];
  for await (const wf of t.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) out.push(wf);
  return out;
}

/** Reads a stored object of the pipeline's store by layout key. */
async function readKey(p: TestPipeline, key: string): Promise<string> {
  return p.store.getText(`${p.config.store.uri}/${key}`);
}

function allProvenance(analysis: ContractReviewAnalysis): Provenance[] {
  return [
    ...analysis.parties.flatMap((x) => x.provenance),
    ...[analysis.agreementDate, analysis.effectiveDate, analysis.expirationDate, analysis.governingLaw].flatMap(
      (x) => x?.provenance ?? [],
    ),
    ...analysis.paymentTerms.flatMap((x) => x.provenance),
    ...analysis.obligations.flatMap((x) => x.provenance),
    ...analysis.terminationConditions.flatMap((x) => x.provenance),
    ...analysis.riskyClauses.flatMap((x) => x.provenance),
  ];
}

describe.skipIf(!cuadAvailable())('batch mode over the 40 CUAD contracts', () => {
  let t: TemporalTestContext;
  let p: TestPipeline;
  let client: DocflowClient;
  const paths = cuadAvailable() ? cuadContractPaths() : [];

  beforeAll(async () => {
    t = await connectTemporal();
    // Bedrock's real minimum of 100 records per job; chunks small enough that the corpus yields well over 100.
    p = await startTestPipeline(t, {
      settings: { 'pipeline.chunkMaxTokens': 4_000, 'pipeline.chunkOverlapTokens': 150, 'batch.maxWaitMs': 600_000 },
    });
    client = new DocflowClient(t.client, p.config, p.store);
  });
  afterAll(async () => {
    await p?.stop();
    await t?.close();
  });

  it('spreads records from every document over several job slots, completes every document, and keeps text out of history', async () => {
    const { batchId } = await client.startCorpus({ files: paths, batchId: 'cuad-batch' });
    const collector = t.client.workflow.getHandle(collectorWorkflowId(p.settings.modelId, p.taskQueue));

    // Mid-run, a document answers `progress` with its stage, chunk counts and the job carrying its records.
    await expect
      .poll(() => client.list({ batchId, type: 'analyzeDocument' }).then((d) => d.length), { timeout: 60_000 })
      .toBeGreaterThan(0);
    const firstDoc = (await client.list({ batchId, type: 'analyzeDocument' }))[0];
    await expect
      .poll(() => client.documentProgress(firstDoc?.workflowId ?? '').then((pr) => pr.jobs.length), { timeout: 60_000 })
      .toBeGreaterThan(0);

    const outcome = await client.awaitCorpus(batchId);
    expect(outcome.counts).toMatchObject({ total: 40, completed: 40, failed: 0, cancelled: 0 });

    // Every record went through batch inference, in as many jobs as the minimum of 100 per job allows (Bedrock bills
    // tokens, not jobs), each job at least the minimum, and no job created twice.
    const records = outcome.costs.batchChunks;
    expect(outcome.costs.onDemandChunks).toBe(0);
    const counters = p.emulator.counters();
    const spread = Math.min(p.config.batch.maxConcurrentJobs, Math.floor(records / 100));
    expect(spread).toBeGreaterThan(1);
    expect(counters.jobsCreated).toBe(spread);
    expect(counters.recordsProcessed).toBe(records);
    const ctx = activityContextFromConfig(p.config, t.client, { store: p.store, env: {} });
    const listed = await ctx.bedrock.send(new ListModelInvocationJobsCommand({ maxResults: 1000 }));
    for (const job of listed.invocationJobSummaries ?? []) {
      const detail = await ctx.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: job.jobArn }));
      expect(detail.totalRecordCount).toBeGreaterThanOrEqual(100);
    }
    const status = await collector.query(statusQuery);
    expect(status.recordsBatched).toBe(records);
    expect(status.recordsSentOnDemand).toBe(0);
    expect(counters.runtimeInvocations).toBe(0);

    // Every chunk result validates against the task's schema; every finding points into its own document.
    const validate = schemaValidator(getTask('contract-review').outputSchema);
    const manifest = (await readKey(p, storeKeys.corpusManifest(batchId)))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { docId: string; source: { name: string } });
    expect(manifest).toHaveLength(40);
    let findings = 0;
    for (const { docId } of manifest) {
      const text = await readKey(p, storeKeys.documentText(docId));
      const result = JSON.parse(await readKey(p, storeKeys.documentResult(docId))) as {
        analysis: ContractReviewAnalysis;
        chunks: number;
      };
      for (let i = 0; i < result.chunks; i++) {
        const chunk = JSON.parse(await readKey(p, storeKeys.chunkResult(docId, i))) as StoredChunkResult;
        expect(validate(chunk.output), `${docId} chunk ${i}`).toBe(true);
      }
      for (const prov of allProvenance(result.analysis)) {
        findings++;
        expect(prov.start).toBeGreaterThanOrEqual(0);
        expect(prov.end).toBeLessThanOrEqual(text.length);
        expect(prov.end).toBeGreaterThan(prov.start);
      }
      for (const party of result.analysis.parties) {
        for (const prov of party.provenance.filter((x) => x.located)) {
          const span = text.slice(prov.start, prov.end).replace(/\s+/g, ' ').toLowerCase();
          expect(span.length).toBeGreaterThan(0);
        }
      }
    }
    expect(findings).toBeGreaterThan(40);

    // No workflow history of the run contains document text.
    const snippets: string[] = [];
    for (const path of paths) {
      const text = (await readFile(path, 'utf8')).replace(/\s+/g, ' ');
      for (const at of [0.25, 0.5, 0.75]) {
        const start = Math.floor(text.length * at);
        const snippet = text.slice(start, start + 40).trim();
        if (snippet.length >= 30) snippets.push(snippet);
      }
    }
    const workflows = await workflowsOf(t, p.taskQueue);
    expect(workflows.length).toBeGreaterThanOrEqual(40 + 1 + 1 + spread);
    for (const wf of workflows) {
      const history = (await historyText(t.client, wf.workflowId, wf.runId)).replace(/\s+/g, ' ');
      for (const snippet of snippets)
        expect(history.includes(snippet), `${wf.workflowId} contains document text`).toBe(false);
    }

    // Histories recorded from this run replay against the current workflow code.
    const histories = workflows
      .filter((wf) => wf.status.name !== 'RUNNING')
      .map((wf) => ({
        workflowId: wf.workflowId,
        history: t.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory(),
      }));
    const results = Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      (async function* () {
        for (const h of histories) yield { workflowId: h.workflowId, history: await h.history };
      })(),
    );
    let replayed = 0;
    for await (const r of results) {
      expect(r.error, `${r.workflowId} replays`).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(histories.length);
  });
});

describe('batch mode with faults', () => {
  let t: TemporalTestContext;

  beforeAll(async () => {
    t = await connectTemporal();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Small documents and small quotas, so a handful of documents fills several jobs. */
  const SMALL = {
    'pipeline.chunkMaxTokens': 120,
    'pipeline.chunkOverlapTokens': 10,
    'batch.minRecordsPerJob': 10,
    'batch.maxRecordsPerJob': 25,
    'batch.maxWaitMs': 600_000,
    'batch.maxJobAttempts': 3,
    'pipeline.maxRecordAttempts': 4,
  };

  async function startCorpus(client: DocflowClient, count: number, tag: string) {
    const files: Record<string, string> = {};
    for (let i = 0; i < count; i++) files[`${tag}-${i}.txt`] = shortContract(`MARKER-${tag}-${i}`);
    const { paths } = await writeTempFiles(files);
    return client.startCorpus({ files: paths, batchId: `${tag}-batch` });
  }

  /** Jobs the collector started: Bedrock must have exactly these, each created once. */
  async function collectorStatus(p: TestPipeline) {
    return t.client.workflow.getHandle(collectorWorkflowId(p.settings.modelId, p.taskQueue)).query(statusQuery);
  }

  it('resubmits only failed records after failed records, a failed job and an expired job, and creates no job twice', async () => {
    const p = await startTestPipeline(t, {
      settings: { ...SMALL, 'batch.maxWaitMs': 1_000, 'batch.minRecordsPerJob': 5, 'batch.maxRecordsPerJob': 10 },
      emulator: {
        quotas: { minRecordsPerJob: 5 },
        faults: { failNextJobs: 1, expireNextJobs: 1, failRecordRate: 0.15 },
        timings: { jobExpirationMs: 1_500 },
      },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const files: Record<string, string> = {};
      for (let i = 0; i < 8; i++) files[`fault-${i}.txt`] = shortContract(`MARKER-FAULT-${i}`);
      const { paths } = await writeTempFiles(files);
      const { batchId } = await client.startCorpus({ files: paths, batchId: 'fault-batch' });
      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: 8, completed: 8, failed: 0 });

      // Every job name was created once: Bedrock's own list agrees with the emulator's creation counter.
      const counters = p.emulator.counters();
      const ctx = activityContextFromConfig(p.config, t.client, { store: p.store, env: {} });
      const listed = await ctx.bedrock.send(new ListModelInvocationJobsCommand({ maxResults: 1000 }));
      const jobs = listed.invocationJobSummaries ?? [];
      expect(new Set(jobs.map((j) => j.jobName)).size).toBe(jobs.length);
      expect(jobs.length).toBe(counters.jobsCreated);
      expect(jobs.map((j) => j.status)).toEqual(expect.arrayContaining(['Failed', 'Expired']));

      // Only failed records came back: no round resubmitted a chunk that had already succeeded.
      const manifest = (await readKey(p, storeKeys.corpusManifest(batchId)))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { docId: string });
      let resubmitted = 0;
      let total = 0;
      for (const { docId } of manifest) {
        const progress = await client.documentProgress(docId);
        total += progress.chunks.total;
        expect(progress.chunks.succeeded).toBe(progress.chunks.total);
        const succeededAt = new Map<number, number>();
        for (let i = 0; i < progress.chunks.total; i++) {
          const result = JSON.parse(await readKey(p, storeKeys.chunkResult(docId, i))) as StoredChunkResult;
          succeededAt.set(i, result.attempt);
          if (result.attempt > 1) resubmitted++;
        }
        for (let round = 2; round <= progress.attempts; round++) {
          const uri = `${p.config.store.uri}/${storeKeys.documentRequests(docId, round)}`;
          if (!(await p.store.head(uri))) continue; // that round went on-demand
          for (const line of (await p.store.getText(uri)).split('\n').filter(Boolean)) {
            const chunk = parseRecordId((JSON.parse(line) as { recordId: string }).recordId).chunkIndex;
            expect(
              succeededAt.get(chunk),
              `chunk ${chunk} of ${docId} resubmitted in round ${round}`,
            ).toBeGreaterThanOrEqual(round);
          }
        }
      }
      expect(resubmitted).toBeGreaterThan(0);
      expect(resubmitted).toBeLessThan(total);
      // Successes are kept: each chunk's successful answer was produced (and paid for) once.
      const succeededRecords = counters.recordsProcessed - counters.recordsFailed;
      expect(succeededRecords + counters.runtimeInvocations).toBeGreaterThanOrEqual(total);
    } finally {
      await p.stop();
    }
  });

  it('finishes the run with no duplicate job after the worker stops mid-run and a new one starts', async () => {
    const p = await startTestPipeline(t, {
      settings: SMALL,
      emulator: { quotas: { minRecordsPerJob: 10 }, timings: { recordsPerSecond: 20 } },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const { batchId } = await startCorpus(client, 6, 'restart');
      // Stop while jobs are in progress, then start a fresh worker (a new process would do the same).
      await expect.poll(() => p.emulator.counters().jobsCreated, { timeout: 30_000 }).toBeGreaterThan(0);
      await p.stopWorkers();
      await new Promise((r) => setTimeout(r, 1_500));
      await p.startWorkers();
      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: 6, completed: 6, failed: 0 });
      const counters = p.emulator.counters();
      expect(counters.jobsCreated).toBe((await collectorStatus(p)).jobsStarted);
      expect(counters.recordsProcessed).toBe(outcome.costs.batchChunks);
    } finally {
      await p.stop();
    }
  });

  it('continues the collector and a polling job as new without losing records or creating a job twice', async () => {
    const p = await startTestPipeline(t, {
      settings: {
        ...SMALL,
        'batch.maxRecordsPerJob': 200,
        'batch.continueAsNewAfterEvents': 100,
        'batch.pollInitialMs': 50,
        'batch.pollMaxMs': 100,
      },
      // A slow job: it polls long enough for its history to pass the limit.
      emulator: {
        quotas: { minRecordsPerJob: 10 },
        timings: { recordsPerSecond: 20 },
        faults: { slowNextJobs: 1, slowJobFactor: 20 },
      },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const { batchId } = await startCorpus(client, 24, 'can');
      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: 24, completed: 24, failed: 0 });
      const counters = p.emulator.counters();
      const pending = outcome.costs.batchChunks;
      expect(counters.jobsCreated).toBe((await collectorStatus(p)).jobsStarted);
      expect(counters.recordsProcessed).toBe(pending);

      const runs = async (type: string) => {
        const statuses: string[] = [];
        for await (const wf of t.client.workflow.list({
          query: `TaskQueue = '${p.taskQueue}' AND WorkflowType = '${type}'`,
        })) {
          statuses.push(wf.status.name);
        }
        return statuses;
      };
      expect((await runs('batchCollector')).filter((s) => s === 'CONTINUED_AS_NEW').length).toBeGreaterThan(0);
      expect((await runs('bedrockBatchJob')).filter((s) => s === 'CONTINUED_AS_NEW').length).toBeGreaterThan(0);
      // The collector's current run still knows everything it did before.
      const status = await t.client.workflow
        .getHandle(collectorWorkflowId(p.settings.modelId, p.taskQueue))
        .query(statusQuery);
      expect(status.recordsBatched).toBe(pending);
      expect(status.activeJobs).toHaveLength(0);
    } finally {
      await p.stop();
    }
  });

  it("submits a corpus's records as soon as its last document has arrived, long before the maximum wait", async () => {
    const p = await startTestPipeline(t, {
      settings: { ...SMALL, 'batch.maxRecordsPerJob': 200 },
      emulator: { quotas: { minRecordsPerJob: 10 } },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const files: Record<string, string> = {};
      for (let i = 0; i < 5; i++) files[`idle-${i}.txt`] = shortContract(`MARKER-IDLE-${i}`);
      const { paths } = await writeTempFiles(files);
      const started = Date.now();
      const { batchId } = await client.startCorpus({ files: paths, batchId: 'idle-batch' });
      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: 5, completed: 5, failed: 0 });
      // No flushNow and a 10-minute maximum wait: knowing nothing more was coming submitted the jobs.
      expect(Date.now() - started).toBeLessThan(120_000);
      const counters = p.emulator.counters();
      expect(counters.jobsCreated).toBeGreaterThanOrEqual(1);
      expect(counters.recordsProcessed).toBe(outcome.costs.batchChunks);
      expect(counters.runtimeInvocations).toBe(0);
    } finally {
      await p.stop();
    }
  });

  it('cancels one document mid-run with `temporal workflow cancel`, leaving the others to complete', async () => {
    // A minimum above what four documents bring: their records wait in the queue until the flush below.
    const p = await startTestPipeline(t, {
      settings: { ...SMALL, 'batch.minRecordsPerJob': 1_000, 'batch.maxRecordsPerJob': 2_000 },
      emulator: { quotas: { minRecordsPerJob: 10 } },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const { batchId } = await startCorpus(client, 4, 'cli-cancel');
      const collector = t.client.workflow.getHandle(collectorWorkflowId(p.settings.modelId, p.taskQueue));
      await expect
        .poll(() => client.list({ batchId, type: 'analyzeDocument' }).then((d) => d.length), { timeout: 60_000 })
        .toBe(4);
      const docs = await client.list({ batchId, type: 'analyzeDocument' });
      await expect
        .poll(
          async () => (await Promise.all(docs.map((d) => client.documentProgress(d.workflowId)))).map((pr) => pr.stage),
          {
            timeout: 60_000,
          },
        )
        .toEqual(['waiting-batch', 'waiting-batch', 'waiting-batch', 'waiting-batch']);
      // Cancelled while its records wait in the queue, before any job carries them.
      const victim = docs[0]?.workflowId ?? '';
      await new Promise<void>((resolve, reject) =>
        execFile(
          inject('temporalCliPath'),
          ['workflow', 'cancel', '--workflow-id', victim, '--address', t.address, '--namespace', t.namespace],
          (err) => (err ? reject(new Error(`temporal workflow cancel failed: ${err.message}`)) : resolve()),
        ),
      );
      await expect.poll(() => client.documentProgress(victim).then((pr) => pr.stage)).toBe('cancelled');
      const others = await Promise.all(docs.slice(1).map((d) => client.documentProgress(d.workflowId)));
      const waiting = others.reduce((n, pr) => n + pr.chunks.total, 0);
      await expect.poll(() => collector.query(statusQuery).then((st) => st.pendingRecords)).toBe(waiting);
      await collector.signal(flushNowSignal);
      const outcome = await client.awaitCorpus(batchId);
      expect(outcome.counts).toMatchObject({ total: 4, completed: 3, cancelled: 1, failed: 0 });
      expect((await client.documentHandle(victim).describe()).status.name).toBe('CANCELLED');
      const summary = JSON.parse(
        await readFile(join(p.storeDir, 'docflow', storeKeys.corpusSummary(batchId)), 'utf8'),
      ) as {
        documents: { status: string }[];
      };
      expect(summary.documents.filter((d) => d.status === 'cancelled')).toHaveLength(1);
      // The cancelled document's records left the queue: only the others' went on-demand after the flush.
      expect(p.emulator.counters().runtimeInvocations).toBe(waiting);
      expect(outcome.costs.onDemandChunks).toBe(waiting);
    } finally {
      await p.stop();
    }
  });
});
