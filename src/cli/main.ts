import { Command } from 'commander';
import { version } from '../../package.json';
import { registerAnalyzeCommand } from './commands/analyze';
import { registerCancelCommand } from './commands/cancel';
import { registerConfigCommand } from './commands/config';
import { registerDevCommand } from './commands/dev';
import { registerDoctorCommand } from './commands/doctor';
import { registerEmulatorCommand } from './commands/emulator';
import { registerFailuresCommand } from './commands/failures';
import { registerJobsCommand } from './commands/jobs';
import { registerListCommand } from './commands/list';
import { registerResultCommand } from './commands/result';
import { registerRetryCommand } from './commands/retry';
import { registerStatusCommand } from './commands/status';
import { registerWatchCommand } from './commands/watch';
import { registerWorkerCommand } from './commands/worker';
import { addGlobalOptions, describeCliError } from './context';

/** Builds the `docflow` command tree. Each command lives in its own module under ./commands. */
export function buildProgram(): Command {
  const program = new Command('docflow')
    .description('Durable, asynchronous LLM analysis of documents on AWS Bedrock, orchestrated by Temporal.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)');
  addGlobalOptions(program);
  handOwnOptionsToSubcommands(program);
  registerEmulatorCommand(program);
  registerAnalyzeCommand(program);
  registerDevCommand(program);
  registerWorkerCommand(program);
  registerStatusCommand(program);
  registerWatchCommand(program);
  registerResultCommand(program);
  registerListCommand(program);
  registerCancelCommand(program);
  registerRetryCommand(program);
  registerFailuresCommand(program);
  registerJobsCommand(program);
  registerConfigCommand(program);
  registerDoctorCommand(program);
  return program;
}

/**
 * Commander lets the root program consume its options wherever they appear on the line, so a subcommand that
 * declares an option of the same name (`docflow emulator --store file:./x`) would never see it. Such a value
 * belongs to the subcommand: it is moved there before the subcommand parses the rest.
 */
function handOwnOptionsToSubcommands(program: Command): void {
  program.hook('preSubcommand', (root, subcommand) => {
    for (const option of subcommand.options) {
      const name = option.attributeName();
      const declaredByRoot = root.options.some((o) => o.attributeName() === name);
      if (!declaredByRoot || root.getOptionValueSource(name) !== 'cli') continue;
      const raw: unknown = root.getOptionValue(name);
      const value: unknown =
        option.parseArg && typeof raw === 'string' ? option.parseArg(raw, option.defaultValue) : raw;
      subcommand.setOptionValueWithSource(name, value, 'cli');
      root.setOptionValueWithSource(name, undefined, 'default');
    }
  });
}

/** Entry point of the `docflow` binary. */
export function run(argv: string[]): void {
  buildProgram()
    .parseAsync(argv)
    .catch((err: unknown) => {
      const { message, exitCode } = describeCliError(err);
      process.stderr.write(`docflow: ${message}\n`);
      process.exitCode = exitCode;
    });
}
