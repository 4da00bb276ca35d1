import {
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BedrockActivities, PipelineActivities } from '../activities';
import { ChunkResultsBuilder } from '../shared/chunk-results';
import { collectorWorkflowId } from '../shared/ids';
import {
  chunkResultsSignal,
  documentFinishedSignal,
  goOnDemandSignal,
  progressQuery,
  watchDocumentSignal,
} from '../shared/messages';
import { StageAttribute } from '../shared/search-attributes';
import type {
  AnalyzeDocumentInput,
  ChunkResultsMessage,
  DocumentOutcome,
  DocumentProgress,
  DocumentStage,
  DocumentWatcher,
  GoOnDemandMessage,
} from '../shared/types';
import { describeFailure } from './failure-reason';

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 };
const pipeline = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry,
});
/**
 * A document's way in and way out run as local activities on the worker that runs the document: no round trip through
 * the task queue and three history events fewer each, which is most of a document's cost to the cluster.
 */
const local = proxyLocalActivities<PipelineActivities>({ startToCloseTimeout: '10 minutes', retry });

/** Stages whose change is worth a search-attribute update (each one is a command and a history event). */
const INDEXED_STAGES: ReadonlySet<DocumentStage> = new Set([
  'waiting-batch',
  'invoking',
  'retrying',
  'completed',
  'failed',
  'cancelled',
]);

interface ChunkState {
  attempt: number;
  state: 'pending' | 'ok' | 'failed';
  reason?: string;
  retryable?: boolean;
}

/**
 * One document: prepare (extract → chunk → records into the batch queue, one activity) → wait for every chunk's
 * result → resubmit failed chunks by policy → finish (merge → publish, one activity) → tell its corpus. Its id
 * derives from content + task + model.
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
  const watchers: DocumentWatcher[] = input.corpus ? [input.corpus] : [];
  /** The chunk indexes of the current round, in the order of its request file's lines. */
  let roundIndexes: number[] = [];
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
    batchChunks: 0,
    onDemandChunks: 0,
    onDemandReasons: {},
    tokens: { input: 0, output: 0 },
    costUsd: 0,
    onDemandUsd: 0,
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
    const changed = progress.stage !== stage;
    progress.stage = stage;
    refreshCounts();
    if (changed && INDEXED_STAGES.has(stage)) upsertSearchAttributes([{ key: StageAttribute, value: stage }]);
    const c = progress.chunks;
    setCurrentDetails(
      `**${stage}** · chunks ${c.succeeded}/${c.total} done, ${c.failed} failed · round ${progress.attempts}` +
        ` · ${progress.tokens.input + progress.tokens.output} tokens · $${progress.costUsd.toFixed(4)}`,
    );
  };

  /** Applies what one job (or on-demand call) says of this round's chunks; repeats and stale rounds change nothing. */
  const applyResults = (message: ChunkResultsMessage) => {
    const settle = (chunkIndex: number, ok: boolean, reason?: string, retryable?: boolean): boolean => {
      const chunk = chunks.get(chunkIndex);
      if (!chunk || chunk.attempt !== message.attempt || chunk.state !== 'pending') return false;
      chunk.state = ok ? 'ok' : 'failed';
      chunk.reason = reason;
      chunk.retryable = retryable;
      if (ok && message.via === 'batch') progress.batchChunks++;
      if (ok && message.via === 'on-demand') progress.onDemandChunks++;
      return true;
    };
    let fresh = false;
    for (const i of message.ok) fresh = settle(i, true) || fresh;
    for (const [i, reasonIndex, retryable] of message.failed) {
      fresh = settle(i, false, message.reasons[reasonIndex], retryable) || fresh;
    }
    if (!fresh) return;
    progress.tokens.input += message.tokens.input;
    progress.tokens.output += message.tokens.output;
    progress.costUsd += message.costUsd;
    progress.onDemandUsd += message.onDemandUsd;
    if (message.jobName) jobs.add(message.jobName);
  };

  setHandler(progressQuery, () => {
    refreshCounts();
    return progress;
  });
  setHandler(chunkResultsSignal, (message) => {
    applyResults(message);
    refreshCounts();
  });
  setHandler(goOnDemandSignal, (message) => {
    onDemandRequests.push(message);
  });
  setHandler(watchDocumentSignal, (watcher) => {
    if (!watchers.some((w) => w.corpusWorkflowId === watcher.corpusWorkflowId)) watchers.push(watcher);
  });

  const batchMode = settings.mode === 'batch' && input.priority !== 'high';
  const collectorId = collectorWorkflowId(settings.modelId, info.taskQueue);
  /** When the current round was enqueued: its queue keys start with it (withdrawal lists only those). */
  let enqueuedAt = 0;
  const enqueueTarget = () => {
    enqueuedAt = Date.now();
    return {
      collectorWorkflowId: collectorId,
      taskQueue: info.taskQueue,
      settings: settings.collector,
      corpusId: input.corpus?.corpusWorkflowId,
      enqueuedAt,
    };
  };
  let submittedToCollector = false;
  const deadline = Date.now() + settings.documentTimeoutMs;

  /** Invokes chunks one by one on bedrock-runtime, at most `onDemandConcurrency` at a time. */
  const invokeOnDemand = async (chunkIndexes: number[], attempt: number, reason: string) => {
    const queue = chunkIndexes.filter((i) => chunks.get(i)?.attempt === attempt && chunks.get(i)?.state === 'pending');
    progress.onDemandReasons[reason] = (progress.onDemandReasons[reason] ?? 0) + queue.length;
    const running = new Set<Promise<void>>();
    while (queue.length > 0 || running.size > 0) {
      while (queue.length > 0 && running.size < settings.onDemandConcurrency) {
        const chunkIndex = queue.shift() as number;
        const p: Promise<void> = bedrock
          .invokeChunk({ docId, chunkIndex, attempt, taskId: settings.taskId, modelId: settings.modelId })
          .then(
            (result) => applyResults(new ChunkResultsBuilder(attempt, 'on-demand').add(result).build()),
            (err: unknown) => {
              if (isCancellation(err)) throw err;
              const failure = { chunkIndex, ok: false, reason: describeFailure(err), retryable: false };
              const none = { tokens: { input: 0, output: 0 }, costUsd: 0, onDemandUsd: 0 };
              applyResults(new ChunkResultsBuilder(attempt, 'on-demand').add({ ...failure, ...none }).build());
            },
          )
          .finally(() => running.delete(p));
        running.add(p);
      }
      await Promise.race(running);
      refreshCounts();
    }
  };

  const roundPending = (attempt: number) =>
    [...chunks.values()].some((c) => c.attempt === attempt && c.state === 'pending');

  try {
    setStage('extracting');
    const { chunkCount } = await local.prepareDocument({
      docId,
      source: input.source,
      chunking: settings.chunking,
      taskId: settings.taskId,
      modelId: settings.modelId,
      priority: input.priority,
      enqueue: batchMode ? enqueueTarget() : undefined,
    });
    submittedToCollector = batchMode;

    let round = 1;
    roundIndexes = Array.from({ length: chunkCount }, (_, i) => i);
    for (;;) {
      progress.attempts = round;
      for (const i of roundIndexes) chunks.set(i, { attempt: round, state: 'pending' });
      if (round > 1) {
        // The first round's records were written (and enqueued) by prepareDocument.
        await pipeline.submitRound({
          docId,
          attempt: round,
          chunkIndexes: roundIndexes,
          taskId: settings.taskId,
          modelId: settings.modelId,
          priority: input.priority,
          enqueue: batchMode ? enqueueTarget() : undefined,
        });
      }
      if (!batchMode) {
        setStage('invoking');
        const reason = settings.mode === 'on-demand' ? 'on-demand mode' : 'high priority';
        await invokeOnDemand(roundIndexes, round, reason);
      } else {
        setStage('waiting-batch');
        for (;;) {
          const remaining = deadline - Date.now();
          const settled = await condition(() => !roundPending(round) || onDemandRequests.length > 0, remaining);
          if (!settled) {
            refreshCounts();
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
            const indexes = roundIndexes.slice(request.offset, request.offset + request.count);
            await invokeOnDemand(indexes, round, request.reason.split(';')[0] ?? request.reason);
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
      roundIndexes = retry;
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
    progress.completedAt = new Date(Date.now()).toISOString();
    const outcome = await local.finishDocument({
      outcome: outcomeOf('completed'),
      taskId: settings.taskId,
      modelId: settings.modelId,
      batchId: input.batchId,
      notify: settings.notify,
    });
    progress.resultUri = outcome.resultUri;
    progress.reportUri = outcome.reportUri;
    setStage('completed');
    await tellWatchers(outcome);
    return outcome;
  } catch (err) {
    const cancelled = isCancellation(err);
    if (!cancelled) progress.failureReason = describeFailure(err);
    await CancellationScope.nonCancellable(async () => {
      if (submittedToCollector) {
        await pipeline.withdrawRecords({
          collectorWorkflowId: collectorId,
          docId,
          priority: input.priority,
          enqueuedAt,
        });
      }
      progress.completedAt = new Date(Date.now()).toISOString();
      setStage(cancelled ? 'cancelled' : 'failed');
      const outcome = outcomeOf(cancelled ? 'cancelled' : 'failed');
      await pipeline.publishDocument({ outcome, batchId: input.batchId, notify: settings.notify });
      await tellWatchers(outcome);
    });
    if (cancelled) throw err;
    throw ApplicationFailure.nonRetryable(progress.failureReason, 'DocumentFailed');
  }

  /** Tells the corpora that wait for this document how it ended (one small signal each). */
  async function tellWatchers(outcome: DocumentOutcome): Promise<void> {
    await Promise.all(
      watchers.map(async (watcher) => {
        try {
          await getExternalWorkflowHandle(watcher.corpusWorkflowId).signal(documentFinishedSignal, {
            index: watcher.index,
            docId,
            status: outcome.status,
            failureReason: outcome.failureReason,
            chunks: outcome.chunks,
            tokens: outcome.tokens,
            costUsd: outcome.costUsd,
            onDemandUsd: outcome.onDemandUsd,
            batchChunks: outcome.batchChunks,
            onDemandChunks: outcome.onDemandChunks,
            onDemandReasons: outcome.onDemandReasons,
          });
        } catch {
          // The corpus has ended (or was terminated): nobody is waiting.
        }
      }),
    );
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
      onDemandUsd: progress.onDemandUsd,
      batchChunks: progress.batchChunks,
      onDemandChunks: progress.onDemandChunks,
      onDemandReasons: { ...progress.onDemandReasons },
      jobs: [...jobs],
      resultUri: progress.resultUri,
      reportUri: progress.reportUri,
    };
  }
}
