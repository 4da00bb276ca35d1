import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DocflowError } from '../core/errors';
import { isDocflowError, permanentError, transientError } from '../core/errors';
import type { NotificationEvent } from './event';
import { parseNotificationEvent } from './event';

export interface SnsTarget {
  topicArn: string;
  /** Defaults to the topic's region, read from its ARN. */
  region?: string;
  /** Endpoint override (an SNS-compatible server such as moto or LocalStack). */
  endpoint?: string;
}

export interface SnsDelivery {
  messageId: string;
}

export interface TopicArn {
  partition: string;
  region: string;
  accountId: string;
  name: string;
  fifo: boolean;
}

/** Message attribute names, for subscription filter policies such as `{"eventType": ["document.failed"]}`. */
export const snsAttributeNames = {
  eventType: 'eventType',
  subjectKind: 'subjectKind',
  batchId: 'batchId',
} as const;

export function parseTopicArn(arn: string): TopicArn {
  const m = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})(\.fifo)?$/.exec(arn);
  if (!m?.[1] || !m[2] || !m[3] || !m[4]) {
    throw permanentError('INVALID_CONFIG', `Not an SNS topic ARN: ${arn}`);
  }
  return { partition: m[1], region: m[2], accountId: m[3], name: m[4] + (m[5] ?? ''), fifo: m[5] !== undefined };
}

/**
 * Publishes the event as a JSON message. FIFO topics (`.fifo`) get the event id as deduplication id, so a
 * retried publish is delivered once, and messages are ordered per batch (or per subject without a batch).
 */
export async function publishSns(
  target: SnsTarget,
  event: NotificationEvent,
  client?: SNSClient,
): Promise<SnsDelivery> {
  const topic = parseTopicArn(target.topicArn);
  const checked = parseNotificationEvent(event);
  const attributes: Record<string, MessageAttributeValue> = {
    [snsAttributeNames.eventType]: { DataType: 'String', StringValue: checked.type },
    [snsAttributeNames.subjectKind]: { DataType: 'String', StringValue: checked.subject.kind },
  };
  if (checked.subject.batchId !== undefined) {
    attributes[snsAttributeNames.batchId] = { DataType: 'String', StringValue: checked.subject.batchId };
  }
  const command = new PublishCommand({
    TopicArn: target.topicArn,
    Message: JSON.stringify(checked),
    Subject: `docflow ${checked.type}`,
    MessageAttributes: attributes,
    ...(topic.fifo
      ? {
          MessageDeduplicationId: fifoId(checked.id),
          MessageGroupId: fifoId(checked.subject.batchId ?? `${checked.subject.kind}:${checked.subject.id}`),
        }
      : {}),
  });

  try {
    const out = await (client ?? clientFor(target.region ?? topic.region, target.endpoint)).send(command);
    if (!out.MessageId) throw transientError('TRANSIENT', `SNS publish to ${target.topicArn} returned no message id`);
    return { messageId: out.MessageId };
  } catch (err) {
    throw isDocflowError(err) ? err : classifySnsError(err, target.topicArn);
  }
}

const transientNames = new Set([
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'KMSThrottlingException',
  'InternalErrorException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const accessDeniedNames = new Set([
  'AuthorizationErrorException',
  'KMSAccessDeniedException',
  'InvalidSecurityException',
  'AccessDeniedException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'CredentialsProviderError',
]);

/** Maps an SNS client error: throttling, 5xx and network failures may pass; authorization and validation will not. */
export function classifySnsError(err: unknown, topicArn: string): DocflowError {
  const name = err instanceof Error ? err.name : 'UnknownError';
  const status = httpStatusOf(err);
  const detail = err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
  const what = `SNS publish to ${topicArn} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${detail}`;

  if (accessDeniedNames.has(name) || status === 403) return permanentError('ACCESS_DENIED', what);
  if (name === 'ThrottledException' || name === 'Throttling' || name === 'ThrottlingException' || status === 429) {
    return transientError('THROTTLED', what);
  }
  // No HTTP status at all means the request never got an answer: a network error or a timeout.
  if (transientNames.has(name) || status === undefined || status >= 500 || isRetryableFlag(err)) {
    return transientError('TRANSIENT', what);
  }
  if (name === 'NotFoundException' || name === 'ResourceNotFoundException' || status === 404) {
    return permanentError('NOT_FOUND', what);
  }
  return permanentError('INVALID_CONFIG', what);
}

const clients = new Map<string, SNSClient>();

// One client per (region, endpoint) for the life of the worker: clients hold connection pools.
function clientFor(region: string, endpoint: string | undefined): SNSClient {
  const key = `${region} ${endpoint ?? ''}`;
  let client = clients.get(key);
  if (!client) {
    client = new SNSClient({ region, ...(endpoint ? { endpoint } : {}) });
    clients.set(key, client);
  }
  return client;
}

// FIFO ids: 1-128 printable ASCII characters. Longer or unusual ids are replaced by their SHA-256, still deterministic.
function fifoId(value: string): string {
  return /^[\x21-\x7e]{1,128}$/.test(value) ? value : createHash('sha256').update(value).digest('hex');
}

function httpStatusOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object' || !('$metadata' in err)) return undefined;
  const meta = err.$metadata;
  if (!meta || typeof meta !== 'object' || !('httpStatusCode' in meta)) return undefined;
  return typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

function isRetryableFlag(err: unknown): boolean {
  return !!err && typeof err === 'object' && '$retryable' in err && !!err.$retryable;
}
