import {
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BedrockActivities, PipelineActivities } from '../activities';
import { collectorWorkflowId } from '../shared/ids';
import { chunkResultsSignal, goOnDemandSignal, progressQuery, withdrawRecordsSignal } from '../shared/messages';
import {
  BatchIdAttribute,
  ModelAttribute,
  PriorityAttribute,
  StageAttribute,
  TaskAttribute,
} from '../shared/search-attributes';
import type {
  AnalyzeDocumentInput,
  ChunkOutcome,
  DocumentOutcome,
  DocumentProgress,
  DocumentStage,
  GoOnDemandMessage,
} from '../shared/types';
import { describeFailure } from './failure-reason';

const pipeline = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

interface ChunkState {
  attempt: number;
  state: 'pending' | 'ok' | 'failed';
  reason?: string;
  retryable?: boolean;
}

/**
 * One document: extract → chunk → records to the batch collector (or on-demand) → wait for every chunk's
 * result → resubmit failed chunks by policy → merge → publish. Its id derives from content + task + model.
 */
export async function analyzeDocument(input: AnalyzeDocumentInput): Promise<DocumentOutcome> {
  const { docId, settings } = input;
  const info = workflowInfo();
  const bedrock = proxyActivities<BedrockActivities>({
    taskQueue: settings.bedrockTaskQueue,
    startToCloseTimeout: '5 minutes',
    // Throttling is retried here with exponential backoff (the activity adds jitter through nextRetryDelay).
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 12 },
  });
  const startedAt = new Date(Date.now()).toISOString();
  const chunks = new Map<number, ChunkState>();
  const onDemandRequests: GoOnDemandMessage[] = [];
  const jobs = new Set<string>();
  const progress: DocumentProgress = {
    docId,
    name: input.source.name,
    batchId: input.batchId,
    stage: 'queued',
    priority: input.priority,
    mode: settings.mode,
    chunks: { total: 0, succeeded: 0, failed: 0, pending: 0 },
    jobs: [],
    attempts: 0,
    onDemandChunks: 0,
    tokens: { input: 0, output: 0 },
    costUsd: 0,
    startedAt,
    updatedAt: startedAt,
  };

  const refreshCounts = () => {
    let succeeded = 0;
    let failed = 0;
    let pending = 0;
    for (const c of chunks.values()) {
      if (c.state === 'ok') succeeded++;
      else if (c.state === 'failed') failed++;
      else pending++;
    }
    progress.chunks = { total: chunks.size, succeeded, failed, pending };
    progress.jobs = [...jobs];
    progress.updatedAt = new Date(Date.now()).toISOString();
  };

  const setStage = (stage: DocumentStage) => {
    progress.stage = stage;
    refreshCounts();
    upsertSearchAttributes([{ key: StageAttribute, value: stage }]);
    const c = progress.chunks;
    setCurrentDetails(
      `**${stage}** · chunks ${c.succeeded}/${c.total} done, ${c.failed} failed · round ${progress.attempts}` +
        ` · ${progress.tokens.input + progress.tokens.output} tokens · $${progress.costUsd.toFixed(4)}`,
    );
  };

  const applyOutcome = (outcome: ChunkOutcome) => {
    const chunk = chunks.get(outcome.chunkIndex);
    // Results of an earlier attempt, or repeated deliveries, change nothing.
    if (!chunk || chunk.attempt !== outcome.attempt || chunk.state !== 'pending') return;
    chunk.state = outcome.ok ? 'ok' : 'failed';
    chunk.reason = outcome.reason;
    chunk.retryable = outcome.retryable;
    progress.tokens.input += outcome.tokens.input;
    progress.tokens.output += outcome.tokens.output;
    progress.costUsd += outcome.costUsd;
    if (outcome.jobName) jobs.add(outcome.jobName);
    if (outcome.via === 'on-demand') progress.onDemandChunks++;
  };

  setHandler(progressQuery, () => {
    refreshCounts();
    return progress;
  });
  setHandler(chunkResultsSignal, (message) => {
    if (message.jobName) jobs.add(message.jobName);
    for (const outcome of message.results) applyOutcome(outcome);
    refreshCounts();
  });
  setHandler(goOnDemandSignal, (message) => {
    onDemandRequests.push(message);
  });

  upsertSearchAttributes([
    { key: ModelAttribute, value: settings.modelId },
    { key: TaskAttribute, value: settings.taskId },
    { key: PriorityAttribute, value: input.priority },
    ...(input.batchId ? [{ key: BatchIdAttribute, value: input.batchId }] : []),
  ]);

  const collectorId = collectorWorkflowId(settings.modelId, info.taskQueue);
  let submittedToCollector = false;
  const deadline = Date.now() + settings.documentTimeoutMs;

  /** Invokes chunks one by one on bedrock-runtime, at most `onDemandConcurrency` at a time. */
  const invokeOnDemand = async (chunkIndexes: number[], attempt: number) => {
    const queue = chunkIndexes.filter((i) => chunks.get(i)?.attempt === attempt && chunks.get(i)?.state === 'pending');
    const running = new Set<Promise<void>>();
    while (queue.length > 0 || running.size > 0) {
      while (queue.length > 0 && running.size < settings.onDemandConcurrency) {
        const chunkIndex = queue.shift() as number;
        const p: Promise<void> = bedrock
          .invokeChunk({ docId, chunkIndex, attempt, taskId: settings.taskId, modelId: settings.modelId })
          .then(applyOutcome, (err: unknown) => {
            if (isCancellation(err)) throw err;
            applyOutcome({
              chunkIndex,
              attempt,
              ok: false,
              reason: describeFailure(err),
              retryable: false,
              tokens: { input: 0, output: 0 },
              costUsd: 0,
              via: 'on-demand',
            });
          })
          .finally(() => running.delete(p));
        running.add(p);
      }
      await Promise.race(running);
      refreshCounts();
    }
  };

  const roundPending = (attempt: number) =>
    [...chunks.entries()].some(([, c]) => c.attempt === attempt && c.state === 'pending');

  try {
    setStage('extracting');
    await pipeline.extractDocument({ docId, source: input.source });

    setStage('chunking');
    const { chunkCount } = await pipeline.chunkDocument({ docId, chunking: settings.chunking });

    let round = 1;
    let indexes = Array.from({ length: chunkCount }, (_, i) => i);
    for (;;) {
      progress.attempts = round;
      for (const i of indexes) chunks.set(i, { attempt: round, state: 'pending' });
      const onDemandOnly = settings.mode === 'on-demand' || input.priority === 'high';
      if (onDemandOnly) {
        setStage('invoking');
        await invokeOnDemand(indexes, round);
      } else {
        setStage('submitting');
        const group = await pipeline.buildRecords({
          docId,
          docWorkflowId: info.workflowId,
          attempt: round,
          chunkIndexes: indexes,
          taskId: settings.taskId,
          modelId: settings.modelId,
          priority: input.priority,
        });
        await pipeline.submitToCollector({
          collectorWorkflowId: collectorId,
          taskQueue: info.taskQueue,
          modelId: settings.modelId,
          settings: settings.collector,
          group,
        });
        submittedToCollector = true;
        setStage('waiting-batch');
        for (;;) {
          const remaining = deadline - Date.now();
          const settled = await condition(() => !roundPending(round) || onDemandRequests.length > 0, remaining);
          if (!settled) {
            throw ApplicationFailure.nonRetryable(
              `timed out after ${Math.round(settings.documentTimeoutMs / 1000)} s waiting for ` +
                `${progress.chunks.pending} chunk results`,
              'DocumentTimeout',
            );
          }
          if (onDemandRequests.length > 0) {
            const request = onDemandRequests.shift() as GoOnDemandMessage;
            if (request.attempt !== round) continue;
            setStage('invoking');
            await invokeOnDemand(request.chunkIndexes, round);
            setStage('waiting-batch');
            continue;
          }
          break;
        }
      }

      refreshCounts();
      const retry = [...chunks.entries()]
        .filter(([, c]) => c.state === 'failed' && c.retryable !== false && round < settings.maxRecordAttempts)
        .map(([i]) => i);
      if (retry.length === 0) break;
      round++;
      indexes = retry;
      setStage('retrying');
    }

    const failed = [...chunks.entries()].filter(([, c]) => c.state === 'failed');
    if (failed.length > 0) {
      const [firstIndex, first] = failed[0] as [number, ChunkState];
      throw ApplicationFailure.nonRetryable(
        `${failed.length} of ${chunks.size} chunks failed after ${progress.attempts} round(s); ` +
          `chunk ${firstIndex}: ${first.reason ?? 'unknown reason'}`,
        'ChunksFailed',
      );
    }

    setStage('merging');
    const merged = await pipeline.mergeDocument({
      docId,
      name: input.source.name,
      taskId: settings.taskId,
      modelId: settings.modelId,
      chunkCount: chunks.size,
    });
    progress.resultUri = merged.resultUri;
    progress.reportUri = merged.reportUri;

    setStage('publishing');
    const outcome = outcomeOf('completed');
    outcome.summary = merged.summary;
    await pipeline.publishDocument({ outcome, batchId: input.batchId, notify: settings.notify });
    progress.completedAt = new Date(Date.now()).toISOString();
    setStage('completed');
    return outcome;
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        if (submittedToCollector) await withdraw();
        progress.completedAt = new Date(Date.now()).toISOString();
        setStage('cancelled');
        await pipeline.publishDocument({
          outcome: outcomeOf('cancelled'),
          batchId: input.batchId,
          notify: settings.notify,
        });
      });
      throw err;
    }
    progress.failureReason = describeFailure(err);
    progress.completedAt = new Date(Date.now()).toISOString();
    if (submittedToCollector) await withdraw();
    setStage('failed');
    await pipeline.publishDocument({ outcome: outcomeOf('failed'), batchId: input.batchId, notify: settings.notify });
    throw ApplicationFailure.nonRetryable(progress.failureReason, 'DocumentFailed');
  }

  async function withdraw(): Promise<void> {
    try {
      await getExternalWorkflowHandle(collectorId).signal(withdrawRecordsSignal, { docWorkflowId: info.workflowId });
    } catch {
      // No collector running: nothing of ours is waiting there.
    }
  }

  function outcomeOf(status: DocumentOutcome['status']): DocumentOutcome {
    refreshCounts();
    return {
      docId,
      workflowId: info.workflowId,
      name: input.source.name,
      status,
      failureReason: progress.failureReason,
      chunks: progress.chunks.total,
      tokens: { ...progress.tokens },
      costUsd: progress.costUsd,
      jobs: [...jobs],
      resultUri: progress.resultUri,
      reportUri: progress.reportUri,
    };
  }
}
