import {
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { SignalDefinition } from '@temporalio/workflow';
import type { BedrockActivities, PipelineActivities } from '../activities';
import { jobIdentity } from '../core/job-name';
import { storeKeys } from '../shared/ids';
import { jobFinishedSignal, jobProgressQuery, jobStartedSignal } from '../shared/messages';
import type {
  BatchJobInput,
  BatchJobProgress,
  BatchJobResumeState,
  BatchJobStatus,
  JobFinishedMessage,
} from '../shared/types';
import { TERMINAL_JOB_STATUSES } from '../shared/types';

/** Patch: a job tells its collector how long Bedrock took to start it as soon as it sees it processing. */
const REPORTS_STARTUP = 'job-reports-startup';
import { describeFailure } from './failure-reason';
import { nextPollDelay } from './poll-interval';
import type { JobSighting } from './poll-interval';

const pipeline = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * One Bedrock batch job: write its JSONL input from the records it claimed, create it with a deterministic client
 * request token, poll it with durable timers (timed by the job's own progress), collect what it produced (joined by record id), tell every document
 * its results (from an activity, in pages) and report back to the collector. A Failed job is created again for the
 * same records under the job retry policy. Its input and state are counts and keys, whatever the job's size.
 */
export async function bedrockBatchJob(input: BatchJobInput): Promise<JobFinishedMessage> {
  const { settings, jobKey } = input;
  const info = workflowInfo();
  const bedrock = proxyActivities<BedrockActivities>({
    taskQueue: settings.bedrockTaskQueue,
    startToCloseTimeout: '2 minutes',
    // Throttling and 5xx are retried with backoff; validation and access errors fail at once (non-retryable).
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 30 },
  });
  let state: BatchJobResumeState | undefined = input.resume;
  const progress: BatchJobProgress = {
    sequence: input.sequence,
    status: 'Preparing',
    attempt: state?.attempt ?? 1,
    records: state?.records ?? input.records,
    documents: input.documents,
    counters: {},
    attempts: state?.history ?? [],
    jobName: state?.jobName,
    jobArn: state?.jobArn,
  };
  setHandler(jobProgressQuery, () => progress);
  const report = (status: JobFinishedMessage['status'], succeeded: number, failed: number): JobFinishedMessage => ({
    jobWorkflowId: info.workflowId,
    sequence: input.sequence,
    jobName: state?.jobName,
    status,
    records: progress.records,
    succeeded,
    failed,
    ...(state?.createdAt !== undefined && state.processingAt !== undefined
      ? { startupMs: Math.max(0, state.processingAt - state.createdAt) }
      : {}),
    ...jobRate(state),
  });
  const details = () =>
    setCurrentDetails(
      `**${progress.status}** · job ${progress.jobName ?? '(not created)'} · attempt ${progress.attempt} · ` +
        `${progress.counters.processed ?? 0}/${progress.records} records processed, ${progress.counters.failed ?? 0} failed · ` +
        `${input.documents} documents`,
    );

  /** Collects what the job produced (or fails every record with `missingReason`) and tells the documents. */
  const deliver = async (status: JobFinishedMessage['status'], missingReason: string) => {
    progress.status = 'Collecting';
    details();
    const collected = await pipeline.collectJobOutput({
      jobKey,
      jobName: state?.jobName ?? jobKey,
      outputUri: state?.jobArn ? state.outputUri : undefined,
      modelId: input.modelId,
      jobStatus: status,
      missingReason,
    });
    progress.status = 'Delivering';
    details();
    await pipeline.deliverJobResults({ deliveriesKey: collected.deliveriesKey });
    return collected;
  };

  let finished: JobFinishedMessage | undefined;
  let continuing = false;
  try {
    if (!state) {
      const prepared = await pipeline.writeJobInput({ jobKey });
      state = {
        attempt: 1,
        pollIntervalMs: settings.pollInitialMs,
        inputUri: prepared.inputUri,
        outputUri: '',
        records: prepared.records,
        history: [],
      };
      progress.records = prepared.records;
      progress.attempts = state.history;
    }

    let status: BatchJobStatus;
    let message: string | undefined;
    for (;;) {
      if (!state.jobArn) {
        const { jobName, clientRequestToken } = jobIdentity(input.collectorKey, input.sequence, state.attempt);
        const created = await bedrock.createBatchJob({
          jobName,
          clientRequestToken,
          modelId: input.modelId,
          inputUri: state.inputUri,
          outputKey: storeKeys.jobOutputPrefix(jobKey, jobName),
          timeoutHours: settings.jobTimeoutHours,
        });
        state.jobArn = created.jobArn;
        state.jobName = jobName;
        state.createdAt = Date.now();
        state.processingAt = undefined;
        state.firstProcessing = undefined;
        state.lastProcessing = undefined;
        state.outputUri = created.outputUri;
        state.pollIntervalMs = settings.pollInitialMs;
        state.history.push({ attempt: state.attempt, jobName, jobArn: created.jobArn, status: 'Submitted' });
        progress.jobName = jobName;
        progress.jobArn = created.jobArn;
        progress.attempt = state.attempt;
      }

      let previous: JobSighting | undefined;
      for (;;) {
        const job = await bedrock.getBatchJob({ jobArn: state.jobArn });
        const sighting: JobSighting = {
          at: Date.now(),
          status: job.status,
          processed: job.counters.processed,
          total: job.counters.total,
        };
        status = job.status;
        message = job.message;
        if (state.processingAt === undefined && (job.status === 'InProgress' || (job.counters.processed ?? 0) > 0)) {
          state.processingAt = sighting.at;
          if (state.createdAt !== undefined && patched(REPORTS_STARTUP)) {
            await tellCollector(jobStartedSignal, {
              jobWorkflowId: info.workflowId,
              startupMs: Math.max(0, state.processingAt - state.createdAt),
            });
          }
        }
        if (job.status === 'InProgress') {
          const seen = { at: sighting.at, processed: job.counters.processed ?? 0 };
          state.firstProcessing ??= seen;
          state.lastProcessing = seen;
        }
        progress.status = job.status;
        progress.counters = job.counters;
        const current = state.history[state.history.length - 1];
        if (current) {
          current.status = job.status;
          current.message = job.message;
        }
        details();
        if (TERMINAL_JOB_STATUSES.includes(job.status)) break;
        state.pollIntervalMs = nextPollDelay(previous, sighting, state.pollIntervalMs, settings);
        previous = sighting;
        await sleep(state.pollIntervalMs);
        if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > settings.continueAsNewAfterEvents) {
          await continueAsNew<typeof bedrockBatchJob>({ ...input, resume: state });
        }
      }

      if (status === 'Failed' && state.attempt < settings.maxJobAttempts) {
        // The same records go into a new job (new name and token): a failed job processed nothing billable.
        state.attempt++;
        state.jobArn = undefined;
        continue;
      }
      break;
    }

    const missing = `no output for the record: the job ended ${status}` + (message ? ` (${message})` : '');
    const collected = await deliver(status, missing);
    finished = report(status, collected.succeeded, collected.failed);
    progress.status = 'Done';
    details();
    return finished;
  } catch (err) {
    if (err instanceof ContinueAsNew) {
      // Not an ending: the next run goes on polling the same job.
      continuing = true;
      throw err;
    }
    const cancelled = isCancellation(err);
    await CancellationScope.nonCancellable(async () => {
      if (cancelled && state?.jobArn) {
        await bedrock.stopBatchJob({ jobArn: state.jobArn });
      }
      // Documents must not wait for records this job will never deliver: they resubmit them by policy.
      const reason = cancelled ? 'the batch job was cancelled' : `the batch job failed: ${describeFailure(err)}`;
      await deliver(cancelled ? 'Cancelled' : 'Failed', reason);
      finished = report(cancelled ? 'Cancelled' : 'Failed', 0, progress.records);
    });
    throw err;
  } finally {
    if (!continuing) await reportToCollector();
  }

  async function reportToCollector(): Promise<void> {
    await CancellationScope.nonCancellable(() =>
      tellCollector(jobFinishedSignal, finished ?? report('Failed', 0, progress.records)),
    );
  }

  async function tellCollector<T>(signal: SignalDefinition<[T]>, message: T): Promise<void> {
    try {
      await getExternalWorkflowHandle(input.collectorWorkflowId).signal(signal, message);
    } catch {
      // The collector is gone (terminated by an operator): nothing is waiting for this slot.
    }
  }
}

/** The rate at which the job processed records, from its first and latest sightings InProgress. */
function jobRate(state: BatchJobResumeState | undefined): { recordsPerSecond?: number } {
  const first = state?.firstProcessing;
  const last = state?.lastProcessing;
  if (!first || !last || last.at <= first.at || last.processed <= first.processed) return {};
  return { recordsPerSecond: ((last.processed - first.processed) * 1000) / (last.at - first.at) };
}
