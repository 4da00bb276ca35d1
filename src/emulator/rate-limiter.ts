/** Requests-per-minute and tokens-per-minute quotas per model, counted over a sliding window. */
export class RateLimiter {
  private readonly usage = new Map<string, { at: number; tokens: number }[]>();

  constructor(private readonly limits: { requestsPerMinute: number; tokensPerMinute: number; windowMs: number }) {}

  /**
   * Admits a request that is expected to use `tokens` (its input, counted up front as Bedrock does),
   * or returns false when either quota would be exceeded. An admitted request is recorded at once.
   */
  admit(modelId: string, tokens: number, now: number): boolean {
    const recent = (this.usage.get(modelId) ?? []).filter((u) => u.at > now - this.limits.windowMs);
    const used = recent.reduce((sum, u) => sum + u.tokens, 0);
    this.usage.set(modelId, recent);
    if (recent.length >= this.limits.requestsPerMinute || used + tokens > this.limits.tokensPerMinute) return false;
    recent.push({ at: now, tokens });
    return true;
  }

  /** Adds tokens learnt after the fact (the output) to the request admitted last for this model. */
  addTokens(modelId: string, tokens: number): void {
    const recent = this.usage.get(modelId);
    const last = recent?.[recent.length - 1];
    if (last !== undefined) last.tokens += tokens;
  }

  reset(): void {
    this.usage.clear();
  }
}
