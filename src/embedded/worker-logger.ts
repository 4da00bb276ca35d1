import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { LogEntry, LogLevel } from '@temporalio/worker';

/**
 * Sends the Temporal SDK's logs (worker, bundler, activities, the native core) to a file or stream instead of the
 * console, so a command's stdout holds only its own output (`--json` stays parsable). Must run before the first
 * worker or native connection is created; later calls are ignored.
 */
export function installWorkerLogger(target: { file: string } | { stream: Writable }, level: LogLevel = 'INFO'): void {
  if (installed) return;
  installed = true;
  const out = 'file' in target ? createWriteStream(target.file, { flags: 'a' }) : target.stream;
  const write = (entry: LogEntry) => {
    const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${safeJson(entry.meta)}` : '';
    out.write(`${time} ${entry.level} ${entry.message}${meta}\n`);
  };
  Runtime.install({
    logger: new DefaultLogger(level, write),
    // docflow's commands handle SIGINT and SIGTERM themselves, stopping the worker before what it depends on.
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
}

let installed = false;

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  } catch {
    return '[unserialisable]';
  }
}
