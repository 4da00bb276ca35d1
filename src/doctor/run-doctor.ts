import { resolve } from 'node:path';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import type { DocflowConfig } from '../config/load';
import type { ObjectStore } from '../store/object-store';
import { bedrockCredentialsOverride, storeFromConfig } from '../worker';
import { checkAwsCredentials, checkBedrockAccess, checkRoleArn, detectBedrockTarget } from './aws-checks';
import { doctorExitCode } from './check';
import type { CheckResult } from './check';
import { checkStore } from './store-check';
import {
  checkNamespace,
  checkSearchAttributes,
  checkTemporalConnection,
  checkWorkers,
  skippedForTemporal,
} from './temporal-checks';

export interface DoctorReport {
  /** True when no check failed (warnings allowed). */
  ok: boolean;
  exitCode: 0 | 2 | 5;
  checks: CheckResult[];
}

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The store to check (tests); by default the one the configuration names. */
  store?: ObjectStore;
  temporalConnectTimeoutMs?: number;
}

/** Runs every check against the configuration; Temporal and AWS checks run side by side. */
export async function runDoctor(config: DocflowConfig, options: DoctorOptions = {}): Promise<DoctorReport> {
  const [temporal, aws] = await Promise.all([temporalChecks(config, options), awsChecks(config, options)]);
  const checks = [...temporal, ...aws];
  const exitCode = doctorExitCode(checks);
  return { ok: exitCode === 0, exitCode, checks };
}

async function temporalChecks(config: DocflowConfig, options: DoctorOptions): Promise<CheckResult[]> {
  const { result, connection } = await checkTemporalConnection(config, options.temporalConnectTimeoutMs);
  const namespace = config.temporal.namespace;
  if (!connection) {
    return [
      result,
      skippedForTemporal('namespace', 'Temporal namespace'),
      skippedForTemporal('search-attributes', 'Search attributes'),
      skippedForTemporal('workers', 'Workers'),
    ];
  }
  try {
    const namespaceResult = await checkNamespace(connection, namespace);
    if (namespaceResult.status === 'fail') {
      return [
        result,
        namespaceResult,
        skippedForTemporal('search-attributes', 'Search attributes'),
        skippedForTemporal('workers', 'Workers'),
      ].map((r) => (r.status === 'skip' ? { ...r, message: 'skipped: the namespace is not usable' } : r));
    }
    return [
      result,
      namespaceResult,
      await checkSearchAttributes(connection, namespace),
      await checkWorkers(connection, namespace, config.temporal),
    ];
  } finally {
    await connection.close();
  }
}

async function awsChecks(config: DocflowConfig, options: DoctorOptions): Promise<CheckResult[]> {
  const env = options.env ?? process.env;
  const target = await detectBedrockTarget(config.bedrock.endpoint);
  // The same credentials as the workers' client.
  const placeholder = bedrockCredentialsOverride(config, env);
  const bedrock = new BedrockClient({
    region: config.aws.region,
    endpoint: config.bedrock.endpoint,
    credentials: placeholder,
    maxAttempts: 2,
  });
  const store = options.store ?? storeFromConfig(config, options.cwd);
  const storeDescription =
    config.store.kind === 'file'
      ? `local folder ${resolve(options.cwd ?? process.cwd(), config.store.fileRoot)}`
      : `S3${config.store.s3Endpoint ? ` at ${config.store.s3Endpoint}` : ` in ${config.aws.region}`}`;
  try {
    const credentials = await checkAwsCredentials(
      () => new BedrockClient({ region: config.aws.region }).config.credentials(),
      {
        bedrock: target.kind !== 'emulator',
        s3: config.store.kind === 's3',
      },
    );
    const [storeResult, bedrockResult] = await Promise.all([
      checkStore(store, config.store.uri, storeDescription),
      checkBedrockAccess(bedrock, target),
    ]);
    return [credentials, storeResult, bedrockResult, checkRoleArn(config.bedrock.roleArn, target)];
  } finally {
    bedrock.destroy();
  }
}
