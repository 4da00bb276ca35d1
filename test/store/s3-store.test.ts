import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore, s3Error } from '../../src/store';
import { startS3Server } from '../support/s3-server';
import type { TestS3Server } from '../support/s3-server';

describe('S3ObjectStore against an S3-compatible server', () => {
  let server: TestS3Server;
  let store: S3ObjectStore;

  beforeAll(async () => {
    server = await startS3Server();
    store = new S3ObjectStore({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: server.credentials,
      partSizeBytes: 5 * 1024 * 1024,
    });
  });
  afterAll(() => server?.stop());

  it('uploads a stream larger than one part as a multipart object', async () => {
    const bucket = await server.createBucket();
    const part = Buffer.alloc(5 * 1024 * 1024, 'x');
    await store.put(`s3://${bucket}/big.bin`, Readable.from([part, part, Buffer.from('tail')]));
    const info = await store.head(`s3://${bucket}/big.bin`);
    // A multipart ETag ends with "-<number of parts>".
    expect(info).toMatchObject({ size: 2 * part.length + 4, etag: expect.stringMatching(/-3"?$/) as unknown });
  });

  it('uploads an in-memory body above the threshold in parts', async () => {
    const bucket = await server.createBucket();
    await store.put(`s3://${bucket}/big.txt`, 'y'.repeat(6 * 1024 * 1024));
    expect((await store.head(`s3://${bucket}/big.txt`))?.etag).toMatch(/-2"?$/);
  });

  it('reports a missing bucket as NOT_FOUND', async () => {
    await expect(store.get('s3://no-such-bucket-docflow/x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      retryable: false,
    });
  });
});

describe('S3 error mapping', () => {
  const failure = (name: string, httpStatusCode?: number) =>
    Object.assign(new Error('service message'), { name, $metadata: { httpStatusCode } });

  it.each([
    ['NoSuchKey', 404, 'NOT_FOUND', false],
    ['NotFound', 404, 'NOT_FOUND', false],
    ['AccessDenied', 403, 'ACCESS_DENIED', false],
    ['InvalidAccessKeyId', 403, 'ACCESS_DENIED', false],
    ['SlowDown', 503, 'THROTTLED', true],
    ['InternalError', 500, 'TRANSIENT', true],
    ['ECONNRESET', undefined, 'TRANSIENT', true],
    ['InvalidArgument', 400, 'INVALID_INPUT', false],
  ] as const)('maps %s (%s) to %s, retryable=%s', (name, status, code, retryable) => {
    expect(s3Error(failure(name, status), 'read', 's3://b/k')).toMatchObject({ code, retryable });
  });

  it('names the operation and object but not the service message', () => {
    const err = s3Error(failure('AccessDenied', 403), 'read', 's3://bucket/documents/d1/text.txt');
    expect(err.message).toContain('s3://bucket/documents/d1/text.txt');
    expect(err.message).not.toContain('service message');
  });
});
