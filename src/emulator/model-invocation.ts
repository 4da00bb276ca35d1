import { decodeConverseRequest, decodeRequest, encodeConverseResponse, encodeResponse } from '../core/codecs';
import type { JsonObject, ModelFamily } from '../core/codecs';
import type { CompletionRequest, CompletionResponse } from '../core/offline-model/types';
import { estimateTokens } from '../core/tokens';
import type { OutputFault } from './faults';
import type { ModelFunction } from './options';

/** An InvokeModel body of a family, or a Converse request. */
export type RequestFormat = ModelFamily | 'converse';

export interface Invocation {
  completion: CompletionResponse;
  /** The response body in the request's format. */
  body: JsonObject;
}

/** Reads a request body of the format; throws the codec's INVALID_INPUT error when malformed. */
export function decodeModelRequest(format: RequestFormat, body: unknown): CompletionRequest {
  return format === 'converse' ? decodeConverseRequest(body) : decodeRequest(format, body);
}

/**
 * Answers one model request, as InvokeModel, Converse and every batch record do: ask the model, spoil the
 * answer if a fault says so, and encode it in the request's format.
 */
export function answerModelRequest(
  model: ModelFunction,
  format: RequestFormat,
  modelId: string,
  request: CompletionRequest,
  fault: OutputFault,
  latencyMs = 0,
): Invocation {
  const completion = spoil(model(request), fault);
  const body =
    format === 'converse' ? encodeConverseResponse(completion, latencyMs) : encodeResponse(format, completion, modelId);
  return { completion, body };
}

/** Text a parser expecting the task's JSON cannot use, as models sometimes answer. */
const MALFORMED_TEXT =
  'Here is my analysis of the clause. The parties agree to the terms described above, as far as I can tell.';

function spoil(completion: CompletionResponse, fault: OutputFault): CompletionResponse {
  if (fault === 'malformed') {
    return {
      ...completion,
      text: MALFORMED_TEXT,
      outputTokens: estimateTokens(MALFORMED_TEXT),
      stopReason: 'end_turn',
    };
  }
  if (fault === 'truncated') {
    const text = completion.text.slice(0, Math.floor(completion.text.length / 2));
    return { ...completion, text, outputTokens: estimateTokens(text), stopReason: 'max_tokens' };
  }
  return completion;
}
