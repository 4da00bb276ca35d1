import type { CompletionRequest, CompletionResponse } from '../offline-model/types';
import { expectCount, expectObject } from './codec-error';
import { decodeMessagesConversation, messagesStopReason } from './nova';
import { textOfBlocks } from './text-blocks';
import type { JsonObject, ModelRequest, ModelResult } from './types';

/**
 * The Converse API: one request/response shape for every model. A Converse request body is also the
 * `modelInput` of a batch job created with `modelInvocationType: "Converse"`. The encoder's result is the
 * input of `ConverseCommand` without `modelId`.
 */
const REQUEST = 'Converse request';
const RESPONSE = 'Converse response';

export interface ConverseBody {
  messages: { role: 'user'; content: { text: string }[] }[];
  system?: { text: string }[];
  inferenceConfig: { maxTokens: number; temperature?: number };
}

export function encodeConverseRequest(req: ModelRequest): ConverseBody {
  return {
    messages: [{ role: 'user', content: [{ text: req.prompt }] }],
    ...(req.system === undefined ? {} : { system: [{ text: req.system }] }),
    inferenceConfig: {
      maxTokens: req.maxTokens,
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    },
  };
}

/** Reads a Converse response: the JSON body or the `ConverseCommand` output (same member names). */
export function decodeConverseResponse(body: unknown): ModelResult {
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

export function decodeConverseRequest(body: unknown): CompletionRequest {
  return decodeMessagesConversation(expectObject(body, REQUEST, 'body'), REQUEST);
}

export function encodeConverseResponse(res: CompletionResponse, latencyMs = 0): JsonObject {
  return {
    output: { message: { role: 'assistant', content: [{ text: res.text }] } },
    stopReason: res.stopReason,
    usage: {
      inputTokens: res.inputTokens,
      outputTokens: res.outputTokens,
      totalTokens: res.inputTokens + res.outputTokens,
    },
    metrics: { latencyMs },
  };
}
