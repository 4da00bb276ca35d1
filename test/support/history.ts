import type { Client } from '@temporalio/client';

/**
 * A workflow's whole history as text, payloads decoded: what a person with access to the Temporal cluster
 * (Web UI, `temporal workflow show`) could read. Tests search it for document content.
 */
export async function historyText(client: Client, workflowId: string, runId?: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const parts: string[] = [];
  const walk = (value: unknown): void => {
    if (value instanceof Uint8Array) {
      parts.push(Buffer.from(value).toString('utf8'));
    } else if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        parts.push(key);
        walk(v);
      }
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      parts.push(String(value));
    }
  };
  walk(history);
  return parts.join('\n');
}

/** The number of events in a workflow run's history and its largest payload (bytes of any one encoded value). */
export async function historySize(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<{ events: number; largestPayload: number }> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  let largestPayload = 0;
  const walk = (value: unknown): void => {
    if (value instanceof Uint8Array) largestPayload = Math.max(largestPayload, value.byteLength);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(history);
  return { events: history.events?.length ?? 0, largestPayload };
}
