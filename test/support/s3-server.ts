import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

/** A throwaway S3-compatible server (moto) on loopback, for tests that need real S3 behaviour. */
export interface TestS3Server {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** A client configured for this server (path-style, dummy credentials). */
  client: S3Client;
  /** Creates an empty bucket with a unique name and returns its name. */
  createBucket(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const INSTALL_HINT = "moto's S3 server is not installed: run `pip install 'moto[server]'`";

/** Candidate commands, in order: the console script, then the module (for installs without scripts on PATH). */
const LAUNCHERS: Array<{ command: string; args: (port: number) => string[] }> = [
  { command: 'moto_server', args: (port) => ['-H', '127.0.0.1', '-p', String(port)] },
  { command: 'python3', args: (port) => ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)] },
];

/**
 * Starts moto on 127.0.0.1 and a free port and waits until it answers. Call `stop()` in `afterAll`;
 * the process is also killed when the test process exits, so a failing or aborted test leaves nothing behind.
 */
export async function startS3Server({ startupTimeoutMs = 30_000 } = {}): Promise<TestS3Server> {
  const failures: string[] = [];
  for (const launcher of LAUNCHERS) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const started = await launch(launcher.command, launcher.args(port), endpoint, startupTimeoutMs);
    if ('child' in started) return serverHandle(started.child, endpoint);
    failures.push(`${launcher.command}: ${started.failure}`);
  }
  throw new Error(`${INSTALL_HINT}\n${failures.join('\n')}`);
}

type LaunchResult = { child: ChildProcess } | { failure: string };

async function launch(command: string, args: string[], endpoint: string, timeoutMs: number): Promise<LaunchResult> {
  // Its own process group, so stop() also ends anything the launcher (e.g. a pyenv shim) forked.
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const killOnExit = () => killGroup(child);
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));

  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  let exited: string | undefined;
  child.once('error', (err) => (exited = err.message));
  child.once('exit', (code, signal) => (exited ??= `exited with ${code ?? signal}`));

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) return { failure: `${exited}${stderr ? `; stderr: ${lastLines(stderr)}` : ''}` };
    if (await answers(endpoint)) return { child };
    await sleep(100);
  }
  killGroup(child);
  return { failure: `did not answer on ${endpoint} within ${timeoutMs} ms; stderr: ${lastLines(stderr)}` };
}

function serverHandle(child: ChildProcess, endpoint: string): TestS3Server {
  const client = new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: CREDENTIALS });
  return {
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    client,
    async createBucket(prefix = 'test') {
      const bucket = `${prefix}-${randomBytes(6).toString('hex')}`.toLowerCase();
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    async stop() {
      client.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child);
      const forced = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
