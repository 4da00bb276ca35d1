import { resolve } from 'node:path';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import type { ActivityContext } from './activities';
import type { DocflowConfig } from './config/load';
import { registerUserTaskFile } from './config/user-tasks';
import { resolveNotificationConfig } from './notify/notifier';
import { createObjectStore } from './store';
import type { ObjectStore } from './store/object-store';

/** The object store the configuration names: a local folder (embedded default) or S3. */
export function storeFromConfig(config: DocflowConfig, cwd = process.cwd()): ObjectStore {
  if (config.store.kind === 'file')
    return createObjectStore({ kind: 'file', root: resolve(cwd, config.store.fileRoot) });
  return createObjectStore({
    kind: 's3',
    region: config.aws.region,
    endpoint: config.store.s3Endpoint,
    forcePathStyle: config.store.s3ForcePathStyle,
  });
}

/**
 * What activities need, from the configuration. With `bedrock.endpoint` set (the emulator), the unchanged
 * AWS SDK clients talk to it; otherwise they use the standard AWS endpoint and credential chain.
 */
export function activityContextFromConfig(
  config: DocflowConfig,
  temporal: Client,
  options: { store?: ObjectStore; env?: NodeJS.ProcessEnv } = {},
): ActivityContext {
  const endpoint = config.bedrock.endpoint;
  const runtimeEndpoint = config.bedrock.runtimeEndpoint ?? endpoint;
  const env = options.env ?? process.env;
  const emulatorCredentials = bedrockCredentialsOverride(config, env);
  return {
    store: options.store ?? storeFromConfig(config),
    storeRoot: config.store.uri,
    bedrock: new BedrockClient({ region: config.aws.region, endpoint, credentials: emulatorCredentials }),
    runtime: new BedrockRuntimeClient({
      region: config.aws.region,
      endpoint: runtimeEndpoint,
      credentials: emulatorCredentials,
    }),
    temporal,
    roleArn: config.bedrock.roleArn ?? 'arn:aws:iam::123456789012:role/docflow-emulator-batch',
    notifications: resolveNotificationConfig(
      {
        webhooks: config.notify.webhookUrls.map((url) => ({
          url,
          ...(config.notify.webhookSecret ? { secretEnv: 'DOCFLOW_WEBHOOK_SECRET' } : {}),
        })),
        sns: config.notify.snsTopicArns.map((topicArn) => ({
          topicArn,
          region: config.aws.region,
          endpoint: config.notify.snsEndpoint,
        })),
      },
      env,
    ),
  };
}

/**
 * The emulator accepts any SigV4 signature: with a Bedrock endpoint override and no configured credentials, the SDK
 * gets placeholder keys; otherwise (undefined) it uses the standard credential chain.
 */
export function bedrockCredentialsOverride(
  config: DocflowConfig,
  env: NodeJS.ProcessEnv,
): { accessKeyId: string; secretAccessKey: string } | undefined {
  return config.bedrock.endpoint && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE
    ? { accessKeyId: 'docflow-emulator', secretAccessKey: 'docflow-emulator' }
    : undefined;
}

export interface DocflowWorkers {
  /** Workflows and pipeline activities. */
  main: Worker;
  /** Bedrock-facing activities, rate-limited across all workers of the queue. */
  bedrock: Worker;
  run(): Promise<void>;
  shutdown(): void;
}

export interface CreateWorkersOptions {
  connection: NativeConnection;
  config: DocflowConfig;
  context: ActivityContext;
  /** A prebuilt workflow bundle (tests); by default the workflows are bundled from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Extra worker options (tests shorten timeouts). */
  overrides?: Partial<WorkerOptions>;
}

/** Creates the two workers of a docflow worker process. Run more processes on more machines to scale out. */
export async function createWorkers(options: CreateWorkersOptions): Promise<DocflowWorkers> {
  const { config, connection } = options;
  for (const file of config.pipeline.taskFiles) await registerUserTaskFile(file);
  const activities = createActivities(options.context);
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: require.resolve('./workflows') };
  const main = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource,
    activities: activities.pipeline,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    // Documents prepare and finish as local activities: the same bound keeps extraction memory in check.
    maxConcurrentLocalActivityExecutions: config.worker.maxConcurrentActivities,
    // A document waiting hours for its batch job need not hold memory: it is replayed from history when it wakes.
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    ...options.overrides,
  });
  const bedrock = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.bedrockTaskQueue,
    activities: activities.bedrock,
    // One limit for every worker polling this queue: together they stay within the account's Bedrock quota.
    maxTaskQueueActivitiesPerSecond: config.bedrock.requestsPerSecond,
    ...options.overrides,
  });
  return {
    main,
    bedrock,
    async run() {
      await Promise.all([main.run(), bedrock.run()]);
    },
    shutdown() {
      main.shutdown();
      bedrock.shutdown();
    },
  };
}
