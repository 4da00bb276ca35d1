import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { pipelineSettings } from '../../config/load';
import { registerUserTaskFile } from '../../config/user-tasks';
import { documentId } from '../../core/doc-id';
import { getTask } from '../../core/tasks';
import { openSession } from '../../embedded/session';
import type { Session } from '../../embedded/session';
import type { CorpusOutcome, DocumentSource, Priority } from '../../shared/types';
import { CliError, ExitCode, globalOptions, loadCliConfig } from '../context';
import { ResultExporter } from '../export';
import type { ExportedBatch } from '../export';
import { batchIdForDocuments, batchIdForPrefix, resolveInputs } from '../inputs';
import { statusOf } from './status';
import { followProgress, interrupted, progressPrinter } from './watch';

interface AnalyzeFlags {
  batch?: string;
  priority?: Priority;
  mode?: 'batch' | 'on-demand';
  wait: boolean;
  out?: string;
  window?: number;
}

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

/** `docflow analyze <inputs...>`: analyses files, folders, globs or an S3 prefix as one batch. */
export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('Analyse documents as one batch, show live progress and export the results.')
    .argument('<inputs...>', 'files, folders (recursive), glob patterns, or one s3:// prefix')
    .option('--batch <id>', 'batch id (default: derived from the documents, so a rerun resumes the same batch)')
    .addOption(new Option('--priority <priority>', 'document priority').choices(['high', 'normal', 'low']))
    .addOption(new Option('--mode <mode>', 'batch inference, or on-demand calls only').choices(['batch', 'on-demand']))
    .option('--wait', 'wait for the batch to finish and export its results (default)', true)
    .option('--no-wait', 'print the batch id and return (needs TEMPORAL_ADDRESS or a running `docflow dev`)')
    .option('--out <dir>', 'where to export results (default: ./docflow-results/<batch id>)')
    .option('--window <n>', 'most documents in flight (records in flight follow the batch quotas)', positiveInteger)
    .action(async (inputs: string[], flags: AnalyzeFlags, command: Command) => {
      process.exitCode = await analyze(inputs, flags, command);
    });
}

async function analyze(inputs: string[], flags: AnalyzeFlags, command: Command): Promise<number> {
  const json = globalOptions(command).json === true;
  // With --json, stdout carries one JSON document: everything else goes to stderr.
  const say = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);
  const loaded = loadCliConfig(command, { 'pipeline.mode': flags.mode, 'pipeline.priority': flags.priority });
  const resolved = await resolveInputs(inputs);
  for (const file of loaded.config.pipeline.taskFiles) await registerUserTaskFile(file);

  const session = await openSession(loaded, { role: 'analyze', log: (m) => process.stderr.write(`${m}\n`) });
  const stop = interrupted();
  try {
    const { docflow, config } = session;
    const settings = pipelineSettings(config);
    const task = getTask(settings.taskId);

    // Local files go into the store first (once per content): workers anywhere can read them, and their content
    // hashes give the document ids the default batch id derives from.
    let uris: DocumentSource[] | undefined;
    let batchId = flags.batch;
    if (resolved.kind === 'files') {
      uris = [];
      const docIds: string[] = [];
      for (const file of resolved.files) {
        const { source, sha256 } = await docflow.uploadFile(file);
        uris.push(source);
        docIds.push(documentId(sha256, task.id, task.version, settings.modelId));
      }
      batchId ??= batchIdForDocuments(docIds);
    } else {
      batchId ??= batchIdForPrefix(resolved.uri, task.id, task.version, settings.modelId);
    }

    const before = await statusOf(docflow, `docflow-corpus-${batchId}`);
    const started = await docflow.startCorpus({
      batchId,
      uris,
      prefixUri: resolved.kind === 'prefix' ? resolved.uri : undefined,
      window: flags.window,
    });
    const reused = started.attached && before === 'COMPLETED';
    if (!reused) await session.ensureWorker();
    const count = resolved.kind === 'files' ? `${resolved.files.length} documents` : resolved.uri;
    if (reused) say(`Batch ${batchId} was analysed before: reusing its results (no new Bedrock work).`);
    else if (started.attached) say(`Batch ${batchId} is already under way: following it (${count}).`);
    else say(`Analysing ${count} as batch ${batchId} (${settings.taskId}, ${settings.modelId}, ${settings.mode}).`);
    const uiLink = webUiLink(session, batchId);
    if (uiLink && !reused) say(`Temporal Web UI: ${uiLink}`);

    if (!flags.wait) {
      if (session.workersOutliveProcess) {
        const result = { batchId, workflowId: started.workflowId, attached: started.attached, webUi: uiLink };
        if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else say(`Follow it with: docflow watch ${batchId}\nResults when done: docflow result ${batchId}`);
        return ExitCode.ok;
      }
      process.stderr.write(
        'docflow: --no-wait needs TEMPORAL_ADDRESS or a running `docflow dev`: the worker runs in this process, so it waits.\n',
      );
    }

    const outcome = await waitForCorpus(session, batchId, started.workflowId, json, stop.signal, reused);
    if (outcome === undefined) {
      say(`Interrupted. Batch ${batchId} is kept: run the same command again to resume it.`);
      return 130;
    }
    const outDir = flags.out ?? join('docflow-results', batchId);
    const exported = await new ResultExporter(session.store, config).exportBatch(batchId, outDir);
    const exitCode = outcome.counts.failed + outcome.counts.cancelled > 0 ? ExitCode.documentsFailed : ExitCode.ok;
    if (json) {
      const result = {
        ...outcome,
        workflowId: started.workflowId,
        reused,
        outDir: exported.outDir,
        webUi: uiLink,
        documents: exported.documents,
      };
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      say(renderOutcome(outcome, exported, uiLink));
    }
    return exitCode;
  } finally {
    stop.dispose();
    await session.close();
  }
}

/** Waits with live progress; undefined when interrupted. Fails if the in-process worker stops. */
async function waitForCorpus(
  session: Session,
  batchId: string,
  workflowId: string,
  json: boolean,
  signal: Promise<NodeJS.Signals>,
  quiet: boolean,
): Promise<CorpusOutcome | undefined> {
  // The wait is a long poll: abort it on Ctrl+C so that no call is left retrying on a closed connection.
  const abort = new AbortController();
  const outcome = session.temporal.connection.withAbortSignal(abort.signal, () => session.docflow.awaitCorpus(batchId));
  const workerDied = session.workerStopped?.then(() => {
    throw new CliError('the embedded worker stopped unexpectedly', ExitCode.error);
  });
  // Once the wait is over, these may still settle (the abort, the worker's shutdown): expected, not errors.
  workerDied?.catch(() => undefined);
  outcome.catch(() => undefined);
  const stopped = signal.then(() => {
    abort.abort();
    return undefined;
  });
  const ended = Promise.race([outcome, stopped, ...(workerDied ? [workerDied] : [])]);
  if (quiet) return await ended;
  const { printer } = progressPrinter(json);
  const target = { kind: 'corpus' as const, id: batchId, workflowId, status: 'RUNNING', exitCode: 0 };
  const following = followProgress(session.docflow, target, printer, ended);
  try {
    const result = await ended;
    // One last reading shows the final counts; it must not hold the exit up for long.
    const last = await Promise.race([following, new Promise<undefined>((r) => setTimeout(() => r(undefined), 3_000))]);
    printer.finish(last);
    return result;
  } catch (err) {
    await following.catch(() => undefined);
    printer.finish();
    throw new CliError(`batch ${batchId} did not finish: ${describeFailure(err)}`, ExitCode.error);
  }
}

function describeFailure(err: unknown): string {
  let e: unknown = err;
  const parts: string[] = [];
  while (e instanceof Error && parts.length < 4) {
    parts.push(e.message);
    e = e.cause;
  }
  return parts.join(': ');
}

/** The Web UI's workflow list filtered to this batch (embedded mode, where the UI address is known). */
function webUiLink(session: Session, batchId: string): string | undefined {
  if (!session.uiUrl) return undefined;
  const query = encodeURIComponent(`DocflowBatchId="${batchId}"`);
  return `${session.uiUrl}/namespaces/${session.config.temporal.namespace}/workflows?query=${query}`;
}

function renderOutcome(outcome: CorpusOutcome, exported: ExportedBatch, uiLink: string | undefined): string {
  const c = outcome.counts;
  const lines = [
    `Batch ${outcome.batchId}: ${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled of ${c.total} documents.`,
    `Results in ${exported.outDir}`,
    ...exported.summaryFiles.map((f) => `  ${f}`),
  ];
  for (const d of exported.documents) {
    if (d.resultFile) lines.push(`  ${d.resultFile}`);
    else lines.push(`  ${d.name}: ${d.status}${d.failureReason ? ` (${d.failureReason})` : ''}`);
  }
  if (uiLink) lines.push(`Temporal Web UI: ${uiLink}`);
  return lines.join('\n');
}
