import { randomBytes } from 'node:crypto';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DocflowError } from '../../src/core/errors';
import { isDocflowError } from '../../src/core/errors';
import { notify, resolveNotificationConfig, snsTargetKey, webhookTargetKey } from '../../src/notify/notifier';
import type { MotoServer } from '../support/moto';
import { startMotoServer } from '../support/moto';
import { documentCompleted } from './events';
import type { Reply, WebhookReceiver } from './receiver';
import { startWebhookReceiver } from './receiver';

const secret = 'whsec-test-0123456789abcdef';

async function failure(run: () => unknown): Promise<DocflowError> {
  try {
    await run();
  } catch (err) {
    if (isDocflowError(err)) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('resolveNotificationConfig', () => {
  it('defaults to no targets', () => {
    expect(resolveNotificationConfig({})).toEqual({ webhooks: [], sns: [] });
  });

  it('reads the signing secret from the variable named by secretEnv', () => {
    const config = resolveNotificationConfig(
      { webhooks: [{ url: 'https://hooks.example.com/docflow', secretEnv: 'DOCFLOW_HOOK_SECRET' }] },
      { DOCFLOW_HOOK_SECRET: secret },
    );

    expect(config.webhooks).toEqual([{ url: 'https://hooks.example.com/docflow', secret }]);
  });

  it('names a missing secret variable', async () => {
    const err = await failure(() =>
      resolveNotificationConfig({ webhooks: [{ url: 'https://hooks.example.com', secretEnv: 'NOPE_SECRET' }] }, {}),
    );

    expect(err).toMatchObject({ retryable: false, code: 'INVALID_CONFIG' });
    expect(err.message).toContain('webhooks.0.secretEnv names NOPE_SECRET');
  });

  it.each([
    [{ webhooks: [{ url: 'ftp://example.com/x' }] }, 'webhooks.0.url'],
    [{ webhooks: [{ url: 'https://example.com', secret, secretEnv: 'S' }] }, 'either secret or secretEnv'],
    [{ webhooks: [{ url: 'https://example.com', headers: { 'Docflow-Signature': 'x' } }] }, 'set by docflow'],
    [{ webhooks: [{ url: 'https://example.com', timeoutMs: 0 }] }, 'webhooks.0.timeoutMs'],
    [{ sns: [{ topicArn: 'arn:aws:sqs:us-east-1:123456789012:q' }] }, 'sns.0.topicArn'],
    [{ sns: [{ topicArn: 'arn:aws:sns:us-east-1:123456789012:t', region: 'moon' }] }, 'sns.0.region'],
    [{ email: ['ops@example.com'] }, 'email'],
  ])('refuses %j, naming %s', async (input, expected) => {
    const err = await failure(() => resolveNotificationConfig(input, {}));

    expect(err).toMatchObject({ retryable: false, code: 'INVALID_CONFIG' });
    expect(err.message).toContain(expected);
  });

  it('never quotes a secret in its errors', async () => {
    const err = await failure(() =>
      resolveNotificationConfig({ webhooks: [{ url: 'https://example.com', secret: 'short-s3cr3t' }] }, {}),
    );

    expect(err.message).toContain('at least 16 characters');
    expect(err.message).not.toContain('short-s3cr3t');
  });
});

describe('webhookTargetKey', () => {
  it('is stable and shows the origin but not a token in the path', () => {
    const target = { url: 'https://hooks.example.com/services/T0KEN' };

    expect(webhookTargetKey(target)).toBe(webhookTargetKey({ ...target }));
    expect(webhookTargetKey(target)).toMatch(/^webhook:https:\/\/hooks\.example\.com#[0-9a-f]{12}$/);
  });
});

describe('notify', () => {
  const receivers: WebhookReceiver[] = [];
  let moto: MotoServer;
  let sns: SNSClient;

  async function receiver(reply?: Reply): Promise<WebhookReceiver> {
    const r = await startWebhookReceiver({ secret, ...(reply ? { reply: () => reply } : {}) });
    receivers.push(r);
    return r;
  }

  beforeAll(async () => {
    moto = await startMotoServer();
    sns = new SNSClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
    // publishSns builds its own client from the target: give it moto's credentials.
    vi.stubEnv('AWS_ACCESS_KEY_ID', moto.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', moto.credentials.secretAccessKey);
  });

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    sns?.destroy();
    await moto?.stop();
  });

  it('delivers one event to every webhook and SNS topic', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const topic = await sns.send(new CreateTopicCommand({ Name: `docflow-${randomBytes(4).toString('hex')}` }));
    const snsTarget = { topicArn: topic.TopicArn ?? '', endpoint: moto.endpoint };
    const event = documentCompleted();

    const report = await notify(
      {
        webhooks: [
          { url: a.url, secret },
          { url: b.url, secret },
        ],
        sns: [snsTarget],
      },
      event,
    );

    expect(report.delivered).toHaveLength(3);
    expect(report.delivered).toContain(snsTargetKey(snsTarget));
    expect([...a.requests, ...b.requests].map((r) => [r.verified, r.headers['docflow-event-id']])).toEqual([
      [true, event.id],
      [true, event.id],
    ]);
  });

  it('fails retryably when one target fails transiently, and a retry skips the targets already served', async () => {
    const healthy = await receiver();
    const flaky = await receiver({ status: 503, headers: { 'retry-after': '2' } });
    const config = {
      webhooks: [
        { url: healthy.url, secret },
        { url: flaky.url, secret },
      ],
      sns: [],
    };
    const event = documentCompleted();
    const delivered: string[] = [];

    const err = await failure(() => notify(config, event, { onDelivered: (key) => delivered.push(key) }));

    expect(err).toMatchObject({ retryable: true, code: 'TRANSIENT', retryAfterMs: 2000 });
    expect(err.message).toContain(`failed for 1 of 2 targets: ${webhookTargetKey({ url: flaky.url })}`);
    expect(delivered).toEqual([webhookTargetKey({ url: healthy.url })]);

    await failure(() => notify(config, event, { alreadyDelivered: delivered }));

    expect(healthy.requests).toHaveLength(1);
    expect(flaky.requests).toHaveLength(2);
  });

  it('fails permanently when every failure is permanent', async () => {
    const gone = await receiver({ status: 410 });

    const err = await failure(() => notify({ webhooks: [{ url: gone.url, secret }], sns: [] }, documentCompleted()));

    expect(err).toMatchObject({ retryable: false, code: 'NOT_FOUND' });
  });

  it('does nothing without targets', async () => {
    expect(await notify({ webhooks: [], sns: [] }, documentCompleted())).toEqual({ delivered: [], skipped: [] });
  });
});
