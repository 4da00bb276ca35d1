import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../core/errors';
import { permanentError, transientError } from '../core/errors';
import type { NotificationEvent } from './event';
import { parseNotificationEvent } from './event';

export interface WebhookTarget {
  /** http or https; may carry a token in its path or query, so errors name its origin only. */
  url: string;
  /** Signs every delivery (`docflow-signature`) when set. Never logged, never in an error. */
  secret?: string;
  /** Whole-request deadline; default 10 s. */
  timeoutMs?: number;
  /** Extra headers (for example an authorization header); they cannot replace docflow's own. */
  headers?: Readonly<Record<string, string>>;
}

export interface WebhookDelivery {
  status: number;
}

export const webhookHeaderNames = {
  eventId: 'docflow-event-id',
  eventType: 'docflow-event-type',
  timestamp: 'docflow-timestamp',
  signature: 'docflow-signature',
} as const;

export const defaultWebhookTimeoutMs = 10_000;
export const defaultSignatureToleranceSeconds = 300;

// A receiver asking for a longer pause than this is treated as asking for this: a notification must not
// hold an activity for days.
const maxRetryAfterMs = 60 * 60 * 1000;

/** The `docflow-signature` value: `v1=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function signWebhookPayload(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  return `v1=${hmacHex(secret, String(timestamp), body)}`;
}

export interface VerifyWebhookSignatureInput {
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string | Uint8Array;
  /** The `docflow-timestamp` header. */
  timestamp: string | number | undefined;
  /** The `docflow-signature` header; several comma-separated `v1=` values are accepted (secret rotation). */
  signature: string | undefined;
  secret: string;
  toleranceSeconds?: number;
  now?: Date;
}

/**
 * For receivers: true when the signature was made with `secret` over this body and timestamp, and the
 * timestamp is within `toleranceSeconds` of `now` (which stops replays of old deliveries).
 */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): boolean {
  const { body, signature, secret, toleranceSeconds = defaultSignatureToleranceSeconds, now = new Date() } = input;
  const timestamp = String(input.timestamp ?? '');
  if (!secret || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;

  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  let matched = false;
  for (const part of signature.split(',')) {
    const m = /^v1=([0-9a-fA-F]{64})$/.exec(part.trim());
    // Compare every candidate, not only until the first match, so timing does not reveal which one matched.
    if (m?.[1] && timingSafeEqual(expected, Buffer.from(m[1], 'hex'))) matched = true;
  }
  return matched;
}

/** Parses and checks a webhook URL: http or https, a host, no embedded credentials. */
export function checkWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw permanentError('INVALID_CONFIG', 'Webhook URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw permanentError('INVALID_CONFIG', `Webhook URL must use http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw permanentError('INVALID_CONFIG', `Webhook URL for ${url.origin} must not embed credentials: use headers`);
  }
  return url;
}

/**
 * POSTs the event as JSON. Resolves on 2xx. Throws a transient `DocflowError` for 408, 429, 5xx, network errors
 * and timeouts (with `retryAfterMs` from `Retry-After`), a permanent one for any other answer.
 */
export async function sendWebhook(target: WebhookTarget, event: NotificationEvent): Promise<WebhookDelivery> {
  const url = checkWebhookUrl(target.url);
  const where = `Webhook ${url.origin}`;
  const timeoutMs = target.timeoutMs ?? defaultWebhookTimeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw permanentError('INVALID_CONFIG', `${where}: timeoutMs must be a positive integer`);
  }
  if (target.secret === '') throw permanentError('INVALID_CONFIG', `${where}: the signing secret is empty`);

  const checked = parseNotificationEvent(event);
  const body = JSON.stringify(checked);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = buildHeaders(where, target.headers);
  headers.set('content-type', 'application/json');
  headers.set(webhookHeaderNames.eventId, checked.id);
  headers.set(webhookHeaderNames.eventType, checked.type);
  headers.set(webhookHeaderNames.timestamp, String(timestamp));
  if (target.secret !== undefined) {
    headers.set(webhookHeaderNames.signature, signWebhookPayload(target.secret, timestamp, body));
  }

  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      // A redirected POST may turn into a GET or reach a host nobody configured: report it instead.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError') {
      throw transientError('TRANSIENT', `${where} did not answer within ${timeoutMs} ms`);
    }
    throw transientError('TRANSIENT', `${where} unreachable (${networkErrorCode(err)})`);
  }
  // The receiver's body is not needed; release the connection.
  await response.body?.cancel().catch(() => undefined);

  const { status } = response;
  if (status >= 200 && status < 300) return { status };
  const what = `${where} refused event ${checked.id} (HTTP ${status})`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    throw transientError(status === 429 ? 'THROTTLED' : 'TRANSIENT', `${what}; will retry`, retryAfterMs);
  }
  if (status >= 300 && status < 400) {
    throw permanentError('INVALID_CONFIG', `${what}: it redirects; configure the final URL`);
  }
  throw permanentError(permanentCode(status), `${what}; retrying will not help`);
}

function hmacHex(secret: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

function buildHeaders(where: string, extra: WebhookTarget['headers']): Headers {
  const headers = new Headers({ 'user-agent': 'docflow-webhook/1' });
  for (const [name, value] of Object.entries(extra ?? {})) {
    try {
      headers.set(name, value);
    } catch {
      // Headers' own message quotes the value, which may be a credential.
      throw permanentError('INVALID_CONFIG', `${where}: header "${name}" has an invalid name or value`);
    }
  }
  return headers;
}

function permanentCode(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'ACCESS_DENIED';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  return 'INVALID_INPUT';
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) {
    ms = Number(trimmed) * 1000;
  } else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - Date.now());
  }
  return Math.min(ms, maxRetryAfterMs);
}

function networkErrorCode(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return err instanceof Error ? err.name : 'network error';
}
