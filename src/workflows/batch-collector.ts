import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { batchJobWorkflowId } from '../shared/ids';
import {
  enqueueRecordsSignal,
  flushNowSignal,
  goOnDemandSignal,
  jobFinishedSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  updateLimitsSignal,
  withdrawRecordsSignal,
} from '../shared/messages';
import type { CollectorState, CollectorStatus, JobRecordSlice, RecordGroup } from '../shared/types';
import { bedrockBatchJob } from './bedrock-batch-job';
import { planFlush } from './collector-plan';

/** How many recent group ids are remembered to drop re-delivered groups (carried over continue-as-new). */
const SEEN_GROUP_IDS = 5_000;

/**
 * One long-lived collector per (model, task queue): packs records from many documents into shared Bedrock
 * batch jobs, within the job-slot quota, and sends records that cannot reach the minimum in time on-demand.
 * Started (or signalled) with signal-with-start by the documents' `submitToCollector` activity.
 */
export async function batchCollector(initial: CollectorState): Promise<void> {
  const info = workflowInfo();
  const state: CollectorState = {
    ...initial,
    collectorKey: initial.collectorKey ?? `${info.workflowId}.${info.firstExecutionRunId}`,
  };
  const collectorKey = state.collectorKey as string;
  const seen = new Set(state.seenGroupIds);
  let flushRequested = false;
  let dirty = true;
  let lastPlanAt = 0;
  let signals = 0;

  setHandler(statusQuery, (): CollectorStatus => {
    const now = Date.now();
    const oldest = state.pending.reduce((min, g) => Math.min(min, g.enqueuedAt ?? now), now);
    return {
      collectorKey,
      paused: state.paused,
      pendingGroups: state.pending.length,
      pendingRecords: countRecords(state.pending),
      pendingBytes: state.pending.reduce((sum, g) => sum + g.bytes, 0),
      oldestWaitMs: now - oldest,
      activeJobs: state.activeJobs,
      jobsStarted: state.stats.jobsStarted,
      recordsBatched: state.stats.recordsBatched,
      recordsSentOnDemand: state.stats.recordsSentOnDemand,
      settings: state.settings,
    };
  });
  setHandler(enqueueRecordsSignal, (group: RecordGroup) => {
    signals++;
    if (seen.has(group.groupId)) return;
    remember(group.groupId);
    state.pending.push({ ...group, enqueuedAt: Date.now() });
    dirty = true;
  });
  setHandler(withdrawRecordsSignal, ({ docWorkflowId }) => {
    signals++;
    state.pending = state.pending.filter((g) => g.docWorkflowId !== docWorkflowId);
    dirty = true;
  });
  setHandler(jobFinishedSignal, (message) => {
    signals++;
    state.activeJobs = state.activeJobs.filter((j) => j.jobWorkflowId !== message.jobWorkflowId);
    dirty = true;
  });
  setHandler(pauseSignal, () => {
    signals++;
    state.paused = true;
    dirty = true;
  });
  setHandler(resumeSignal, () => {
    signals++;
    state.paused = false;
    dirty = true;
  });
  setHandler(flushNowSignal, () => {
    signals++;
    flushRequested = true;
    dirty = true;
  });
  setHandler(updateLimitsSignal, (limits) => {
    signals++;
    state.settings = { ...state.settings, ...limits };
    dirty = true;
  });

  for (;;) {
    const wakeAt = nextDeadline();
    if (!dirty) {
      // A deadline the last plan already saw, and could not act on (no free job slot), changes only with a signal
      // (a job finishing, new records): wait for one instead of spinning on empty timers.
      const seenByLastPlan = wakeAt !== undefined && wakeAt <= lastPlanAt;
      const timeout = wakeAt === undefined || seenByLastPlan ? undefined : Math.max(1, wakeAt - Date.now());
      await condition(() => dirty || mustContinueAsNew(), timeout);
    }
    dirty = false;

    lastPlanAt = Date.now();
    if (!state.paused) {
      const plan = planFlush({
        pending: state.pending,
        settings: state.settings,
        activeJobs: state.activeJobs.length,
        now: Date.now(),
        flushRequested,
      });
      flushRequested = false;
      state.pending = plan.remaining;
      for (const slices of plan.jobs) await startJob(slices);
      for (const group of plan.onDemand) await sendOnDemand(group, plan.onDemandReason);
    }
    updateDetails();

    if (mustContinueAsNew()) {
      // Handlers run to completion first so no signal is lost between runs.
      await condition(allHandlersFinished);
      state.seenGroupIds = [...seen].slice(-SEEN_GROUP_IDS);
      await continueAsNew<typeof batchCollector>(state);
    }
  }

  function remember(groupId: string): void {
    seen.add(groupId);
    if (seen.size > SEEN_GROUP_IDS) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
  }

  function mustContinueAsNew(): boolean {
    const i = workflowInfo();
    // The server's suggestion ignores signals; count them too (DESIGN §1).
    return i.continueAsNewSuggested || i.historyLength + signals > state.settings.continueAsNewAfterEvents;
  }

  /** The earliest time at which a waiting group reaches its maximum wait, or arrivals have been idle long enough. */
  function nextDeadline(): number | undefined {
    if (state.paused || state.pending.length === 0) return undefined;
    const expiry = Math.min(...state.pending.map((g) => (g.enqueuedAt ?? 0) + waitFor(g)));
    const idleFlushMs = state.settings.idleFlushMs ?? 0;
    if (idleFlushMs <= 0 || countRecords(state.pending) < state.settings.minRecordsPerJob) return expiry;
    const newest = Math.max(...state.pending.map((g) => g.enqueuedAt ?? 0));
    return Math.min(expiry, newest + idleFlushMs);
  }

  function waitFor(group: RecordGroup): number {
    return group.priority === 'low' ? state.settings.lowPriorityMaxWaitMs : state.settings.maxWaitMs;
  }

  async function startJob(slices: JobRecordSlice[]): Promise<void> {
    const sequence = state.nextSequence++;
    const records = countRecords(slices);
    const jobWorkflowId = batchJobWorkflowId(info.workflowId, collectorKey, sequence);
    await startChild(bedrockBatchJob, {
      workflowId: jobWorkflowId,
      // Jobs outlive the collector's runs: it continues-as-new while they poll, and they report back by signal.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          collectorWorkflowId: info.workflowId,
          collectorKey,
          sequence,
          modelId: state.modelId,
          slices,
          settings: state.settings,
        },
      ],
      staticSummary: `Bedrock batch job ${sequence}: ${records} records from ${new Set(slices.map((s) => s.docId)).size} documents`,
    });
    state.activeJobs.push({
      jobWorkflowId,
      sequence,
      records,
      documents: new Set(slices.map((s) => s.docId)).size,
      startedAt: Date.now(),
    });
    state.stats.jobsStarted++;
    state.stats.recordsBatched += records;
  }

  async function sendOnDemand(group: RecordGroup, reason: string): Promise<void> {
    state.stats.recordsSentOnDemand += group.chunkIndexes.length;
    try {
      await getExternalWorkflowHandle(group.docWorkflowId).signal(goOnDemandSignal, {
        groupId: group.groupId,
        attempt: group.attempt,
        chunkIndexes: group.chunkIndexes,
        reason,
      });
    } catch {
      // The document has finished or was cancelled: its records are no longer wanted.
    }
  }

  function updateDetails(): void {
    setCurrentDetails(
      `${state.paused ? '**paused** · ' : ''}${countRecords(state.pending)} records waiting from ` +
        `${state.pending.length} groups · ${state.activeJobs.length}/${state.settings.maxConcurrentJobs} job slots in use · ` +
        `${state.stats.jobsStarted} jobs started · ${state.stats.recordsSentOnDemand} records sent on-demand`,
    );
  }
}

function countRecords(groups: readonly { chunkIndexes: number[] }[]): number {
  return groups.reduce((sum, g) => sum + g.chunkIndexes.length, 0);
}
