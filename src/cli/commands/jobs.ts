import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Command } from 'commander';
import { jobProgressQuery } from '../../shared/messages';
import type { BatchJobProgress } from '../../shared/types';
import { connectClient, loadCliConfig, output } from '../context';
import { renderTable } from '../table';
import { positiveInteger, statusName, statusOption, usageErrorsExit2, WORKFLOW_STATUSES } from '../options';

/** How long one job's progress query may take: a job whose workers are gone would otherwise hang the listing. */
const QUERY_DEADLINE_MS = 5_000;

interface JobsFlags {
  status?: keyof typeof WORKFLOW_STATUSES;
  limit: number;
}

export interface JobRow {
  jobName?: string;
  jobArn?: string;
  /** The Bedrock job status (or the workflow's phase before and after it: Preparing, Collecting, Done). */
  status: string;
  /** Bedrock's message about the last attempt (a failure reason). */
  message?: string;
  attempt?: number;
  records?: number;
  processed?: number;
  failed?: number;
  total?: number;
  /** Documents whose records the job carries. */
  documents?: number;
  workflowId: string;
  workflowStatus: string;
  /** False when no worker answered the job's progress query in time: only the workflow status is known. */
  progressAvailable: boolean;
}

/** `docflow jobs`: the Bedrock batch jobs of this deployment's task queue, with their record counters. */
export function registerJobsCommand(program: Command): void {
  program
    .command('jobs')
    .description(
      'List the Bedrock batch jobs docflow ran or runs on the configured task queue: status, attempt, ' +
        'record counters, documents served.',
    )
    .addOption(statusOption('only jobs whose workflow is in this state (the Bedrock status shows in the table)'))
    .option('--limit <n>', 'at most this many jobs, newest first', positiveInteger, 50)
    .exitOverride(usageErrorsExit2)
    .action(async (flags: JobsFlags, command: Command) => {
      const { config } = loadCliConfig(command);
      const client = await connectClient(config);
      try {
        const workflows: WorkflowExecutionInfo[] = [];
        const clauses = [`WorkflowType = 'bedrockBatchJob'`, `TaskQueue = '${config.temporal.taskQueue}'`];
        if (flags.status) clauses.push(`ExecutionStatus = '${WORKFLOW_STATUSES[flags.status]}'`);
        for await (const wf of client.temporal.workflow.list({ query: clauses.join(' AND ') })) {
          workflows.push(wf);
          if (workflows.length >= flags.limit) break;
        }
        const rows = await Promise.all(workflows.map((wf) => jobRow(client.temporal, wf)));
        output(command, rows, renderJobs);
      } finally {
        await client.close();
      }
    });
}

async function jobRow(temporal: Client, wf: WorkflowExecutionInfo): Promise<JobRow> {
  const base = { workflowId: wf.workflowId, workflowStatus: statusName(wf.status.name) };
  let progress: BatchJobProgress;
  try {
    progress = await temporal.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      temporal.workflow.getHandle(wf.workflowId, wf.runId).query(jobProgressQuery),
    );
  } catch {
    return { ...base, status: 'unknown', progressAvailable: false };
  }
  const last = progress.attempts.at(-1);
  return {
    jobName: progress.jobName,
    jobArn: progress.jobArn,
    // Once the workflow is Done, the last attempt's Bedrock status says how the job ended.
    status: progress.status === 'Done' ? (last?.status ?? progress.status) : progress.status,
    message: last?.message,
    attempt: progress.attempt,
    records: progress.records,
    processed: progress.counters.processed,
    failed: progress.counters.failed,
    total: progress.counters.total,
    documents: progress.documents,
    ...base,
    progressAvailable: true,
  };
}

function renderJobs(rows: JobRow[]): string {
  if (rows.length === 0) return 'no Bedrock batch jobs';
  const table = renderTable(
    ['JOB NAME', 'STATUS', 'ATTEMPT', 'PROCESSED', 'FAILED', 'TOTAL', 'DOCUMENTS', 'WORKFLOW'],
    rows.map((r) => [
      r.jobName,
      r.status,
      r.attempt,
      r.processed,
      r.failed,
      r.total ?? r.records,
      r.documents,
      `${r.workflowId} (${r.workflowStatus})`,
    ]),
  );
  const unknown = rows.filter((r) => !r.progressAvailable).length;
  if (unknown === 0) return table;
  return `${table}\n\n${unknown} job(s) without progress: no worker answered their query (is \`docflow worker\` running?)`;
}
