import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { enqueueRecordsSignal } from '../shared/messages';
import type { CollectorSettings, CollectorState, DocumentOutcome, RecordGroup } from '../shared/types';
import type { ActivityContext } from './context';

export function createCollectorActivities(ctx: ActivityContext) {
  return {
    /**
     * Hands a document's records to the model's collector, starting the collector if none runs
     * (signal-with-start). A repeated delivery is harmless: the collector ignores group ids it has seen.
     */
    async submitToCollector(input: {
      collectorWorkflowId: string;
      taskQueue: string;
      modelId: string;
      settings: CollectorSettings;
      group: RecordGroup;
    }) {
      const initial: CollectorState = {
        modelId: input.modelId,
        settings: input.settings,
        paused: false,
        pending: [],
        activeJobs: [],
        nextSequence: 0,
        seenGroupIds: [],
        stats: { jobsStarted: 0, recordsBatched: 0, recordsSentOnDemand: 0 },
      };
      await ctx.temporal.workflow.signalWithStart('batchCollector', {
        workflowId: input.collectorWorkflowId,
        taskQueue: input.taskQueue,
        args: [initial],
        signal: enqueueRecordsSignal,
        signalArgs: [input.group],
        staticSummary: `Batch collector for ${input.modelId}`,
      });
    },

    /**
     * Waits for a document workflow started elsewhere (another corpus, another client) and returns its outcome,
     * heartbeating while it runs so a lost worker is noticed.
     */
    async awaitDocument(input: { workflowId: string }): Promise<DocumentOutcome> {
      const handle = ctx.temporal.workflow.getHandle(input.workflowId);
      for (;;) {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') break;
        Context.current().heartbeat(description.status.name);
        await sleep(2_000);
      }
      try {
        return (await handle.result()) as DocumentOutcome;
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        // The document's own verdict is final: no retry of this activity changes it.
        const cancelled = err.cause?.name === 'CancelledFailure';
        throw ApplicationFailure.create({
          message: err.cause?.message ?? err.message,
          type: cancelled ? 'DocumentCancelled' : 'DocumentFailed',
          nonRetryable: true,
        });
      }
    },
  };
}

export type CollectorActivities = ReturnType<typeof createCollectorActivities>;
