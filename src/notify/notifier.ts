import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DocflowError } from '../core/errors';
import { isDocflowError, permanentError, transientError } from '../core/errors';
import type { NotificationEvent } from './event';
import type { SnsTarget } from './sns';
import { parseTopicArn, publishSns } from './sns';
import type { WebhookTarget } from './webhook';
import { checkWebhookUrl, sendWebhook } from './webhook';
import { formatZodIssues } from './zod-issues';

const reservedHeader = /^(content-type|content-length|host|docflow-.*)$/i;

const webhookConfigSchema = z
  .object({
    url: z.string().superRefine((url, ctx) => {
      try {
        checkWebhookUrl(url);
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: err instanceof Error ? err.message : 'invalid URL' });
      }
    }),
    /** Inline signing secret; prefer `secretEnv` so the secret stays out of configuration files. */
    secret: z.string().min(16, 'the signing secret must be at least 16 characters').optional(),
    /** Name of the environment variable holding the signing secret. */
    secretEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    headers: z
      .record(
        z
          .string()
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')
          .refine((name) => !reservedHeader.test(name), 'is set by docflow and cannot be configured'),
        z.string(),
      )
      .optional(),
  })
  .strict()
  .refine((w) => !(w.secret !== undefined && w.secretEnv !== undefined), {
    message: 'give either secret or secretEnv, not both',
  });

const snsConfigSchema = z
  .object({
    topicArn: z.string().superRefine((arn, ctx) => {
      try {
        parseTopicArn(arn);
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: err instanceof Error ? err.message : 'invalid ARN' });
      }
    }),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1')
      .optional(),
    endpoint: z.string().url().optional(),
  })
  .strict();

/** Where notifications go, as written in docflow's configuration. */
export const notificationConfigSchema = z
  .object({
    webhooks: z.array(webhookConfigSchema).default([]),
    sns: z.array(snsConfigSchema).default([]),
  })
  .strict();

export type NotificationConfig = z.input<typeof notificationConfigSchema>;

/** Resolved targets: what `notify` sends to. */
export interface NotificationTargets {
  webhooks: WebhookTarget[];
  sns: SnsTarget[];
}

/**
 * Validates the configuration and reads each `secretEnv` from `env`. Errors name fields and variables, never values.
 */
export function resolveNotificationConfig(input: unknown, env: NodeJS.ProcessEnv = process.env): NotificationTargets {
  const parsed = notificationConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw permanentError('INVALID_CONFIG', `Invalid notification configuration: ${formatZodIssues(parsed.error)}`);
  }
  const webhooks = parsed.data.webhooks.map(({ secretEnv, ...target }, i): WebhookTarget => {
    if (secretEnv === undefined) return target;
    const secret = env[secretEnv];
    if (!secret) {
      throw permanentError(
        'INVALID_CONFIG',
        `Invalid notification configuration: webhooks.${i}.secretEnv names ${secretEnv}, which is not set`,
      );
    }
    return { ...target, secret };
  });
  return { webhooks, sns: parsed.data.sns };
}

export interface NotifyOptions {
  /** Target keys that received this event in an earlier attempt: they are skipped. */
  alreadyDelivered?: Iterable<string>;
  /** Called after each delivery, for example to heartbeat the key so that a retry skips the target. */
  onDelivered?: (targetKey: string) => void;
}

export interface NotificationReport {
  delivered: string[];
  skipped: string[];
}

/** A stable, non-secret name for a webhook target (its URL may hold a token: only the origin and a hash show). */
export function webhookTargetKey(target: WebhookTarget): string {
  const hash = createHash('sha256').update(target.url).digest('hex').slice(0, 12);
  let origin: string;
  try {
    origin = new URL(target.url).origin;
  } catch {
    origin = 'invalid-url';
  }
  return `webhook:${origin}#${hash}`;
}

export function snsTargetKey(target: SnsTarget): string {
  return `sns:${target.topicArn}`;
}

/**
 * Sends the event to every target at once. Resolves when all were delivered; otherwise throws one `DocflowError`
 * naming each failed target, retryable when any failure is (receivers deduplicate on the event id).
 */
export async function notify(
  config: NotificationTargets,
  event: NotificationEvent,
  options: NotifyOptions = {},
): Promise<NotificationReport> {
  const done = new Set(options.alreadyDelivered ?? []);
  const sends = [
    ...config.webhooks.map((t) => ({ key: webhookTargetKey(t), send: () => sendWebhook(t, event) })),
    ...config.sns.map((t) => ({ key: snsTargetKey(t), send: () => publishSns(t, event) })),
  ];
  const skipped = sends.filter((s) => done.has(s.key)).map((s) => s.key);
  const pending = sends.filter((s) => !done.has(s.key));

  const results = await Promise.allSettled(
    pending.map(async ({ key, send }) => {
      await send();
      options.onDelivered?.(key);
      return key;
    }),
  );

  const delivered: string[] = [];
  const failures: { key: string; error: DocflowError }[] = [];
  results.forEach((result, i) => {
    const key = pending[i]?.key ?? '';
    if (result.status === 'fulfilled') delivered.push(key);
    else failures.push({ key, error: asDocflowError(result.reason) });
  });
  if (failures.length > 0) throw combine(event.id, failures, sends.length);
  return { delivered, skipped };
}

function combine(eventId: string, failures: { key: string; error: DocflowError }[], total: number): DocflowError {
  const message =
    `Notification ${eventId} failed for ${failures.length} of ${total} targets: ` +
    failures.map((f) => `${f.key}: ${f.error.message}`).join('; ');
  const retryable = failures.filter((f) => f.error.retryable);
  if (retryable.length === 0) {
    const first = failures[0]?.error;
    return permanentError(first?.code ?? 'INVALID_INPUT', message);
  }
  const hints = retryable.map((f) => f.error.retryAfterMs).filter((ms): ms is number => ms !== undefined);
  const code = retryable.every((f) => f.error.code === 'THROTTLED') ? 'THROTTLED' : 'TRANSIENT';
  return transientError(code, message, hints.length > 0 ? Math.max(...hints) : undefined);
}

function asDocflowError(err: unknown): DocflowError {
  if (isDocflowError(err)) return err;
  // Not expected: every sender maps its errors. Keep the name only; an unknown message may hold anything.
  return transientError('TRANSIENT', `unexpected ${err instanceof Error ? err.name : 'error'}`);
}
