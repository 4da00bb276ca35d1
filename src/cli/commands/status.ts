import { WorkflowNotFoundError } from '@temporalio/client';
import type { Command } from 'commander';
import type { DocflowClient } from '../../client';
import { toCorpusWorkflowId, toDocumentWorkflowId } from '../../client';
import { openSession } from '../../embedded/session';
import { storeKeys } from '../../shared/ids';
import type { CorpusOutcome, CorpusProgress, DocumentOutcome, DocumentProgress } from '../../shared/types';
import { isNotFound } from '../../store';
import { CliError, ExitCode, loadCliConfig, output } from '../context';
import { renderProgress, renderStatusLine } from '../progress';

/** A document or a batch, as `status`, `watch` and `result` see it. */
export interface Target {
  kind: 'corpus' | 'document';
  /** The batch id or document id. */
  id: string;
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, ... */
  status: string;
  /** Live progress (running workflows). */
  progress?: CorpusProgress | DocumentProgress;
  /** The final outcome (closed workflows). */
  outcome?: CorpusOutcome | DocumentOutcome;
  /** Why the workflow itself failed, when it did. */
  failure?: string;
  /** The exit code this state maps to: 0, or documentsFailed when documents failed or were cancelled. */
  exitCode: number;
}

/** The Temporal status of a workflow, or undefined when it does not exist. */
export async function statusOf(docflow: DocflowClient, workflowId: string): Promise<string | undefined> {
  try {
    return (await docflow.temporal.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Finds what an id names (a batch first, then a document; workflow ids are recognised by their prefix) and reads
 * its state: progress by query while it runs, the stored outcome once it ended (no worker needed for that).
 */
export async function describeTarget(docflow: DocflowClient, id: string): Promise<Target> {
  const candidates: { kind: Target['kind']; workflowId: string }[] = id.startsWith('docflow-doc-')
    ? [{ kind: 'document', workflowId: id }]
    : id.startsWith('docflow-corpus-')
      ? [{ kind: 'corpus', workflowId: id }]
      : [
          { kind: 'corpus', workflowId: toCorpusWorkflowId(id) },
          { kind: 'document', workflowId: toDocumentWorkflowId(id) },
        ];
  for (const { kind, workflowId } of candidates) {
    const status = await statusOf(docflow, workflowId);
    if (status === undefined) continue;
    const targetId = workflowId.replace(kind === 'corpus' ? /^docflow-corpus-/ : /^docflow-doc-/, '');
    const target: Target = { kind, id: targetId, workflowId, status, exitCode: ExitCode.ok };
    if (status === 'RUNNING') {
      target.progress =
        kind === 'corpus' ? await docflow.corpusProgress(targetId) : await docflow.documentProgress(workflowId);
    } else if (kind === 'corpus') {
      await readCorpusOutcome(docflow, target);
    } else {
      target.outcome = await readStoredJson<DocumentOutcome>(docflow, storeKeys.documentOutcome(targetId));
      if (target.outcome?.status !== 'completed' || status !== 'COMPLETED') target.exitCode = ExitCode.documentsFailed;
    }
    return target;
  }
  throw new CliError(`no batch or document "${id}"`, ExitCode.notFound);
}

async function readCorpusOutcome(docflow: DocflowClient, target: Target): Promise<void> {
  try {
    const outcome = await docflow.awaitCorpus(target.id);
    target.outcome = outcome;
    if (outcome.counts.failed + outcome.counts.cancelled > 0) target.exitCode = ExitCode.documentsFailed;
  } catch (err) {
    target.failure = (err as Error).message;
    target.exitCode = target.status === 'CANCELLED' ? ExitCode.documentsFailed : ExitCode.error;
  }
}

async function readStoredJson<T>(docflow: DocflowClient, key: string): Promise<T | undefined> {
  try {
    return JSON.parse(await docflow.store.getText(`${docflow.config.store.uri.replace(/\/+$/, '')}/${key}`)) as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Plain text for a target: the progress block while running, the outcome once ended. */
export function renderTarget(target: Target): string {
  const head = `${target.kind === 'corpus' ? 'batch' : 'document'} ${target.id} (${target.workflowId}): ${target.status.toLowerCase()}`;
  const lines = [head];
  if (target.progress) {
    const state =
      target.kind === 'corpus'
        ? { corpus: target.progress as CorpusProgress, documents: [] }
        : { documents: [target.progress as DocumentProgress] };
    lines.push(renderStatusLine(state, { now: Date.now() }));
    lines.push(renderProgress(state, { width: 100, tty: false, color: false, now: Date.now() }));
  }
  if (target.outcome && target.kind === 'corpus') {
    const o = target.outcome as CorpusOutcome;
    lines.push(
      `  ${o.counts.completed} completed, ${o.counts.failed} failed, ${o.counts.cancelled} cancelled of ${o.counts.total} documents`,
      `  tokens ${o.tokens.input} in / ${o.tokens.output} out, $${o.costUsd.toFixed(4)}`,
      `  summary ${o.summaryUri}`,
    );
  } else if (target.outcome) {
    const o = target.outcome as DocumentOutcome;
    lines.push(
      `  ${o.name}: ${o.status}${o.failureReason ? ` (${o.failureReason})` : ''}, ${o.chunks} chunks`,
      `  tokens ${o.tokens.input} in / ${o.tokens.output} out, $${o.costUsd.toFixed(4)}`,
    );
    if (o.resultUri) lines.push(`  result ${o.resultUri}`);
  }
  if (target.failure) lines.push(`  failed: ${target.failure}`);
  return lines.join('\n');
}

/** `docflow status <id>`: where a document or batch stands. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Show the progress or outcome of a document or batch.')
    .argument('<id>', 'batch id, document id, or workflow id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const session = await openSession(loadCliConfig(command), {
        role: 'client',
        log: (m) => process.stderr.write(`${m}\n`),
      });
      try {
        const target = await describeTarget(session.docflow, id);
        output(command, target, renderTarget);
        process.exitCode = target.exitCode;
      } finally {
        await session.close();
      }
    });
}
