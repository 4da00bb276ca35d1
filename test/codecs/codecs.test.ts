import { describe, expect, it } from 'vitest';
import {
  decodeConverseRequest,
  decodeConverseResponse,
  decodeRequest,
  decodeResponse,
  encodeConverseRequest,
  encodeConverseResponse,
  encodeRequest,
  encodeResponse,
  llamaPrompt,
  modelFamily,
  tryModelFamily,
} from '../../src/core/codecs';
import type { ModelFamily } from '../../src/core/codecs';
import { isDocflowError } from '../../src/core/errors';

const families: ModelFamily[] = ['claude-messages', 'nova', 'llama'];
const request = {
  system: 'You review contracts.',
  prompt: 'Clause 1: the term is two years.',
  maxTokens: 512,
  temperature: 0,
};
const completion = { text: '{"parties":["A","B"]}', inputTokens: 42, outputTokens: 9, stopReason: 'end_turn' as const };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('modelFamily', () => {
  it.each([
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-messages'],
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-messages'],
    ['amazon.nova-lite-v1:0', 'nova'],
    ['eu.amazon.nova-pro-v1:0', 'nova'],
    ['meta.llama3-1-8b-instruct-v1:0', 'llama'],
    ['arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-70b-instruct-v1:0', 'llama'],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0',
      'claude-messages',
    ],
  ])('maps %s to %s', (id, family) => {
    expect(modelFamily(id)).toBe(family);
  });

  it('rejects an unsupported model with a permanent error naming it', () => {
    expect(tryModelFamily('cohere.command-r-v1:0')).toBeUndefined();
    const err = thrown(() => modelFamily('cohere.command-r-v1:0'));
    expect(isDocflowError(err) && err.retryable).toBe(false);
    expect((err as Error).message).toContain('cohere.command-r-v1:0');
  });
});

describe.each(families)('%s codec', (family) => {
  it('round-trips a request through the emulator decoder', () => {
    const body = JSON.parse(JSON.stringify(encodeRequest(family, request))) as unknown;
    expect(decodeRequest(family, body)).toEqual({ system: request.system, prompt: request.prompt, maxTokens: 512 });
  });

  it('round-trips a request without a system prompt', () => {
    const decoded = decodeRequest(family, encodeRequest(family, { prompt: 'hello', maxTokens: 10 }));
    expect(decoded).toEqual({ prompt: 'hello', maxTokens: 10 });
  });

  it('round-trips a response', () => {
    const body = JSON.parse(JSON.stringify(encodeResponse(family, completion))) as unknown;
    expect(decodeResponse(family, body)).toEqual(completion);
  });

  it('round-trips a max_tokens stop', () => {
    const cut = { ...completion, stopReason: 'max_tokens' as const };
    expect(decodeResponse(family, encodeResponse(family, cut)).stopReason).toBe('max_tokens');
  });

  it('rejects a body that is not an object', () => {
    expect((thrown(() => decodeRequest(family, 'hi')) as Error).message).toMatch(
      /^malformed .* request: body must be an object/,
    );
    expect((thrown(() => decodeResponse(family, [])) as Error).message).toMatch(
      /^malformed .* response: body must be an object/,
    );
  });
});

describe('wire shapes', () => {
  it('Claude requests carry the Bedrock anthropic_version, max_tokens and user content blocks', () => {
    expect(encodeRequest('claude-messages', request)).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 512,
      system: request.system,
      temperature: 0,
      messages: [{ role: 'user', content: [{ type: 'text', text: request.prompt }] }],
    });
  });

  it('Claude responses have the Messages API shape', () => {
    expect(encodeResponse('claude-messages', completion, 'anthropic.claude-3-haiku-20240307-v1:0')).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: completion.text }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 42, output_tokens: 9 },
    });
  });

  it('Nova requests use messages-v1 with inferenceConfig.maxTokens', () => {
    expect(encodeRequest('nova', request)).toEqual({
      schemaVersion: 'messages-v1',
      system: [{ text: request.system }],
      messages: [{ role: 'user', content: [{ text: request.prompt }] }],
      inferenceConfig: { maxTokens: 512, temperature: 0 },
    });
  });

  it('Nova responses report totalTokens', () => {
    expect(encodeResponse('nova', completion)).toEqual({
      output: { message: { role: 'assistant', content: [{ text: completion.text }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 42, outputTokens: 9, totalTokens: 51 },
    });
  });

  it('Llama prompts use the Llama 3 chat template and end with an open assistant header', () => {
    expect(llamaPrompt('S', 'U')).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    expect(encodeResponse('llama', { ...completion, stopReason: 'max_tokens' })).toEqual({
      generation: completion.text,
      prompt_token_count: 42,
      generation_token_count: 9,
      stop_reason: 'length',
    });
  });

  it('a Llama prompt without the chat template is all user text', () => {
    expect(decodeRequest('llama', { prompt: 'plain text', max_gen_len: 5 })).toEqual({
      prompt: 'plain text',
      maxTokens: 5,
    });
  });

  it('Claude content may be a plain string and assistant turns are ignored', () => {
    const decoded = decodeRequest('claude-messages', {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 100,
      system: [{ type: 'text', text: 'sys' }],
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
    });
    expect(decoded).toEqual({ system: 'sys', prompt: 'first\n\nsecond', maxTokens: 100 });
  });
});

describe('malformed requests', () => {
  it.each<[ModelFamily, unknown, RegExp]>([
    [
      'claude-messages',
      { max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
      /anthropic_version is required/,
    ],
    [
      'claude-messages',
      { anthropic_version: 'bedrock-2023-05-31', messages: [{ role: 'user', content: 'x' }] },
      /max_tokens is required/,
    ],
    [
      'claude-messages',
      { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [] },
      /messages must not be empty/,
    ],
    [
      'claude-messages',
      { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'robot', content: 'x' }] },
      /messages\[0\]\.role must be "user" or "assistant"/,
    ],
    [
      'claude-messages',
      {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 10,
        temperature: 3,
        messages: [{ role: 'user', content: 'x' }],
      },
      /temperature must be between 0 and 1/,
    ],
    ['nova', { schemaVersion: 'messages-v0', messages: [] }, /schemaVersion must be "messages-v1"/],
    [
      'nova',
      { messages: [{ role: 'user', content: [{ image: {} }] }] },
      /messages\[0\]\.content\[0\]\.text must be a string/,
    ],
    [
      'nova',
      { messages: [{ role: 'user', content: [{ text: 'x' }] }], inferenceConfig: { maxTokens: 0 } },
      /maxTokens must be a positive integer/,
    ],
    ['llama', { max_gen_len: 10 }, /prompt must be a string/],
    ['llama', { prompt: 'x', max_gen_len: 1.5 }, /max_gen_len must be a positive integer/],
  ])('%s: %j is rejected', (family, body, message) => {
    const err = thrown(() => decodeRequest(family, body));
    expect(isDocflowError(err) && err.code).toBe('INVALID_INPUT');
    expect((err as Error).message).toMatch(message);
  });

  it('a response without usage is rejected', () => {
    expect((thrown(() => decodeResponse('claude-messages', { content: [] })) as Error).message).toMatch(
      /usage must be an object/,
    );
  });
});

describe('Converse', () => {
  it('round-trips a request and a response', () => {
    expect(decodeConverseRequest(encodeConverseRequest(request))).toEqual({
      system: request.system,
      prompt: request.prompt,
      maxTokens: 512,
    });
    expect(decodeConverseResponse(encodeConverseResponse(completion, 12))).toEqual(completion);
  });

  it('responses carry usage.totalTokens and metrics.latencyMs', () => {
    expect(encodeConverseResponse(completion, 12)).toMatchObject({
      usage: { totalTokens: 51 },
      metrics: { latencyMs: 12 },
    });
  });

  it('a request without inferenceConfig leaves the limit to the model', () => {
    expect(decodeConverseRequest({ messages: [{ role: 'user', content: [{ text: 'x' }] }] })).toEqual({ prompt: 'x' });
  });

  it('a conversation starting with the assistant is rejected', () => {
    const err = thrown(() => decodeConverseRequest({ messages: [{ role: 'assistant', content: [{ text: 'x' }] }] }));
    expect((err as Error).message).toMatch(/first message must have role "user"/);
  });
});
