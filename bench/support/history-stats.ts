/**
 * Temporal's limits measured on a finished benchmark run: every workflow of the namespace (all types, open and closed,
 * every run of a continue-as-new chain) is listed, its history fetched, its events counted, every payload in them
 * measured, and the workflow-task durations taken from the event timestamps.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { mapPool } from '../../src/core/map-pool';
import { round, spread } from './stats';
import type { Spread } from './stats';

export interface HistoryOptions {
  /** Inspect at most this many `analyzeDocument` runs, evenly spread (0: all); other types are always all inspected. */
  sample: number;
  /** Histories fetched at once. */
  concurrency: number;
}

/** Where a largest figure was found. */
export interface Located {
  workflowType: string;
  workflowId: string;
  runId: string;
  eventType?: string;
  /** The field path of a payload inside its event, e.g. `workflowExecutionStartedEventAttributes.input.payloads.0`. */
  field?: string;
}

export interface HistoryFigures {
  /** Workflow runs in the namespace, by type. */
  workflows: Record<string, number>;
  inspected: number;
  sampled: boolean;
  seconds: number;
  largestHistoryEvents: { events: number } & Located;
  /** The largest history in bytes: the sum of its protobuf-encoded events. */
  largestHistoryBytes: { bytes: number } & Located;
  /** The largest single payload's `data` (bytes): inputs, results, signal and activity arguments, memo, headers. */
  largestPayload: { bytes: number } & Located;
  /** The largest single event, protobuf-encoded. */
  largestEvent: { bytes: number } & Located;
  /** WorkflowTaskStarted → WorkflowTaskCompleted (ms), by workflow type. */
  workflowTaskMs: Record<string, Spread>;
  /** The latest close time (epoch ms) of a run, by workflow type. */
  lastClosedAt: Record<string, number>;
}

/** Lists every workflow run of the client's namespace and measures its history. */
export async function measureHistories(client: Client, options: HistoryOptions): Promise<HistoryFigures> {
  const started = Date.now();
  const all: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list()) all.push(wf);
  const workflows: Record<string, number> = {};
  const lastClosedAt: Record<string, number> = {};
  for (const wf of all) {
    workflows[wf.type] = (workflows[wf.type] ?? 0) + 1;
    const closed = wf.closeTime?.getTime();
    if (closed !== undefined) lastClosedAt[wf.type] = Math.max(lastClosedAt[wf.type] ?? 0, closed);
  }

  const documents = all.filter((wf) => wf.type === 'analyzeDocument');
  const sampled = options.sample > 0 && documents.length > options.sample;
  const chosen = sampled
    ? [
        ...all.filter((wf) => wf.type !== 'analyzeDocument'),
        ...Array.from(
          { length: options.sample },
          (_, i) => documents[Math.floor((i * documents.length) / options.sample)] as WorkflowExecutionInfo,
        ),
      ]
    : all;

  const figures: HistoryFigures = {
    workflows,
    inspected: chosen.length,
    sampled,
    seconds: 0,
    largestHistoryEvents: { events: 0, ...locate(all[0]) },
    largestHistoryBytes: { bytes: 0, ...locate(all[0]) },
    largestPayload: { bytes: 0, ...locate(all[0]) },
    largestEvent: { bytes: 0, ...locate(all[0]) },
    workflowTaskMs: {},
    lastClosedAt,
  };
  const taskMs: Record<string, number[]> = {};
  await mapPool(chosen, options.concurrency, async (wf) => {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const events = history.events ?? [];
    if (events.length > figures.largestHistoryEvents.events) {
      figures.largestHistoryEvents = { events: events.length, ...locate(wf) };
    }
    const taskStarts = new Map<string, number>();
    const durations = (taskMs[wf.type] ??= []);
    let historyBytes = 0;
    for (const event of events) {
      const eventType = temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType);
      const bytes = temporal.api.history.v1.HistoryEvent.encode(event).finish().byteLength;
      historyBytes += bytes;
      if (bytes > figures.largestEvent.bytes) {
        figures.largestEvent = { bytes, ...locate(wf), eventType };
      }
      visitPayloads(event, [], (size, path) => {
        if (size > figures.largestPayload.bytes) {
          figures.largestPayload = { bytes: size, ...locate(wf), eventType, field: path.join('.') };
        }
      });
      if (event.workflowTaskStartedEventAttributes) {
        taskStarts.set(String(event.eventId), tsToMs(event.eventTime));
      }
      const completed = event.workflowTaskCompletedEventAttributes;
      if (completed) {
        const start = taskStarts.get(String(completed.startedEventId));
        if (start !== undefined) durations.push(tsToMs(event.eventTime) - start);
      }
    }
    if (historyBytes > figures.largestHistoryBytes.bytes) {
      figures.largestHistoryBytes = { bytes: historyBytes, ...locate(wf) };
    }
  });
  for (const [type, values] of Object.entries(taskMs)) figures.workflowTaskMs[type] = spread(values);
  figures.seconds = round((Date.now() - started) / 1000, 1);
  return figures;
}

function locate(wf: WorkflowExecutionInfo | undefined): Located {
  return { workflowType: wf?.type ?? '', workflowId: wf?.workflowId ?? '', runId: wf?.runId ?? '' };
}

/**
 * Calls `visit` with the `data` length of every Payload (an object with `metadata` and binary `data`) found in a
 * decoded event, wherever it sits: `payloads` lists, memo and search attribute maps, headers, failure details.
 */
function visitPayloads(value: unknown, path: string[], visit: (bytes: number, path: string[]) => void): void {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  const record = value as Record<string, unknown>;
  if ('metadata' in record && ArrayBuffer.isView(record.data)) {
    visit(record.data.byteLength, path);
    return;
  }
  for (const [key, inner] of Object.entries(record)) {
    if (inner !== null && typeof inner === 'object') visitPayloads(inner, [...path, key], visit);
  }
}
