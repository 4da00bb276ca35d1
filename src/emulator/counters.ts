/** What tests read to prove what happened: nothing created twice, every record and token accounted for. */
export interface JobCounters {
  recordsProcessed: number;
  recordsFailed: number;
  inputTokens: number;
  outputTokens: number;
}

export interface CountersSnapshot {
  jobsCreated: number;
  /** Create calls whose clientRequestToken matched an existing job (answered with that job). */
  duplicateTokensSeen: number;
  recordsProcessed: number;
  recordsFailed: number;
  inputTokens: number;
  outputTokens: number;
  runtimeInvocations: number;
  /** Requests answered with ThrottlingException, by quota or by fault. */
  throttled: number;
  serverErrors: number;
  jobs: Record<string, JobCounters>;
}

export class Counters {
  private state: CountersSnapshot = Counters.empty();

  private static empty(): CountersSnapshot {
    return {
      jobsCreated: 0,
      duplicateTokensSeen: 0,
      recordsProcessed: 0,
      recordsFailed: 0,
      inputTokens: 0,
      outputTokens: 0,
      runtimeInvocations: 0,
      throttled: 0,
      serverErrors: 0,
      jobs: {},
    };
  }

  snapshot(): CountersSnapshot {
    return structuredClone(this.state);
  }

  reset(): void {
    this.state = Counters.empty();
  }

  increment(field: 'jobsCreated' | 'duplicateTokensSeen' | 'runtimeInvocations' | 'throttled' | 'serverErrors'): void {
    this.state[field] += 1;
  }

  tokens(inputTokens: number, outputTokens: number): void {
    this.state.inputTokens += inputTokens;
    this.state.outputTokens += outputTokens;
  }

  /** One batch record finished (failed or not), with the tokens it used. */
  record(jobId: string, failed: boolean, inputTokens: number, outputTokens: number): void {
    const job = (this.state.jobs[jobId] ??= { recordsProcessed: 0, recordsFailed: 0, inputTokens: 0, outputTokens: 0 });
    this.state.recordsProcessed += 1;
    job.recordsProcessed += 1;
    if (failed) {
      this.state.recordsFailed += 1;
      job.recordsFailed += 1;
    }
    this.tokens(inputTokens, outputTokens);
    job.inputTokens += inputTokens;
    job.outputTokens += outputTokens;
  }
}
