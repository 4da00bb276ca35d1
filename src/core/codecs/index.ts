import type { CompletionRequest, CompletionResponse } from '../offline-model/types';
import {
  decodeClaudeRequest,
  decodeClaudeResponse,
  encodeClaudeRequest,
  encodeClaudeResponse,
} from './claude-messages';
import { decodeLlamaRequest, decodeLlamaResponse, encodeLlamaRequest, encodeLlamaResponse } from './llama';
import { decodeNovaRequest, decodeNovaResponse, encodeNovaRequest, encodeNovaResponse } from './nova';
import type { JsonObject, ModelFamily, ModelRequest, ModelResult } from './types';

export type { JsonObject, ModelFamily, ModelRequest, ModelResult, StopReason } from './types';
export { modelFamily, tryModelFamily } from './model-family';
export { llamaPrompt } from './llama';
export { ANTHROPIC_VERSION } from './claude-messages';
export { NOVA_SCHEMA_VERSION } from './nova';
export type { ConverseBody } from './converse';
export {
  decodeConverseRequest,
  decodeConverseResponse,
  encodeConverseRequest,
  encodeConverseResponse,
} from './converse';

/** The InvokeModel body that asks `req` of a model of this family. */
export function encodeRequest(family: ModelFamily, req: ModelRequest): JsonObject {
  switch (family) {
    case 'claude-messages':
      return encodeClaudeRequest(req);
    case 'nova':
      return encodeNovaRequest(req);
    case 'llama':
      return encodeLlamaRequest(req);
  }
}

/** Reads an InvokeModel response body (parsed JSON) of this family; throws INVALID_INPUT when malformed. */
export function decodeResponse(family: ModelFamily, body: unknown): ModelResult {
  switch (family) {
    case 'claude-messages':
      return decodeClaudeResponse(body);
    case 'nova':
      return decodeNovaResponse(body);
    case 'llama':
      return decodeLlamaResponse(body);
  }
}

/** The emulator's side: what an InvokeModel body of this family asks; throws INVALID_INPUT when malformed. */
export function decodeRequest(family: ModelFamily, body: unknown): CompletionRequest {
  switch (family) {
    case 'claude-messages':
      return decodeClaudeRequest(body);
    case 'nova':
      return decodeNovaRequest(body);
    case 'llama':
      return decodeLlamaRequest(body);
  }
}

/** The emulator's side: the InvokeModel response body of this family for a completion. */
export function encodeResponse(family: ModelFamily, res: CompletionResponse, modelId?: string): JsonObject {
  switch (family) {
    case 'claude-messages':
      return encodeClaudeResponse(res, modelId);
    case 'nova':
      return encodeNovaResponse(res);
    case 'llama':
      return encodeLlamaResponse(res);
  }
}
