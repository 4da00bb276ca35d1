import type { CompletionRequest, CompletionResponse } from '../offline-model/types';
import {
  expectArray,
  expectCount,
  expectObject,
  malformedBody,
  optionalMaxTokens,
  optionalNumber,
} from './codec-error';
import { checkTemperature, expectRole, joinUserTurns, textOfBlocks } from './text-blocks';
import type { JsonObject, ModelRequest, ModelResult, StopReason } from './types';

/** Amazon Nova: the `messages-v1` InvokeModel schema. */
export const NOVA_SCHEMA_VERSION = 'messages-v1';
const REQUEST = 'Nova request';
const RESPONSE = 'Nova response';

export function encodeNovaRequest(req: ModelRequest): JsonObject {
  return {
    schemaVersion: NOVA_SCHEMA_VERSION,
    ...(req.system === undefined ? {} : { system: [{ text: req.system }] }),
    messages: [{ role: 'user', content: [{ text: req.prompt }] }],
    inferenceConfig: {
      maxTokens: req.maxTokens,
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    },
  };
}

export function decodeNovaResponse(body: unknown): ModelResult {
  const obj = expectObject(body, RESPONSE, 'body');
  const output = expectObject(obj.output, RESPONSE, 'output');
  const message = expectObject(output.message, RESPONSE, 'output.message');
  const usage = expectObject(obj.usage, RESPONSE, 'usage');
  return {
    text: textOfBlocks(message.content, RESPONSE, 'output.message.content'),
    inputTokens: expectCount(usage.inputTokens, RESPONSE, 'usage.inputTokens'),
    outputTokens: expectCount(usage.outputTokens, RESPONSE, 'usage.outputTokens'),
    stopReason: messagesStopReason(obj.stopReason),
  };
}

/** Nova and Converse share stop reason names. */
export function messagesStopReason(value: unknown): StopReason {
  if (value === 'end_turn' || value === 'max_tokens') return value;
  return 'other';
}

export function decodeNovaRequest(body: unknown): CompletionRequest {
  const obj = expectObject(body, REQUEST, 'body');
  if (obj.schemaVersion !== undefined && obj.schemaVersion !== NOVA_SCHEMA_VERSION) {
    throw malformedBody(REQUEST, `schemaVersion must be "${NOVA_SCHEMA_VERSION}"`);
  }
  return decodeMessagesConversation(obj, REQUEST);
}

/** Nova's body and a Converse request share the same messages/system/inferenceConfig shape. */
export function decodeMessagesConversation(obj: Record<string, unknown>, what: string): CompletionRequest {
  const turns = expectArray(obj.messages, what, 'messages').map((message, i) => {
    const m = expectObject(message, what, `messages[${i}]`);
    return {
      role: expectRole(m.role, what, `messages[${i}].role`),
      text: textOfBlocks(m.content, what, `messages[${i}].content`),
    };
  });
  const system = obj.system === undefined ? undefined : textOfBlocks(obj.system, what, 'system');
  let maxTokens: number | undefined;
  if (obj.inferenceConfig !== undefined) {
    const config = expectObject(obj.inferenceConfig, what, 'inferenceConfig');
    // Early Nova documentation named the limit max_new_tokens; Bedrock still accepts it.
    maxTokens =
      optionalMaxTokens(config.maxTokens, what, 'inferenceConfig.maxTokens') ??
      optionalMaxTokens(config.max_new_tokens, what, 'inferenceConfig.max_new_tokens');
    checkTemperature(
      optionalNumber(config.temperature, what, 'inferenceConfig.temperature'),
      what,
      'inferenceConfig.temperature',
    );
  }
  return {
    ...(system === undefined ? {} : { system }),
    prompt: joinUserTurns(turns, what),
    ...(maxTokens === undefined ? {} : { maxTokens }),
  };
}

export function encodeNovaResponse(res: CompletionResponse): JsonObject {
  return {
    output: { message: { role: 'assistant', content: [{ text: res.text }] } },
    stopReason: res.stopReason,
    usage: {
      inputTokens: res.inputTokens,
      outputTokens: res.outputTokens,
      totalTokens: res.inputTokens + res.outputTokens,
    },
  };
}
