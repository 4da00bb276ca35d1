import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from '../../src/notify/webhook';

const secret = 'whsec-test-0123456789abcdef';
const body = '{"id":"doc-1:document.completed","type":"document.completed"}';
const timestamp = 1_750_000_000;
const now = new Date(timestamp * 1000 + 10_000);

describe('verifyWebhookSignature', () => {
  it('accepts what signWebhookPayload signed', () => {
    const signature = signWebhookPayload(secret, timestamp, body);

    expect(verifyWebhookSignature({ body, timestamp: String(timestamp), signature, secret, now })).toBe(true);
  });

  it('uses the documented scheme: v1= hex HMAC-SHA256 of "timestamp.body"', () => {
    const hex = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

    expect(signWebhookPayload(secret, timestamp, body)).toBe(`v1=${hex}`);
  });

  it('accepts the raw body as bytes', () => {
    const signature = signWebhookPayload(secret, timestamp, body);

    expect(verifyWebhookSignature({ body: Buffer.from(body), timestamp, signature, secret, now })).toBe(true);
  });

  it('rejects a tampered body', () => {
    const signature = signWebhookPayload(secret, timestamp, body);
    const tampered = body.replace('completed"}', 'failed"}');

    expect(verifyWebhookSignature({ body: tampered, timestamp, signature, secret, now })).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    const signature = signWebhookPayload('another-secret-0123456789', timestamp, body);

    expect(verifyWebhookSignature({ body, timestamp, signature, secret, now })).toBe(false);
  });

  it('rejects a replayed delivery whose timestamp was changed', () => {
    const signature = signWebhookPayload(secret, timestamp, body);

    expect(verifyWebhookSignature({ body, timestamp: timestamp + 5, signature, secret, now })).toBe(false);
  });

  it('rejects a timestamp older than the tolerance', () => {
    const signature = signWebhookPayload(secret, timestamp, body);
    const later = new Date((timestamp + 301) * 1000);

    expect(verifyWebhookSignature({ body, timestamp, signature, secret, now: later })).toBe(false);
    expect(verifyWebhookSignature({ body, timestamp, signature, secret, now: later, toleranceSeconds: 600 })).toBe(
      true,
    );
  });

  it('rejects a timestamp too far in the future', () => {
    const signature = signWebhookPayload(secret, timestamp, body);
    const earlier = new Date((timestamp - 301) * 1000);

    expect(verifyWebhookSignature({ body, timestamp, signature, secret, now: earlier })).toBe(false);
  });

  it('accepts any one matching signature of several (secret rotation)', () => {
    const signature = `${signWebhookPayload('old-secret-0123456789abc', timestamp, body)}, ${signWebhookPayload(secret, timestamp, body)}`;

    expect(verifyWebhookSignature({ body, timestamp, signature, secret, now })).toBe(true);
  });

  it.each([
    ['a missing signature', undefined],
    ['an unknown scheme', `v0=${'0'.repeat(64)}`],
    ['a truncated digest', 'v1=abcdef'],
    ['garbage', 'not a signature'],
  ])('rejects %s', (_what, signature) => {
    expect(verifyWebhookSignature({ body, timestamp, signature, secret, now })).toBe(false);
  });

  it.each([
    ['a missing timestamp', undefined],
    ['a non-numeric timestamp', '12abc'],
  ])('rejects %s', (_what, ts) => {
    const signature = signWebhookPayload(secret, timestamp, body);

    expect(verifyWebhookSignature({ body, timestamp: ts, signature, secret, now })).toBe(false);
  });

  it('rejects everything when the receiver has no secret', () => {
    const signature = signWebhookPayload('', timestamp, body);

    expect(verifyWebhookSignature({ body, timestamp, signature, secret: '', now })).toBe(false);
  });
});
