import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { startEmulator } from '../../emulator';
import type { EmulatorOptionsInput, FaultsInput } from '../../emulator';
import { createObjectStore } from '../../store';
import type { ObjectStoreOptions } from '../../store';

/** The emulator's default port: clear of LocalStack (4566) and the Temporal dev server (7233, 8233). */
export const DEFAULT_EMULATOR_PORT = 8787;

interface EmulatorFlags {
  host: string;
  port: number;
  region: string;
  store: string;
  stateUri: string;
  batchModels?: string[];
  s3Endpoint?: string;
  s3Region?: string;
  seed: number;
  minRecords?: number;
  maxRecordsPerFile?: number;
  maxRecordsPerJob?: number;
  maxActiveJobs?: number;
  rpm?: number;
  tpm?: number;
  submittedMs?: number;
  validatingMs?: number;
  scheduledMs?: number;
  recordsPerSecond?: number;
  hourMs?: number;
  throttleRate?: number;
  serverErrorRate?: number;
  failJobRate?: number;
  expireJobRate?: number;
  failRecordRate?: number;
  malformedOutputRate?: number;
  faults?: string;
}

const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};
const modelList = (value: string): string[] => {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new InvalidArgumentError('expected at least one model id');
  return ids;
};
const fraction = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
};

/** `docflow emulator`: runs the Bedrock emulator in the foreground until SIGINT/SIGTERM. */
export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('Run the local Bedrock emulator (batch inference control plane, InvokeModel, Converse).')
    .option('--host <host>', 'address to bind (keep it loopback unless you mean to expose it)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', integer, DEFAULT_EMULATOR_PORT)
    .option('--region <region>', 'region in job ARNs', 'us-east-1')
    .option(
      '--store <location>',
      'where jobs read and write: file:<dir>, or s3 (with --s3-endpoint)',
      'file:./.docflow/store',
    )
    .option('--state-uri <uri>', 'where in the store jobs are saved, to survive a restart', 's3://docflow/_emulator/')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint for the store (implies --store s3)')
    .option('--s3-region <region>', 'region of the S3 store', 'us-east-1')
    .option('--seed <n>', 'seed for fault draws and output order', integer, 1)
    .option('--batch-models <ids>', 'comma-separated models and inference profiles batch jobs may use', modelList)
    .option('--min-records <n>', 'minimum records per job (AWS: 100)', integer)
    .option('--max-records-per-file <n>', 'records per input file (AWS: 50000)', integer)
    .option('--max-records-per-job <n>', 'records per job (AWS: 50000)', integer)
    .option('--max-active-jobs <n>', 'submitted + in-progress jobs per model (AWS default: 20)', integer)
    .option('--rpm <n>', 'runtime requests per minute per model', integer)
    .option('--tpm <n>', 'runtime tokens per minute per model', integer)
    .option('--submitted-ms <ms>', 'time a job spends Submitted', integer)
    .option('--validating-ms <ms>', 'time a job spends Validating', integer)
    .option('--scheduled-ms <ms>', 'time a job spends Scheduled', integer)
    .option('--records-per-second <n>', 'records one job finishes per second', integer)
    .option('--hour-ms <ms>', 'length of an emulated hour, for job timeouts', integer)
    .option('--throttle-rate <p>', 'fraction of requests answered with ThrottlingException', fraction)
    .option('--server-error-rate <p>', 'fraction of requests answered with InternalServerException', fraction)
    .option('--fail-job-rate <p>', 'fraction of jobs that end Failed', fraction)
    .option('--expire-job-rate <p>', 'fraction of jobs that end Expired', fraction)
    .option('--fail-record-rate <p>', 'fraction of records that fail', fraction)
    .option('--malformed-output-rate <p>', 'fraction of answers that are not the JSON asked for', fraction)
    .option('--faults <file>', 'JSON file with the full fault configuration (see POST /_docflow/faults)')
    .action(async (flags: EmulatorFlags) => {
      const emulator = await startEmulator(await emulatorOptions(flags));
      process.stdout.write(
        [
          `Bedrock emulator listening on ${emulator.endpoint}`,
          `  AWS CLI:  aws bedrock list-model-invocation-jobs --endpoint-url ${emulator.endpoint} --region ${flags.region}`,
          `  SDK:      new BedrockClient({ endpoint: '${emulator.endpoint}', region: '${flags.region}' })`,
          `            new BedrockRuntimeClient({ endpoint: '${emulator.endpoint}', region: '${flags.region}' })`,
          '  Requests must be SigV4-signed, with any keys (they are not checked), e.g. AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test.',
          `  Admin:    GET ${emulator.endpoint}/_docflow/counters · POST /_docflow/faults · POST /_docflow/reset`,
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emulator.stop();
      process.stdout.write('Bedrock emulator stopped.\n');
    });
}

async function emulatorOptions(flags: EmulatorFlags): Promise<EmulatorOptionsInput> {
  const faultsFile: FaultsInput =
    flags.faults === undefined ? {} : (JSON.parse(await readFile(flags.faults, 'utf8')) as FaultsInput);
  return {
    host: flags.host,
    port: flags.port,
    region: flags.region,
    seed: flags.seed,
    store: createObjectStore(storeOptions(flags)),
    stateUri: flags.stateUri,
    ...defined({ batchModels: flags.batchModels }),
    quotas: defined({
      minRecordsPerJob: flags.minRecords,
      maxRecordsPerFile: flags.maxRecordsPerFile,
      maxRecordsPerJob: flags.maxRecordsPerJob,
      maxActiveJobsPerModel: flags.maxActiveJobs,
    }),
    runtime: defined({ requestsPerMinute: flags.rpm, tokensPerMinute: flags.tpm }),
    timings: defined({
      submittedMs: flags.submittedMs,
      validatingMs: flags.validatingMs,
      scheduledMs: flags.scheduledMs,
      recordsPerSecond: flags.recordsPerSecond,
      hourMs: flags.hourMs,
    }),
    faults: {
      ...faultsFile,
      ...defined({
        throttleRate: flags.throttleRate,
        serverErrorRate: flags.serverErrorRate,
        failJobRate: flags.failJobRate,
        expireJobRate: flags.expireJobRate,
        failRecordRate: flags.failRecordRate,
        malformedOutputRate: flags.malformedOutputRate,
      }),
    },
  };
}

function storeOptions(flags: EmulatorFlags): ObjectStoreOptions {
  if (flags.s3Endpoint !== undefined || flags.store === 's3') {
    return {
      kind: 's3',
      endpoint: flags.s3Endpoint,
      region: flags.s3Region,
      forcePathStyle: flags.s3Endpoint !== undefined,
    };
  }
  if (!flags.store.startsWith('file:'))
    throw new InvalidArgumentError(`--store must be file:<dir> or s3, got "${flags.store}"`);
  return { kind: 'file', root: flags.store.slice('file:'.length) };
}

/** The object without its undefined members, so that schema defaults apply to what was not given. */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
