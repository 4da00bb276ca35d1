import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolveMotoServer } from './moto-binary';

/** A throwaway moto server (every AWS service it emulates, on one endpoint) on 127.0.0.1. */
export interface MotoServer {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** moto's internal view of its state (`/moto-api/data.json`): `{ service: { Model: [instance, ...] } }`. */
  data(): Promise<Record<string, Record<string, Record<string, unknown>[]>>>;
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` (provisioned by `npm test` into the cache, or `pip install 'moto[server]'`) on a free port
 * and waits until it answers.
 */
export async function startMotoServer({ startupTimeoutMs = 30_000 } = {}): Promise<MotoServer> {
  const command = await resolveMotoServer();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Its own process group, so stopping it also ends what a launcher shim (pyenv) forked.
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  let failed: string | undefined;
  child.once(
    'error',
    (err) =>
      (failed = `${command}: ${err.message} (run \`npm test\` once to provision it, or: pip install 'moto[server]')`),
  );
  child.once('exit', (code, signal) => (failed ??= `moto_server exited with ${code ?? signal}: ${stderr}`));

  const deadline = Date.now() + startupTimeoutMs;
  while (!(await answers(`${endpoint}/moto-api/data.json`))) {
    if (failed !== undefined) throw new Error(failed);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within ${startupTimeoutMs} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    async data() {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      return (await response.json()) as Record<string, Record<string, Record<string, unknown>[]>>;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killGroup(child, 'SIGTERM');
      const forced = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
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
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
