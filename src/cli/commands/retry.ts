import type { Command } from 'commander';
import { CliError, connectClient, ExitCode, loadCliConfig, output } from '../context';
import { findTarget } from '../find-target';
import { usageErrorsExit2 } from '../options';

export interface RetryOutcome {
  kind: 'document' | 'batch';
  id: string;
  workflowId: string;
  /** For a batch: the failed and cancelled documents that run again (completed ones keep their results). */
  documents?: { docId: string; name: string; status: string }[];
}

/** `docflow retry <id>`: runs a failed or cancelled document again, or the failed documents of a batch. */
export function registerRetryCommand(program: Command): void {
  program
    .command('retry')
    .description(
      'Run a failed or cancelled document again, or the failed and cancelled documents of a batch ' +
        '(completed documents are never analysed or paid for again).',
    )
    .argument('<id>', 'document id, batch id, or workflow id')
    .exitOverride(usageErrorsExit2)
    .action(async (id: string, _flags: unknown, command: Command) => {
      const { config } = loadCliConfig(command);
      const client = await connectClient(config);
      try {
        const target = await findTarget(client.docflow, id);
        if (target.status === 'RUNNING') {
          throw new CliError(`${target.kind} ${id} is still running: nothing to retry`, ExitCode.usage);
        }
        let documents: RetryOutcome['documents'];
        if (target.kind === 'batch') {
          const batchId = target.workflowId.replace(/^docflow-corpus-/, '');
          documents = (await client.docflow.failures(batchId)).flatMap((group) => group.documents);
          if (documents.length === 0 && target.status === 'COMPLETED') {
            throw new CliError(
              `batch ${id} completed with no failed or cancelled documents: nothing to retry`,
              ExitCode.usage,
            );
          }
        } else if (target.status === 'COMPLETED') {
          throw new CliError(
            `document ${id} completed: its result is kept and is not analysed (or paid for) again`,
            ExitCode.usage,
          );
        }
        await client.docflow.retry(id);
        const outcome: RetryOutcome = { kind: target.kind, id, workflowId: target.workflowId, documents };
        output(command, outcome, renderRetry);
      } finally {
        await client.close();
      }
    });
}

function renderRetry(outcome: RetryOutcome): string {
  if (outcome.kind === 'document') return `restarted document ${outcome.id} (workflow ${outcome.workflowId})`;
  const documents = outcome.documents ?? [];
  const lines = [
    `restarted batch ${outcome.id} (workflow ${outcome.workflowId}): ` +
      `${documents.length} failed or cancelled document${documents.length === 1 ? '' : 's'} run again, ` +
      'completed documents keep their results',
    ...documents.map((d) => `  ${d.name}  (was ${d.status}, ${d.docId})`),
  ];
  return lines.join('\n');
}
