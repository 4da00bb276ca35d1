import { Connection, Client } from '@temporalio/client';
import type { Command } from 'commander';
import { DocflowClient } from '../client';
import { loadConfig } from '../config/load';
import type { DocflowConfig, LoadedConfig } from '../config/load';
import { isDocflowError } from '../core/errors';
import type { ObjectStore } from '../store/object-store';
import { storeFromConfig } from '../worker';
import { temporalConnectionOptions } from '../temporal/connection';

/** Exit codes of every command (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** Unexpected failure. */
  error: 1,
  /** Bad usage or configuration: the message says what to change. */
  usage: 2,
  /** The work ran, but some documents failed or were cancelled. */
  documentsFailed: 3,
  /** The named document, batch or job does not exist. */
  notFound: 4,
  /** Temporal, S3 or Bedrock could not be reached. */
  unavailable: 5,
} as const;

/** An error that ends the command with a message for the user and a specific exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
  address?: string;
  namespace?: string;
  store?: string;
  model?: string;
  task?: string;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('-c, --config <file>', 'config file (default: ./docflow.config.json, or DOCFLOW_CONFIG)')
    .option('--json', 'print machine-readable JSON')
    .option('--address <host:port>', 'Temporal frontend (default: TEMPORAL_ADDRESS, else the embedded dev server)')
    .option('--namespace <name>', 'Temporal namespace')
    .option('--store <uri>', 'store root, s3://bucket[/prefix]')
    .option('--model <id>', 'Bedrock model id or inference profile')
    .option('--task <id>', 'task: contract-review, summarize, extract-entities, or a user task');
}

/** The root program's options, wherever the command sits in the tree. */
export function globalOptions(command: Command): GlobalOptions {
  let root: Command = command;
  while (root.parent) root = root.parent;
  return root.opts<GlobalOptions>();
}

/** Loads configuration once for a command: defaults < file < environment < flags. */
export function loadCliConfig(command: Command, flags: Record<string, unknown> = {}): LoadedConfig {
  const g = globalOptions(command);
  try {
    return loadConfig({
      file: g.config,
      flags: {
        'temporal.address': g.address,
        'temporal.namespace': g.namespace,
        'store.uri': g.store,
        'bedrock.modelId': g.model,
        'pipeline.task': g.task,
        ...flags,
      },
      flagNames: {
        'temporal.address': '--address',
        'temporal.namespace': '--namespace',
        'store.uri': '--store',
        'bedrock.modelId': '--model',
        'pipeline.task': '--task',
      },
    });
  } catch (err) {
    if (isDocflowError(err)) throw new CliError(err.message, ExitCode.usage);
    throw err;
  }
}

export interface Connected {
  config: DocflowConfig;
  temporal: Client;
  store: ObjectStore;
  docflow: DocflowClient;
  close(): Promise<void>;
}

/** Connects to the configured Temporal cluster (TLS and API key when configured). */
export async function connectClient(config: DocflowConfig, address = config.temporal.address): Promise<Connected> {
  if (!address) {
    throw new CliError(
      'no Temporal cluster is configured: run `docflow dev` in another terminal, or set TEMPORAL_ADDRESS',
      ExitCode.unavailable,
    );
  }
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...temporalConnectionOptions(config, address),
      connectTimeout: '5s',
    });
  } catch (err) {
    throw new CliError(
      `cannot reach Temporal at ${address}: ${(err as Error).message}. Is the server running (docflow dev)?`,
      ExitCode.unavailable,
    );
  }
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const store = storeFromConfig(config);
  return {
    config,
    temporal,
    store,
    docflow: new DocflowClient(temporal, config, store),
    close: () => connection.close(),
  };
}

/** Prints data as JSON (`--json`) or through the given human renderer. */
export function output(command: Command, data: unknown, human: (data: never) => string): void {
  if (globalOptions(command).json) {
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  } else {
    const text = human(data as never);
    if (text.length > 0) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** Maps any error to a message and exit code; never prints stack traces or secrets to users. */
export function describeCliError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (isDocflowError(err)) {
    const exitCode =
      err.code === 'NOT_FOUND'
        ? ExitCode.notFound
        : err.code === 'INVALID_INPUT' || err.code === 'INVALID_CONFIG' || err.code === 'UNSUPPORTED_FORMAT'
          ? ExitCode.usage
          : ExitCode.error;
    return { message: err.message, exitCode };
  }
  const name = (err as { name?: string }).name;
  if (name === 'WorkflowNotFoundError') {
    return { message: (err as Error).message, exitCode: ExitCode.notFound };
  }
  return { message: err instanceof Error ? err.message : String(err), exitCode: ExitCode.error };
}
