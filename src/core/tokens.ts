/**
 * Token estimate shared by the chunker, the cost model and the Bedrock emulator, so that every part of
 * docflow counts the same way. Roughly four characters per token for English prose, as Anthropic and
 * Amazon document; never zero for non-empty text.
 */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}

/** Characters that fit in the given token budget under the same estimate. */
export function charsForTokens(tokens: number): number {
  return Math.max(1, Math.floor(tokens * CHARS_PER_TOKEN));
}
