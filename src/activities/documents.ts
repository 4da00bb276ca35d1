import { mapPool } from '../core/map-pool';
import { Context } from '@temporalio/activity';
import { chunkText } from '../core/chunker';
import { decodeResponse, encodeRequest, modelFamily } from '../core/codecs';
import type { JsonObject } from '../core/codecs';
import { permanentError } from '../core/errors';
import { mergeChunkResults } from '../core/merge';
import { renderReport } from '../core/report';
import { parseModelOutput } from '../core/model-output';
import { estimateCost } from '../core/pricing';
import { recordId } from '../core/record-id';
import { getTask } from '../core/tasks';
import type { Task } from '../core/tasks';
import { extractText } from '../extraction';
import { notificationEventId } from '../notify/event';
import { notify } from '../notify/notifier';
import { storeKeys } from '../shared/ids';
import type { DocumentAnalysis } from '../core/analysis';
import type { AnalysisSummary, CollectorSettings, DocumentOutcome, DocumentSource, Priority } from '../shared/types';
import type { ChunkReader, StoredChunk } from './chunk-reader';
import { uriOf } from './context';
import type { ActivityContext } from './context';
import { enqueueGroup } from './record-queue';

/** What a chunk's result object holds (`documents/<docId>/chunks/<n>.result.json`). */
export interface StoredChunkResult {
  docId: string;
  chunkIndex: number;
  attempt: number;
  via: 'batch' | 'on-demand';
  jobName?: string;
  repaired: boolean;
  tokens: { input: number; output: number };
  output: unknown;
}

/** Where a document's records go when it submits a round to batch inference. */
export interface EnqueueTarget {
  collectorWorkflowId: string;
  taskQueue: string;
  settings: CollectorSettings;
  corpusId?: string;
  /** Epoch ms from the workflow's clock, so a retried activity writes the same queue key. */
  enqueuedAt: number;
}

export interface RoundInput {
  docId: string;
  attempt: number;
  chunkIndexes: number[];
  taskId: string;
  modelId: string;
  priority: Priority;
  /** Absent: the records are only written (on-demand reads them). */
  enqueue?: EnqueueTarget;
}

/** Chunk results a document's merge reads from the store at once. */
const CHUNK_READ_CONCURRENCY = 16;

export function createDocumentActivities(ctx: ActivityContext, chunkReader: ChunkReader) {
  const readChunks = (docId: string) => chunkReader.read(docId);

  async function writeJson(key: string, value: unknown): Promise<string> {
    const uri = uriOf(ctx, key);
    await ctx.store.put(uri, JSON.stringify(value), { contentType: 'application/json' });
    return uri;
  }

  /** Writes a round's batch records (`{recordId, modelInput}` lines) and, for batch, enqueues them. */
  async function submitRound(input: RoundInput): Promise<{ records: number; bytes: number }> {
    const chunks = await readChunks(input.docId);
    const task = getTask(input.taskId);
    const lines = input.chunkIndexes.map((index) => {
      const chunk = chunks[index];
      if (!chunk)
        throw permanentError('INVALID_INPUT', `chunk ${index} does not exist (document has ${chunks.length})`);
      return JSON.stringify({
        recordId: recordId(input.docId, index, input.attempt),
        modelInput: modelInputFor(task, input.modelId, chunk, chunks.length),
      });
    });
    const body = `${lines.join('\n')}\n`;
    const bytes = Buffer.byteLength(body);
    await ctx.store.put(uriOf(ctx, storeKeys.documentRequests(input.docId, input.attempt)), body, {
      contentType: 'application/x-ndjson',
    });
    if (input.enqueue) {
      await enqueueGroup(ctx, {
        collectorWorkflowId: input.enqueue.collectorWorkflowId,
        taskQueue: input.enqueue.taskQueue,
        modelId: input.modelId,
        settings: input.enqueue.settings,
        corpusId: input.enqueue.corpusId,
        group: {
          docId: input.docId,
          attempt: input.attempt,
          offset: 0,
          records: lines.length,
          bytes,
          priority: input.priority,
          enqueuedAt: input.enqueue.enqueuedAt,
          taskId: input.taskId,
        },
      });
    }
    return { records: lines.length, bytes };
  }

  return {
    /**
     * A document's way in, in one activity: reads the source, extracts normalized text (`text.txt`), splits it into
     * chunks (`chunks.jsonl`), writes the first round's records and enqueues them for batch inference. Every step
     * overwrites the same objects, so a retry is harmless. Returns only counts.
     */
    async prepareDocument(input: {
      docId: string;
      source: DocumentSource;
      chunking: { maxTokens: number; overlapTokens: number };
      taskId: string;
      modelId: string;
      priority: Priority;
      enqueue?: EnqueueTarget;
    }) {
      const bytes = await ctx.store.get(input.source.uri);
      const extracted = await extractText(bytes, input.source.name);
      await ctx.store.put(uriOf(ctx, storeKeys.documentText(input.docId)), extracted.text, {
        contentType: 'text/plain; charset=utf-8',
      });
      const chunks = chunkText(extracted.text, input.chunking);
      if (chunks.length === 0) throw permanentError('EMPTY_DOCUMENT', 'the document has no text to analyse');
      const lines = chunks.map((c) =>
        JSON.stringify({ index: c.index, start: c.start, end: c.end, text: extracted.text.slice(c.start, c.end) }),
      );
      await ctx.store.put(uriOf(ctx, storeKeys.documentChunks(input.docId)), `${lines.join('\n')}\n`, {
        contentType: 'application/x-ndjson',
      });
      chunkReader.forget(input.docId);
      const round = await submitRound({
        docId: input.docId,
        attempt: 1,
        chunkIndexes: chunks.map((c) => c.index),
        taskId: input.taskId,
        modelId: input.modelId,
        priority: input.priority,
        enqueue: input.enqueue,
      });
      return { format: extracted.format, pages: extracted.pages, chunkCount: chunks.length, records: round.records };
    },

    /** A later submission round (failed chunks again): its records, enqueued for batch inference. */
    submitRound,

    /**
     * Merges every chunk's result into the document analysis, writes `result.json` and `report.md`, then records the
     * outcome and announces it (webhooks, SNS; targets already served are skipped on retry).
     */
    async finishDocument(input: {
      outcome: DocumentOutcome;
      taskId: string;
      modelId: string;
      batchId?: string;
      notify: boolean;
    }): Promise<DocumentOutcome> {
      const { docId, name } = input.outcome;
      const chunks = await readChunks(docId);
      const task = getTask(input.taskId);
      // Read several at a time: a document of hundreds of chunks should not wait on hundreds of round trips.
      const withOutputs = await mapPool(chunks, CHUNK_READ_CONCURRENCY, async (chunk) => {
        const result = JSON.parse(
          await ctx.store.getText(uriOf(ctx, storeKeys.chunkResult(docId, chunk.index))),
        ) as StoredChunkResult;
        return { ...chunk, output: result.output };
      });
      const analysis = mergeChunkResults(task, withOutputs);
      const meta = { docId, name, taskId: input.taskId, modelId: input.modelId, chunks: chunks.length };
      const resultUri = await writeJson(storeKeys.documentResult(docId), { ...meta, analysis });
      const reportUri = uriOf(ctx, storeKeys.documentReport(docId));
      const report = renderReport(analysis, {
        documentName: name,
        modelId: input.modelId,
        generatedAt: new Date().toISOString(),
      });
      await ctx.store.put(reportUri, report, { contentType: 'text/markdown; charset=utf-8' });
      const outcome: DocumentOutcome = { ...input.outcome, resultUri, reportUri, summary: summarizeAnalysis(analysis) };
      await publish(outcome, input.batchId, input.notify);
      return outcome;
    },

    /** Records a failed or cancelled document's outcome and announces it. */
    async publishDocument(input: { outcome: DocumentOutcome; batchId?: string; notify: boolean }) {
      await publish(input.outcome, input.batchId, input.notify);
    },
  };

  async function publish(outcome: DocumentOutcome, batchId: string | undefined, shouldNotify: boolean) {
    await writeJson(storeKeys.documentOutcome(outcome.docId), { ...outcome, batchId });
    if (!shouldNotify) return;
    const type = `document.${outcome.status}` as const;
    const info = Context.current().info;
    const delivered = (Array.isArray(info.heartbeatDetails) ? (info.heartbeatDetails as string[]) : undefined) ?? [];
    await notify(
      ctx.notifications,
      {
        id: notificationEventId(outcome.workflowId, type),
        type,
        occurredAt: new Date().toISOString(),
        subject: { kind: 'document', id: outcome.docId, batchId },
        data: {
          status: outcome.status,
          counts: { chunks: outcome.chunks },
          tokens: outcome.tokens,
          costUsd: outcome.costUsd,
          resultUri: outcome.resultUri,
          reportUri: outcome.reportUri,
          failureReason: outcome.failureReason,
        },
      },
      {
        alreadyDelivered: delivered,
        onDelivered: (key) => {
          delivered.push(key);
          // A local activity (a document's finish) has no heartbeat: a retry notifies again, with the same event id.
          if (!info.isLocal) Context.current().heartbeat([...delivered]);
        },
      },
    );
  }
}

export type DocumentActivities = ReturnType<typeof createDocumentActivities>;

/** The InvokeModel body (batch `modelInput`) asking the task of one chunk. */
export function modelInputFor(task: Task, modelId: string, chunk: StoredChunk, chunkCount: number): JsonObject {
  return encodeRequest(modelFamily(modelId), {
    system: task.system,
    prompt: task.renderPrompt({ chunkText: chunk.text, chunkIndex: chunk.index, chunkCount }),
    maxTokens: task.maxOutputTokens,
    temperature: 0,
  });
}

/**
 * Reads a model response body for a chunk: decodes it for the model family, validates it against the task's
 * schema (repairing broken JSON only when the repair validates) and prices it.
 */
export function readChunkResponse(
  task: Task,
  modelId: string,
  body: unknown,
  mode: 'batch' | 'on-demand',
):
  | {
      ok: true;
      value: unknown;
      repaired: boolean;
      tokens: { input: number; output: number };
      costUsd: number;
      onDemandUsd: number;
    }
  | {
      ok: false;
      reason: string;
      tokens: { input: number; output: number };
      costUsd: number;
      onDemandUsd: number;
    } {
  const decoded = decodeResponse(modelFamily(modelId), body);
  const tokens = { input: decoded.inputTokens, output: decoded.outputTokens };
  const costUsd = estimateCost(modelId, mode, tokens.input, tokens.output).usd;
  const onDemandUsd = estimateCost(modelId, 'on-demand', tokens.input, tokens.output).usd;
  const parsed = parseModelOutput(task, decoded.text);
  if (!parsed.ok) {
    const truncated = decoded.stopReason === 'max_tokens' ? ' (the answer was cut at the output token limit)' : '';
    return { ok: false, reason: `model output invalid: ${parsed.reason}${truncated}`, tokens, costUsd, onDemandUsd };
  }
  return { ok: true, value: parsed.value, repaired: parsed.repaired, tokens, costUsd, onDemandUsd };
}

/** Counts of what the analysis found (no names or text: these go into workflow history and notifications). */
export function summarizeAnalysis(analysis: DocumentAnalysis): AnalysisSummary {
  if (analysis.strategy !== 'contract-review') {
    const items = analysis.strategy === 'extract-entities' ? analysis.entities.length : 0;
    return { parties: 0, dates: 0, obligations: items, risks: 0, highRisks: 0, conflicts: 0 };
  }
  const dates = [analysis.agreementDate, analysis.effectiveDate, analysis.expirationDate].filter((d) => d !== null);
  return {
    parties: analysis.parties.length,
    dates: dates.length,
    obligations: analysis.obligations.length,
    risks: analysis.riskyClauses.length,
    highRisks: analysis.riskyClauses.filter((r) => r.severity === 'high').length,
    conflicts: dates.filter((d) => d.conflicts.length > 0).length + (analysis.governingLaw?.conflicts.length ? 1 : 0),
  };
}
