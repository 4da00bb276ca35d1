import { z } from 'zod';
import { permanentError } from '../core/errors';
import { formatZodIssues } from './zod-issues';

/**
 * What docflow announces when a document or a corpus reaches a terminal state.
 * Events carry identifiers, counts and URIs only: never document text, chunk text, model output or party names.
 */
export const notificationEventTypes = [
  'document.completed',
  'document.failed',
  'document.cancelled',
  'corpus.completed',
  'corpus.failed',
] as const;

export type NotificationEventType = (typeof notificationEventTypes)[number];

export type NotificationStatus = 'completed' | 'failed' | 'cancelled';

export interface NotificationEvent {
  /** Idempotency key, the same for every delivery attempt of this event: see `notificationEventId`. */
  id: string;
  type: NotificationEventType;
  /** ISO 8601 instant. */
  occurredAt: string;
  subject: { kind: 'document' | 'corpus'; id: string; batchId?: string };
  data: {
    status: NotificationStatus;
    /** Named counters, e.g. `{ total, completed, failed }` for a corpus or `{ chunks, failedChunks }` for a document. */
    counts?: Readonly<Record<string, number>>;
    tokens?: { input: number; output: number };
    costUsd?: number;
    resultUri?: string;
    reportUri?: string;
    /** A reason a person can act on; never document content. */
    failureReason?: string;
  };
}

/** The deterministic idempotency key of the event `type` emitted by the workflow `workflowId`. */
export function notificationEventId(workflowId: string, type: NotificationEventType): string {
  return `${workflowId}:${type}`;
}

const identifier = z.string().min(1).max(1000);
const uri = z
  .string()
  .max(2048)
  .regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, 'must be a URI such as s3://bucket/key');
const count = z.number().int().nonnegative();

/** Strict on purpose: an unknown field is refused rather than sent, so nothing unplanned leaves the system. */
export const notificationEventSchema = z
  .object({
    id: identifier,
    type: z.enum(notificationEventTypes),
    occurredAt: z.string().datetime({ offset: true }),
    subject: z
      .object({
        kind: z.enum(['document', 'corpus']),
        id: identifier,
        batchId: identifier.optional(),
      })
      .strict(),
    data: z
      .object({
        status: z.enum(['completed', 'failed', 'cancelled']),
        counts: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a counter name'), count).optional(),
        tokens: z.object({ input: count, output: count }).strict().optional(),
        costUsd: z.number().nonnegative().finite().optional(),
        resultUri: uri.optional(),
        reportUri: uri.optional(),
        failureReason: z.string().max(1000).optional(),
      })
      .strict(),
  })
  .strict()
  .refine((e) => e.type.startsWith(`${e.subject.kind}.`), {
    message: 'the event type must match the subject kind',
    path: ['type'],
  });

/**
 * Validates an event before it is sent anywhere. The error names the offending fields, never their values.
 */
export function parseNotificationEvent(value: unknown): NotificationEvent {
  const parsed = notificationEventSchema.safeParse(value);
  if (!parsed.success) {
    throw permanentError('INVALID_INPUT', `Invalid notification event: ${formatZodIssues(parsed.error)}`);
  }
  return parsed.data;
}
