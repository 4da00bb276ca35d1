import type { NotificationEvent } from '../../src/notify/event';
import { notificationEventId } from '../../src/notify/event';

/** A completed-document event, unique per call so tests never share an idempotency key. */
export function documentCompleted(workflowId = `doc-${Math.random().toString(36).slice(2, 10)}`): NotificationEvent {
  return {
    id: notificationEventId(workflowId, 'document.completed'),
    type: 'document.completed',
    occurredAt: '2025-06-01T12:00:00.000Z',
    subject: { kind: 'document', id: workflowId, batchId: 'batch-7' },
    data: {
      status: 'completed',
      counts: { chunks: 4, failedChunks: 0 },
      tokens: { input: 12_000, output: 1_800 },
      costUsd: 0.0213,
      resultUri: `s3://docflow/documents/${workflowId}/result.json`,
      reportUri: `s3://docflow/documents/${workflowId}/report.md`,
    },
  };
}
