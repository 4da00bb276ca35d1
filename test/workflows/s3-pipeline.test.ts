import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocflowClient } from '../../src/client';
import { shortContract, writeTempFiles } from '../support/documents';
import { startTestPipeline } from '../support/pipeline';
import type { TestPipeline } from '../support/pipeline';
import { startS3Server } from '../support/s3-server';
import type { TestS3Server } from '../support/s3-server';
import { connectTemporal } from '../support/temporal';
import type { TemporalTestContext } from '../support/temporal';

describe('the pipeline over S3', () => {
  let t: TemporalTestContext;
  let s3: TestS3Server;
  let p: TestPipeline;
  let bucket: string;

  beforeAll(async () => {
    t = await connectTemporal();
    s3 = await startS3Server();
    bucket = await s3.createBucket('docflow');
    p = await startTestPipeline(t, {
      s3: { endpoint: s3.endpoint, region: s3.region, bucket, credentials: s3.credentials },
      settings: {
        'pipeline.chunkMaxTokens': 120,
        'pipeline.chunkOverlapTokens': 10,
        'batch.minRecordsPerJob': 5,
        'batch.maxWaitMs': 600_000,
      },
      emulator: { quotas: { minRecordsPerJob: 5 } },
    });
  });
  afterAll(async () => {
    await p?.stop();
    await s3?.stop();
    await t?.close();
  });

  it('runs a batch job whose input, output and results live in an S3 bucket', async () => {
    const client = new DocflowClient(t.client, p.config, p.store);
    const { paths } = await writeTempFiles({
      's3-a.txt': shortContract('MARKER-S3-A'),
      's3-b.txt': shortContract('MARKER-S3-B'),
    });
    const { batchId } = await client.startCorpus({ files: paths, batchId: 's3-batch' });
    // The record queue is in the bucket too: once both documents' records have arrived, a job takes them.

    const outcome = await client.awaitCorpus(batchId);
    expect(outcome.counts).toMatchObject({ total: 2, completed: 2, failed: 0 });
    expect(outcome.summaryUri).toBe(`s3://${bucket}/corpora/${batchId}/summary.json`);
    expect(p.emulator.counters().jobsCreated).toBe(1);

    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    expect(keys.some((k) => /^jobs\/[^/]+\/input\/records\.jsonl$/.test(k))).toBe(true);
    expect(keys.some((k) => /^jobs\/[^/]+\/output\/.+\.jsonl\.out$/.test(k))).toBe(true);
    expect(keys.some((k) => /^jobs\/[^/]+\/output\/.+manifest\.json\.out$/.test(k))).toBe(true);
    expect(keys.filter((k) => /^documents\/[0-9a-f]{24}\/result\.json$/.test(k))).toHaveLength(2);
    expect(keys).toContain(`corpora/${batchId}/summary.csv`);
    expect(keys.some((k) => /^jobs\/[^/]+\/claim\.json$/.test(k))).toBe(true);
    // Claimed groups left the queue.
    expect(keys.filter((k) => k.startsWith('queue/'))).toEqual([]);
  });
});
