import { Command } from 'commander';
import { version } from '../../package.json';

/** Builds the `docflow` command tree. Each command lives in its own module under ./commands. */
export function buildProgram(): Command {
  const program = new Command('docflow')
    .description('Durable, asynchronous LLM analysis of documents on AWS Bedrock, orchestrated by Temporal.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)');
  return program;
}

if (require.main === module || process.argv[1]?.endsWith('docflow.js')) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`docflow: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
