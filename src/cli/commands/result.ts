import { join } from 'node:path';
import type { Command } from 'commander';
import { openSession } from '../../embedded/session';
import { CliError, ExitCode, globalOptions, loadCliConfig } from '../context';
import { ResultExporter } from '../export';
import { describeTarget } from './status';

/** `docflow result <id>`: writes a document's or a batch's outputs to a folder. */
export function registerResultCommand(program: Command): void {
  program
    .command('result')
    .description("Export a document's result.json and report.md, or a batch's outputs, to a folder.")
    .argument('<id>', 'batch id, document id, or workflow id')
    .option('--out <dir>', 'folder to write to (default: ./docflow-results/<id>)')
    .action(async (id: string, flags: { out?: string }, command: Command) => {
      const json = globalOptions(command).json === true;
      const session = await openSession(loadCliConfig(command), {
        role: 'client',
        log: (m) => process.stderr.write(`${m}\n`),
      });
      try {
        const target = await describeTarget(session.docflow, id);
        if (target.status === 'RUNNING') {
          throw new CliError(
            `${target.workflowId} is still running: \`docflow watch ${target.id}\` follows it`,
            ExitCode.usage,
          );
        }
        const exporter = new ResultExporter(session.store, session.config);
        const outDir = flags.out ?? join('docflow-results', target.id);
        if (target.kind === 'corpus') {
          const exported = await exporter.exportBatch(target.id, outDir);
          if (json) {
            process.stdout.write(`${JSON.stringify({ ...exported, outcome: target.outcome }, null, 2)}\n`);
          } else {
            const files = [...exported.summaryFiles];
            for (const d of exported.documents) {
              files.push(...[d.resultFile, d.reportFile].filter((f): f is string => f !== undefined));
            }
            process.stdout.write(`${files.join('\n')}\n`);
          }
        } else {
          const exported = await exporter.exportDocument(target.id, outDir);
          if (json) {
            // The analysis itself, as stored: what a script asking for a document's result wants.
            process.stdout.write(`${JSON.stringify(await session.docflow.documentResult(target.id), null, 2)}\n`);
          } else {
            process.stdout.write(`${exported.resultFile}\n${exported.reportFile ?? ''}\n`);
          }
        }
        process.exitCode = target.exitCode;
      } finally {
        await session.close();
      }
    });
}
