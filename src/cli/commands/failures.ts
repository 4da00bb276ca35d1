import type { Command } from 'commander';
import { connectClient, loadCliConfig, output } from '../context';
import { findBatch } from '../find-target';
import { usageErrorsExit2 } from '../options';

export interface FailuresView {
  batchId: string;
  failed: number;
  cancelled: number;
  groups: { reason: string; count: number; documents: { docId: string; name: string; status: string }[] }[];
}

/** `docflow failures <batch>`: the dead-letter view of a batch, its failed and cancelled documents by reason. */
export function registerFailuresCommand(program: Command): void {
  program
    .command('failures')
    .description("Show a batch's failed and cancelled documents, grouped by reason (the dead-letter view).")
    .argument('<batch>', 'batch id')
    .exitOverride(usageErrorsExit2)
    .action(async (id: string, _flags: unknown, command: Command) => {
      const { config } = loadCliConfig(command);
      const client = await connectClient(config);
      try {
        const batch = await findBatch(client.docflow, id);
        const batchId = batch.workflowId.replace(/^docflow-corpus-/, '');
        const groups = (await client.docflow.failures(batchId)).map((g) => ({ ...g, count: g.documents.length }));
        const documents = groups.flatMap((g) => g.documents);
        const view: FailuresView = {
          batchId,
          failed: documents.filter((d) => d.status !== 'cancelled').length,
          cancelled: documents.filter((d) => d.status === 'cancelled').length,
          groups,
        };
        output(command, view, renderFailures);
      } finally {
        await client.close();
      }
    });
}

function renderFailures(view: FailuresView): string {
  if (view.groups.length === 0) return `batch ${view.batchId}: no failed or cancelled documents`;
  const lines = [`batch ${view.batchId}: ${view.failed} failed, ${view.cancelled} cancelled`];
  for (const group of view.groups) {
    lines.push('', `${group.reason}  (${group.count})`);
    for (const d of group.documents) lines.push(`  ${d.name}  ${d.status}  ${d.docId}`);
  }
  lines.push('', `docflow retry ${view.batchId} runs them again; completed documents are kept.`);
  return lines.join('\n');
}
