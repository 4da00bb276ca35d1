import { AwsError } from './errors';
import { describeJob } from './job';
import type { Tag } from './job';
import type { JobEngine } from './job-engine';
import { parseJobIdentifier, validateCreateRequest, validateListQuery, validateTagRequest } from './validation';
import type { ServiceContext } from './validation';

/** The most tags a job may carry: the bound of the API model's tag list. */
const MAX_TAGS = 200;

/** The Bedrock batch operations and the tagging of their jobs: validate the request, act on the engine, shape the response. */
export class ControlPlane {
  constructor(
    private readonly engine: JobEngine,
    private readonly service: ServiceContext,
  ) {}

  async createModelInvocationJob(body: unknown): Promise<{ jobArn: string }> {
    return { jobArn: await this.engine.create(validateCreateRequest(body, this.service)) };
  }

  getModelInvocationJob(identifier: string): Record<string, unknown> {
    return describeJob(this.engine.get(parseJobIdentifier(identifier, this.service)));
  }

  listModelInvocationJobs(query: URLSearchParams): Record<string, unknown> {
    const { jobs, nextToken } = this.engine.list(validateListQuery(query));
    return { invocationJobSummaries: jobs.map(describeJob), ...(nextToken === undefined ? {} : { nextToken }) };
  }

  stopModelInvocationJob(identifier: string): Record<string, never> {
    this.engine.requestStop(parseJobIdentifier(identifier, this.service));
    return {};
  }

  listTagsForResource(body: unknown): { tags: Tag[] } {
    const { jobId } = validateTagRequest(body, 'ListTagsForResource', this.service);
    return { tags: this.engine.get(jobId).tags };
  }

  /** Adds tags, replacing the value of a key the job already has. */
  async tagResource(body: unknown): Promise<Record<string, never>> {
    const { jobId, tags = [] } = validateTagRequest(body, 'TagResource', this.service);
    const job = this.engine.get(jobId);
    const merged = new Map(job.tags.map((tag) => [tag.key, tag.value]));
    for (const tag of tags) merged.set(tag.key, tag.value);
    if (merged.size > MAX_TAGS) {
      throw new AwsError('TooManyTagsException', `The resource ${job.arn} would have more than ${MAX_TAGS} tags.`);
    }
    await this.engine.setTags(
      jobId,
      [...merged].map(([key, value]) => ({ key, value })),
    );
    return {};
  }

  async untagResource(body: unknown): Promise<Record<string, never>> {
    const { jobId, tagKeys = [] } = validateTagRequest(body, 'UntagResource', this.service);
    const removed = new Set(tagKeys);
    await this.engine.setTags(
      jobId,
      this.engine.get(jobId).tags.filter((tag) => !removed.has(tag.key)),
    );
    return {};
  }
}
