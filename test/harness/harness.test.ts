import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  harnessCountQuery,
  harnessCounter,
  harnessIncrementSignal,
  harnessNonDeterministic,
} from '../fixtures/harness-workflows';
import { connectTemporal, uniqueTaskQueue, withWorker } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';

describe('test harness', () => {
  let t: TemporalTestContext;
  beforeAll(async () => {
    t = await connectTemporal();
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs a workflow on the dev server that answers queries and signals', async () => {
    const taskQueue = uniqueTaskQueue('harness');
    const result = await withWorker(t, { taskQueue }, async () => {
      const handle = await t.client.workflow.start(harnessCounter, {
        taskQueue,
        workflowId: `harness-counter-${taskQueue}`,
        args: [5],
      });
      await handle.signal(harnessIncrementSignal, 2);
      await expect.poll(() => handle.query(harnessCountQuery)).toBe(2);
      await handle.signal(harnessIncrementSignal, 3);
      return handle.result();
    });
    expect(result).toBe(5);
  });

  it('cancels a running workflow through the client', async () => {
    const taskQueue = uniqueTaskQueue('harness');
    const status = await withWorker(t, { taskQueue }, async () => {
      const handle = await t.client.workflow.start(harnessCounter, {
        taskQueue,
        workflowId: `harness-cancel-${taskQueue}`,
        args: [1_000],
      });
      await expect.poll(() => handle.query(harnessCountQuery)).toBe(0);
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
      return (await handle.describe()).status.name;
    });
    expect(status).toBe('CANCELLED');
  });

  it('fails a non-deterministic workflow at once with a readable error instead of retrying', async () => {
    const taskQueue = uniqueTaskQueue('harness');
    const started = Date.now();
    const error = await withWorker(
      t,
      {
        taskQueue,
        maxCachedWorkflows: 0,
        activities: { harnessNoop: async () => {} },
      },
      async () => {
        const handle = await t.client.workflow.start(harnessNonDeterministic, {
          taskQueue,
          workflowId: `harness-nde-${taskQueue}`,
        });
        return handle.result().then(
          () => undefined,
          (err: unknown) => err,
        );
      },
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(`${cause?.name}: ${cause?.message}`).toMatch(/nondetermin/i);
    // Well inside a workflow task retry cycle: the failure is immediate, not a timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
