import { randomBytes } from 'node:crypto';
import {
  AuthorizationErrorException,
  CreateTopicCommand,
  InternalErrorException,
  SNSClient,
  SubscribeCommand,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DocflowError } from '../../src/core/errors';
import { isDocflowError } from '../../src/core/errors';
import { classifySnsError, parseTopicArn, publishSns } from '../../src/notify/sns';
import type { MotoServer } from '../support/moto';
import { startMotoServer } from '../support/moto';
import { documentCompleted } from './events';
import type { WebhookReceiver } from './receiver';
import { startWebhookReceiver } from './receiver';

let moto: MotoServer;
let client: SNSClient;

beforeAll(async () => {
  moto = await startMotoServer();
  client = new SNSClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
});

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

async function createTopic(fifo = false): Promise<string> {
  const name = `docflow-${randomBytes(4).toString('hex')}${fifo ? '.fifo' : ''}`;
  const out = await client.send(
    new CreateTopicCommand({ Name: name, ...(fifo ? { Attributes: { FifoTopic: 'true' } } : {}) }),
  );
  return out.TopicArn ?? '';
}

/** What moto recorded for the topic: `[messageId, message, subject, attributes, groupId]` per publish. */
async function sentNotifications(topicArn: string): Promise<unknown[][]> {
  const topics = (await moto.data()).sns?.Topic ?? [];
  const topic = topics.find((t) => t.arn === topicArn);
  return (topic?.sent_notifications ?? []) as unknown[][];
}

async function failure(promise: Promise<unknown>): Promise<DocflowError> {
  try {
    await promise;
  } catch (err) {
    if (isDocflowError(err)) return err;
    throw err;
  }
  throw new Error('expected the publish to fail');
}

describe('publishSns', () => {
  it('publishes the event as JSON, with its type and subject kind as message attributes', async () => {
    const topicArn = await createTopic();
    const event = documentCompleted();

    const { messageId } = await publishSns({ topicArn }, event, client);

    const [sent] = await sentNotifications(topicArn);
    expect(sent?.[0]).toBe(messageId);
    expect(JSON.parse(String(sent?.[1]))).toEqual(event);
    expect(sent?.[2]).toBe('docflow document.completed');
    expect(sent?.[3]).toEqual({
      eventType: { Type: 'String', Value: 'document.completed' },
      subjectKind: { Type: 'String', Value: 'document' },
      batchId: { Type: 'String', Value: 'batch-7' },
    });
    // A deduplication id on a standard topic is refused by SNS, so success also shows none was sent.
    expect(sent?.[4]).toBeNull();
  });

  it('reaches a subscriber of the topic', async () => {
    const topicArn = await createTopic();
    const subscriber: WebhookReceiver = await startWebhookReceiver();
    try {
      await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: subscriber.url }));
      const event = documentCompleted();

      const { messageId } = await publishSns({ topicArn }, event, client);

      const envelope = subscriber.requests
        .map((r) => JSON.parse(r.body) as { Type: string; MessageId: string; Message: string })
        .find((m) => m.Type === 'Notification');
      expect(envelope?.MessageId).toBe(messageId);
      expect(JSON.parse(envelope?.Message ?? '')).toEqual(event);
    } finally {
      await subscriber.close();
    }
  });

  it('gives FIFO topics a deduplication id and orders messages per batch', async () => {
    const topicArn = await createTopic(true);

    await publishSns({ topicArn }, documentCompleted(), client);

    // SNS refuses a FIFO publish without a deduplication id (content-based deduplication is off): success shows it.
    const [sent] = await sentNotifications(topicArn);
    expect(sent?.[4]).toBe('batch-7');
  });

  it('creates its own client from the target, taking the region from the topic ARN', async () => {
    const topicArn = await createTopic();
    vi.stubEnv('AWS_ACCESS_KEY_ID', moto.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', moto.credentials.secretAccessKey);
    try {
      await publishSns({ topicArn, endpoint: moto.endpoint }, documentCompleted());
    } finally {
      vi.unstubAllEnvs();
    }

    expect(await sentNotifications(topicArn)).toHaveLength(1);
  });

  it('reports a missing topic as permanent', async () => {
    const topicArn = `${await createTopic()}-missing`;

    const err = await failure(publishSns({ topicArn }, documentCompleted(), client));

    expect(err).toMatchObject({ retryable: false, code: 'NOT_FOUND' });
    expect(err.message).toContain(topicArn);
  });

  it('reports an unreachable endpoint as transient', async () => {
    const unreachable = new SNSClient({
      endpoint: 'http://127.0.0.1:9',
      region: moto.region,
      credentials: moto.credentials,
      maxAttempts: 1,
    });
    try {
      const err = await failure(
        publishSns({ topicArn: 'arn:aws:sns:us-east-1:123456789012:docflow' }, documentCompleted(), unreachable),
      );

      expect(err.retryable).toBe(true);
    } finally {
      unreachable.destroy();
    }
  });

  it('refuses an invalid event before publishing', async () => {
    const topicArn = await createTopic();
    const event = { ...documentCompleted(), subject: { kind: 'corpus' as const, id: 'c-1' } };

    const err = await failure(publishSns({ topicArn }, event, client));

    expect(err).toMatchObject({ retryable: false, code: 'INVALID_INPUT' });
    expect(await sentNotifications(topicArn)).toHaveLength(0);
  });
});

describe('parseTopicArn', () => {
  it('reads region, account, name and whether the topic is FIFO', () => {
    expect(parseTopicArn('arn:aws:sns:eu-west-1:123456789012:docflow-events.fifo')).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '123456789012',
      name: 'docflow-events.fifo',
      fifo: true,
    });
  });

  it.each(['arn:aws:sqs:eu-west-1:123456789012:q', 'arn:aws:sns:eu-west-1:1234:t', 'docflow-events'])(
    'refuses %s',
    (arn) => {
      expect(() => parseTopicArn(arn)).toThrow(/Not an SNS topic ARN/);
    },
  );
});

describe('classifySnsError', () => {
  const topicArn = 'arn:aws:sns:us-east-1:123456789012:docflow';
  const $metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

  it('treats throttling as transient', () => {
    const err = classifySnsError(new ThrottledException({ message: 'Rate exceeded', ...$metadata(429) }), topicArn);

    expect(err).toMatchObject({ retryable: true, code: 'THROTTLED' });
  });

  it('treats an internal error as transient', () => {
    const err = classifySnsError(new InternalErrorException({ message: 'oops', ...$metadata(500) }), topicArn);

    expect(err).toMatchObject({ retryable: true, code: 'TRANSIENT' });
  });

  it('treats an authorization error as permanent', () => {
    const err = classifySnsError(
      new AuthorizationErrorException({ message: 'not authorized to perform SNS:Publish', ...$metadata(403) }),
      topicArn,
    );

    expect(err).toMatchObject({ retryable: false, code: 'ACCESS_DENIED' });
    expect(err.message).toContain('AuthorizationErrorException');
  });
});
