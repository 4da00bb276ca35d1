import { BedrockClient, GetModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import type { GetModelInvocationJobCommandOutput, ModelInvocationJobStatus } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../../src/emulator';
import type { Emulator, EmulatorOptionsInput } from '../../src/emulator';
import { FileObjectStore } from '../../src/store';
import type { ObjectStore } from '../../src/store';

export const TEST_REGION = 'us-east-1';
export const TEST_ROLE_ARN = 'arn:aws:iam::123456789012:role/BedrockBatchRole';
export const CLAUDE_MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';

/** An emulator for one test file, with real SDK clients pointed at it. */
export interface TestEmulator {
  emulator: Emulator;
  bedrock: BedrockClient;
  runtime: BedrockRuntimeClient;
  store: ObjectStore;
  stop(): Promise<void>;
}

export type TestEmulatorOptions = Partial<EmulatorOptionsInput>;

/**
 * Starts an emulator on an ephemeral loopback port with millisecond timings, over a temporary file store
 * unless `store` is given. The clients make one attempt only, so a test sees every error the emulator sends.
 */
export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const root = options.store === undefined ? await mkdtemp(path.join(tmpdir(), 'docflow-emulator-')) : undefined;
  const store = options.store ?? new FileObjectStore(root as string);
  const emulator = await startEmulator({
    ...options,
    store,
    timings: {
      submittedMs: 20,
      validatingMs: 20,
      scheduledMs: 20,
      stoppingMs: 20,
      recordsPerSecond: 2_000,
      tickMs: 5,
      ...options.timings,
    },
  });
  const clientConfig = {
    endpoint: emulator.endpoint,
    region: TEST_REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  };
  const bedrock = new BedrockClient(clientConfig);
  const runtime = new BedrockRuntimeClient(clientConfig);
  return {
    emulator,
    bedrock,
    runtime,
    store,
    async stop() {
      bedrock.destroy();
      runtime.destroy();
      await emulator.stop();
      if (root !== undefined) await rm(root, { recursive: true, force: true });
    },
  };
}

/** A Claude messages body asking `prompt`. */
export function claudeInput(prompt: string, maxTokens = 256): Record<string, unknown> {
  return {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: maxTokens,
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
  };
}

/** `count` records `r0000 … r<count-1>` with Claude bodies. */
export function claudeRecords(count: number, prefix = 'r'): { recordId: string; modelInput: unknown }[] {
  return Array.from({ length: count }, (_, i) => {
    const recordId = `${prefix}${String(i).padStart(4, '0')}`;
    return {
      recordId,
      modelInput: claudeInput(`Summarise clause ${i}: the supplier shall deliver the goods within ${i + 1} days.`),
    };
  });
}

export async function writeJsonl(store: ObjectStore, uri: string, lines: unknown[]): Promise<void> {
  await store.put(uri, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
}

/** Polls GetModelInvocationJob until the job reaches one of `statuses`; fails after `timeoutMs`. */
export async function waitForStatus(
  bedrock: BedrockClient,
  jobIdentifier: string,
  statuses: ModelInvocationJobStatus[],
  timeoutMs = 10_000,
): Promise<GetModelInvocationJobCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier }));
    if (job.status !== undefined && statuses.includes(job.status)) return job;
    if (Date.now() > deadline) {
      throw new Error(
        `job ${jobIdentifier} is ${job.status ?? '?'} after ${timeoutMs} ms, expected ${statuses.join('|')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs `fn` and returns what it threw (failing if it did not throw). */
export async function rejection(
  fn: () => Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}
