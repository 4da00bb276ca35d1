import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DocflowClient } from '../../src/client';
import { shortContract, writeTempFiles } from '../support/documents';
import { startTestPipeline } from '../support/pipeline';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';

const FIXTURES = join(__dirname, '../fixtures/histories');
const execFileAsync = promisify(execFile);

/**
 * Histories recorded from earlier versions of the workflows must replay on the current code: a change that
 * alters the command sequence without `patched()` fails here. Re-record (after a deliberate, versioned change)
 * with `DOCFLOW_RECORD_HISTORIES=1 npx vitest run --project temporal test/workflows/replay.test.ts`.
 */
describe('workflow replay', () => {
  it('replays every committed history against the current workflow code', async () => {
    // Workflows derive ids from their own workflow id, so each history replays under the id it ran with.
    const ids = JSON.parse(await readFile(join(FIXTURES, 'index.json'), 'utf8')) as Record<string, string>;
    const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const types = new Set<string>();
    const histories = await Promise.all(
      files.map(async (file) => {
        const json = JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as unknown;
        const history = historyFromJSON(json);
        const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
        if (type) types.add(type);
        return { workflowId: ids[file] ?? file, history };
      }),
    );
    expect([...types].sort()).toEqual(['analyzeCorpus', 'analyzeDocument', 'batchCollector', 'bedrockBatchJob']);
    const results = Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      histories,
    );
    let replayed = 0;
    for await (const result of results) {
      expect(result.error, `${result.workflowId} no longer replays: version the change with patched()`).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(files.length);
  });
});

describe.runIf(process.env.DOCFLOW_RECORD_HISTORIES)('recording replay fixtures', () => {
  let t: TemporalTestContext;
  beforeAll(async () => {
    t = await connectTemporal();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records a batch corpus run, an on-demand document and the collector', async () => {
    const p = await startTestPipeline(t, {
      settings: {
        'pipeline.chunkMaxTokens': 120,
        'pipeline.chunkOverlapTokens': 10,
        'batch.minRecordsPerJob': 5,
        'batch.maxRecordsPerJob': 50,
        'batch.maxWaitMs': 600_000,
      },
      emulator: { quotas: { minRecordsPerJob: 5 }, faults: { failRecordIds: [] } },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const { paths } = await writeTempFiles({
        'replay-a.txt': shortContract('REPLAY-A'),
        'replay-b.txt': shortContract('REPLAY-B'),
        'replay-c.txt': shortContract('REPLAY-C'),
        'replay-urgent.txt': shortContract('REPLAY-URGENT'),
      });
      // The corpus announces its three documents: once all three have enqueued, their records go out in a job.
      const { batchId } = await client.startCorpus({ files: paths.slice(0, 3), batchId: 'replay-batch' });
      await client.awaitCorpus(batchId);
      const urgent = await client.startDocument({ file: paths[3], priority: 'high' });
      await client.awaitDocument(urgent.docId);

      await mkdir(FIXTURES, { recursive: true });
      const names: Record<string, number> = {};
      const ids: Record<string, string> = {};
      for await (const wf of t.client.workflow.list({ query: `TaskQueue = '${p.taskQueue}'` })) {
        // The CLI writes the proto-JSON history format that `historyFromJSON` (and `temporal workflow show`) read.
        const { stdout } = await execFileAsync(
          inject('temporalCliPath'),
          [
            'workflow',
            'show',
            '--workflow-id',
            wf.workflowId,
            '--run-id',
            wf.runId,
            '--address',
            t.address,
            '--namespace',
            t.namespace,
            '--output',
            'json',
          ],
          { maxBuffer: 64 * 1024 * 1024 },
        );
        const n = (names[wf.type] = (names[wf.type] ?? 0) + 1);
        await writeFile(join(FIXTURES, `${wf.type}-${n}.json`), stdout);
        ids[`${wf.type}-${n}.json`] = wf.workflowId;
      }
      await writeFile(join(FIXTURES, 'index.json'), `${JSON.stringify(ids, null, 2)}\n`);
      expect(Object.keys(names).sort()).toEqual([
        'analyzeCorpus',
        'analyzeDocument',
        'batchCollector',
        'bedrockBatchJob',
      ]);
    } finally {
      await p.stop();
    }
  });
});
