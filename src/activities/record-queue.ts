import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { spread } from '../core/job-sizes';
import { documentWorkflowId, storeKeys } from '../shared/ids';
import { enqueuedSignal, goOnDemandSignal, withdrawnSignal } from '../shared/messages';
import { parseQueueKey, queueKey, roundKeyPrefix } from '../shared/queue-key';
import type {
  CollectorSettings,
  CollectorState,
  EnqueuedMessage,
  GoOnDemandMessage,
  Priority,
  QueuedGroup,
  WaitingByPriority,
} from '../shared/types';
import { uriOf } from './context';
import type { ActivityContext } from './context';

/** One queue group (or the part of it) that a job carries: lines [offset, offset + records) of a request file. */
export interface ClaimedSlice {
  docId: string;
  attempt: number;
  offset: number;
  records: number;
  bytes: number;
  taskId: string;
}

/** `jobs/<jobKey>/claim.json`: what a job took from the queue, and how the queue changes because of it. */
interface JobClaim {
  jobKey: string;
  slices: ClaimedSlice[];
  /** Queue objects the claim removes (whole groups, and groups split by it). */
  taken: string[];
  /** What is left of a split group, put back under a new key. */
  remainder?: string;
}

export interface ClaimedJob {
  jobKey: string;
  records: number;
  bytes: number;
  documents: number;
}

/** The state a collector starts from when a document's enqueue signal starts it. */
export function initialCollectorState(modelId: string, settings: CollectorSettings): CollectorState {
  return {
    modelId,
    settings,
    paused: false,
    waiting: { normal: { records: 0, bytes: 0 }, low: { records: 0, bytes: 0 } },
    coming: {},
    arrivals: { documents: 0, records: 0 },
    activeJobs: [],
    nextSequence: 0,
    stats: { jobsStarted: 0, recordsBatched: 0, recordsSentOnDemand: 0, onDemandReasons: {}, jobsReclaimed: 0 },
  };
}

/** The record queue's prefix URI of a collector. */
function queuePrefix(ctx: ActivityContext, collectorWorkflowId: string): string {
  return uriOf(ctx, storeKeys.recordQueue(collectorWorkflowId));
}

/** Adds a document's round to the queue and tells the collector, starting it if none runs (signal-with-start). */
export async function enqueueGroup(
  ctx: ActivityContext,
  input: {
    collectorWorkflowId: string;
    taskQueue: string;
    modelId: string;
    settings: CollectorSettings;
    group: QueuedGroup;
    corpusId?: string;
  },
): Promise<void> {
  const { group } = input;
  await ctx.store.put(`${queuePrefix(ctx, input.collectorWorkflowId)}${queueKey(group)}`, '');
  const message: EnqueuedMessage = {
    docId: group.docId,
    attempt: group.attempt,
    records: group.records,
    bytes: group.bytes,
    priority: group.priority,
    enqueuedAt: group.enqueuedAt,
    ...(input.corpusId ? { corpusId: input.corpusId } : {}),
  };
  await ctx.temporal.workflow.signalWithStart('batchCollector', {
    workflowId: input.collectorWorkflowId,
    taskQueue: input.taskQueue,
    args: [initialCollectorState(input.modelId, input.settings)],
    signal: enqueuedSignal,
    signalArgs: [message],
    staticSummary: `Batch collector for ${input.modelId}`,
  });
}

/**
 * The collector's record queue in the object store. Documents add a group with one write and one small signal
 * (`enqueueGroup`); the collector claims jobs from it in key order (priority, then arrival), so no workflow ever
 * holds a record list. Only the collector claims, one activity at a time, which makes the claims free of races.
 */
export function createRecordQueueActivities(ctx: ActivityContext) {
  const prefix = (collectorWorkflowId: string) => queuePrefix(ctx, collectorWorkflowId);

  /** The queue's groups in key order (priority, then arrival), or those under a narrower prefix of it. */
  async function listGroups(collectorWorkflowId: string, under = ''): Promise<{ key: string; group: QueuedGroup }[]> {
    const base = storeKeys.recordQueue(collectorWorkflowId);
    const groups: { key: string; group: QueuedGroup }[] = [];
    for await (const object of ctx.store.listAll(`${prefix(collectorWorkflowId)}${under}`)) {
      const relative = object.key.slice(object.key.indexOf(base) + base.length);
      const group = parseQueueKey(relative);
      if (group) groups.push({ key: object.uri, group });
    }
    return groups;
  }

  function waitingOf(groups: readonly QueuedGroup[]): WaitingByPriority {
    const waiting: WaitingByPriority = { normal: { records: 0, bytes: 0 }, low: { records: 0, bytes: 0 } };
    for (const g of groups) {
      const w = g.priority === 'low' ? waiting.low : waiting.normal;
      w.records += g.records;
      w.bytes += g.bytes;
      w.oldestAt = w.oldestAt === undefined ? g.enqueuedAt : Math.min(w.oldestAt, g.enqueuedAt);
    }
    return waiting;
  }

  /** Applies a claim to the queue; safe to repeat (the claim file is written first and read back on retry). */
  async function settle(collectorWorkflowId: string, claim: JobClaim): Promise<void> {
    if (claim.remainder) await ctx.store.put(`${prefix(collectorWorkflowId)}${claim.remainder}`, '');
    for (const uri of claim.taken) await ctx.store.delete(uri);
  }

  async function readClaim(jobKey: string): Promise<JobClaim | undefined> {
    const uri = uriOf(ctx, storeKeys.jobClaim(jobKey));
    if (!(await ctx.store.head(uri))) return undefined;
    return JSON.parse(await ctx.store.getText(uri)) as JobClaim;
  }

  function summary(claim: JobClaim): ClaimedJob {
    return {
      jobKey: claim.jobKey,
      records: claim.slices.reduce((n, s) => n + s.records, 0),
      bytes: claim.slices.reduce((n, s) => n + s.bytes, 0),
      documents: new Set(claim.slices.map((s) => s.docId)).size,
    };
  }

  return {
    /**
     * Claims jobs of the given sizes from the queue, oldest first within each priority, splitting the last group of
     * a job when it does not fit. A job that would fall below `minRecords` (the queue held less than the collector
     * thought) is not claimed. Returns the claims and what the queue holds afterwards, which corrects the collector.
     */
    async claimJobs(input: {
      collectorWorkflowId: string;
      jobs: { jobKey: string; records: number }[];
      minRecords: number;
      maxJobBytes: number;
      /** Spread what the queue holds over up to `jobs.length` jobs instead of the sizes given (everything goes). */
      spread?: { maxRecords: number };
      /**
       * Nothing more is coming: when the jobs would leave fewer than `minRecords` behind (the collector's count can
       * be above or below what the queue holds), they take everything instead, evenly, within `maxRecords` each.
       */
      absorbTail?: { maxRecords: number };
    }): Promise<{ claimed: ClaimedJob[]; waiting: WaitingByPriority }> {
      const claimed: ClaimedJob[] = [];
      let fresh: { jobKey: string; records: number }[] = [];
      for (const job of input.jobs) {
        const existing = await readClaim(job.jobKey);
        if (existing) {
          await settle(input.collectorWorkflowId, existing);
          claimed.push(summary(existing));
        } else {
          fresh.push(job);
        }
      }
      const queue = await listGroups(input.collectorWorkflowId);
      const queued = queue.reduce((n, q) => n + q.group.records, 0);
      const count = Math.min(fresh.length, Math.floor(queued / input.minRecords));
      const resize = (records: number) => {
        const sizes = spread(records, count);
        fresh = fresh.slice(0, count).map((job, i) => ({ ...job, records: sizes[i] as number }));
      };
      if (input.spread) {
        resize(Math.min(queued, count * input.spread.maxRecords));
      } else if (input.absorbTail && count > 0) {
        const planned = fresh.reduce((n, job) => n + job.records, 0);
        if (queued - planned < input.minRecords && queued <= count * input.absorbTail.maxRecords) resize(queued);
      }
      let head = 0;
      for (const job of fresh) {
        Context.current().heartbeat(job.jobKey);
        const claim: JobClaim = { jobKey: job.jobKey, slices: [], taken: [] };
        let records = 0;
        let bytes = 0;
        let next = head;
        let split: QueuedGroup | undefined;
        while (next < queue.length && records < job.records) {
          const { key, group } = queue[next] as { key: string; group: QueuedGroup };
          const perRecord = group.records > 0 ? group.bytes / group.records : 0;
          const byBytes = perRecord > 0 ? Math.floor((input.maxJobBytes - bytes) / perRecord) : Number.MAX_SAFE_INTEGER;
          // The first record of a job always goes, so one record larger than the byte limit cannot stall the queue.
          const room = Math.min(job.records - records, records === 0 ? Math.max(1, byBytes) : byBytes);
          if (room <= 0) break;
          const take = Math.min(room, group.records);
          const takenBytes = Math.round(perRecord * take);
          claim.slices.push({ ...sliceOf(group), records: take, bytes: takenBytes });
          claim.taken.push(key);
          records += take;
          bytes += takenBytes;
          if (take < group.records) {
            split = {
              ...group,
              offset: group.offset + take,
              records: group.records - take,
              bytes: group.bytes - takenBytes,
            };
            claim.remainder = queueKey(split);
            break;
          }
          next++;
        }
        if (records < input.minRecords) break;
        if (split) queue[next] = { key: `${prefix(input.collectorWorkflowId)}${queueKey(split)}`, group: split };
        head = next;
        await ctx.store.put(uriOf(ctx, storeKeys.jobClaim(job.jobKey)), JSON.stringify(claim), {
          contentType: 'application/json',
        });
        await settle(input.collectorWorkflowId, claim);
        claimed.push(summary(claim));
      }
      return { claimed, waiting: waitingOf(queue.slice(head).map((q) => q.group)) };
    },

    /** Counts what waits in the queue (records, bytes, oldest arrival per priority), claiming nothing. */
    async countQueue(input: { collectorWorkflowId: string }): Promise<{ waiting: WaitingByPriority }> {
      return { waiting: waitingOf((await listGroups(input.collectorWorkflowId)).map((q) => q.group)) };
    },

    /**
     * Takes the groups whose maximum wait is over out of the queue and tells their documents to invoke them
     * on-demand. Only the collector calls it, for a tail below Bedrock's minimum with nothing else coming.
     */
    async claimOnDemand(input: {
      collectorWorkflowId: string;
      now: number;
      maxWaitMs: number;
      lowPriorityMaxWaitMs: number;
      reason: string;
      /** Every group, waited out or not (an operator asked to flush). */
      all: boolean;
      /** Bedrock's minimum per job: when the queue holds that many after all, nothing goes on-demand. */
      minRecords: number;
    }): Promise<{ records: number; waiting: WaitingByPriority }> {
      const queue = await listGroups(input.collectorWorkflowId);
      const waiting = waitingOf(queue.map((q) => q.group));
      // The collector counted fewer than are there (a count it could not be sure of): they make a batch job.
      if (waiting.normal.records + waiting.low.records >= input.minRecords) return { records: 0, waiting };
      const due = (g: QueuedGroup) =>
        input.all || g.enqueuedAt + (g.priority === 'low' ? input.lowPriorityMaxWaitMs : input.maxWaitMs) <= input.now;
      let records = 0;
      const left: QueuedGroup[] = [];
      for (const { key, group } of queue) {
        if (!due(group)) {
          left.push(group);
          continue;
        }
        const message: GoOnDemandMessage = {
          attempt: group.attempt,
          offset: group.offset,
          count: group.records,
          reason: input.reason,
        };
        try {
          await ctx.temporal.workflow.getHandle(documentWorkflowId(group.docId)).signal(goOnDemandSignal, message);
        } catch (err) {
          // A document that has ended no longer wants its records.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
        await ctx.store.delete(key);
        records += group.records;
      }
      return { records, waiting: waitingOf(left) };
    },

    /** Takes a document's round out of the queue (it was cancelled or failed) and tells the collector how many. */
    async withdrawRecords(input: {
      collectorWorkflowId: string;
      docId: string;
      priority: Priority;
      /** When the document enqueued its current round: its groups' keys start with it. */
      enqueuedAt: number;
    }): Promise<{ records: number }> {
      const queue = await listGroups(input.collectorWorkflowId, roundKeyPrefix(input));
      let records = 0;
      let bytes = 0;
      for (const { key, group } of queue) {
        if (group.docId !== input.docId) continue;
        await ctx.store.delete(key);
        records += group.records;
        bytes += group.bytes;
      }
      if (records > 0) {
        try {
          await ctx.temporal.workflow
            .getHandle(input.collectorWorkflowId)
            .signal(withdrawnSignal, { docId: input.docId, records, bytes });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return { records };
    },

    /** The job workflows among `workflowIds` that are no longer running (terminated, timed out, or ended unheard). */
    async closedJobWorkflows(input: {
      workflowIds: string[];
    }): Promise<{ closed: { workflowId: string; status: string }[] }> {
      const closed: { workflowId: string; status: string }[] = [];
      for (const workflowId of input.workflowIds) {
        try {
          const description = await ctx.temporal.workflow.getHandle(workflowId).describe();
          if (description.status.name !== 'RUNNING') closed.push({ workflowId, status: description.status.name });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          closed.push({ workflowId, status: 'NOT_FOUND' });
        }
      }
      return { closed };
    },
  };
}

function sliceOf(group: QueuedGroup): ClaimedSlice {
  return {
    docId: group.docId,
    attempt: group.attempt,
    offset: group.offset,
    records: group.records,
    bytes: group.bytes,
    taskId: group.taskId,
  };
}

/** Reads a job's claim (the groups it carries). */
export async function readJobClaim(ctx: ActivityContext, jobKey: string): Promise<ClaimedSlice[]> {
  const claim = JSON.parse(await ctx.store.getText(uriOf(ctx, storeKeys.jobClaim(jobKey)))) as JobClaim;
  return claim.slices;
}

export type RecordQueueActivities = ReturnType<typeof createRecordQueueActivities>;
