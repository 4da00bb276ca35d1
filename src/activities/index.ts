import { createBatchJobActivities } from './batch-jobs';
import { createBedrockActivities } from './bedrock';
import { createChunkReader } from './chunk-reader';
import type { ActivityContext } from './context';
import { createCorpusActivities } from './corpus';
import { createDocumentActivities } from './documents';
import { withFailureMapping } from './failure';
import { createRecordQueueActivities } from './record-queue';

export type { ActivityContext } from './context';

/**
 * docflow's activities in two groups: the pipeline's (store, extraction, merge, the record queue, Temporal
 * hand-offs) on the main task queue, and the Bedrock-facing ones on their own rate-limited queue.
 */
export function createActivities(ctx: ActivityContext) {
  const chunkReader = createChunkReader(ctx);
  const pipeline = {
    ...createDocumentActivities(ctx, chunkReader),
    ...createBatchJobActivities(ctx),
    ...createRecordQueueActivities(ctx),
    ...createCorpusActivities(ctx),
  };
  const bedrock = createBedrockActivities(ctx, chunkReader);
  return { pipeline: withFailureMapping(pipeline), bedrock: withFailureMapping(bedrock) };
}

export type PipelineActivities = ReturnType<typeof createActivities>['pipeline'];
export type BedrockActivities = ReturnType<typeof createActivities>['bedrock'];
