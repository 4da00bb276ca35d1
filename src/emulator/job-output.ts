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
 * that is not the input order, and `manifest.json.out` with the record and token counts.
 */
export async function writeJobOutput(store: ObjectStore, job: Job, seed: number): Promise<void> {
  const prefix = jobOutputPrefix(job);
  const byFile = new Map<string, OutputLine[]>();
  const fileOf = new Map(job.records?.map((r) => [r.recordId, r.file]));
  for (const line of job.results) {
    const file = fileOf.get(line.recordId) ?? 'records.jsonl';
    byFile.set(file, [...(byFile.get(file) ?? []), line]);
  }
  for (const [file, lines] of byFile) {
    const body = shuffled(lines, hash32(seed, job.id, file))
      .map((line) => JSON.stringify(line))
      .join('\n');
    await store.put(`${prefix}${file}.out`, `${body}\n`, { contentType: 'application/jsonl' });
  }
  const manifest = {
    totalRecordCount: job.records?.length ?? 0,
    processedRecordCount: job.results.length,
    successRecordCount: job.successCount,
    errorRecordCount: job.errorCount,
    inputTokenCount: job.inputTokens,
    outputTokenCount: job.outputTokens,
  };
  await store.put(`${prefix}manifest.json.out`, JSON.stringify(manifest), { contentType: 'application/json' });
}
