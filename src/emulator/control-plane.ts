import { describeJob } from './job';
import type { JobEngine } from './job-engine';
import { parseJobIdentifier, validateCreateRequest, validateListQuery } from './validation';

/** The four Bedrock batch operations: validate the request, act on the engine, shape the response. */
export class ControlPlane {
  constructor(private readonly engine: JobEngine) {}

  async createModelInvocationJob(body: unknown): Promise<{ jobArn: string }> {
    return { jobArn: await this.engine.create(validateCreateRequest(body)) };
  }

  getModelInvocationJob(identifier: string): Record<string, unknown> {
    return describeJob(this.engine.get(parseJobIdentifier(identifier)));
  }

  listModelInvocationJobs(query: URLSearchParams): Record<string, unknown> {
    const { jobs, nextToken } = this.engine.list(validateListQuery(query));
    return { invocationJobSummaries: jobs.map(describeJob), ...(nextToken === undefined ? {} : { nextToken }) };
  }

  stopModelInvocationJob(identifier: string): Record<string, never> {
    this.engine.requestStop(parseJobIdentifier(identifier));
    return {};
  }
}
