import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocflowClient } from '../../src/client';
import type { ContractReviewAnalysis } from '../../src/core/analysis';
import { statusQuery } from '../../src/shared/messages';
import { collectorWorkflowId, storeKeys } from '../../src/shared/ids';
import type { DocumentProgress } from '../../src/shared/types';
import { shortContract, writeTempFiles } from '../support/documents';
import { startTestPipeline } from '../support/pipeline';
import type { TestPipeline } from '../support/pipeline';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';
import { historyText } from '../support/history';

describe('analyzeDocument', () => {
  let t: TemporalTestContext;
  let p: TestPipeline;
  let client: DocflowClient;

  beforeAll(async () => {
    t = await connectTemporal();
    p = await startTestPipeline(t, { settings: { 'batch.maxWaitMs': 1_500 } });
    client = new DocflowClient(t.client, p.config, p.store);
  });
  afterAll(async () => {
    await p?.stop();
    await t?.close();
  });

  it('sends a lone short document on-demand after the maximum batch wait, and completes it', async () => {
    const marker = 'MARKER-ONDEMAND-7Q2X';
    const { paths } = await writeTempFiles({ 'short-services.txt': shortContract(marker) });
    const started = await client.startDocument({ file: paths[0] });
    expect(started.state).toBe('started');

    const outcome = await client.awaitDocument(started.docId);
    expect(outcome.status).toBe('completed');
    expect(outcome.chunks).toBeGreaterThan(0);

    const progress = await client.documentProgress(started.docId);
    expect(progress.stage).toBe('completed');
    expect(progress.onDemandChunks).toBe(outcome.chunks);
    expect(progress.chunks).toEqual({ total: outcome.chunks, succeeded: outcome.chunks, failed: 0, pending: 0 });
    // Below the minimum of 100 records no job may be created: it would be rejected by Bedrock.
    expect(p.emulator.counters().jobsCreated).toBe(0);

    const collector = await t.client.workflow
      .getHandle(collectorWorkflowId(p.settings.modelId, p.taskQueue))
      .query(statusQuery);
    expect(collector.recordsSentOnDemand).toBeGreaterThanOrEqual(outcome.chunks);
    expect(collector.pendingRecords).toBe(0);

    const result = await client.documentResult(started.docId);
    const analysis = result.analysis as ContractReviewAnalysis;
    expect(analysis.strategy).toBe('contract-review');
    expect(analysis.governingLaw?.value).toMatch(/Oregon/);

    const text = await p.store.getText(`${p.config.store.uri}/${storeKeys.documentText(started.docId)}`);
    expect(text).toContain(marker);
    // Document text never travels through workflow history (DESIGN rule 4).
    const history = await historyText(t.client, started.workflowId);
    expect(history).not.toContain(marker);
    expect(history).not.toContain('Quillfeather');
  });

  it('attaches a second submission of the same file to the existing workflow instead of paying twice', async () => {
    const { paths } = await writeTempFiles({ 'again.txt': shortContract('MARKER-ATTACH-1') });
    const first = await client.startDocument({ file: paths[0] });
    const second = await client.startDocument({ file: paths[0] });
    expect(second.workflowId).toBe(first.workflowId);
    expect(second.state).not.toBe('started');
    await client.awaitDocument(first.docId);
    const third = await client.startDocument({ file: paths[0] });
    expect(third.state).toBe('completed');
  });

  it('goes straight to on-demand for a high-priority document', async () => {
    const { paths } = await writeTempFiles({ 'urgent.txt': shortContract('MARKER-URGENT-9') });
    const started = await client.startDocument({ file: paths[0], priority: 'high' });
    const outcome = await client.awaitDocument(started.docId);
    expect(outcome.status).toBe('completed');
    const progress = await client.documentProgress(started.docId);
    expect(progress.onDemandChunks).toBe(outcome.chunks);
    // It never waited for the collector.
    expect(Date.parse(progress.completedAt ?? '') - Date.parse(progress.startedAt)).toBeLessThan(1_500 + 60_000);
  });

  it('fails a document whose format is unsupported with a specific reason, leaving others untouched', async () => {
    const { paths } = await writeTempFiles({ 'scan.bin': '\u0000\u0001\u0002binary\u0000\u00ff'.repeat(20) });
    const started = await client.startDocument({ file: paths[0] });
    const error = await client.awaitDocument(started.docId).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const progress: DocumentProgress = await client.documentProgress(started.docId);
    expect(progress.stage).toBe('failed');
    expect(progress.failureReason).toMatch(/format|supported/i);
  });

  it('reports progress while a document waits for its batch, and cancels it alone', async () => {
    const { paths } = await writeTempFiles({
      'a.txt': shortContract('MARKER-CANCEL-A'),
      'b.txt': shortContract('MARKER-CANCEL-B'),
    });
    // Low priority waits longer than normal: the document sits in the collector while we look at it.
    const a = await client.startDocument({
      file: paths[0],
      priority: 'low',
      settings: { ...p.settings, collector: { ...p.settings.collector, lowPriorityMaxWaitMs: 60_000 } },
    });
    const b = await client.startDocument({ file: paths[1] });
    await expect
      .poll(() => client.documentProgress(a.docId).then((pr) => pr.stage), { timeout: 30_000, interval: 200 })
      .toBe('waiting-batch');
    const waiting = await client.documentProgress(a.docId);
    expect(waiting.chunks.pending).toBe(waiting.chunks.total);
    expect(waiting.chunks.total).toBeGreaterThan(0);

    await client.cancelDocument(a.docId);
    await expect(client.awaitDocument(a.docId)).rejects.toThrow(WorkflowFailedError);
    expect((await client.documentHandle(a.docId).describe()).status.name).toBe('CANCELLED');
    expect((await client.documentProgress(a.docId)).stage).toBe('cancelled');

    // The other document is unaffected.
    expect((await client.awaitDocument(b.docId)).status).toBe('completed');
    // The cancelled document's records were withdrawn from the collector.
    const collector = await t.client.workflow
      .getHandle(collectorWorkflowId(p.settings.modelId, p.taskQueue))
      .query(statusQuery);
    expect(collector.pendingRecords).toBe(0);
  });

  it('retries a failed document and a failed batch without paying again for what completed', async () => {
    const { paths } = await writeTempFiles({
      'retry-ok.txt': shortContract('MARKER-RETRY-OK'),
      'retry-bad.txt': shortContract('MARKER-RETRY-BAD'),
    });
    const ok = await client.startDocument({ file: paths[0], priority: 'high' });
    expect((await client.awaitDocument(ok.docId)).status).toBe('completed');

    // Every model answer is prose instead of JSON, and a chunk gets one attempt: the document fails.
    p.emulator.setFaults({ malformedOutputRate: 1 });
    const settings = { ...p.settings, maxRecordAttempts: 1 };
    const { batchId } = await client.startCorpus({ files: paths, batchId: 'retry-batch', priority: 'high', settings });
    const first = await client.awaitCorpus(batchId);
    expect(first.counts).toMatchObject({ total: 2, completed: 1, failed: 1 });
    const failures = await client.failures(batchId);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toMatch(/model output invalid/);
    expect(failures[0]?.documents.map((d) => d.name)).toEqual(['retry-bad.txt']);

    p.emulator.setFaults({});
    const invocationsBefore = p.emulator.counters().runtimeInvocations;
    await client.retry(batchId);
    const second = await client.awaitCorpus(batchId);
    expect(second.counts).toMatchObject({ total: 2, completed: 2, failed: 0 });
    const bad = failures[0]?.documents[0]?.docId ?? '';
    const chunksOfBad = (await client.documentProgress(bad)).chunks.total;
    // Only the failed document was analysed again.
    expect(p.emulator.counters().runtimeInvocations - invocationsBefore).toBe(chunksOfBad);
    await expect(client.retry(ok.docId)).rejects.toThrow(/completed: its result is kept/);
  });

  it('writes result.json and a readable report.md for a completed document', async () => {
    const { paths } = await writeTempFiles({ 'report.txt': shortContract('MARKER-REPORT') });
    const started = await client.startDocument({ file: paths[0], priority: 'high' });
    const outcome = await client.awaitDocument(started.docId);
    expect(outcome.resultUri).toBe(`${p.config.store.uri}/${storeKeys.documentResult(started.docId)}`);
    const report = await readFile(join(p.storeDir, 'docflow', storeKeys.documentReport(started.docId)), 'utf8');
    expect(report).toMatch(/Oregon/);
    expect(outcome.summary?.parties).toBeGreaterThanOrEqual(2);
  });
});
