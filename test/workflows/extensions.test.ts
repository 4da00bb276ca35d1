import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocflowClient } from '../../src/client';
import { notificationEventSchema } from '../../src/notify/event';
import { shortContract, writeTempFiles } from '../support/documents';
import { startTestPipeline } from '../support/pipeline';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';
import { startWebhookReceiver } from '../notify/receiver';

describe('the pipeline with user tasks and notifications', () => {
  let t: TemporalTestContext;
  beforeAll(async () => {
    t = await connectTemporal();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('analyses a document with a user task loaded from a JSON file', async () => {
    const { dir, paths } = await writeTempFiles({ 'clauses.txt': shortContract('MARKER-USER-TASK') });
    const taskFile = join(dir, 'clause-count.json');
    await writeFile(
      taskFile,
      JSON.stringify({
        id: 'clause-count',
        description: 'Counts numbered clauses',
        prompt: 'Count the numbered clauses in this part of {{documentName}}:\n{{chunk}}',
        outputSchema: {
          type: 'object',
          required: ['clauses'],
          properties: { clauses: { type: 'integer', minimum: 0 } },
        },
      }),
    );
    const p = await startTestPipeline(t, { settings: { 'pipeline.taskFiles': [taskFile] } });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const started = await client.startDocument({
        file: paths[0],
        priority: 'high',
        settings: { ...p.settings, taskId: 'clause-count' },
      });
      const outcome = await client.awaitDocument(started.docId);
      expect(outcome.status).toBe('completed');
      const result = await client.documentResult(started.docId);
      expect(result.analysis).toMatchObject({ strategy: 'generic', taskId: 'clause-count' });
      const chunks = (result.analysis as unknown as { chunks: { output: { clauses: number } }[] }).chunks;
      expect(chunks.length).toBe(outcome.chunks);
      for (const chunk of chunks) expect(Number.isInteger(chunk.output.clauses)).toBe(true);
    } finally {
      await p.stop();
    }
  });

  it('announces a completed document with a signed webhook carrying ids and counts, never content', async () => {
    const secret = 'test-signing-secret-9f2c';
    const receiver = await startWebhookReceiver({ secret });
    const p = await startTestPipeline(t, {
      settings: {
        'pipeline.notify': true,
        'notify.webhookUrls': [receiver.url],
        'notify.webhookSecret': secret,
      },
      env: { DOCFLOW_WEBHOOK_SECRET: secret },
    });
    try {
      const client = new DocflowClient(t.client, p.config, p.store);
      const { paths } = await writeTempFiles({ 'notify.txt': shortContract('MARKER-NOTIFY') });
      const started = await client.startDocument({ file: paths[0], priority: 'high' });
      expect((await client.awaitDocument(started.docId)).status).toBe('completed');

      await expect.poll(() => receiver.requests.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      const delivery = receiver.requests[0];
      expect(delivery?.verified).toBe(true);
      const event = notificationEventSchema.parse(JSON.parse(delivery?.body ?? '{}'));
      expect(event).toMatchObject({
        id: `${started.workflowId}:document.completed`,
        type: 'document.completed',
        subject: { kind: 'document', id: started.docId },
        data: { status: 'completed' },
      });
      expect(delivery?.headers['docflow-event-id']).toBe(event.id);
      expect(delivery?.body).not.toContain('MARKER-NOTIFY');
      expect(delivery?.body).not.toContain('Quillfeather');
    } finally {
      await p.stop();
      await receiver.close();
    }
  });
});
