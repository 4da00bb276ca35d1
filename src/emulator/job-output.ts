import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ObjectStore } from '../store/object-store';
import type { Job, OutputLine } from './job';
import { hash32, shuffled } from './prng';

/** Where Bedrock writes a job's output: `<output prefix>/<jobId>/`. */
export function jobOutputPrefix(job: Job): string {
  const base = job.request.outputDataConfig.s3OutputDataConfig.s3Uri;
  return `${base.endsWith('/') ? base : `${base}/`}${job.id}/`;
}

/**
 * Writes what a job processed, as Bedrock does: one `<input file>.out` per input file, its lines in an order
 * that is not the input order, and, once the job ends, `manifest.json.out` with the record and token counts.
 * A running job writes its `.out` files again as records finish, so they grow while it is InProgress.
 */
export async function writeJobOutput(
  store: ObjectStore,
  job: Job,
  seed: number,
  { manifest }: { manifest: boolean },
): Promise<void> {
  const prefix = jobOutputPrefix(job);
  const byFile = new Map<string, OutputLine[]>();
  const fileOf = new Map(job.records?.map((r) => [r.recordId, r.file]));
  for (const line of job.results) {
    const file = fileOf.get(line.recordId) ?? 'records.jsonl';
    let lines = byFile.get(file);
    if (!lines) byFile.set(file, (lines = []));
    lines.push(line);
  }
  for (const [file, lines] of byFile) {
    const order = shuffled(lines, hash32(seed, job.id, file));
    // Streamed line by line: a file of 50,000 records is larger than the longest string V8 can hold.
    const body = Readable.from(
      (function* () {
        for (const line of order) yield `${JSON.stringify(line)}\n`;
      })(),
    );
    await store.put(`${prefix}${file}.out`, body, { contentType: 'application/jsonl' });
  }
  if (!manifest) return;
  const counts = {
    totalRecordCount: job.records?.length ?? 0,
    processedRecordCount: job.results.length,
    successRecordCount: job.successCount,
    errorRecordCount: job.errorCount,
    inputTokenCount: job.inputTokens,
    outputTokenCount: job.outputTokens,
  };
  await store.put(`${prefix}manifest.json.out`, JSON.stringify(counts), { contentType: 'application/json' });
}

/** The lines of the `.out` files written so far, by record id (empty when nothing was written). */
export async function readJobOutput(store: ObjectStore, job: Job): Promise<Map<string, OutputLine>> {
  const lines = new Map<string, OutputLine>();
  for await (const info of store.listAll(jobOutputPrefix(job))) {
    if (!info.key.endsWith('.out') || info.key.endsWith('/manifest.json.out')) continue;
    for await (const raw of createInterface({ input: await store.getStream(info.uri), crlfDelay: Infinity })) {
      if (raw === '') continue;
      const line = JSON.parse(raw) as OutputLine;
      lines.set(line.recordId, line);
    }
  }
  return lines;
}
