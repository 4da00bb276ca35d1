import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import { documentId, sha256Hex } from '../core/doc-id';
import { permanentError } from '../core/errors';
import { getTask } from '../core/tasks';
import { notificationEventId } from '../notify/event';
import { notify } from '../notify/notifier';
import { isNotFound } from '../store';
import { collectorWorkflowId, corpusWorkflowId, documentWorkflowId, storeKeys } from '../shared/ids';
import { recordsComingSignal, watchDocumentSignal } from '../shared/messages';
import {
  BatchIdAttribute,
  ModelAttribute,
  PriorityAttribute,
  StageAttribute,
  TaskAttribute,
} from '../shared/search-attributes';
import type {
  AnalyzeDocumentInput,
  CorpusSource,
  CorpusTotals,
  DocumentFinishedMessage,
  DocumentOutcome,
  DocumentSource,
  DocumentWatcher,
  PipelineSettings,
  Priority,
} from '../shared/types';
import { uriOf } from './context';
import type { ActivityContext } from './context';
import { corpusCsv, corpusReport } from './corpus-report';
import { initialCollectorState } from './record-queue';
import type { CorpusDocumentRow } from './corpus-report';

/** File endings docflow can extract; other objects under a prefix are skipped. */
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm', '.pdf', '.docx'];

/** Documents started at once by one page of a corpus. */
const START_CONCURRENCY = 8;

export interface ManifestEntry {
  docId: string;
  source: DocumentSource;
}

export function createCorpusActivities(ctx: ActivityContext) {
  // A corpus asks for a page whenever a window slot frees up, often one entry at a time: parse each manifest once.
  // Keyed by the object's size and modification time, so a batch prepared again is never served stale.
  const manifests = new Map<string, ManifestEntry[]>();

  async function readManifest(batchId: string): Promise<ManifestEntry[]> {
    const uri = uriOf(ctx, storeKeys.corpusManifest(batchId));
    const info = await ctx.store.head(uri);
    const key = `${uri}|${info?.size}|${info?.lastModified?.getTime()}|${info?.etag}`;
    const cached = manifests.get(key);
    if (cached) return cached;
    const entries = (await ctx.store.getText(uri))
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as ManifestEntry);
    manifests.set(key, entries);
    if (manifests.size > 8) manifests.delete(manifests.keys().next().value as string);
    return entries;
  }

  async function readJson<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await ctx.store.getText(uriOf(ctx, key))) as T;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  return {
    /**
     * Lists a corpus's documents into `corpora/<batchId>/manifest.jsonl` with their document ids (content hash
     * + task + model); local files are uploaded to the store first. The same content twice counts once.
     */
    async prepareCorpus(input: { batchId: string; source: CorpusSource; taskId: string; modelId: string }) {
      const task = getTask(input.taskId);
      const entries: ManifestEntry[] = [];
      const seen = new Set<string>();
      let duplicates = 0;
      const add = (bytes: Buffer, source: DocumentSource) => {
        const docId = documentId(sha256Hex(bytes), task.id, task.version, input.modelId);
        if (seen.has(docId)) {
          duplicates++;
          return;
        }
        seen.add(docId);
        entries.push({ docId, source });
      };

      let source = input.source;
      if (source.kind === 'listed') {
        const listed = JSON.parse(await ctx.store.getText(uriOf(ctx, source.key))) as {
          paths?: string[];
          uris?: DocumentSource[];
        };
        source = listed.paths ? { kind: 'paths', paths: listed.paths } : { kind: 'uris', uris: listed.uris ?? [] };
      }
      if (source.kind === 'paths') {
        for (const [i, path] of source.paths.entries()) {
          Context.current().heartbeat(i);
          let bytes: Buffer;
          try {
            bytes = await readFile(path);
          } catch (err) {
            throw permanentError('NOT_FOUND', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
          }
          const name = basename(path);
          const uri = uriOf(ctx, storeKeys.source(sha256Hex(bytes), name));
          if (!(await ctx.store.head(uri))) await ctx.store.put(uri, bytes);
          add(bytes, { uri, name });
        }
      } else {
        const sources: DocumentSource[] = [];
        if (source.kind === 'uris') {
          sources.push(...source.uris);
        } else if (source.kind === 'prefix') {
          for await (const object of ctx.store.listAll(source.prefixUri)) {
            if (SUPPORTED_EXTENSIONS.includes(extname(object.key).toLowerCase())) {
              sources.push({ uri: object.uri, name: basename(object.key) });
            }
          }
        }
        for (const [i, source] of sources.entries()) {
          Context.current().heartbeat(i);
          add(await ctx.store.get(source.uri), source);
        }
      }
      if (entries.length === 0) {
        throw permanentError(
          'INVALID_INPUT',
          `no documents found for batch ${input.batchId} (supported: ${SUPPORTED_EXTENSIONS.join(' ')})`,
        );
      }
      const body = entries.map((e) => JSON.stringify(e)).join('\n');
      await ctx.store.put(uriOf(ctx, storeKeys.corpusManifest(input.batchId)), `${body}\n`, {
        contentType: 'application/x-ndjson',
      });
      return { count: entries.length, duplicates };
    },

    /**
     * Starts the documents of manifest entries [offset, offset + limit) as workflows of their own (not children: a
     * corpus of any size stays under Temporal's per-workflow limits, and continues as new without waiting for them).
     * Each reports its end to the corpus by signal. A document already running elsewhere is asked to report to this
     * corpus too; one already completed is counted from its stored outcome and not paid for again.
     */
    async startCorpusDocuments(input: {
      batchId: string;
      corpusWorkflowId: string;
      offset: number;
      limit: number;
      /** Documents to announce to the collector as coming (this page and the next ones the corpus will start). */
      announce?: number;
      priority: Priority;
      settings: PipelineSettings;
    }): Promise<{ started: number; attached: number; finished: DocumentFinishedMessage[] }> {
      const entries = (await readManifest(input.batchId)).slice(input.offset, input.offset + input.limit);
      const taskQueue = Context.current().info.taskQueue;
      const { settings } = input;
      let started = 0;
      let attached = 0;
      const finished: DocumentFinishedMessage[] = [];
      const startOne = async (entry: ManifestEntry, index: number) => {
        const workflowId = documentWorkflowId(entry.docId);
        const corpus: DocumentWatcher = { corpusWorkflowId: input.corpusWorkflowId, index };
        try {
          await ctx.temporal.workflow.start('analyzeDocument', {
            workflowId,
            taskQueue,
            args: [
              {
                docId: entry.docId,
                source: entry.source,
                batchId: input.batchId,
                priority: input.priority,
                settings,
                corpus,
              } satisfies AnalyzeDocumentInput,
            ],
            // A completed document is never analysed (and paid for) again; a failed or cancelled one may be retried.
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            typedSearchAttributes: [
              { key: BatchIdAttribute, value: input.batchId },
              { key: ModelAttribute, value: settings.modelId },
              { key: TaskAttribute, value: settings.taskId },
              { key: PriorityAttribute, value: input.priority },
              { key: StageAttribute, value: 'queued' },
            ],
            staticSummary: `Analyse ${entry.source.name} (${settings.taskId})`,
          });
          started++;
          return;
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        // Another run (or another corpus) owns this document: hear its end instead of paying twice.
        const handle = ctx.temporal.workflow.getHandle(workflowId);
        if ((await handle.describe()).status.name === 'RUNNING') {
          try {
            await handle.signal(watchDocumentSignal, corpus);
            attached++;
            return;
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
        }
        const outcome = await readJson<DocumentOutcome>(storeKeys.documentOutcome(entry.docId));
        finished.push(finishedMessage(index, entry.docId, outcome));
      };
      // Tell the collector these documents' records are coming before they arrive, so it sizes jobs for them.
      const batchMode = settings.mode === 'batch' && input.priority !== 'high';
      const announce = async (documents: number) => {
        if (!batchMode || documents === 0) return;
        await ctx.temporal.workflow.signalWithStart('batchCollector', {
          workflowId: collectorWorkflowId(settings.modelId, taskQueue),
          taskQueue,
          args: [initialCollectorState(settings.modelId, settings.collector)],
          signal: recordsComingSignal,
          signalArgs: [{ corpusId: input.corpusWorkflowId, documents }],
          staticSummary: `Batch collector for ${settings.modelId}`,
        });
      };
      await announce(input.announce ?? entries.length);
      for (let i = 0; i < entries.length; i += START_CONCURRENCY) {
        Context.current().heartbeat(i);
        await Promise.all(
          entries.slice(i, i + START_CONCURRENCY).map((entry, j) => startOne(entry, input.offset + i + j)),
        );
      }
      // Documents that were not started here will not enqueue for this corpus.
      await announce(-(attached + finished.length));
      return { started, attached, finished };
    },

    /**
     * Cancels the running documents this corpus started (manifest entries [0, count)); documents another corpus or
     * client started are left alone. Heartbeats its place, so a retry goes on from there.
     */
    async cancelCorpusDocuments(input: { batchId: string; count: number }): Promise<{ cancelled: number }> {
      const entries = (await readManifest(input.batchId)).slice(0, input.count);
      let cancelled = 0;
      const from = (Context.current().info.heartbeatDetails as number | undefined) ?? 0;
      for (let i = from; i < entries.length; i++) {
        if (i % 50 === 0) Context.current().heartbeat(i);
        const handle = ctx.temporal.workflow.getHandle(documentWorkflowId((entries[i] as ManifestEntry).docId));
        try {
          const description = await handle.describe();
          if (description.status.name !== 'RUNNING') continue;
          if (description.typedSearchAttributes.get(BatchIdAttribute) !== input.batchId) continue;
          await handle.cancel();
          cancelled++;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return { cancelled };
    },

    /** Writes `summary.json`, `summary.csv` and `report.md` for the corpus, and announces its completion. */
    async writeCorpusSummary(input: CorpusTotals & { notify: boolean }) {
      const manifest = await readManifest(input.batchId);
      const rows: CorpusDocumentRow[] = [];
      for (const [i, entry] of manifest.entries()) {
        if (i % 50 === 0) Context.current().heartbeat(i);
        const outcome = await readJson<DocumentOutcome>(storeKeys.documentOutcome(entry.docId));
        const result =
          outcome?.status === 'completed'
            ? await readJson<{ analysis?: unknown }>(storeKeys.documentResult(entry.docId))
            : undefined;
        rows.push({ entry, outcome, analysis: result?.analysis });
      }
      const completedAt = new Date().toISOString();
      const summary = {
        batchId: input.batchId,
        startedAt: input.startedAt,
        completedAt,
        counts: input.counts,
        tokens: input.tokens,
        costUsd: input.costUsd,
        costs: input.costs,
        failureReasons: input.failureReasons,
        documents: rows.map(({ entry, outcome }) => ({
          docId: entry.docId,
          name: entry.source.name,
          status: outcome?.status ?? 'unknown',
          failureReason: outcome?.failureReason,
          chunks: outcome?.chunks,
          tokens: outcome?.tokens,
          costUsd: outcome?.costUsd,
          onDemandUsd: outcome?.onDemandUsd,
          batchChunks: outcome?.batchChunks,
          onDemandChunks: outcome?.onDemandChunks,
          onDemandReasons: outcome?.onDemandReasons,
          jobs: outcome?.jobs,
          resultUri: outcome?.resultUri,
          reportUri: outcome?.reportUri,
          summary: outcome?.summary,
        })),
      };
      const summaryUri = uriOf(ctx, storeKeys.corpusSummary(input.batchId));
      const csvUri = uriOf(ctx, storeKeys.corpusCsv(input.batchId));
      const reportUri = uriOf(ctx, storeKeys.corpusReport(input.batchId));
      await ctx.store.put(summaryUri, JSON.stringify(summary, null, 2), { contentType: 'application/json' });
      await ctx.store.put(csvUri, corpusCsv(rows), { contentType: 'text/csv; charset=utf-8' });
      await ctx.store.put(reportUri, corpusReport(input, rows, completedAt), {
        contentType: 'text/markdown; charset=utf-8',
      });

      if (input.notify) {
        const failed = input.counts.failed > 0 && input.counts.completed === 0;
        const type = failed ? 'corpus.failed' : 'corpus.completed';
        await notify(ctx.notifications, {
          id: notificationEventId(corpusWorkflowId(input.batchId), type),
          type,
          occurredAt: completedAt,
          subject: { kind: 'corpus', id: input.batchId, batchId: input.batchId },
          data: {
            status: failed ? 'failed' : 'completed',
            counts: {
              total: input.counts.total,
              completed: input.counts.completed,
              failed: input.counts.failed,
              cancelled: input.counts.cancelled,
            },
            tokens: input.tokens,
            costUsd: input.costUsd,
            resultUri: summaryUri,
            reportUri,
          },
        });
      }
      return { summaryUri, csvUri, reportUri };
    },
  };
}

/** A finished document's stored outcome as the corpus counts it (an absent outcome counts as failed). */
function finishedMessage(index: number, docId: string, outcome: DocumentOutcome | undefined): DocumentFinishedMessage {
  return {
    index,
    docId,
    status: outcome?.status ?? 'failed',
    failureReason: outcome ? outcome.failureReason : 'the document ended without a stored outcome',
    chunks: outcome?.chunks ?? 0,
    tokens: outcome?.tokens ?? { input: 0, output: 0 },
    costUsd: outcome?.costUsd ?? 0,
    onDemandUsd: outcome?.onDemandUsd ?? outcome?.costUsd ?? 0,
    batchChunks: outcome?.batchChunks ?? 0,
    onDemandChunks: outcome?.onDemandChunks ?? 0,
    onDemandReasons: outcome?.onDemandReasons ?? {},
  };
}

export type CorpusActivities = ReturnType<typeof createCorpusActivities>;
