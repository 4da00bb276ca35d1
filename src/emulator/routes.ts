import type { ControlPlane } from './control-plane';
import { ZodError } from 'zod';
import { validationError } from './errors';
import type { Runtime } from './runtime';
import { ADMIN_PREFIX } from './server';
import type { Route } from './server';

/** The real paths of the Bedrock batch operations, of tagging, and of bedrock-runtime InvokeModel / Converse. */
export function awsRoutes(controlPlane: ControlPlane, runtime: Runtime): Route[] {
  return [
    {
      method: 'POST',
      path: ['model-invocation-job'],
      operation: 'CreateModelInvocationJob',
      handle: async (ctx) => ({ body: await controlPlane.createModelInvocationJob(ctx.json()) }),
    },
    {
      method: 'GET',
      path: ['model-invocation-job', '*'],
      operation: 'GetModelInvocationJob',
      handle: (ctx) => ({ body: controlPlane.getModelInvocationJob(ctx.segments[1] as string) }),
    },
    {
      method: 'POST',
      path: ['model-invocation-job', '*', 'stop'],
      operation: 'StopModelInvocationJob',
      handle: (ctx) => ({ body: controlPlane.stopModelInvocationJob(ctx.segments[1] as string) }),
    },
    {
      method: 'GET',
      path: ['model-invocation-jobs'],
      operation: 'ListModelInvocationJobs',
      handle: (ctx) => ({ body: controlPlane.listModelInvocationJobs(ctx.query) }),
    },
    {
      method: 'POST',
      path: ['tagResource'],
      operation: 'TagResource',
      handle: async (ctx) => ({ body: await controlPlane.tagResource(ctx.json()) }),
    },
    {
      method: 'POST',
      path: ['untagResource'],
      operation: 'UntagResource',
      handle: async (ctx) => ({ body: await controlPlane.untagResource(ctx.json()) }),
    },
    {
      method: 'POST',
      path: ['listTagsForResource'],
      operation: 'ListTagsForResource',
      handle: (ctx) => ({ body: controlPlane.listTagsForResource(ctx.json()) }),
    },
    {
      method: 'POST',
      path: ['model', '*', 'invoke'],
      operation: 'InvokeModel',
      handle: (ctx) => {
        const result = runtime.invoke('InvokeModel', ctx.segments[1] as string, requireBody(ctx.json()));
        return {
          body: result.body,
          headers: {
            'x-amzn-bedrock-input-token-count': String(result.inputTokens),
            'x-amzn-bedrock-output-token-count': String(result.outputTokens),
            'x-amzn-bedrock-invocation-latency': String(result.latencyMs),
          },
        };
      },
    },
    {
      method: 'POST',
      path: ['model', '*', 'converse'],
      operation: 'Converse',
      handle: (ctx) => ({ body: runtime.invoke('Converse', ctx.segments[1] as string, requireBody(ctx.json())).body }),
    },
  ];
}

function requireBody(body: unknown): unknown {
  if (body === undefined) throw validationError('The request body is required.');
  return body;
}

/** Test and operator controls, under a prefix no AWS path uses. */
export interface AdminActions {
  counters(): unknown;
  reset(options: { jobs: boolean }): Promise<void>;
  faults(): unknown;
  setFaults(input: unknown): void;
}

export function adminRoutes(admin: AdminActions): Route[] {
  return [
    { method: 'GET', path: [ADMIN_PREFIX, 'health'], handle: () => ({ body: { status: 'ok' } }) },
    { method: 'GET', path: [ADMIN_PREFIX, 'counters'], handle: () => ({ body: admin.counters() }) },
    {
      method: 'POST',
      path: [ADMIN_PREFIX, 'reset'],
      handle: async (ctx) => {
        const body = ctx.json();
        const jobs = typeof body === 'object' && body !== null && (body as { jobs?: unknown }).jobs === true;
        await admin.reset({ jobs });
        return { body: admin.counters() };
      },
    },
    { method: 'GET', path: [ADMIN_PREFIX, 'faults'], handle: () => ({ body: admin.faults() }) },
    {
      method: 'POST',
      path: [ADMIN_PREFIX, 'faults'],
      handle: (ctx) => {
        try {
          admin.setFaults(ctx.json() ?? {});
        } catch (err) {
          if (!(err instanceof ZodError)) throw err;
          const problems = err.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
          throw validationError(`Invalid fault configuration: ${problems.join('; ')}`);
        }
        return { body: admin.faults() };
      },
    },
  ];
}
