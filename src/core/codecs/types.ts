/** The model families docflow speaks to, each with its own InvokeModel body format. */
export type ModelFamily = 'claude-messages' | 'nova' | 'llama';

/** What docflow asks a model, independent of any wire format. */
export interface ModelRequest {
  system?: string;
  prompt: string;
  maxTokens: number;
  temperature?: number;
}

/** Why the model stopped, normalised across families. */
export type StopReason = 'end_turn' | 'max_tokens' | 'other';

/** What a model answered, independent of any wire format. */
export interface ModelResult {
  text: string;
  inputTokens: number;
  outputTokens: number;
  stopReason: StopReason;
}

/** A JSON object as read from or written to a request or response body. */
export type JsonObject = Record<string, unknown>;
