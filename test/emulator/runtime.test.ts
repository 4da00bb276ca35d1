import { ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  decodeConverseResponse,
  decodeResponse,
  encodeConverseRequest,
  encodeRequest,
  modelFamily,
} from '../../src/core/codecs';
import { CLAUDE_MODEL_ID, rejection, startTestEmulator } from '../support/emulator';
import type { TestEmulator } from '../support/emulator';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ runtime: { requestsPerMinute: 1_000, tokensPerMinute: 1_000_000 } });
});
afterAll(async () => t.stop());
beforeEach(async () => t.emulator.reset());

const request = {
  system: 'You review contracts.',
  prompt: 'Clause 4: either party may terminate on 30 days notice.',
  maxTokens: 300,
};

function invoke(modelId: string, body: unknown) {
  return t.runtime.send(
    new InvokeModelCommand({
      modelId,
      contentType: 'application/json',
      accept: 'application/json',
      body: JSON.stringify(body),
    }),
  );
}

describe('InvokeModel', () => {
  it.each([
    'anthropic.claude-3-haiku-20240307-v1:0',
    'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    'amazon.nova-lite-v1:0',
    'meta.llama3-1-8b-instruct-v1:0',
  ])('answers %s in its family response format', async (modelId) => {
    const family = modelFamily(modelId);
    const response = await invoke(modelId, encodeRequest(family, request));
    expect(response.contentType).toBe('application/json');
    const result = decodeResponse(family, JSON.parse(new TextDecoder().decode(response.body)));
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.inputTokens).toBeGreaterThan(0);
    expect(result.stopReason).not.toBe('other');
    expect(t.emulator.counters()).toMatchObject({
      runtimeInvocations: 1,
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
    });
  });

  it('rejects a body of the wrong family with ValidationException 400', async () => {
    const err = await rejection(() => invoke(CLAUDE_MODEL_ID, encodeRequest('llama', request)));
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toMatch(/^Malformed input request: .*anthropic_version is required/);
  });

  it('rejects a model it does not serve with ValidationException 400', async () => {
    const err = await rejection(() => invoke('cohere.command-r-v1:0', { message: 'hi' }));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe('The provided model identifier is invalid.');
  });
});

describe('Converse', () => {
  it('answers with the Converse response shape', async () => {
    const response = await t.runtime.send(
      new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', ...encodeConverseRequest(request) }),
    );
    expect(response.output?.message?.role).toBe('assistant');
    expect(response.usage?.totalTokens).toBe((response.usage?.inputTokens ?? 0) + (response.usage?.outputTokens ?? 0));
    expect(response.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(decodeConverseResponse(response).text.length).toBeGreaterThan(0);
  });

  it('rejects a conversation without messages with ValidationException 400', async () => {
    const err = await rejection(() => t.runtime.send(new ConverseCommand({ modelId: CLAUDE_MODEL_ID, messages: [] })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toMatch(/messages must not be empty/);
  });
});

describe('quotas', () => {
  it('throttles past the requests-per-minute quota with ThrottlingException 429', async () => {
    const limited = await startTestEmulator({ runtime: { requestsPerMinute: 2 } });
    try {
      const body = JSON.stringify(encodeRequest('claude-messages', request));
      const send = () => limited.runtime.send(new InvokeModelCommand({ modelId: CLAUDE_MODEL_ID, body }));
      await send();
      await send();
      const err = await rejection(send);
      expect(err.name).toBe('ThrottlingException');
      expect(err.$metadata?.httpStatusCode).toBe(429);
      expect(err.message).toBe('Too many requests, please wait before trying again.');
      // The quota is per model.
      await expect(
        limited.runtime.send(new InvokeModelCommand({ modelId: 'anthropic.claude-3-sonnet-20240229-v1:0', body })),
      ).resolves.toBeDefined();
      expect(limited.emulator.counters()).toMatchObject({ runtimeInvocations: 3, throttled: 1 });
    } finally {
      await limited.stop();
    }
  });

  it('throttles past the tokens-per-minute quota, and admits again once the window has passed', async () => {
    const limited = await startTestEmulator({ runtime: { tokensPerMinute: 40, windowMs: 300 } });
    try {
      const body = JSON.stringify(encodeRequest('claude-messages', { prompt: 'x'.repeat(100), maxTokens: 50 }));
      const send = () => limited.runtime.send(new InvokeModelCommand({ modelId: CLAUDE_MODEL_ID, body }));
      await send();
      const err = await rejection(send);
      expect(err.name).toBe('ThrottlingException');
      await new Promise((resolve) => setTimeout(resolve, 350));
      await expect(send()).resolves.toBeDefined();
    } finally {
      await limited.stop();
    }
  });
});
