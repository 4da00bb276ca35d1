import { isDocflowError } from '../core/errors';
import { tryModelFamily } from '../core/codecs';
import type { CompletionRequest } from '../core/offline-model/types';
import { estimateTokens } from '../core/tokens';
import type { Counters } from './counters';
import { throttled, validationError } from './errors';
import type { Faults } from './faults';
import { answerModelRequest, decodeModelRequest } from './model-invocation';
import type { RequestFormat } from './model-invocation';
import type { ModelFunction } from './options';
import type { RateLimiter } from './rate-limiter';

export interface RuntimeResult {
  body: Record<string, unknown>;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

/** bedrock-runtime InvokeModel and Converse, under per-model requests- and tokens-per-minute quotas. */
export class Runtime {
  private invocations = 0;

  constructor(
    private readonly deps: { model: ModelFunction; faults: Faults; counters: Counters; limiter: RateLimiter },
  ) {}

  invoke(api: 'InvokeModel' | 'Converse', modelId: string, body: unknown): RuntimeResult {
    const family = tryModelFamily(modelId);
    if (family === undefined) throw validationError('The provided model identifier is invalid.');
    const format: RequestFormat = api === 'Converse' ? 'converse' : family;
    let request: CompletionRequest;
    try {
      request = decodeModelRequest(format, body);
    } catch (err) {
      if (!isDocflowError(err)) throw err;
      throw validationError(`Malformed input request: ${err.message}, please reformat your input and try again.`);
    }
    const { limiter, counters, faults, model } = this.deps;
    // Bedrock counts the input against the tokens-per-minute quota before it runs the model.
    if (!limiter.admit(modelId, estimateTokens(`${request.system ?? ''}${request.prompt}`), Date.now()))
      throw throttled();
    const started = Date.now();
    const ordinal = ++this.invocations;
    counters.increment('runtimeInvocations');
    const fault = faults.outputFault(`runtime/${modelId}/${ordinal}`);
    const { completion, body: response } = answerModelRequest(model, format, modelId, request, fault);
    const latencyMs = Date.now() - started;
    if (format === 'converse') response.metrics = { latencyMs };
    limiter.addTokens(modelId, completion.outputTokens);
    counters.tokens(completion.inputTokens, completion.outputTokens);
    return { body: response, inputTokens: completion.inputTokens, outputTokens: completion.outputTokens, latencyMs };
  }

  /** Forgets the quota windows and the invocation sequence (fault draws restart). */
  reset(): void {
    this.invocations = 0;
    this.deps.limiter.reset();
  }
}
