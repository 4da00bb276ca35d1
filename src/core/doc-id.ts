/**
 * Document ids: the same bytes analysed with the same task version and model always get the same id, so a
 * resubmitted file attaches to its existing workflow instead of being paid for twice.
 * Uses node:crypto: not for workflow code.
 */
import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function documentId(contentSha256: string, taskId: string, taskVersion: number, modelId: string): string {
  return sha256Hex(`docflow-document-v1\0${contentSha256}\0${taskId}@${taskVersion}\0${modelId}`).slice(0, 24);
}
