import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import { jobIdentity } from '../core/job-name';
import { batchJobWorkflowId } from '../shared/ids';
import {
  enqueuedSignal,
  flushNowSignal,
  jobFinishedSignal,
  jobStartedSignal,
  pauseSignal,
  recordsComingSignal,
  resumeSignal,
  statusQuery,
  updateLimitsUpdate,
  withdrawnSignal,
} from '../shared/messages';
import type { CollectorSettings, CollectorState, CollectorStatus, Priority, WaitingByPriority } from '../shared/types';
import { bedrockBatchJob } from './bedrock-batch-job';
import { validateLimitChange } from './collector-limits';
import { planFlush } from './collector-plan';
import type { FlushPlan, PlanIntake } from './collector-plan';

const queue = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

/** Immediate re-plans after claims, before the collector waits for a signal or a timer again. */
const MAX_REPLANS = 3;

/** Records a document is assumed to bring before any document has arrived. */
const DEFAULT_RECORDS_PER_DOCUMENT = 1;

/** Expected job start-up when neither the settings nor a finished job say (Bedrock takes minutes). */
const DEFAULT_JOB_STARTUP_MS = 300_000;

/**
 * Patch: job sizes balanced so that every slot's work ends together, and a free slot takes a smaller job rather than
 * idle longer than a job's start-up waiting for a full one.
 */
const BALANCED_JOBS = 'collector-balanced-jobs';

/**
 * One long-lived collector per (model, task queue): packs records from many documents into shared Bedrock batch
 * jobs, spread over every free job slot, and sends a true tail below Bedrock's minimum on-demand. Its state is counts
 * and ages: the records themselves wait in the record queue in the object store, which jobs claim by activity.
 * Started (or signalled) with signal-with-start by the documents' enqueue activity.
 */
export async function batchCollector(initial: CollectorState): Promise<void> {
  const info = workflowInfo();
  const state: CollectorState = {
    ...initial,
    collectorKey: initial.collectorKey ?? `${info.workflowId}.${info.firstExecutionRunId}`,
  };
  const collectorKey = state.collectorKey as string;
  let flushRequested = false;
  let dirty = true;
  let signals = 0;
  /**
   * Arrivals while a claim was in flight: the claim's count of the queue may or may not include them. They are not
   * counted as waiting (which would risk counting them twice and splitting a corpus into jobs that strand a tail),
   * only added when everything waiting goes out; the next claim counts them for sure.
   */
  let claiming = false;
  /** Plans made in a row because a claim corrected the count, not because of a signal or a timer. */
  let replans = 0;
  let uncertain = emptyWaiting();
  const reconcileEveryMs = () => Math.min(300_000, Math.max(5_000, 2 * state.settings.pollMaxMs));
  // A new run checks its inherited jobs at once: one may have been terminated while nobody was listening.
  let reconcileAt = state.activeJobs.length > 0 ? Date.now() : Date.now() + reconcileEveryMs();

  setHandler(statusQuery, (): CollectorStatus => {
    const now = Date.now();
    const oldest = Math.min(now, state.waiting.normal.oldestAt ?? now, state.waiting.low.oldestAt ?? now);
    return {
      collectorKey,
      paused: state.paused,
      pendingRecords: total(state.waiting) + total(uncertain),
      pendingBytes: state.waiting.normal.bytes + state.waiting.low.bytes + uncertain.normal.bytes + uncertain.low.bytes,
      oldestWaitMs: now - oldest,
      comingRecords: comingRecords(now),
      activeJobs: state.activeJobs,
      jobsStarted: state.stats.jobsStarted,
      recordsBatched: state.stats.recordsBatched,
      recordsSentOnDemand: state.stats.recordsSentOnDemand,
      onDemandReasons: state.stats.onDemandReasons,
      jobsReclaimed: state.stats.jobsReclaimed,
      settings: state.settings,
    };
  });
  setHandler(enqueuedSignal, (message) => {
    signals++;
    const now = Date.now();
    const w = (claiming ? uncertain : state.waiting)[lane(message.priority)];
    w.records += message.records;
    w.bytes += message.bytes;
    w.oldestAt = Math.min(w.oldestAt ?? message.enqueuedAt, message.enqueuedAt);
    state.newestAt = Math.max(state.newestAt ?? 0, now);
    if (message.attempt === 1) {
      state.arrivals.documents++;
      state.arrivals.records += message.records;
      const coming = message.corpusId ? state.coming[message.corpusId] : undefined;
      if (coming && message.corpusId) {
        coming.documents--;
        coming.updatedAt = now;
        if (state.intake) state.intake.records += message.records;
        if (coming.documents <= 0) forgetAnnouncement(message.corpusId);
      }
    }
    dirty = true;
  });
  setHandler(recordsComingSignal, ({ corpusId, documents }) => {
    signals++;
    const coming = state.coming[corpusId];
    state.coming[corpusId] = { documents: (coming?.documents ?? 0) + documents, updatedAt: Date.now() };
    state.intake ??= { since: Date.now(), records: 0 };
    dirty = true;
  });
  setHandler(withdrawnSignal, ({ records, bytes }) => {
    signals++;
    // During a claim the claim's own count already says whether these records are gone.
    if (claiming) return;
    let left = records;
    let leftBytes = bytes;
    for (const w of [state.waiting.normal, state.waiting.low]) {
      const take = Math.min(left, w.records);
      const takeBytes = Math.min(leftBytes, w.bytes);
      w.records -= take;
      w.bytes -= takeBytes;
      left -= take;
      leftBytes -= takeBytes;
      if (w.records === 0) w.oldestAt = undefined;
    }
    dirty = true;
  });
  setHandler(jobFinishedSignal, (message) => {
    signals++;
    state.activeJobs = state.activeJobs.filter((j) => j.jobWorkflowId !== message.jobWorkflowId);
    // Moving averages: Bedrock's queueing changes over a day, and one slow job should not set them alone.
    // Jobs that told their start-up as they began (jobStarted) are not counted twice.
    if (message.startupMs !== undefined && state.jobStartupMs === undefined) state.jobStartupMs = message.startupMs;
    if (message.recordsPerSecond !== undefined && message.recordsPerSecond > 0) {
      state.jobRecordsPerSecond = average(state.jobRecordsPerSecond, message.recordsPerSecond);
    }
    dirty = true;
  });
  setHandler(jobStartedSignal, ({ startupMs }) => {
    signals++;
    state.jobStartupMs = average(state.jobStartupMs, startupMs);
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
  setHandler(
    updateLimitsUpdate,
    (limits) => {
      signals++;
      state.settings = { ...state.settings, ...limits };
      dirty = true;
      return state.settings;
    },
    { validator: (limits: Partial<CollectorSettings>) => validateLimitChange(state.settings, limits) },
  );

  /** When the last plan said a maximum wait ends (or a failed claim is tried again). */
  let wakeAt: number | undefined;
  for (;;) {
    if (!dirty) {
      replans = 0;
      const timeout = nextWake();
      await condition(() => dirty || mustContinueAsNew(), timeout === undefined ? undefined : Math.max(1, timeout));
    }
    dirty = false;
    const now = Date.now();
    if (state.activeJobs.length > 0 && now >= reconcileAt) await reconcile();
    dropStaleAnnouncements(now);

    if (!state.paused) {
      const coming = comingRecords(now);
      const balanced = patched(BALANCED_JOBS);
      const plan = planFlush({
        // Uncertain arrivals count as waiting once nothing is coming: then everything waiting goes out anyway, and the
        // claim counts what is there. While more is coming they are left out: they may be in the last count already,
        // and counting them twice would make the planner believe in records that never come (a stranded tail).
        // (Collectors started before balanced jobs counted them as coming.)
        waiting: coming > 0 ? state.waiting : addWaiting(state.waiting, uncertain),
        comingRecords: coming > 0 ? coming + (balanced ? 0 : total(uncertain)) : 0,
        activeJobs: state.activeJobs.length,
        settings: state.settings,
        now,
        flushRequested,
        ...(balanced ? { intake: intakeNow(now) } : {}),
      });
      const flushing = flushRequested;
      flushRequested = false;
      wakeAt = plan.wakeAt;
      if (plan.jobs.length > 0) await startJobs(plan.jobs, plan.spread, plan.absorbTail);
      if (plan.onDemandReason) await sendTailOnDemand(plan.onDemandReason, flushing);
    }
    updateDetails();

    if (mustContinueAsNew()) {
      // Handlers run to completion first so no signal is lost between runs.
      await condition(allHandlersFinished);
      await continueAsNew<typeof batchCollector>(state);
    }
  }

  function nextWake(): number | undefined {
    const now = Date.now();
    const times = [wakeAt, state.activeJobs.length > 0 ? reconcileAt : undefined, staleAt()].filter(
      (t): t is number => t !== undefined,
    );
    return times.length > 0 ? Math.min(...times) - now : undefined;
  }

  function lane(priority: Priority): 'normal' | 'low' {
    return priority === 'low' ? 'low' : 'normal';
  }

  /** How long an announcement stays believed without arrivals from its corpus. */
  function staleAfterMs(): number {
    const idle = state.settings.idleFlushMs ?? 0;
    return idle > 0 ? idle : state.settings.maxWaitMs;
  }

  function staleAt(): number | undefined {
    const times = Object.values(state.coming).map((c) => c.updatedAt + staleAfterMs());
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  function dropStaleAnnouncements(now: number): void {
    for (const [corpusId, coming] of Object.entries(state.coming)) {
      if (coming.updatedAt + staleAfterMs() <= now) forgetAnnouncement(corpusId);
    }
  }

  /** Drops a corpus's announcement; the arrival rate is measured again from the next announcement. */
  function forgetAnnouncement(corpusId: string): void {
    delete state.coming[corpusId];
    if (Object.keys(state.coming).length === 0) state.intake = undefined;
  }

  /**
   * How fast announced records arrive, how long a job takes to start and how fast it goes (seen on finished jobs,
   * else configured), and what the running jobs hold.
   */
  function intakeNow(now: number): PlanIntake {
    const intake = state.intake;
    const elapsed = intake ? Math.max(1_000, now - intake.since) : 0;
    return {
      recordsPerSecond: intake && intake.records > 0 ? (intake.records * 1000) / elapsed : 0,
      jobStartupMs: state.jobStartupMs ?? state.settings.jobStartupMs ?? DEFAULT_JOB_STARTUP_MS,
      ...(state.jobRecordsPerSecond === undefined ? {} : { jobRecordsPerSecond: state.jobRecordsPerSecond }),
      busy: state.activeJobs.map((j) => ({ records: j.records, startedAt: j.startedAt })),
    };
  }

  function comingRecords(now: number): number {
    const perDocument =
      state.arrivals.documents > 0 ? state.arrivals.records / state.arrivals.documents : DEFAULT_RECORDS_PER_DOCUMENT;
    let documents = 0;
    for (const coming of Object.values(state.coming)) {
      if (coming.updatedAt + staleAfterMs() > now) documents += coming.documents;
    }
    return Math.round(documents * perDocument);
  }

  function mustContinueAsNew(): boolean {
    const i = workflowInfo();
    // The server's suggestion ignores signals; count them too (DESIGN §1).
    return i.continueAsNewSuggested || i.historyLength + signals > state.settings.continueAsNewAfterEvents;
  }

  /** Claims the planned jobs from the queue and starts one job workflow for each claim. */
  async function startJobs(
    sizes: number[],
    spreadAll: FlushPlan['spread'],
    absorbTail?: FlushPlan['absorbTail'],
  ): Promise<void> {
    const first = state.nextSequence;
    const planned = sizes.map((records, i) => ({
      sequence: first + i,
      jobKey: jobIdentity(collectorKey, first + i, 1).jobName,
      records,
    }));
    const result = await claim(() =>
      queue.claimJobs({
        collectorWorkflowId: info.workflowId,
        jobs: planned.map(({ jobKey, records }) => ({ jobKey, records })),
        minRecords: state.settings.minRecordsPerJob,
        maxJobBytes: state.settings.maxJobBytes,
        spread: spreadAll,
        ...(absorbTail ? { absorbTail } : {}),
      }),
    );
    if (!result) return;
    // While a corpus is still arriving, job sizes depend on an exact count: arrivals during the claim may or may not be
    // in its count, so count once more (everything that arrived before this count is in it for sure).
    if (total(uncertain) > 0 && comingRecords(Date.now()) > 0) {
      await claim(() => queue.countQueue({ collectorWorkflowId: info.workflowId }));
    }
    const claimed = new Map(result.claimed.map((c) => [c.jobKey, c]));
    const starts: Promise<unknown>[] = [];
    for (const job of planned) {
      const claim = claimed.get(job.jobKey);
      if (!claim) break;
      state.nextSequence = job.sequence + 1;
      const jobWorkflowId = batchJobWorkflowId(info.workflowId, collectorKey, job.sequence);
      starts.push(
        startChild(bedrockBatchJob, {
          workflowId: jobWorkflowId,
          // Jobs outlive the collector's runs: it continues-as-new while they poll, and they report back by signal.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          args: [
            {
              collectorWorkflowId: info.workflowId,
              collectorKey,
              sequence: job.sequence,
              jobKey: job.jobKey,
              modelId: state.modelId,
              records: claim.records,
              documents: claim.documents,
              settings: state.settings,
            },
          ],
          staticSummary: `Bedrock batch job ${job.sequence}: ${claim.records} records from ${claim.documents} documents`,
        }),
      );
      state.activeJobs.push({
        jobWorkflowId,
        jobKey: job.jobKey,
        sequence: job.sequence,
        records: claim.records,
        documents: claim.documents,
        startedAt: Date.now(),
      });
      state.stats.jobsStarted++;
      state.stats.recordsBatched += claim.records;
    }
    await Promise.all(starts);
  }

  /** Sends the groups whose wait is over on-demand (a tail below the minimum, with nothing else coming). */
  async function sendTailOnDemand(reason: string, all: boolean): Promise<void> {
    const result = await claim(() =>
      queue.claimOnDemand({
        collectorWorkflowId: info.workflowId,
        now: Date.now(),
        maxWaitMs: state.settings.maxWaitMs,
        lowPriorityMaxWaitMs: state.settings.lowPriorityMaxWaitMs,
        reason,
        all,
        minRecords: state.settings.minRecordsPerJob,
      }),
    );
    if (result && result.records > 0) {
      state.stats.recordsSentOnDemand += result.records;
      const short = reason.split(';')[0] ?? reason;
      state.stats.onDemandReasons[short] = (state.stats.onDemandReasons[short] ?? 0) + result.records;
    }
  }

  /**
   * Runs a claim on the queue and takes its count of what is left as the truth; what arrives meanwhile is uncertain
   * until the next claim. A claim that keeps failing is tried again a minute later rather than stopping the collector.
   */
  async function claim<T extends { waiting: WaitingByPriority }>(run: () => Promise<T>): Promise<T | undefined> {
    claiming = true;
    uncertain = emptyWaiting();
    try {
      const result = await run();
      state.waiting = result.waiting;
      // The count changed under the plan: plan again at once (a few times at most without news from outside).
      if (replans < MAX_REPLANS) {
        replans++;
        dirty = true;
      }
      return result;
    } catch (err) {
      log.warn('claiming from the record queue failed; trying again in a minute', { error: String(err) });
      state.waiting = addWaiting(state.waiting, uncertain);
      uncertain = emptyWaiting();
      wakeAt = Date.now() + 60_000;
      return undefined;
    } finally {
      claiming = false;
    }
  }

  /**
   * Takes back the slots of job workflows that ended without reporting (terminated, timed out, reset away) and fails
   * their records to their documents, which resubmit them: a slot can never leak.
   */
  async function reconcile(): Promise<void> {
    reconcileAt = Date.now() + reconcileEveryMs();
    const { closed } = await queue.closedJobWorkflows({ workflowIds: state.activeJobs.map((j) => j.jobWorkflowId) });
    for (const { workflowId, status } of closed) {
      const job = state.activeJobs.find((j) => j.jobWorkflowId === workflowId);
      if (!job) continue; // Its report arrived while we asked.
      state.activeJobs = state.activeJobs.filter((j) => j.jobWorkflowId !== workflowId);
      dirty = true;
      // A job that completed, failed or was cancelled reported before it closed; the others never will.
      if (status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED') continue;
      state.stats.jobsReclaimed++;
      const collected = await queue.collectJobOutput({
        jobKey: job.jobKey,
        jobName: `${job.jobKey}-reclaimed`,
        modelId: state.modelId,
        jobStatus: 'Lost',
        missingReason: `the batch job workflow ended without reporting (${status.toLowerCase()})`,
      });
      await queue.deliverJobResults({ deliveriesKey: collected.deliveriesKey });
    }
  }

  function updateDetails(): void {
    const waiting = total(state.waiting) + total(uncertain);
    setCurrentDetails(
      `${state.paused ? '**paused** · ' : ''}${waiting} records waiting · ${comingRecords(Date.now())} coming · ` +
        `${state.activeJobs.length}/${state.settings.maxConcurrentJobs} job slots in use · ` +
        `${state.stats.jobsStarted} jobs started · ${state.stats.recordsSentOnDemand} records sent on-demand`,
    );
  }
}

function average(previous: number | undefined, seen: number): number {
  return previous === undefined ? seen : (previous + seen) / 2;
}

function total(waiting: WaitingByPriority): number {
  return waiting.normal.records + waiting.low.records;
}

function emptyWaiting(): WaitingByPriority {
  return { normal: { records: 0, bytes: 0 }, low: { records: 0, bytes: 0 } };
}

function addWaiting(a: WaitingByPriority, b: WaitingByPriority | undefined): WaitingByPriority {
  if (!b) return a;
  const lane = (x: WaitingByPriority['normal'], y: WaitingByPriority['normal']) => ({
    records: x.records + y.records,
    bytes: x.bytes + y.bytes,
    oldestAt:
      x.oldestAt === undefined ? y.oldestAt : y.oldestAt === undefined ? x.oldestAt : Math.min(x.oldestAt, y.oldestAt),
  });
  return { normal: lane(a.normal, b.normal), low: lane(a.low, b.low) };
}
