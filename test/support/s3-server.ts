import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startMotoServer } from './moto';

/** A throwaway S3-compatible server (moto) on loopback, for tests that need real S3 behaviour. */
export interface TestS3Server {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** A client configured for this server (path-style, dummy credentials). */
  client: S3Client;
  /** Creates an empty bucket with a unique name and returns its name. */
  createBucket(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts moto on 127.0.0.1 and a free port and waits until it answers. Call `stop()` in `afterAll`;
 * the process is also killed when the test process exits, so a failing or aborted test leaves nothing behind.
 */
export async function startS3Server({ startupTimeoutMs = 30_000 } = {}): Promise<TestS3Server> {
  const moto = await startMotoServer({ startupTimeoutMs });
  const client = new S3Client({
    endpoint: moto.endpoint,
    region: moto.region,
    forcePathStyle: true,
    credentials: moto.credentials,
  });
  return {
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
    client,
    async createBucket(prefix = 'test') {
      const bucket = `${prefix}-${randomBytes(6).toString('hex')}`.toLowerCase();
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    async stop() {
      client.destroy();
      await moto.stop();
    },
  };
}
