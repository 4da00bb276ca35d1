/** A model request reduced to what the offline model needs, whatever the wire format it came in. */
export interface CompletionRequest {
  system?: string;
  /** The user turns' text, concatenated in order. */
  prompt: string;
  maxTokens?: number;
}

export interface CompletionResponse {
  text: string;
  inputTokens: number;
  outputTokens: number;
  stopReason: 'end_turn' | 'max_tokens';
}
