import type { Command } from 'commander';
import type { DocflowClient } from '../../client';
import { connectClient, loadCliConfig, output } from '../context';
import { renderTable } from '../table';
import { positiveInteger, statusName, statusOption, usageErrorsExit2, WORKFLOW_STATUSES } from '../options';

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
        const jobs = await client.docflow.jobs({
          status: flags.status && WORKFLOW_STATUSES[flags.status],
          limit: flags.limit,
        });
        output(command, jobs.map(jobRow), renderJobs);
      } finally {
        await client.close();
      }
    });
}

function jobRow(job: Awaited<ReturnType<DocflowClient['jobs']>>[number]): JobRow {
  const base = { workflowId: job.workflowId, workflowStatus: statusName(job.workflowStatus) };
  const progress = job.progress;
  if (!progress) return { ...base, status: 'unknown', progressAvailable: false };
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
