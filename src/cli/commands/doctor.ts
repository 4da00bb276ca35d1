import type { Command } from 'commander';
import type { CheckResult } from '../../doctor/check';
import { runDoctor } from '../../doctor/run-doctor';
import type { DoctorReport } from '../../doctor/run-doctor';
import { loadCliConfig, output } from '../context';
import { usageErrorsExit2 } from '../options';

/** `docflow doctor`: checks Temporal, the search attributes, workers, AWS credentials, the store, Bedrock and the role. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check that docflow can run here: Temporal, namespace, search attributes, workers, AWS credentials, ' +
        'the object store, Bedrock batch access and the batch role. Exit 0 when nothing fails.',
    )
    .exitOverride(usageErrorsExit2)
    .action(async (_flags: unknown, command: Command) => {
      const { config } = loadCliConfig(command);
      const report = await runDoctor(config);
      output(command, report, renderReport);
      process.exitCode = report.exitCode;
    });
}

const MARK: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

function renderReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]}  ${check.title.padEnd(width)}  ${check.message}`);
    if (check.fix && check.status !== 'ok') lines.push(`${' '.repeat(width + 8)}fix: ${check.fix}`);
  }
  const count = (status: CheckResult['status']) => report.checks.filter((c) => c.status === status).length;
  lines.push(
    '',
    `${count('ok')} ok, ${plural(count('warn'), 'warning')}, ${count('fail')} failed, ${count('skip')} skipped` +
      (report.ok ? '' : ` (exit ${report.exitCode})`),
  );
  return lines.join('\n');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
