import type { CompletionRequest, CompletionResponse } from '../offline-model/types';
import {
  expectArray,
  expectCount,
  expectObject,
  expectString,
  malformedBody,
  optionalMaxTokens,
  optionalNumber,
} from './codec-error';
import { checkTemperature, expectRole, joinUserTurns, stableId } from './text-blocks';
import type { JsonObject, ModelRequest, ModelResult, StopReason } from './types';

/** Anthropic Claude on Bedrock: the Messages API body with Bedrock's `anthropic_version`. */
export const ANTHROPIC_VERSION = 'bedrock-2023-05-31';
const REQUEST = 'Claude messages request';
const RESPONSE = 'Claude messages response';

export function encodeClaudeRequest(req: ModelRequest): JsonObject {
  return {
    anthropic_version: ANTHROPIC_VERSION,
    max_tokens: req.maxTokens,
    ...(req.system === undefined ? {} : { system: req.system }),
    ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    messages: [{ role: 'user', content: [{ type: 'text', text: req.prompt }] }],
  };
}

export function decodeClaudeResponse(body: unknown): ModelResult {
  const obj = expectObject(body, RESPONSE, 'body');
  const content = expectArray(obj.content, RESPONSE, 'content');
  const text = content
    .map((block, i) => expectObject(block, RESPONSE, `content[${i}]`))
    .filter((block) => block.type === 'text')
    .map((block, i) => expectString(block.text, RESPONSE, `content[${i}].text`))
    .join('');
  const usage = expectObject(obj.usage, RESPONSE, 'usage');
  return {
    text,
    inputTokens: expectCount(usage.input_tokens, RESPONSE, 'usage.input_tokens'),
    outputTokens: expectCount(usage.output_tokens, RESPONSE, 'usage.output_tokens'),
    stopReason: claudeStopReason(obj.stop_reason),
  };
}

function claudeStopReason(value: unknown): StopReason {
  if (value === 'end_turn' || value === 'max_tokens') return value;
  return 'other';
}

/** The emulator's side: what a Claude request asks of the model. */
export function decodeClaudeRequest(body: unknown): CompletionRequest {
  const obj = expectObject(body, REQUEST, 'body');
  if (obj.anthropic_version === undefined) throw malformedBody(REQUEST, 'anthropic_version is required');
  expectString(obj.anthropic_version, REQUEST, 'anthropic_version');
  const maxTokens = optionalMaxTokens(obj.max_tokens, REQUEST, 'max_tokens');
  if (maxTokens === undefined) throw malformedBody(REQUEST, 'max_tokens is required');
  checkTemperature(optionalNumber(obj.temperature, REQUEST, 'temperature'), REQUEST, 'temperature');
  const turns = expectArray(obj.messages, REQUEST, 'messages').map((message, i) => {
    const m = expectObject(message, REQUEST, `messages[${i}]`);
    return {
      role: expectRole(m.role, REQUEST, `messages[${i}].role`),
      text: claudeText(m.content, `messages[${i}].content`),
    };
  });
  const system = obj.system === undefined ? undefined : claudeText(obj.system, 'system');
  return { ...(system === undefined ? {} : { system }), prompt: joinUserTurns(turns, REQUEST), maxTokens };
}

/** Claude accepts either a string or a list of content blocks; only text blocks carry what we read. */
function claudeText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  return expectArray(value, REQUEST, path)
    .map((block, i) => {
      const b = expectObject(block, REQUEST, `${path}[${i}]`);
      if (b.type !== 'text')
        throw malformedBody(REQUEST, `${path}[${i}].type "${String(b.type)}" is not supported (text only)`);
      return expectString(b.text, REQUEST, `${path}[${i}].text`);
    })
    .join('\n\n');
}

export function encodeClaudeResponse(res: CompletionResponse, modelId?: string): JsonObject {
  return {
    id: `msg_bdrk_${stableId(res.text)}`,
    type: 'message',
    role: 'assistant',
    ...(modelId === undefined ? {} : { model: modelId }),
    content: [{ type: 'text', text: res.text }],
    stop_reason: res.stopReason,
    stop_sequence: null,
    usage: { input_tokens: res.inputTokens, output_tokens: res.outputTokens },
  };
}
