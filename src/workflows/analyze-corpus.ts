import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { PipelineActivities } from '../activities';
import { documentWorkflowId } from '../shared/ids';
import { corpusProgressQuery } from '../shared/messages';
import {
  BatchIdAttribute,
  ModelAttribute,
  PriorityAttribute,
  StageAttribute,
  TaskAttribute,
} from '../shared/search-attributes';
import type {
  AnalyzeCorpusInput,
  CorpusOutcome,
  CorpusProgress,
  CorpusResumeState,
  DocumentOutcome,
} from '../shared/types';
import { analyzeDocument } from './analyze-document';
import { describeFailure } from './failure-reason';

const pipeline = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/** Documents finished per run before continuing as new (each costs about a dozen history events). */
const DOCUMENTS_PER_RUN = 500;
const MANIFEST_PAGE = 100;

/**
 * A run over many documents: lists them into a manifest, runs one `analyzeDocument` child per document
 * through a sliding window, aggregates progress (counts, tokens, cost, ETA) and writes the corpus summary.
 * Its workflow id carries the batch id a user keeps.
 */
export async function analyzeCorpus(input: AnalyzeCorpusInput): Promise<CorpusOutcome> {
  const { batchId, settings } = input;
  const now = () => new Date(Date.now()).toISOString();
  const progress: CorpusProgress = {
    batchId,
    stage: 'listing',
    counts: input.resume?.counts ?? { total: 0, started: 0, completed: 0, failed: 0, cancelled: 0, running: 0 },
    tokens: input.resume?.tokens ?? { input: 0, output: 0 },
    costUsd: input.resume?.costUsd ?? 0,
    startedAt: input.resume?.startedAt ?? now(),
    updatedAt: now(),
    failureReasons: input.resume?.failureReasons ?? {},
  };
  setHandler(corpusProgressQuery, () => progress);
  upsertSearchAttributes([
    { key: BatchIdAttribute, value: batchId },
    { key: ModelAttribute, value: settings.modelId },
    { key: TaskAttribute, value: settings.taskId },
    { key: PriorityAttribute, value: input.priority },
  ]);
  const setStage = (stage: CorpusProgress['stage']) => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: StageAttribute, value: stage }]);
  };

  let resume: CorpusResumeState;
  if (input.resume) {
    resume = input.resume;
  } else {
    setStage('listing');
    const manifest = await pipeline.prepareCorpus({
      batchId,
      source: input.source,
      taskId: settings.taskId,
      modelId: settings.modelId,
    });
    progress.counts.total = manifest.count;
    resume = {
      manifestCount: manifest.count,
      nextOffset: 0,
      counts: progress.counts,
      tokens: progress.tokens,
      costUsd: 0,
      startedAt: progress.startedAt,
      failureReasons: progress.failureReasons,
    };
  }
  setStage('running');

  const running = new Map<string, Promise<void>>();
  let finishedThisRun = 0;
  const runStartedMs = Date.parse(progress.startedAt);

  const record = (outcome: Pick<DocumentOutcome, 'status' | 'tokens' | 'costUsd' | 'failureReason'>) => {
    const c = progress.counts;
    if (outcome.status === 'completed') c.completed++;
    else if (outcome.status === 'cancelled') c.cancelled++;
    else {
      c.failed++;
      const reason = shortReason(outcome.failureReason ?? 'unknown');
      progress.failureReasons[reason] = (progress.failureReasons[reason] ?? 0) + 1;
    }
    progress.tokens.input += outcome.tokens.input;
    progress.tokens.output += outcome.tokens.output;
    progress.costUsd += outcome.costUsd;
    finishedThisRun++;
    updateProgress();
  };

  const updateProgress = () => {
    const c = progress.counts;
    c.running = running.size;
    progress.updatedAt = now();
    const done = c.completed + c.failed + c.cancelled;
    const elapsed = (Date.now() - runStartedMs) / 1000;
    progress.etaSeconds = done > 0 && c.total > done ? Math.round((elapsed / done) * (c.total - done)) : undefined;
    setCurrentDetails(
      `**${progress.stage}** · ${done}/${c.total} documents (${c.completed} completed, ${c.failed} failed, ` +
        `${c.cancelled} cancelled, ${c.running} running) · ${progress.tokens.input + progress.tokens.output} tokens · ` +
        `$${progress.costUsd.toFixed(4)}${progress.etaSeconds !== undefined ? ` · ETA ${progress.etaSeconds} s` : ''}`,
    );
  };

  const startDocument = async (entry: { docId: string; source: { uri: string; name: string } }) => {
    const workflowId = documentWorkflowId(entry.docId);
    progress.counts.started++;
    let done: Promise<void>;
    try {
      const child = await startChild(analyzeDocument, {
        workflowId,
        args: [{ docId: entry.docId, source: entry.source, batchId, priority: input.priority, settings }],
        // A completed document is never analysed (and paid for) again; a failed or cancelled one may be retried.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        // Cancelling the corpus cancels its documents.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [
          { key: BatchIdAttribute, value: batchId },
          { key: ModelAttribute, value: settings.modelId },
          { key: TaskAttribute, value: settings.taskId },
          { key: PriorityAttribute, value: input.priority },
          { key: StageAttribute, value: 'queued' },
        ],
        staticSummary: `Analyse ${entry.source.name} (${settings.taskId})`,
      });
      done = child.result().then(record, (err: unknown) => {
        if (isCancellation(err) && !(err instanceof ChildWorkflowFailure)) throw err;
        record(outcomeOfFailure(err));
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Another run (or an earlier corpus) owns this document: attach to it instead of paying twice.
      done = pipeline.awaitDocument({ workflowId }).then(record, (e: unknown) => {
        if (isCancellation(e)) throw e;
        record(outcomeOfFailure(e));
      });
    }
    const tracked = done.finally(() => running.delete(workflowId));
    running.set(workflowId, tracked);
    updateProgress();
  };

  try {
    while (resume.nextOffset < resume.manifestCount || running.size > 0) {
      const free = input.window - running.size;
      if (free > 0 && resume.nextOffset < resume.manifestCount && finishedThisRun < DOCUMENTS_PER_RUN) {
        const page = await pipeline.readManifestPage({
          batchId,
          offset: resume.nextOffset,
          limit: Math.min(free, MANIFEST_PAGE),
        });
        if (page.entries.length === 0) {
          throw ApplicationFailure.nonRetryable(`corpus manifest ended early at entry ${resume.nextOffset}`);
        }
        for (const entry of page.entries) await startDocument(entry);
        resume.nextOffset += page.entries.length;
        continue;
      }
      if (running.size > 0) {
        await Promise.race(running.values());
        continue;
      }
      if (resume.nextOffset < resume.manifestCount) {
        // All of this run's documents have finished: start afresh with the rest, keeping the history small.
        await condition(() => running.size === 0);
        await continueAsNew<typeof analyzeCorpus>({
          ...input,
          resume: { ...resume, counts: progress.counts, tokens: progress.tokens, costUsd: progress.costUsd },
        });
      }
    }
  } catch (err) {
    if (isCancellation(err)) setStage('cancelled');
    throw err;
  }

  setStage('summarizing');
  updateProgress();
  const summary = await pipeline.writeCorpusSummary({
    batchId,
    counts: progress.counts,
    tokens: progress.tokens,
    costUsd: progress.costUsd,
    failureReasons: progress.failureReasons,
    startedAt: progress.startedAt,
    notify: settings.notify,
  });
  progress.summaryUri = summary.summaryUri;
  setStage('completed');
  updateProgress();
  return {
    batchId,
    counts: progress.counts,
    tokens: progress.tokens,
    costUsd: progress.costUsd,
    summaryUri: summary.summaryUri,
    csvUri: summary.csvUri,
    reportUri: summary.reportUri,
  };
}

function outcomeOfFailure(err: unknown): Pick<DocumentOutcome, 'status' | 'tokens' | 'costUsd' | 'failureReason'> {
  const cancelled =
    (err instanceof ChildWorkflowFailure && isCancellation(err.cause)) ||
    (err instanceof ActivityFailure &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === 'DocumentCancelled');
  return {
    status: cancelled ? 'cancelled' : 'failed',
    tokens: { input: 0, output: 0 },
    costUsd: 0,
    failureReason: cancelled ? undefined : describeFailure(err),
  };
}

/** Groups failure reasons for the dead-letter view: the text before the first detail. */
function shortReason(reason: string): string {
  return reason.split(/[:;(]/)[0]?.trim().slice(0, 120) || 'unknown';
}
