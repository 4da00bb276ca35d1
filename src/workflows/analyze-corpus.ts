import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import { corpusProgressQuery, documentFinishedSignal } from '../shared/messages';
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
  CostTotals,
  DocumentFinishedMessage,
} from '../shared/types';
import { BitSet } from './bit-set';

const pipeline = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/** Documents started by one activity call. */
const START_PAGE = 200;

/**
 * A run over many documents: lists them into a manifest, starts one `analyzeDocument` workflow per document (not
 * children: each reports its end by signal), keeps as many in flight as Bedrock's job slots can use, aggregates
 * progress (counts, tokens, cost, ETA) and writes the corpus summary. It continues as new whenever its history
 * grows, without waiting for anything: the documents in flight report to the next run. Its workflow id carries the
 * batch id a user keeps.
 */
/** Patch: a run starts the documents its window has room for before it continues as new. */
const START_BEFORE_HANDOVER = 'corpus-starts-before-handover';

export async function analyzeCorpus(input: AnalyzeCorpusInput): Promise<CorpusOutcome> {
  const { batchId, settings } = input;
  const info = workflowInfo();
  const now = () => new Date(Date.now()).toISOString();
  const costs: CostTotals = input.resume?.costs ?? {
    tokens: { input: 0, output: 0 },
    costUsd: 0,
    onDemandUsd: 0,
    batchChunks: 0,
    onDemandChunks: 0,
    onDemandReasons: {},
  };
  const progress: CorpusProgress = {
    batchId,
    stage: 'listing',
    counts: input.resume?.counts ?? { total: 0, started: 0, completed: 0, failed: 0, cancelled: 0, running: 0 },
    tokens: costs.tokens,
    costUsd: costs.costUsd,
    costs,
    startedAt: input.resume?.startedAt ?? now(),
    updatedAt: now(),
    failureReasons: input.resume?.failureReasons ?? {},
  };
  let signals = 0;
  let chunks = input.resume?.chunks ?? 0;
  /** Manifest entries counted; unknown until the manifest is (a retried batch's old documents may report early). */
  let finished = input.resume ? new BitSet(input.resume.manifestCount, input.resume.finished) : undefined;
  const early: DocumentFinishedMessage[] = [];
  const runStartedMs = Date.parse(progress.startedAt);

  const record = (message: DocumentFinishedMessage) => {
    if (!finished) {
      early.push(message); // Before the manifest is counted (a document another corpus already runs).
      return;
    }
    if (!finished.add(message.index)) return;
    const c = progress.counts;
    if (message.status === 'completed') c.completed++;
    else if (message.status === 'cancelled') c.cancelled++;
    else {
      c.failed++;
      const reason = shortReason(message.failureReason ?? 'unknown');
      progress.failureReasons[reason] = (progress.failureReasons[reason] ?? 0) + 1;
    }
    chunks += message.chunks;
    costs.tokens.input += message.tokens.input;
    costs.tokens.output += message.tokens.output;
    costs.costUsd += message.costUsd;
    costs.onDemandUsd += message.onDemandUsd;
    costs.batchChunks += message.batchChunks;
    costs.onDemandChunks += message.onDemandChunks;
    for (const [reason, n] of Object.entries(message.onDemandReasons)) {
      costs.onDemandReasons[reason] = (costs.onDemandReasons[reason] ?? 0) + n;
    }
    progress.costUsd = costs.costUsd;
    updateProgress();
  };

  const updateProgress = () => {
    const c = progress.counts;
    const done = c.completed + c.failed + c.cancelled;
    c.running = Math.max(0, c.started - done);
    progress.updatedAt = now();
    const elapsed = (Date.now() - runStartedMs) / 1000;
    progress.etaSeconds = done > 0 && c.total > done ? Math.round((elapsed / done) * (c.total - done)) : undefined;
    setCurrentDetails(
      `**${progress.stage}** · ${done}/${c.total} documents (${c.completed} completed, ${c.failed} failed, ` +
        `${c.cancelled} cancelled, ${c.running} running) · ${costs.tokens.input + costs.tokens.output} tokens · ` +
        `$${costs.costUsd.toFixed(4)} (on-demand $${costs.onDemandUsd.toFixed(4)}) · ` +
        `${costs.batchChunks} chunks via batch, ${costs.onDemandChunks} on-demand` +
        `${progress.etaSeconds !== undefined ? ` · ETA ${progress.etaSeconds} s` : ''}`,
    );
  };

  setHandler(corpusProgressQuery, () => progress);
  setHandler(documentFinishedSignal, (message) => {
    signals++;
    record(message);
  });
  const setStage = (stage: CorpusProgress['stage']) => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: StageAttribute, value: stage }]);
  };

  let resume: CorpusResumeState;
  if (input.resume) {
    resume = input.resume;
  } else {
    upsertSearchAttributes([
      { key: BatchIdAttribute, value: batchId },
      { key: ModelAttribute, value: settings.modelId },
      { key: TaskAttribute, value: settings.taskId },
      { key: PriorityAttribute, value: input.priority },
    ]);
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
      costs,
      chunks: 0,
      startedAt: progress.startedAt,
      failureReasons: progress.failureReasons,
      finished: '',
    };
    setStage('running');
  }
  if (!finished) finished = new BitSet(resume.manifestCount, resume.finished);
  for (const message of early.splice(0)) record(message);
  progress.stage = 'running';
  updateProgress();

  /** Documents in flight at most: what Bedrock's job slots can take, within the configured window. */
  const inFlightLimit = () => {
    const perDocument = finished && finished.cardinality > 0 ? Math.max(1, chunks / finished.cardinality) : 1;
    const bySlots = Math.ceil(
      (settings.collector.maxConcurrentJobs * settings.collector.maxRecordsPerJob) / perDocument,
    );
    return Math.max(1, Math.min(input.window, bySlots));
  };
  const inFlight = () => progress.counts.started - (finished?.cardinality ?? 0);
  const allDone = () => (finished?.cardinality ?? 0) >= resume.manifestCount;
  const canStart = () => resume.nextOffset < resume.manifestCount && inFlight() < inFlightLimit();
  const mustContinueAsNew = () => {
    const i = workflowInfo();
    return i.continueAsNewSuggested || i.historyLength + signals > settings.collector.continueAsNewAfterEvents;
  };

  try {
    while (!allDone()) {
      if (canStart()) {
        const room = Math.min(inFlightLimit() - inFlight(), resume.manifestCount - resume.nextOffset);
        const limit = Math.min(START_PAGE, room);
        const offset = resume.nextOffset;
        // Everything about to start goes to the collector at once, not page by page: it sizes jobs for all of it.
        const until = offset + room;
        const announce = Math.max(0, until - (resume.announced ?? 0));
        resume.announced = Math.max(resume.announced ?? 0, until);
        const started = await pipeline.startCorpusDocuments({
          batchId,
          corpusWorkflowId: info.workflowId,
          offset,
          limit,
          announce,
          priority: input.priority,
          settings,
        });
        resume.nextOffset = offset + limit;
        progress.counts.started += limit;
        for (const message of started.finished) record(message);
        updateProgress();
      } else {
        await condition(() => allDone() || canStart() || mustContinueAsNew());
      }
      // Documents that may start go first (a run never hands over with room in its window), then the next run.
      if (mustContinueAsNew() && !allDone() && !(canStart() && patched(START_BEFORE_HANDOVER))) {
        // Handlers run to completion first so no signal is lost between runs; documents in flight report to the next.
        await condition(allHandlersFinished);
        await continueAsNew<typeof analyzeCorpus>({
          ...input,
          resume: {
            ...resume,
            counts: progress.counts,
            costs,
            chunks,
            failureReasons: progress.failureReasons,
            finished: finished.toHex(),
          },
        });
      }
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        await pipeline.cancelCorpusDocuments({ batchId, count: resume.nextOffset });
        setStage('cancelled');
      });
    }
    throw err;
  }

  setStage('summarizing');
  updateProgress();
  const summary = await pipeline.writeCorpusSummary({
    batchId,
    counts: progress.counts,
    tokens: costs.tokens,
    costUsd: costs.costUsd,
    costs,
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
    tokens: costs.tokens,
    costUsd: costs.costUsd,
    costs,
    summaryUri: summary.summaryUri,
    csvUri: summary.csvUri,
    reportUri: summary.reportUri,
  };
}

/** Groups failure reasons for the dead-letter view: the text before the first detail. */
function shortReason(reason: string): string {
  return reason.split(/[:;(]/)[0]?.trim().slice(0, 120) || 'unknown';
}
