import type { Command } from 'commander';
import { connectClient, loadCliConfig, output } from '../context';
import { renderTable } from '../table';
import { positiveInteger, statusName, statusOption, WORKFLOW_STATUSES } from './list';

interface JobsFlags {
  status?: keyof typeof WORKFLOW_STATUSES;
  limit: number;
}

export interface JobRow {
  jobName?: string;
  jobArn?: string;
  /** The Bedrock job status (or the workflow's own phase before the job exists: Preparing, Collecting, Done). */
  status: string;
  attempt: number;
  records: number;
  processed?: number;
  failed?: number;
  total?: number;
  documents: number;
  workflowId: string;
  workflowStatus: string;
}

/** `docflow jobs`: the Bedrock batch jobs docflow ran or runs, with their record counters. */
export function registerJobsCommand(program: Command): void {
  program
    .command('jobs')
    .description('List the Bedrock batch jobs docflow ran or runs: status, attempt, record counters, documents served.')
    .addOption(statusOption('only jobs whose workflow is in this state (the Bedrock status shows in the table)'))
    .option('--limit <n>', 'at most this many jobs', positiveInteger, 50)
    .action(async (flags: JobsFlags, command: Command) => {
      const { config } = loadCliConfig(command);
      const client = await connectClient(config);
      try {
        const jobs = await client.docflow.jobs({
          status: flags.status ? WORKFLOW_STATUSES[flags.status] : undefined,
          limit: flags.limit,
        });
        const rows: JobRow[] = jobs.map((job) => ({
          jobName: job.jobName,
          jobArn: job.jobArn,
          status: job.status,
          attempt: job.attempt,
          records: job.records,
          processed: job.counters.processed,
          failed: job.counters.failed,
          total: job.counters.total,
          documents: job.documents,
          workflowId: job.workflowId,
          workflowStatus: statusName(job.workflowStatus),
        }));
        output(command, rows, renderJobs);
      } finally {
        await client.close();
      }
    });
}

function renderJobs(rows: JobRow[]): string {
  if (rows.length === 0) return 'no Bedrock batch jobs';
  return renderTable(
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
}
