import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { getTask } from '../core/tasks';
import { storeKeys } from '../shared/ids';
import type { RecordResult } from '../shared/chunk-results';
import { uriOf } from './context';
import type { ActivityContext } from './context';
import { modelInputFor, readChunkResponse } from './documents';
import type { StoredChunkResult } from './documents';
import type { ChunkReader } from './chunk-reader';

/**
 * Activities that call Bedrock. They run on their own task queue, whose queue-wide rate limit keeps all
 * workers together within the account's quota.
 */
export function createBedrockActivities(ctx: ActivityContext, chunkReader: ChunkReader) {
  return {
    /** CreateModelInvocationJob with a deterministic client request token: a retry returns the same job. */
    async createBatchJob(input: {
      jobName: string;
      clientRequestToken: string;
      modelId: string;
      inputUri: string;
      outputKey: string;
      timeoutHours: number;
    }) {
      const outputUri = uriOf(ctx, input.outputKey);
      const out = await ctx.bedrock.send(
        new CreateModelInvocationJobCommand({
          jobName: input.jobName,
          clientRequestToken: input.clientRequestToken,
          roleArn: ctx.roleArn,
          modelId: input.modelId,
          inputDataConfig: { s3InputDataConfig: { s3Uri: input.inputUri, s3InputFormat: 'JSONL' } },
          outputDataConfig: { s3OutputDataConfig: { s3Uri: outputUri } },
          timeoutDurationInHours: input.timeoutHours,
          tags: [{ key: 'docflow', value: 'batch' }],
        }),
      );
      if (!out.jobArn) throw new Error('CreateModelInvocationJob returned no jobArn');
      return { jobArn: out.jobArn, outputUri };
    },

    async getBatchJob(input: { jobArn: string }) {
      const job = await ctx.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: input.jobArn }));
      const counters = job as {
        totalRecordCount?: number;
        processedRecordCount?: number;
        successRecordCount?: number;
        errorRecordCount?: number;
      };
      return {
        status: job.status ?? 'Submitted',
        // Bedrock's failure message describes the job (validation, quota, access), not the records' content.
        message: job.message?.slice(0, 500),
        counters: {
          total: counters.totalRecordCount,
          processed: counters.processedRecordCount,
          succeeded: counters.successRecordCount,
          failed: counters.errorRecordCount,
        },
      };
    },

    /** Stops a job; a job that already ended (ValidationException or ConflictException) or is unknown is left as it is. */
    async stopBatchJob(input: { jobArn: string }) {
      try {
        await ctx.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: input.jobArn }));
        return { stopped: true };
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'ValidationException' || name === 'ConflictException' || name === 'ResourceNotFoundException')
          return { stopped: false };
        throw err;
      }
    },

    /** One chunk through bedrock-runtime InvokeModel; the validated result goes to the store. */
    async invokeChunk(input: {
      docId: string;
      chunkIndex: number;
      attempt: number;
      taskId: string;
      modelId: string;
    }): Promise<RecordResult> {
      const chunks = await chunkReader.read(input.docId);
      const chunk = chunks[input.chunkIndex];
      const none = { tokens: { input: 0, output: 0 }, costUsd: 0, onDemandUsd: 0 };
      if (!chunk) {
        const reason = `chunk ${input.chunkIndex} does not exist`;
        return { chunkIndex: input.chunkIndex, ok: false, reason, retryable: false, ...none };
      }
      const task = getTask(input.taskId);
      const response = await ctx.runtime.send(
        new InvokeModelCommand({
          modelId: input.modelId,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify(modelInputFor(task, input.modelId, chunk, chunks.length)),
        }),
      );
      const body: unknown = JSON.parse(new TextDecoder().decode(response.body));
      const read = readChunkResponse(task, input.modelId, body, 'on-demand');
      const priced = { tokens: read.tokens, costUsd: read.costUsd, onDemandUsd: read.onDemandUsd };
      if (!read.ok) return { chunkIndex: input.chunkIndex, ok: false, reason: read.reason, ...priced };
      const result: StoredChunkResult = {
        docId: input.docId,
        chunkIndex: input.chunkIndex,
        attempt: input.attempt,
        via: 'on-demand',
        repaired: read.repaired,
        tokens: read.tokens,
        output: read.value,
      };
      await ctx.store.put(uriOf(ctx, storeKeys.chunkResult(input.docId, input.chunkIndex)), JSON.stringify(result), {
        contentType: 'application/json',
      });
      return { chunkIndex: input.chunkIndex, ok: true, ...priced };
    },
  };
}

export type BedrockActivities = ReturnType<typeof createBedrockActivities>;
