import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { parseRecordId } from '../core/record-id';
import { getTask } from '../core/tasks';
import { ChunkResultsBuilder } from '../shared/chunk-results';
import type { RecordResult } from '../shared/chunk-results';
import { documentWorkflowId, storeKeys } from '../shared/ids';
import { chunkResultsSignal } from '../shared/messages';
import type { BatchJobStatus, ChunkResultsMessage } from '../shared/types';
import { uriOf } from './context';
import type { ActivityContext } from './context';
import { readChunkResponse } from './documents';
import type { StoredChunkResult } from './documents';
import { readJobClaim } from './record-queue';

interface OutputLine {
  recordId?: string;
  modelOutput?: unknown;
  error?: { errorCode?: string | number; errorMessage?: string };
}

/** One line of a job's deliveries file: what one document's round got from one job attempt. */
interface Delivery {
  docId: string;
  message: ChunkResultsMessage;
}

/** Documents signalled at once while delivering a job's results. */
const DELIVERY_CONCURRENCY = 16;
/** Chunk results a job's collection writes to the store at once. */
const RESULT_WRITE_CONCURRENCY = 32;

export function createBatchJobActivities(ctx: ActivityContext) {
  /** The request lines a job claimed, read from its documents' request files. */
  async function* claimedRecords(jobKey: string): AsyncGenerator<{ id: string; taskId: string; raw: string }> {
    const slices = await readJobClaim(ctx, jobKey);
    for (const [i, slice] of slices.entries()) {
      if (i % 100 === 0) Context.current().heartbeat(i);
      const stream = await ctx.store.getStream(uriOf(ctx, storeKeys.documentRequests(slice.docId, slice.attempt)));
      let line = -1;
      for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
        if (raw.length === 0) continue;
        line++;
        if (line < slice.offset) continue;
        if (line >= slice.offset + slice.records) break;
        yield { id: (JSON.parse(raw) as { recordId: string }).recordId, taskId: slice.taskId, raw };
      }
      stream.destroy();
    }
  }

  /** recordId → task of a job's records; rebuilt from the claim when the job never got as far as writing its input. */
  async function recordMap(jobKey: string): Promise<Record<string, string>> {
    const uri = uriOf(ctx, storeKeys.jobRecords(jobKey));
    if (await ctx.store.head(uri)) return JSON.parse(await ctx.store.getText(uri)) as Record<string, string>;
    const records: Record<string, string> = {};
    for await (const { id, taskId } of claimedRecords(jobKey)) records[id] = taskId;
    return records;
  }

  return {
    /**
     * Writes a job's JSONL input from the request files of the groups it claimed (only the claimed lines of each),
     * plus the record map used to read results back. Streams, so a job of 50,000 records fits in memory.
     */
    async writeJobInput(input: { jobKey: string }) {
      const records: Record<string, string> = {};
      let count = 0;
      let bytes = 0;
      async function* lines(): AsyncGenerator<string> {
        for await (const { id, taskId, raw } of claimedRecords(input.jobKey)) {
          if (records[id]) continue;
          records[id] = taskId;
          count++;
          bytes += Buffer.byteLength(raw) + 1;
          yield `${raw}\n`;
        }
      }
      const inputUri = uriOf(ctx, storeKeys.jobInput(input.jobKey));
      await ctx.store.put(inputUri, Readable.from(lines()), { contentType: 'application/x-ndjson' });
      await ctx.store.put(uriOf(ctx, storeKeys.jobRecords(input.jobKey)), JSON.stringify(records), {
        contentType: 'application/json',
      });
      return { inputUri, records: count, bytes };
    },

    /**
     * Reads what a job attempt produced: lists the output prefix (never assuming key names), joins every line to its
     * record by `recordId`, validates model outputs, stores each success as its chunk's result, and writes per
     * document what succeeded and what failed (records with no output line included) to the job's deliveries file.
     * Returns counts only, whatever the job's size. With no output (the job failed, was cancelled or lost), every
     * record fails with `missingReason`.
     */
    async collectJobOutput(input: {
      jobKey: string;
      jobName: string;
      outputUri?: string;
      modelId: string;
      jobStatus: BatchJobStatus | 'Cancelled' | 'Lost';
      missingReason: string;
    }) {
      const records = await recordMap(input.jobKey);
      const results = new Map<string, RecordResult>();
      let processedLines = 0;
      // Chunk results are written several at a time: one after another, a 50,000-record job would wait on 50,000
      // round trips to the store.
      const writes = new Set<Promise<void>>();
      let writeFailure: { error: unknown } | undefined;
      const write = async (uri: string, body: string) => {
        while (writes.size >= RESULT_WRITE_CONCURRENCY) await Promise.race(writes);
        if (writeFailure) throw writeFailure.error;
        const pending: Promise<void> = ctx.store.put(uri, body, { contentType: 'application/json' }).then(
          () => {
            writes.delete(pending);
          },
          (error: unknown) => {
            writes.delete(pending);
            writeFailure ??= { error };
          },
        );
        writes.add(pending);
      };

      if (input.outputUri) {
        for await (const object of ctx.store.listAll(input.outputUri)) {
          if (!object.key.endsWith('.out') || object.key.endsWith('manifest.json.out')) continue;
          const stream = await ctx.store.getStream(object.uri);
          for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
            if (raw.length === 0) continue;
            if (++processedLines % 500 === 0) Context.current().heartbeat(processedLines);
            let line: OutputLine;
            try {
              line = JSON.parse(raw) as OutputLine;
            } catch {
              continue; // A broken line cannot be joined: its record counts as missing below.
            }
            const id = line.recordId;
            if (!id || !records[id] || results.has(id)) continue;
            results.set(id, await readRecord(id, records[id], line));
          }
        }
      }
      await Promise.all(writes);
      if (writeFailure) throw writeFailure.error;

      const byDoc = new Map<string, { docId: string; builder: ChunkResultsBuilder }>();
      let succeeded = 0;
      let failed = 0;
      const tokens = { input: 0, output: 0 };
      for (const id of Object.keys(records)) {
        const ref = parseRecordId(id);
        const result = results.get(id) ?? {
          chunkIndex: ref.chunkIndex,
          ok: false,
          reason: input.missingReason,
          retryable: true,
          tokens: { input: 0, output: 0 },
          costUsd: 0,
          onDemandUsd: 0,
        };
        if (result.ok) succeeded++;
        else failed++;
        tokens.input += result.tokens.input;
        tokens.output += result.tokens.output;
        const key = `${ref.docId}/${ref.attempt}`;
        let entry = byDoc.get(key);
        if (!entry) {
          entry = { docId: ref.docId, builder: new ChunkResultsBuilder(ref.attempt, 'batch', input.jobName) };
          byDoc.set(key, entry);
        }
        entry.builder.add(result);
      }
      const lines = [...byDoc.values()].map(({ docId, builder }) =>
        JSON.stringify({ docId, message: builder.build() } satisfies Delivery),
      );
      const deliveriesKey = storeKeys.jobDeliveries(input.jobKey, input.jobName);
      await ctx.store.put(uriOf(ctx, deliveriesKey), lines.length > 0 ? `${lines.join('\n')}\n` : '', {
        contentType: 'application/x-ndjson',
      });
      return { deliveriesKey, documents: lines.length, succeeded, failed, tokens };

      async function readRecord(id: string, taskId: string, line: OutputLine): Promise<RecordResult> {
        const ref = parseRecordId(id);
        const none = { tokens: { input: 0, output: 0 }, costUsd: 0, onDemandUsd: 0 };
        if (line.error || line.modelOutput === undefined) {
          const code = line.error?.errorCode ?? 'unknown';
          return { chunkIndex: ref.chunkIndex, ok: false, reason: `record failed in Bedrock (${code})`, ...none };
        }
        let read: ReturnType<typeof readChunkResponse>;
        try {
          read = readChunkResponse(getTask(taskId), input.modelId, line.modelOutput, 'batch');
        } catch (err) {
          return {
            chunkIndex: ref.chunkIndex,
            ok: false,
            reason: `unreadable model response: ${(err as Error).message}`,
            ...none,
          };
        }
        const priced = { tokens: read.tokens, costUsd: read.costUsd, onDemandUsd: read.onDemandUsd };
        if (!read.ok) return { chunkIndex: ref.chunkIndex, ok: false, reason: read.reason, ...priced };
        const stored: StoredChunkResult = {
          docId: ref.docId,
          chunkIndex: ref.chunkIndex,
          attempt: ref.attempt,
          via: 'batch',
          jobName: input.jobName,
          repaired: read.repaired,
          tokens: read.tokens,
          output: read.value,
        };
        await write(uriOf(ctx, storeKeys.chunkResult(ref.docId, ref.chunkIndex)), JSON.stringify(stored));
        return { chunkIndex: ref.chunkIndex, ok: true, ...priced };
      }
    },

    /**
     * Tells every document of a job what happened to its records: one small signal each, sent from here rather than
     * from workflow code (no limit on pending signals, no history growth in the job). Heartbeats how far it got, so
     * a retry goes on from there; a document that has ended is skipped.
     */
    async deliverJobResults(input: { deliveriesKey: string }): Promise<{ delivered: number; gone: number }> {
      const text = await ctx.store.getText(uriOf(ctx, input.deliveriesKey));
      const deliveries = text
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Delivery);
      const from = (Context.current().info.heartbeatDetails as number | undefined) ?? 0;
      let delivered = 0;
      let gone = 0;
      for (let start = from; start < deliveries.length; start += DELIVERY_CONCURRENCY) {
        await Promise.all(
          deliveries.slice(start, start + DELIVERY_CONCURRENCY).map(async (d) => {
            try {
              await ctx.temporal.workflow.getHandle(documentWorkflowId(d.docId)).signal(chunkResultsSignal, d.message);
              delivered++;
            } catch (err) {
              // The document has completed or been cancelled meanwhile: its results are kept in the store anyway.
              if (!(err instanceof WorkflowNotFoundError)) throw err;
              gone++;
            }
          }),
        );
        Context.current().heartbeat(Math.min(deliveries.length, start + DELIVERY_CONCURRENCY));
      }
      return { delivered, gone };
    },
  };
}

export type BatchJobActivities = ReturnType<typeof createBatchJobActivities>;
