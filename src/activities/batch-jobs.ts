import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import { parseRecordId, recordId } from '../core/record-id';
import { getTask } from '../core/tasks';
import { storeKeys } from '../shared/ids';
import type { BatchJobStatus, ChunkOutcome, JobRecordSlice } from '../shared/types';
import { uriOf } from './context';
import type { ActivityContext } from './context';
import { failedOutcome, readChunkResponse } from './documents';
import type { StoredChunkResult } from './documents';

/** Where each record of a job came from (`jobs/<jobKey>/records.json`). */
interface JobRecordEntry {
  docWorkflowId: string;
  taskId: string;
}

interface OutputLine {
  recordId?: string;
  modelOutput?: unknown;
  error?: { errorCode?: string | number; errorMessage?: string };
}

export function createBatchJobActivities(ctx: ActivityContext) {
  return {
    /**
     * Writes a job's JSONL input from its documents' request files, keeping only the records assigned to it,
     * plus the record map used to route results back. Streams, so a job of 50,000 records fits in memory.
     */
    async writeJobInput(input: { jobKey: string; modelId: string; slices: JobRecordSlice[] }) {
      const records: Record<string, JobRecordEntry> = {};
      let count = 0;
      let bytes = 0;
      async function* lines(): AsyncGenerator<string> {
        for (const slice of input.slices) {
          Context.current().heartbeat(slice.groupId);
          const wanted = new Set(slice.chunkIndexes.map((i) => recordId(slice.docId, i, slice.attempt)));
          const stream = await ctx.store.getStream(uriOf(ctx, slice.requestsKey));
          for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
            if (line.length === 0) continue;
            const id = (JSON.parse(line) as { recordId: string }).recordId;
            if (!wanted.has(id) || records[id]) continue;
            records[id] = { docWorkflowId: slice.docWorkflowId, taskId: slice.taskId };
            count++;
            bytes += Buffer.byteLength(line) + 1;
            yield `${line}\n`;
          }
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
     * Reads what a finished job produced: lists the output prefix (never assuming key names), joins every line
     * to its record by `recordId`, validates model outputs, stores each success as its chunk's result, and
     * returns per document what succeeded and what failed (records with no output line included).
     */
    async collectJobOutput(input: {
      jobKey: string;
      jobName: string;
      outputUri: string;
      modelId: string;
      jobStatus: BatchJobStatus;
      jobMessage?: string;
    }) {
      const records = JSON.parse(await ctx.store.getText(uriOf(ctx, storeKeys.jobRecords(input.jobKey)))) as Record<
        string,
        JobRecordEntry
      >;
      const outcomes = new Map<string, ChunkOutcome>();
      let processedLines = 0;

      for await (const object of ctx.store.listAll(input.outputUri)) {
        if (!object.key.endsWith('.out') || object.key.endsWith('manifest.json.out')) continue;
        const stream = await ctx.store.getStream(object.uri);
        for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
          if (raw.length === 0) continue;
          if (++processedLines % 200 === 0) Context.current().heartbeat(processedLines);
          let line: OutputLine;
          try {
            line = JSON.parse(raw) as OutputLine;
          } catch {
            continue; // A broken line cannot be joined: its record counts as missing below.
          }
          const id = line.recordId;
          if (!id || !records[id] || outcomes.has(id)) continue;
          const ref = parseRecordId(id);
          const entry = records[id];
          if (line.error || line.modelOutput === undefined) {
            const code = line.error?.errorCode ?? 'unknown';
            outcomes.set(id, failedOutcome(ref.chunkIndex, ref.attempt, 'batch', `record failed in Bedrock (${code})`));
            continue;
          }
          const task = getTask(entry.taskId);
          let read: ReturnType<typeof readChunkResponse>;
          try {
            read = readChunkResponse(task, input.modelId, line.modelOutput, 'batch');
          } catch (err) {
            read = {
              ok: false,
              reason: `unreadable model response: ${(err as Error).message}`,
              tokens: { input: 0, output: 0 },
              costUsd: 0,
            };
          }
          if (!read.ok) {
            outcomes.set(id, {
              ...failedOutcome(ref.chunkIndex, ref.attempt, 'batch', read.reason),
              tokens: read.tokens,
              costUsd: read.costUsd,
              jobName: input.jobName,
            });
            continue;
          }
          const result: StoredChunkResult = {
            docId: ref.docId,
            chunkIndex: ref.chunkIndex,
            attempt: ref.attempt,
            via: 'batch',
            jobName: input.jobName,
            repaired: read.repaired,
            tokens: read.tokens,
            output: read.value,
          };
          await ctx.store.put(uriOf(ctx, storeKeys.chunkResult(ref.docId, ref.chunkIndex)), JSON.stringify(result), {
            contentType: 'application/json',
          });
          outcomes.set(id, {
            chunkIndex: ref.chunkIndex,
            attempt: ref.attempt,
            ok: true,
            tokens: read.tokens,
            costUsd: read.costUsd,
            via: 'batch',
            jobName: input.jobName,
          });
        }
      }

      const missingReason =
        `no output for the record: the job ended ${input.jobStatus}` +
        (input.jobMessage ? ` (${input.jobMessage})` : '');
      const byDoc = new Map<string, ChunkOutcome[]>();
      let succeeded = 0;
      let failed = 0;
      for (const [id, entry] of Object.entries(records)) {
        const ref = parseRecordId(id);
        const outcome = outcomes.get(id) ?? {
          ...failedOutcome(ref.chunkIndex, ref.attempt, 'batch', missingReason),
          jobName: input.jobName,
        };
        if (outcome.ok) succeeded++;
        else failed++;
        const list = byDoc.get(entry.docWorkflowId) ?? [];
        list.push(outcome);
        byDoc.set(entry.docWorkflowId, list);
      }
      return {
        documents: [...byDoc.entries()].map(([docWorkflowId, results]) => ({ docWorkflowId, results })),
        succeeded,
        failed,
      };
    },
  };
}

export type BatchJobActivities = ReturnType<typeof createBatchJobActivities>;
