import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import type { DocflowClient } from '../client';
import { CliError, ExitCode } from './context';

/** A document or batch named on the command line, resolved to its workflow. */
export interface Target {
  kind: 'document' | 'batch';
  /** The id as the user gave it (a doc id, batch id or workflow id). */
  id: string;
  workflowId: string;
  /** Execution status name of its latest run (`RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, ...). */
  status: string;
}

/**
 * Resolves a batch id, a document id or either's workflow id. A batch wins when both could match,
 * as the client's retry decides. Unknown ids end the command with exit code 4.
 */
export async function findTarget(docflow: DocflowClient, id: string): Promise<Target> {
  const corpus = await describe(docflow.corpusHandle(id));
  if (corpus) return { kind: 'batch', id, workflowId: corpus.workflowId, status: corpus.status.name };
  const document = await describe(docflow.documentHandle(id));
  if (document) return { kind: 'document', id, workflowId: document.workflowId, status: document.status.name };
  throw new CliError(`no document or batch "${id}" (docflow list shows what exists)`, ExitCode.notFound);
}

/** Like `findTarget`, but only a batch will do. */
export async function findBatch(docflow: DocflowClient, batchId: string): Promise<Target> {
  const corpus = await describe(docflow.corpusHandle(batchId));
  if (!corpus)
    throw new CliError(`no batch "${batchId}" (docflow list --type corpus shows batches)`, ExitCode.notFound);
  return { kind: 'batch', id: batchId, workflowId: corpus.workflowId, status: corpus.status.name };
}

async function describe(handle: WorkflowHandle): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
