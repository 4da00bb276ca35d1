import type { Command } from 'commander';
import { Option } from 'commander';
import type { ListedWorkflow, ListFilter } from '../../client';
import { connectClient, globalOptions, loadCliConfig, output } from '../context';
import { positiveInteger, statusName, statusOption, usageErrorsExit2, WORKFLOW_STATUSES } from '../options';
import { renderTable } from '../table';

const WORKFLOW_TYPES = {
  document: 'analyzeDocument',
  corpus: 'analyzeCorpus',
  job: 'bedrockBatchJob',
  collector: 'batchCollector',
} as const satisfies Record<string, NonNullable<ListFilter['type']>>;

const TYPE_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(WORKFLOW_TYPES).map(([name, type]) => [type, name]),
);

interface ListFlags {
  status?: keyof typeof WORKFLOW_STATUSES;
  batch?: string;
  type?: keyof typeof WORKFLOW_TYPES;
  limit: number;
}

export interface ListRow {
  workflowId: string;
  type: string;
  status: string;
  stage?: string;
  batchId?: string;
  model?: string;
  startTime?: string;
  closeTime?: string;
}

/** `docflow list`: docflow's workflows from the visibility store, filtered by state, batch, model and type. */
export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description("List docflow's workflows (documents and batches by default). The global --model filters by model.")
    .addOption(statusOption())
    .option('--batch <id>', 'only workflows of this batch')
    .addOption(
      new Option('--type <type>', 'only workflows of this kind (default: documents and batches)').choices(
        Object.keys(WORKFLOW_TYPES),
      ),
    )
    .option('--limit <n>', 'at most this many rows', positiveInteger, 100)
    .exitOverride(usageErrorsExit2)
    .action(async (flags: ListFlags, command: Command) => {
      const { config } = loadCliConfig(command);
      const client = await connectClient(config);
      try {
        const workflows = await client.docflow.list({
          status: flags.status ? WORKFLOW_STATUSES[flags.status] : undefined,
          batchId: flags.batch,
          // Only an explicit --model filters: the configured default model would hide everything else.
          model: globalOptions(command).model,
          type: flags.type ? WORKFLOW_TYPES[flags.type] : undefined,
          limit: flags.limit,
        });
        output(command, workflows.map(toRow), renderList);
      } finally {
        await client.close();
      }
    });
}

function toRow(wf: ListedWorkflow): ListRow {
  return {
    workflowId: wf.workflowId,
    type: TYPE_NAMES[wf.type] ?? wf.type,
    status: statusName(wf.status),
    stage: wf.stage,
    batchId: wf.batchId,
    model: wf.model,
    startTime: wf.startTime?.toISOString(),
    closeTime: wf.closeTime?.toISOString(),
  };
}

function renderList(rows: ListRow[]): string {
  if (rows.length === 0) return 'no matching workflows';
  return renderTable(
    ['WORKFLOW ID', 'TYPE', 'STATUS', 'STAGE', 'BATCH', 'STARTED'],
    rows.map((r) => [r.workflowId, r.type, r.status, r.stage, r.batchId, r.startTime?.slice(0, 19).replace('T', ' ')]),
  );
}
