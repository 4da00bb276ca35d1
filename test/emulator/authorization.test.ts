import { BedrockClient, ListModelInvocationJobsCommand } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_MODEL_ID, TEST_REGION, rejection, startTestEmulator } from '../support/emulator';
import type { TestEmulator } from '../support/emulator';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => t.stop());

/** Drops the Authorization header the SDK just signed, as a client that forgot to sign would send the request. */
function unsigned<C extends BedrockClient | BedrockRuntimeClient>(client: C): C {
  type Args = { request: { headers: Record<string, string> } };
  const dropAuthorization = (next: (args: Args) => Promise<unknown>) => async (args: Args) => {
    delete args.request.headers.authorization;
    return next(args);
  };
  const stack = client.middlewareStack as BedrockClient['middlewareStack'];
  // A finalize-step middleware: the SDK's types tie it to the step, which this test does not need to spell out.
  stack.addRelativeTo(dropAuthorization as unknown as Parameters<typeof stack.addRelativeTo>[0], {
    relation: 'after',
    toMiddleware: 'httpSigningMiddleware',
    name: 'dropAuthorization',
  });
  return client;
}

const config = () => ({
  endpoint: t.emulator.endpoint,
  region: TEST_REGION,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-checked' },
  maxAttempts: 1,
});

describe('request signing', () => {
  it('answers an unsigned Bedrock request with 403 MissingAuthenticationTokenException', async () => {
    const err = await rejection(() =>
      unsigned(new BedrockClient(config())).send(new ListModelInvocationJobsCommand({})),
    );
    expect(err.name).toBe('MissingAuthenticationTokenException');
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toBe('Missing Authentication Token');
  });

  it('answers an unsigned bedrock-runtime request with 403 too, before invoking the model', async () => {
    const err = await rejection(() =>
      unsigned(new BedrockRuntimeClient(config())).send(
        new ConverseCommand({ modelId: CLAUDE_MODEL_ID, messages: [{ role: 'user', content: [{ text: 'Hello' }] }] }),
      ),
    );
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(t.emulator.counters().runtimeInvocations).toBe(0);
  });

  it('accepts any keys once the request is signed', async () => {
    const client = new BedrockClient({ ...config(), credentials: { accessKeyId: 'ANY', secretAccessKey: 'thing' } });
    await expect(client.send(new ListModelInvocationJobsCommand({}))).resolves.toHaveProperty('invocationJobSummaries');
  });

  it('answers an Authorization header that is not SigV4 with 403 IncompleteSignatureException', async () => {
    const res = await fetch(`${t.emulator.endpoint}/model-invocation-jobs`, {
      headers: { authorization: 'Basic abc' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^IncompleteSignatureException:/);
  });

  it('leaves the admin routes open to plain HTTP', async () => {
    const res = await fetch(`${t.emulator.endpoint}/_docflow/health`);
    expect(res.status).toBe(200);
  });
});
