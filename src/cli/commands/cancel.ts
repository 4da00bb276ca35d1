import type { Command } from 'commander';
import { CliError, connectClient, ExitCode, loadCliConfig, output } from '../context';
import { findTarget } from '../find-target';
import { statusName, usageErrorsExit2 } from '../options';

export interface CancelOutcome {
  kind: 'document' | 'batch';
  id: string;
  workflowId: string;
  /** For a batch: its documents still running when the cancellation was requested. */
  runningDocuments?: number;
}

/** `docflow cancel <id>`: cancels one document, or a whole batch with its running documents. */
export function registerCancelCommand(program: Command): void {
  program
    .command('cancel')
    .description('Cancel a document (doc id or workflow id) or a batch (batch id) and its running documents.')
    .argument('<id>', 'document id, batch id, or workflow id')
    .exitOverride(usageErrorsExit2)
    .action(async (id: string, _flags: unknown, command: Command) => {
      const { config } = loadCliConfig(command);
      const client = await connectClient(config);
      try {
        const target = await findTarget(client.docflow, id);
        if (target.status !== 'RUNNING') {
          throw new CliError(
            `${target.kind} ${id} is already ${statusName(target.status)}: nothing to cancel`,
            ExitCode.usage,
          );
        }
        let runningDocuments: number | undefined;
        if (target.kind === 'batch') {
          const batchId = target.workflowId.replace(/^docflow-corpus-/, '');
          runningDocuments = (await client.docflow.list({ batchId, status: 'Running', type: 'analyzeDocument' }))
            .length;
          await client.docflow.cancelCorpus(id);
        } else {
          await client.docflow.cancelDocument(id);
        }
        const outcome: CancelOutcome = { kind: target.kind, id, workflowId: target.workflowId, runningDocuments };
        output(command, outcome, renderCancel);
      } finally {
        await client.close();
      }
    });
}

function renderCancel(outcome: CancelOutcome): string {
  if (outcome.kind === 'document') {
    return `cancelled document ${outcome.id} (workflow ${outcome.workflowId}); it stops at its next step`;
  }
  const n = outcome.runningDocuments ?? 0;
  return (
    `cancelled batch ${outcome.id} (workflow ${outcome.workflowId}) and its ${n} running document${n === 1 ? '' : 's'}; ` +
    'completed documents keep their results'
  );
}
