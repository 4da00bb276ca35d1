import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ObjectInfo, ObjectStore } from '../store/object-store';
import type { InputRecord } from './job';
import type { Quotas } from './options';

/** The Validating phase found the input unusable: the job ends Failed with this message. */
export class InputRejected extends Error {}

/** The input files of a job: the object the URI names, or every `.jsonl` object under it as a prefix. */
async function inputFiles(store: ObjectStore, s3Uri: string): Promise<ObjectInfo[]> {
  const exact = s3Uri.endsWith('/') ? undefined : await store.head(s3Uri);
  if (exact !== undefined) return [exact];
  const prefix = s3Uri.endsWith('/') ? s3Uri : `${s3Uri}/`;
  const files: ObjectInfo[] = [];
  for await (const info of store.listAll(prefix)) {
    if (info.key.endsWith('.jsonl')) files.push(info);
  }
  return files;
}

const fileName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** Reads and checks a job's input the way Bedrock's Validating phase does; throws InputRejected. */
export async function readJobInput(
  store: ObjectStore,
  s3Uri: string,
  quotas: Quotas,
): Promise<{ files: string[]; records: InputRecord[] }> {
  let files: ObjectInfo[];
  try {
    files = await inputFiles(store, s3Uri);
  } catch (err) {
    throw new InputRejected(`Unable to access the input data at ${s3Uri}: ${(err as Error).message}`);
  }
  if (files.length === 0) throw new InputRejected(`No .jsonl input files were found at ${s3Uri}.`);

  let jobBytes = 0;
  const records: InputRecord[] = [];
  for (const file of files) {
    const name = fileName(file.key);
    if (file.size > quotas.maxFileBytes) {
      throw new InputRejected(
        `Input file ${name} is ${file.size} bytes, more than the maximum file size of ${quotas.maxFileBytes} bytes.`,
      );
    }
    jobBytes += file.size;
    if (jobBytes > quotas.maxJobBytes) {
      throw new InputRejected(`The input files total more than the maximum job size of ${quotas.maxJobBytes} bytes.`);
    }
    let fileRecords: InputRecord[];
    try {
      fileRecords = await readJsonl(await store.getStream(file.uri), name);
    } catch (err) {
      if (err instanceof InputRejected) throw err;
      throw new InputRejected(`Unable to read input file ${file.uri}: ${(err as Error).message}`);
    }
    if (fileRecords.length > quotas.maxRecordsPerFile) {
      throw new InputRejected(
        `Input file ${name} has ${fileRecords.length} records, more than the maximum of ${quotas.maxRecordsPerFile} records per file.`,
      );
    }
    records.push(...fileRecords);
    if (records.length > quotas.maxRecordsPerJob) {
      throw new InputRejected(`The job has more than the maximum of ${quotas.maxRecordsPerJob} records per job.`);
    }
  }
  if (records.length < quotas.minRecordsPerJob) {
    throw new InputRejected(
      `The job has ${records.length} records, fewer than the minimum of ${quotas.minRecordsPerJob} records per batch inference job.`,
    );
  }
  return { files: files.map((f) => fileName(f.key)), records };
}

/**
 * Every non-blank line must be a JSON object with a `modelInput` object and, if present, a string `recordId`. Read
 * line by line: a file of 50,000 records can be larger than the longest string V8 can hold.
 */
async function readJsonl(stream: Readable, file: string): Promise<InputRecord[]> {
  const records: InputRecord[] = [];
  let i = -1;
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    i++;
    const line = raw.trim();
    if (line === '') continue;
    const where = `line ${i + 1} of input file ${file}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputRejected(`Invalid JSONL: ${where} is not valid JSON.`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputRejected(`Invalid JSONL: ${where} is not a JSON object.`);
    }
    const { recordId, modelInput } = value as Record<string, unknown>;
    if (typeof modelInput !== 'object' || modelInput === null || Array.isArray(modelInput)) {
      throw new InputRejected(`Invalid JSONL: ${where} has no modelInput object.`);
    }
    if (recordId !== undefined && (typeof recordId !== 'string' || recordId === '')) {
      throw new InputRejected(`Invalid JSONL: the recordId on ${where} must be a non-empty string.`);
    }
    // Bedrock names records that come without an id.
    records.push({ recordId: recordId ?? `RECORD${String(records.length + 1).padStart(10, '0')}`, modelInput, file });
  }
  return records;
}
