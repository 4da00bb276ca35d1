import { randomUUID } from 'node:crypto';
import { isDocflowError } from '../core/errors';
import type { ObjectStore } from '../store/object-store';
import { errorSummary, fail, ok } from './check';
import type { CheckResult } from './check';

/** The prefix of the doctor's test objects under the store root: apart from the storage layout docflow uses. */
export const DOCTOR_PREFIX = '_docflow-doctor/';

/**
 * Writes a test object under the store root, reads it back, finds it by listing, deletes it and checks it is gone:
 * the four permissions the pipeline needs (s3:PutObject, GetObject, ListBucket, DeleteObject).
 */
export async function checkStore(store: ObjectStore, rootUri: string, description: string): Promise<CheckResult> {
  const title = 'Object store';
  const prefix = `${rootUri.replace(/\/+$/, '')}/${DOCTOR_PREFIX}`;
  const uri = `${prefix}${randomUUID()}.txt`;
  const body = `docflow doctor ${new Date().toISOString()}`;
  let step = 'write';
  try {
    await store.put(uri, body, { contentType: 'text/plain' });
    step = 'read';
    if ((await store.getText(uri)) !== body) throw new Error('read back different bytes than were written');
    step = 'list';
    const listed = await store.list(prefix, { maxKeys: 1000 });
    if (!listed.objects.some((o) => o.uri === uri))
      throw new Error('the object just written is missing from the listing');
    step = 'delete';
    await store.delete(uri);
    if (await store.head(uri)) throw new Error('the object is still there after delete');
  } catch (err) {
    if (step !== 'write' && step !== 'delete') await store.delete(uri).catch(() => undefined);
    const config = isDocflowError(err) ? !err.retryable : err instanceof Error && 'code' in err;
    return fail(
      'store',
      title,
      config ? 'config' : 'unavailable',
      `cannot ${step} ${uri}: ${errorSummary(err)}`,
      storeFix(store.kind, step),
    );
  }
  return ok('store', title, `write, read, list and delete work under ${rootUri} (${description})`);
}

function storeFix(kind: ObjectStore['kind'], step: string): string {
  if (kind === 'file') {
    return 'check that DOCFLOW_STORE_ROOT is a folder this user may create, write and delete files in';
  }
  const permission = { write: 's3:PutObject', read: 's3:GetObject', list: 's3:ListBucket', delete: 's3:DeleteObject' }[
    step
  ];
  return (
    `check that the bucket of DOCFLOW_STORE exists (s3://bucket[/prefix]) in AWS_REGION and that this identity has ` +
    `${permission ?? 'access'} on it; with an S3-compatible server, check DOCFLOW_S3_ENDPOINT and DOCFLOW_S3_FORCE_PATH_STYLE`
  );
}
