import { afterEach, describe, expect, it } from 'vitest';
import type { DocflowError } from '../../src/core/errors';
import { isDocflowError } from '../../src/core/errors';
import { sendWebhook } from '../../src/notify/webhook';
import { documentCompleted } from './events';
import type { Reply, WebhookReceiver } from './receiver';
import { startWebhookReceiver } from './receiver';

const secret = 'whsec-test-0123456789abcdef';
const receivers: WebhookReceiver[] = [];

async function receiver(options: Parameters<typeof startWebhookReceiver>[0] = {}): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(options);
  receivers.push(r);
  return r;
}

function answering(reply: Reply) {
  return () => reply;
}

async function failure(promise: Promise<unknown>): Promise<DocflowError> {
  try {
    await promise;
  } catch (err) {
    if (isDocflowError(err)) return err;
    throw err;
  }
  throw new Error('expected the delivery to fail');
}

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('sendWebhook', () => {
  it('delivers a signed JSON event that the receiver verifies', async () => {
    const hook = await receiver({ secret });
    const event = documentCompleted();

    const delivery = await sendWebhook({ url: `${hook.url}/hooks/docflow`, secret }, event);

    expect(delivery.status).toBe(204);
    const [request] = hook.requests;
    expect(request?.verified).toBe(true);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/docflow');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['docflow-event-id']).toBe(event.id);
    expect(request?.headers['docflow-event-type']).toBe('document.completed');
    expect(Number(request?.headers['docflow-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(JSON.parse(request?.body ?? '')).toEqual(event);
  });

  it('sends the same idempotency key on every attempt of one event', async () => {
    const hook = await receiver();
    const event = documentCompleted();

    await sendWebhook({ url: hook.url }, event);
    await sendWebhook({ url: hook.url }, event);

    expect(hook.requests.map((r) => r.headers['docflow-event-id'])).toEqual([event.id, event.id]);
  });

  it('is rejected by a receiver holding a different secret, and the error names no secret', async () => {
    const hook = await receiver({ secret: 'the-receivers-own-secret-value' });

    const err = await failure(sendWebhook({ url: hook.url, secret }, documentCompleted()));

    expect(hook.requests[0]?.verified).toBe(false);
    expect(err).toMatchObject({ retryable: false, code: 'ACCESS_DENIED' });
    expect(err.message).toContain('HTTP 401');
    expect(err.message).not.toContain(secret);
    expect(err.message).not.toContain('the-receivers-own-secret-value');
  });

  it('sends no signature without a secret', async () => {
    const hook = await receiver();

    await sendWebhook({ url: hook.url }, documentCompleted());

    expect(hook.requests[0]?.headers['docflow-signature']).toBeUndefined();
  });

  it('adds configured headers but never lets them replace its own', async () => {
    const hook = await receiver({ secret });
    const event = documentCompleted();

    await sendWebhook(
      { url: hook.url, secret, headers: { authorization: 'Bearer abc', 'docflow-event-id': 'forged' } },
      event,
    );

    expect(hook.requests[0]?.headers.authorization).toBe('Bearer abc');
    expect(hook.requests[0]?.headers['docflow-event-id']).toBe(event.id);
    expect(hook.requests[0]?.verified).toBe(true);
  });

  it('treats 500 as transient', async () => {
    const hook = await receiver({ reply: answering({ status: 500 }) });

    const err = await failure(sendWebhook({ url: hook.url }, documentCompleted()));

    expect(err).toMatchObject({ retryable: true, code: 'TRANSIENT', retryAfterMs: undefined });
    expect(err.message).toContain('HTTP 500');
  });

  it('treats 429 as throttling and honours Retry-After seconds', async () => {
    const hook = await receiver({ reply: answering({ status: 429, headers: { 'retry-after': '7' } }) });

    const err = await failure(sendWebhook({ url: hook.url }, documentCompleted()));

    expect(err).toMatchObject({ retryable: true, code: 'THROTTLED', retryAfterMs: 7000 });
  });

  it('reads a Retry-After HTTP date on 503', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    const hook = await receiver({ reply: answering({ status: 503, headers: { 'retry-after': at } }) });

    const err = await failure(sendWebhook({ url: hook.url }, documentCompleted()));

    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(25_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('treats 408 as transient', async () => {
    const hook = await receiver({ reply: answering({ status: 408 }) });

    const err = await failure(sendWebhook({ url: hook.url }, documentCompleted()));

    expect(err.retryable).toBe(true);
  });

  it('treats 400 as permanent, with the status in the message', async () => {
    const hook = await receiver({ reply: answering({ status: 400 }) });

    const err = await failure(sendWebhook({ url: hook.url }, documentCompleted()));

    expect(err).toMatchObject({ retryable: false, code: 'INVALID_INPUT' });
    expect(err.message).toContain('HTTP 400');
  });

  it('treats 404 as permanent', async () => {
    const hook = await receiver({ reply: answering({ status: 404 }) });

    const err = await failure(sendWebhook({ url: hook.url }, documentCompleted()));

    expect(err).toMatchObject({ retryable: false, code: 'NOT_FOUND' });
  });

  it('does not follow redirects', async () => {
    const target = await receiver();
    const hook = await receiver({ reply: answering({ status: 307, headers: { location: target.url } }) });

    const err = await failure(sendWebhook({ url: hook.url }, documentCompleted()));

    expect(err).toMatchObject({ retryable: false, code: 'INVALID_CONFIG' });
    expect(target.requests).toHaveLength(0);
  });

  it('gives up waiting after timeoutMs and reports a transient error', async () => {
    const hook = await receiver({ reply: answering({ status: 200, delayMs: 3_000 }) });
    const started = Date.now();

    const err = await failure(sendWebhook({ url: hook.url, timeoutMs: 200 }, documentCompleted()));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toMatchObject({ retryable: true, code: 'TRANSIENT' });
    expect(err.message).toContain('did not answer within 200 ms');
  });

  it('reports a refused connection as transient', async () => {
    const hook = await receiver();
    await hook.close();

    const err = await failure(sendWebhook({ url: hook.url }, documentCompleted()));

    expect(err).toMatchObject({ retryable: true, code: 'TRANSIENT' });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('keeps a token in the URL path out of error messages', async () => {
    const hook = await receiver({ reply: answering({ status: 500 }) });

    const err = await failure(
      sendWebhook({ url: `${hook.url}/hooks/T0KEN-in-path?key=Q-secret` }, documentCompleted()),
    );

    expect(err.message).not.toContain('T0KEN-in-path');
    expect(err.message).not.toContain('Q-secret');
  });

  it.each([
    ['ftp://example.com/hook', 'http or https'],
    ['not a url', 'not a valid URL'],
    ['https://user:pass@example.com/hook', 'must not embed credentials'],
  ])('refuses the URL %s before sending anything', async (url, reason) => {
    const err = await failure(sendWebhook({ url }, documentCompleted()));

    expect(err).toMatchObject({ retryable: false, code: 'INVALID_CONFIG' });
    expect(err.message).toContain(reason);
    expect(err.message).not.toContain('pass@');
  });

  it('refuses an event carrying a field outside the schema, such as document text', async () => {
    const hook = await receiver();
    const event = { ...documentCompleted(), text: 'This Agreement is made between Acme Corp and ...' };

    const err = await failure(sendWebhook({ url: hook.url }, event));

    expect(err).toMatchObject({ retryable: false, code: 'INVALID_INPUT' });
    expect(err.message).not.toContain('Acme');
    expect(hook.requests).toHaveLength(0);
  });
});
