import { Command } from 'commander';
import { version } from '../../package.json';
import { registerEmulatorCommand } from './commands/emulator';
import { addGlobalOptions, describeCliError } from './context';

/** Builds the `docflow` command tree. Each command lives in its own module under ./commands. */
export function buildProgram(): Command {
  const program = new Command('docflow')
    .description('Durable, asynchronous LLM analysis of documents on AWS Bedrock, orchestrated by Temporal.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)');
  addGlobalOptions(program);
  registerEmulatorCommand(program);
  return program;
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
