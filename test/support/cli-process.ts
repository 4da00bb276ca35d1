import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import type { TestPipeline } from './pipeline';

const BIN = resolve(__dirname, '../../bin/docflow.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `docflow` binary in a child process. The environment is built from scratch (PATH and HOME
 * only, plus `env`), and the working directory is an empty folder, so no developer setting or config file leaks in.
 */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: cwd ?? mkdtempSync(join(tmpdir(), 'docflow-cli-')),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number>((done, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => done(exitCode ?? -1));
  });
  return { code, stdout, stderr };
}

/** A `docflow` command that keeps running (the emulator, a worker) until it is stopped. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first match of `pattern` in stdout; fails if the process exits or `timeoutMs` passes first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number>;
}

/** Starts the real `docflow` binary, like {@link runCli}, without waiting for it to exit. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}, cwd?: string): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: cwd ?? mkdtempSync(join(tmpdir(), 'docflow-cli-')),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number>((done) => child.once('close', (code) => done(code ?? -1)));
  return {
    child,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = stdout.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no ${String(pattern)} in the output of docflow ${args.join(' ')}:\n${stdout}\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The environment that points the CLI at a test pipeline: the run's dev server, its task queues, store and emulator. */
export function pipelineEnv(pipeline: TestPipeline): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    DOCFLOW_TASK_QUEUE: pipeline.config.temporal.taskQueue,
    DOCFLOW_BEDROCK_TASK_QUEUE: pipeline.config.temporal.bedrockTaskQueue,
    DOCFLOW_STORE_KIND: 'file',
    DOCFLOW_STORE_ROOT: pipeline.storeDir,
    DOCFLOW_STORE: pipeline.config.store.uri,
    DOCFLOW_BEDROCK_ENDPOINT: pipeline.emulator.endpoint,
    // Workflows the CLI starts carry its settings: give it the pipeline's test timings, not production waits.
    DOCFLOW_BATCH_MAX_WAIT_MS: String(pipeline.config.batch.maxWaitMs),
    DOCFLOW_BATCH_IDLE_FLUSH_MS: String(pipeline.config.batch.idleFlushMs ?? 0),
    DOCFLOW_POLL_INITIAL_MS: String(pipeline.config.batch.pollInitialMs),
    DOCFLOW_POLL_MAX_MS: String(pipeline.config.batch.pollMaxMs),
    DOCFLOW_NOTIFY: String(pipeline.config.pipeline.notify),
  };
}

/** Parses the CLI's `--json` output, failing with the output when it is not JSON. */
export function parseJson<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}
