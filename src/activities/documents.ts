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
import type {
  AnalysisSummary,
  ChunkOutcome,
  DocumentOutcome,
  DocumentSource,
  Priority,
  RecordGroup,
} from '../shared/types';
import type { ChunkReader, StoredChunk } from './chunk-reader';
import { uriOf } from './context';
import type { ActivityContext } from './context';

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

export function createDocumentActivities(ctx: ActivityContext, chunkReader: ChunkReader) {
  const readChunks = (docId: string) => chunkReader.read(docId);

  async function writeJson(key: string, value: unknown): Promise<string> {
    const uri = uriOf(ctx, key);
    await ctx.store.put(uri, JSON.stringify(value), { contentType: 'application/json' });
    return uri;
  }

  return {
    /** Reads the source, extracts normalized text and stores it as `text.txt`. */
    async extractDocument(input: { docId: string; source: DocumentSource }) {
      const bytes = await ctx.store.get(input.source.uri);
      const extracted = await extractText(bytes, input.source.name);
      await ctx.store.put(uriOf(ctx, storeKeys.documentText(input.docId)), extracted.text, {
        contentType: 'text/plain; charset=utf-8',
      });
      return {
        format: extracted.format,
        characters: extracted.characters,
        contentHash: extracted.contentHash,
        pages: extracted.pages,
      };
    },

    /** Splits the stored text into chunks (`chunks.jsonl`); returns only their count. */
    async chunkDocument(input: { docId: string; chunking: { maxTokens: number; overlapTokens: number } }) {
      const text = await ctx.store.getText(uriOf(ctx, storeKeys.documentText(input.docId)));
      const chunks = chunkText(text, input.chunking);
      if (chunks.length === 0) throw permanentError('EMPTY_DOCUMENT', 'the document has no text to analyse');
      const lines = chunks.map((c) =>
        JSON.stringify({ index: c.index, start: c.start, end: c.end, text: text.slice(c.start, c.end) }),
      );
      await ctx.store.put(uriOf(ctx, storeKeys.documentChunks(input.docId)), `${lines.join('\n')}\n`, {
        contentType: 'application/x-ndjson',
      });
      chunkReader.forget(input.docId);
      return { chunkCount: chunks.length };
    },

    /** Writes the batch records (`{recordId, modelInput}` lines) of one submission round. */
    async buildRecords(input: {
      docId: string;
      docWorkflowId: string;
      attempt: number;
      chunkIndexes: number[];
      taskId: string;
      modelId: string;
      priority: Priority;
    }): Promise<RecordGroup> {
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
      const requestsKey = storeKeys.documentRequests(input.docId, input.attempt);
      await ctx.store.put(uriOf(ctx, requestsKey), body, { contentType: 'application/x-ndjson' });
      return {
        groupId: `${input.docWorkflowId}:a${input.attempt}`,
        docWorkflowId: input.docWorkflowId,
        docId: input.docId,
        attempt: input.attempt,
        chunkIndexes: input.chunkIndexes,
        requestsKey,
        bytes: Buffer.byteLength(body),
        priority: input.priority,
        taskId: input.taskId,
      };
    },

    /** Merges every chunk's result into the document analysis; writes `result.json` and `report.md`. */
    async mergeDocument(input: { docId: string; name: string; taskId: string; modelId: string; chunkCount: number }) {
      const chunks = await readChunks(input.docId);
      const task = getTask(input.taskId);
      const withOutputs = [];
      for (const chunk of chunks) {
        Context.current().heartbeat(chunk.index);
        const result = JSON.parse(
          await ctx.store.getText(uriOf(ctx, storeKeys.chunkResult(input.docId, chunk.index))),
        ) as StoredChunkResult;
        withOutputs.push({ ...chunk, output: result.output });
      }
      const analysis = mergeChunkResults(task, withOutputs);
      const meta = {
        docId: input.docId,
        name: input.name,
        taskId: input.taskId,
        modelId: input.modelId,
        chunks: chunks.length,
      };
      const resultUri = await writeJson(storeKeys.documentResult(input.docId), { ...meta, analysis });
      const reportUri = uriOf(ctx, storeKeys.documentReport(input.docId));
      const report = renderReport(analysis, {
        documentName: input.name,
        modelId: input.modelId,
        generatedAt: new Date().toISOString(),
      });
      await ctx.store.put(reportUri, report, { contentType: 'text/markdown; charset=utf-8' });
      return { resultUri, reportUri, summary: summarizeAnalysis(analysis) };
    },

    /** Records the outcome and announces it (webhooks, SNS); notification targets already served are skipped. */
    async publishDocument(input: { outcome: DocumentOutcome; batchId?: string; notify: boolean }) {
      const { outcome } = input;
      await writeJson(storeKeys.documentOutcome(outcome.docId), { ...outcome, batchId: input.batchId });
      if (!input.notify) return;
      const type = `document.${outcome.status}` as const;
      const info = Context.current().info;
      const delivered = (info.heartbeatDetails as string[] | undefined) ?? [];
      await notify(
        ctx.notifications,
        {
          id: notificationEventId(outcome.workflowId, type),
          type,
          occurredAt: new Date().toISOString(),
          subject: { kind: 'document', id: outcome.docId, batchId: input.batchId },
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
            Context.current().heartbeat([...delivered]);
          },
        },
      );
    },

    /** Stores a validated chunk result; shared by batch collection and on-demand invocation. */
    async storeChunkResult(result: StoredChunkResult): Promise<void> {
      await writeJson(storeKeys.chunkResult(result.docId, result.chunkIndex), result);
    },
  };
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
  | { ok: true; value: unknown; repaired: boolean; tokens: { input: number; output: number }; costUsd: number }
  | {
      ok: false;
      reason: string;
      tokens: { input: number; output: number };
      costUsd: number;
    } {
  const decoded = decodeResponse(modelFamily(modelId), body);
  const tokens = { input: decoded.inputTokens, output: decoded.outputTokens };
  const costUsd = estimateCost(modelId, mode, tokens.input, tokens.output).usd;
  const parsed = parseModelOutput(task, decoded.text);
  if (!parsed.ok) {
    const truncated = decoded.stopReason === 'max_tokens' ? ' (the answer was cut at the output token limit)' : '';
    return { ok: false, reason: `model output invalid: ${parsed.reason}${truncated}`, tokens, costUsd };
  }
  return { ok: true, value: parsed.value, repaired: parsed.repaired, tokens, costUsd };
}

/** A failed chunk outcome with no tokens spent. */
export function failedOutcome(
  chunkIndex: number,
  attempt: number,
  via: ChunkOutcome['via'],
  reason: string,
  retryable = true,
): ChunkOutcome {
  return { chunkIndex, attempt, ok: false, reason, retryable, tokens: { input: 0, output: 0 }, costUsd: 0, via };
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
