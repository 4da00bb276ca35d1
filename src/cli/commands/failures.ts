import type { Command } from 'commander';
import type { DocflowClient } from '../../client';
import { connectClient, loadCliConfig, output } from '../context';
import { findBatch } from '../find-target';
import { statusName, usageErrorsExit2 } from '../options';

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
        const groups = await currentFailures(client.docflow, batchId);
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

/**
 * The batch's documents whose latest run failed or was cancelled, each once, grouped by reason. The visibility
 * store lists every run, so a document retried since would otherwise still show its old failure.
 */
export async function currentFailures(docflow: DocflowClient, batchId: string): Promise<FailuresView['groups']> {
  const latest = new Map<string, Promise<string>>();
  const latestStatus = (docId: string) => {
    let status = latest.get(docId);
    if (!status) {
      status = docflow
        .documentHandle(docId)
        .describe()
        .then((d) => statusName(d.status.name));
      latest.set(docId, status);
    }
    return status;
  };
  const seen = new Set<string>();
  const groups: FailuresView['groups'] = [];
  for (const group of await docflow.failures(batchId)) {
    const documents: FailuresView['groups'][number]['documents'] = [];
    for (const d of group.documents) {
      const status = statusName(d.status);
      if (seen.has(d.docId) || (await latestStatus(d.docId)) !== status) continue;
      seen.add(d.docId);
      documents.push({ ...d, status });
    }
    if (documents.length > 0) groups.push({ reason: group.reason, count: documents.length, documents });
  }
  return groups.sort((a, b) => b.count - a.count);
}
