import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocflowClient } from '../../src/client';
import { PATCH_AFTER, PATCH_BEFORE } from '../fixtures/versioning/change';
import { bundleWorkflows } from '../support/dev-server';
import { shortContract, writeTempFiles } from '../support/documents';
import { loadRelease, releaseFolders, replayFixtures } from '../support/fixtures';
import type { LoadedFixture } from '../support/fixtures';
import { startTestPipeline } from '../support/pipeline';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';

const VERSIONING = join(__dirname, '../fixtures/versioning');

/** The patch ids marked in a history, in order (the SDK's marker `core_patch` carries `{ id, deprecated }`). */
function patchMarkers(history: History): string[] {
  return (history.events ?? []).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0] : undefined;
    return data ? [defaultPayloadConverter.fromPayload<{ id: string }>(data).id] : [];
  });
}

describe('workflow versioning', () => {
  let dir: string;
  let unpatched: string;
  let patched: string;

  beforeAll(async () => {
    // docflow's workflows with one change to analyzeDocument, made without and with patched() (fixtures/versioning).
    dir = await mkdtemp(join(tmpdir(), 'docflow-versioning-'));
    unpatched = join(dir, 'unpatched.js');
    patched = join(dir, 'patched.js');
    const [u, p] = await Promise.all([
      bundleWorkflows(join(VERSIONING, 'unpatched-workflows.ts')),
      bundleWorkflows(join(VERSIONING, 'patched-workflows.ts')),
    ]);
    await writeFile(unpatched, u);
    await writeFile(patched, p);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('the replay check of CI', () => {
    let fixtures: LoadedFixture[];
    beforeAll(async () => {
      const releases = await releaseFolders();
      fixtures = (await Promise.all(releases.map((r) => loadRelease(r)))).flat();
    });

    it('fails on a change that alters commands without patched(): every recorded document is a nondeterminism error', async () => {
      const documents = fixtures.filter((f) => f.workflowType === 'analyzeDocument');
      expect(documents.length).toBeGreaterThan(5);
      const outcomes = await replayFixtures({ codePath: unpatched }, documents);
      for (const { fixture, error } of outcomes) {
        expect(error, `${fixture.release}/${fixture.file} replays on the unpatched change`).toBeInstanceOf(
          DeterminismViolationError,
        );
      }
    });

    it('passes the same change made with patched(), for the histories of every workflow type', async () => {
      const outcomes = await replayFixtures({ codePath: patched }, fixtures);
      const broken = outcomes.filter((o) => o.error).map((o) => `${o.fixture.file}: ${o.error?.message ?? ''}`);
      expect(broken).toEqual([]);
    });
  });

  describe('an upgrade while documents wait for their batch job', () => {
    let t: TemporalTestContext;
    beforeAll(async () => {
      t = await connectTemporal();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('finishes documents started on the old code on workers running the new code', async () => {
      const p = await startTestPipeline(t, {
        settings: {
          'pipeline.chunkMaxTokens': 120,
          'pipeline.chunkOverlapTokens': 10,
          'batch.minRecordsPerJob': 5,
          'batch.maxRecordsPerJob': 50,
          'batch.maxWaitMs': 600_000,
        },
        // Two records a second: the job runs a few seconds, long enough to change workers under it.
        emulator: { quotas: { minRecordsPerJob: 5 }, timings: { recordsPerSecond: 2 } },
      });
      try {
        const client = new DocflowClient(t.client, p.config, p.store);
        const { paths } = await writeTempFiles({
          'upgrade-a.txt': shortContract('MARKER-UPGRADE-A'),
          'upgrade-b.txt': shortContract('MARKER-UPGRADE-B'),
          'upgrade-late.txt': shortContract('MARKER-UPGRADE-LATE'),
        });
        const { batchId } = await client.startCorpus({ files: paths.slice(0, 2), batchId: 'upgrade-batch' });

        // Old code: the documents hand their records over and wait; the batch job is created and runs.
        await expect.poll(() => p.emulator.counters().jobsCreated, { timeout: 60_000 }).toBe(1);
        const docs = await client.list({ batchId, type: 'analyzeDocument' });
        expect(docs).toHaveLength(2);
        await p.stopWorkers();
        for (const doc of docs) {
          const history = await t.client.workflow.getHandle(doc.workflowId).fetchHistory();
          const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes);
          expect(signals, `${doc.workflowId} has no results yet`).toHaveLength(0);
        }

        // New code, with the change versioned by patched(), deployed on new workers.
        await p.startWorkers({ workflowBundlePath: patched, identity: 'docflow-new-build' });
        const outcome = await client.awaitCorpus(batchId);
        expect(outcome.counts).toMatchObject({ total: 2, completed: 2, failed: 0 });
        expect(outcome.costs.onDemandChunks).toBe(0);

        for (const doc of docs) {
          // A document tells its corpus it ended a moment before its own run closes.
          expect((await client.awaitDocument(doc.workflowId)).status).toBe('completed');
          const history = await t.client.workflow.getHandle(doc.workflowId).fetchHistory();
          const events = history.events ?? [];
          expect(events[events.length - 1]?.workflowExecutionCompletedEventAttributes, doc.workflowId).toBeTruthy();
          // Started before the upgrade: the step before stays untaken (its history goes on as it began), the step
          // after is reached on the new code for the first time and taken.
          expect(patchMarkers(history)).toEqual([PATCH_AFTER]);
          const firstResult = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
          const tasksAfter = events
            .slice(firstResult)
            .flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes] : []));
          expect(tasksAfter.length).toBeGreaterThan(0);
          expect(new Set(tasksAfter.map((a) => a.identity))).toEqual(new Set(['docflow-new-build']));
        }

        // A document started after the upgrade takes both new steps.
        const late = await client.startDocument({ file: paths[2], priority: 'high' });
        expect((await client.awaitDocument(late.docId)).status).toBe('completed');
        const lateHistory = await t.client.workflow.getHandle(late.workflowId).fetchHistory();
        expect(patchMarkers(lateHistory)).toEqual([PATCH_BEFORE, PATCH_AFTER]);
      } finally {
        await p.stop();
      }
    });
  });
});
