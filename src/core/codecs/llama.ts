import type { CompletionRequest, CompletionResponse } from '../offline-model/types';
import {
  expectCount,
  expectObject,
  expectString,
  malformedBody,
  optionalMaxTokens,
  optionalNumber,
} from './codec-error';
import { checkTemperature, joinUserTurns } from './text-blocks';
import type { JsonObject, ModelRequest, ModelResult } from './types';

/** Meta Llama 3.x: a raw `prompt` in the Llama 3 chat template, `max_gen_len`. */
const REQUEST = 'Llama request';
const RESPONSE = 'Llama response';
const BEGIN = '<|begin_of_text|>';
const EOT = '<|eot_id|>';

function header(role: string): string {
  return `<|start_header_id|>${role}<|end_header_id|>\n\n`;
}

/** Renders the Llama 3 chat template, ending with an open assistant header for the model to complete. */
export function llamaPrompt(system: string | undefined, prompt: string): string {
  const systemTurn = system === undefined ? '' : `${header('system')}${system}${EOT}`;
  return `${BEGIN}${systemTurn}${header('user')}${prompt}${EOT}${header('assistant')}`;
}

export function encodeLlamaRequest(req: ModelRequest): JsonObject {
  return {
    prompt: llamaPrompt(req.system, req.prompt),
    max_gen_len: req.maxTokens,
    ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
  };
}

export function decodeLlamaResponse(body: unknown): ModelResult {
  const obj = expectObject(body, RESPONSE, 'body');
  return {
    text: expectString(obj.generation, RESPONSE, 'generation'),
    inputTokens: expectCount(obj.prompt_token_count, RESPONSE, 'prompt_token_count'),
    outputTokens: expectCount(obj.generation_token_count, RESPONSE, 'generation_token_count'),
    stopReason: obj.stop_reason === 'stop' ? 'end_turn' : obj.stop_reason === 'length' ? 'max_tokens' : 'other',
  };
}

const TURN = /<\|start_header_id\|>(system|user|assistant)<\|end_header_id\|>\n\n([\s\S]*?)(?=<\|eot_id\|>|$)/g;

export function decodeLlamaRequest(body: unknown): CompletionRequest {
  const obj = expectObject(body, REQUEST, 'body');
  const prompt = expectString(obj.prompt, REQUEST, 'prompt');
  if (prompt.length === 0) throw malformedBody(REQUEST, 'prompt must not be empty');
  const maxTokens = optionalMaxTokens(obj.max_gen_len, REQUEST, 'max_gen_len');
  checkTemperature(optionalNumber(obj.temperature, REQUEST, 'temperature'), REQUEST, 'temperature');
  const limit = maxTokens === undefined ? {} : { maxTokens };
  // A prompt without the chat template is plain text: all of it is the user's.
  if (!prompt.includes('<|start_header_id|>')) return { prompt, ...limit };
  const turns = [...prompt.matchAll(TURN)].map((m) => ({ role: m[1] ?? '', text: m[2] ?? '' }));
  const system = turns.filter((t) => t.role === 'system').map((t) => t.text);
  // The trailing, empty assistant header is the slot the model fills, not a turn.
  const dialogue = turns.filter((t) => t.role !== 'system' && !(t.role === 'assistant' && t.text === ''));
  return {
    ...(system.length === 0 ? {} : { system: system.join('\n\n') }),
    prompt: joinUserTurns(dialogue, REQUEST),
    ...limit,
  };
}

export function encodeLlamaResponse(res: CompletionResponse): JsonObject {
  return {
    generation: res.text,
    prompt_token_count: res.inputTokens,
    generation_token_count: res.outputTokens,
    stop_reason: res.stopReason === 'max_tokens' ? 'length' : 'stop',
  };
}
