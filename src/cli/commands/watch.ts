import type { Command } from 'commander';
import type { DocflowClient } from '../../client';
import { openSession } from '../../embedded/session';
import type { Session } from '../../embedded/session';
import type { CorpusProgress, DocumentProgress } from '../../shared/types';
import { globalOptions, loadCliConfig } from '../context';
import { ProgressPrinter } from '../progress';
import type { ProgressState, ProgressStream } from '../progress';
import { describeTarget, renderTarget, statusOf } from './status';
import type { Target } from './status';

/** How often progress is read while following a run: queries are cheap, and a second feels live. */
const POLL_MS = 1_000;
/** Active documents of a batch shown under the corpus bar. */
const ACTIVE_DOCUMENTS = 6;

/** A printer for a command's progress: on stdout, or on stderr when stdout carries `--json`. */
export function progressPrinter(json: boolean): { printer: ProgressPrinter; stream: ProgressStream } {
  const stream = json ? process.stderr : process.stdout;
  return {
    stream,
    printer: new ProgressPrinter(stream, { noColor: 'NO_COLOR' in process.env, lineIntervalMs: 5_000 }),
  };
}

/** The progress of a batch and a few of its active documents; undefined while it cannot be read. */
export async function readCorpusState(docflow: DocflowClient, batchId: string): Promise<ProgressState | undefined> {
  let corpus: CorpusProgress;
  try {
    corpus = await docflow.corpusProgress(batchId);
  } catch {
    return undefined;
  }
  const documents: DocumentProgress[] = [];
  try {
    const running = await docflow.list({
      batchId,
      type: 'analyzeDocument',
      status: 'Running',
      limit: ACTIVE_DOCUMENTS,
    });
    for (const wf of running) documents.push(await docflow.documentProgress(wf.workflowId));
  } catch {
    // Visibility lags a little behind: the corpus bar alone is still worth showing.
  }
  return { corpus, documents };
}

/**
 * Shows live progress of a target until `done` settles (or, without `done`, until the target's workflow closes).
 * Returns the last state shown.
 */
export async function followProgress(
  docflow: DocflowClient,
  target: Target,
  printer: ProgressPrinter,
  done?: Promise<unknown>,
): Promise<ProgressState | undefined> {
  let finished = false;
  void done?.then(
    () => (finished = true),
    () => (finished = true),
  );
  let last: ProgressState | undefined;
  for (;;) {
    const state =
      target.kind === 'corpus'
        ? await readCorpusState(docflow, target.id)
        : await docflow.documentProgress(target.workflowId).then(
            (d) => ({ documents: [d] }),
            () => undefined,
          );
    if (state) {
      last = state;
      printer.update(state);
    }
    if (finished) return last;
    if (!done && (await statusOf(docflow, target.workflowId)) !== 'RUNNING') return last;
    await Promise.race([new Promise((r) => setTimeout(r, POLL_MS)), done]).catch(() => undefined);
  }
}

/** Resolves when the process is asked to stop (Ctrl+C, SIGTERM). */
export function interrupted(): { signal: Promise<NodeJS.Signals>; dispose(): void } {
  let handler: (s: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    handler = resolve;
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  });
  return {
    signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `docflow watch <id>`: live progress of a document or batch until it ends. */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('Follow a document or batch live until it ends.')
    .argument('<id>', 'batch id, document id, or workflow id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const json = globalOptions(command).json === true;
      const session: Session = await openSession(loadCliConfig(command), {
        role: 'client',
        log: (m) => process.stderr.write(`${m}\n`),
      });
      const stop = interrupted();
      try {
        const target = await describeTarget(session.docflow, id);
        const { printer } = progressPrinter(json);
        const ended = followProgress(session.docflow, target, printer);
        const winner = await Promise.race([ended.then(() => 'ended' as const), stop.signal]);
        printer.finish();
        if (winner !== 'ended') return;
        const final = await describeTarget(session.docflow, id);
        if (json) process.stdout.write(`${JSON.stringify(final, null, 2)}\n`);
        else process.stdout.write(`${renderTarget(final)}\n`);
        process.exitCode = final.exitCode;
      } finally {
        stop.dispose();
        await session.close();
      }
    });
}
