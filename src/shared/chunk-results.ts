/**
 * Builds the compact message that tells a document what happened to its records in one job (or one on-demand call):
 * chunk indexes and totals, with each distinct failure reason once. Safe for workflow code.
 */
import type { ChunkResultsMessage, TokenUsage } from './types';

export interface RecordResult {
  chunkIndex: number;
  ok: boolean;
  reason?: string;
  retryable?: boolean;
  tokens: TokenUsage;
  costUsd: number;
  onDemandUsd: number;
}

export class ChunkResultsBuilder {
  private readonly message: ChunkResultsMessage;
  private readonly reasonIndex = new Map<string, number>();

  constructor(attempt: number, via: ChunkResultsMessage['via'], jobName?: string) {
    this.message = {
      ...(jobName ? { jobName } : {}),
      attempt,
      via,
      ok: [],
      failed: [],
      reasons: [],
      tokens: { input: 0, output: 0 },
      costUsd: 0,
      onDemandUsd: 0,
    };
  }

  add(result: RecordResult): this {
    const m = this.message;
    if (result.ok) {
      m.ok.push(result.chunkIndex);
    } else {
      const reason = (result.reason ?? 'unknown reason').slice(0, 300);
      let index = this.reasonIndex.get(reason);
      if (index === undefined) {
        index = m.reasons.length;
        m.reasons.push(reason);
        this.reasonIndex.set(reason, index);
      }
      m.failed.push([result.chunkIndex, index, result.retryable !== false]);
    }
    m.tokens.input += result.tokens.input;
    m.tokens.output += result.tokens.output;
    m.costUsd += result.costUsd;
    m.onDemandUsd += result.onDemandUsd;
    return this;
  }

  get records(): number {
    return this.message.ok.length + this.message.failed.length;
  }

  build(): ChunkResultsMessage {
    return this.message;
  }
}
