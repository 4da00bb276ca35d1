/**
 * Deterministic Bedrock batch job names and client request tokens. Safe for workflow code: no Node built-ins,
 * no clock, no randomness.
 *
 * The same (collector key, job sequence number, attempt) always gives the same `jobName` and `clientRequestToken`,
 * so a retried CreateModelInvocationJob is recognised by Bedrock instead of creating a second job. The collector key
 * must therefore name the collector for its whole life (for example model, region, task queue and the collector's
 * first run id): two collectors sharing a key would share tokens.
 */
import { permanentError } from './errors';

export interface JobIdentity {
  jobName: string;
  clientRequestToken: string;
}

export const MAX_JOB_NAME_LENGTH = 63;
export const MAX_CLIENT_REQUEST_TOKEN_LENGTH = 256;
const MAX_ATTEMPT = 9999;
const PREFIX = 'docflow';

// Equivalent to Bedrock's `[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}` within the length limit, without its
// backtracking: an alphanumeric first character, then alphanumerics, '+', '-' and '.'.
const JOB_NAME = /^[a-zA-Z0-9][a-zA-Z0-9+.-]*$/;
// Equivalent to `[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}` within the length limit: alphanumerics and inner hyphens.
const CLIENT_REQUEST_TOKEN = /^[a-zA-Z0-9](?:-*[a-zA-Z0-9])*$/;

export function isValidJobName(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_JOB_NAME_LENGTH && JOB_NAME.test(name);
}

export function isValidClientRequestToken(token: string): boolean {
  return token.length >= 1 && token.length <= MAX_CLIENT_REQUEST_TOKEN_LENGTH && CLIENT_REQUEST_TOKEN.test(token);
}

/**
 * The job name and idempotency token for one Bedrock job. Both carry a readable slug of the collector key and a hash
 * of the full key, so keys that sanitise or truncate to the same slug still get different names.
 */
export function jobIdentity(collectorKey: string, sequence: number, attempt: number): JobIdentity {
  if (collectorKey.length === 0) {
    throw permanentError('INVALID_INPUT', 'collector key must not be empty');
  }
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw permanentError(
      'INVALID_INPUT',
      `job sequence number must be a non-negative integer, got ${String(sequence)}`,
    );
  }
  if (!Number.isSafeInteger(attempt) || attempt < 0 || attempt > MAX_ATTEMPT) {
    throw permanentError(
      'INVALID_INPUT',
      `job attempt must be an integer from 0 to ${MAX_ATTEMPT}, got ${String(attempt)}`,
    );
  }
  const hash = keyHash(collectorKey);
  const tail = `j${sequence}-a${attempt}`;

  const nameSlugBudget = MAX_JOB_NAME_LENGTH - `${PREFIX}--${hash.slice(0, 8)}-${tail}`.length;
  const nameSlug = slug(collectorKey, /[^a-zA-Z0-9+.-]+/g, nameSlugBudget);
  const jobName = [PREFIX, nameSlug, hash.slice(0, 8), tail].filter((p) => p.length > 0).join('-');

  const tokenSlugBudget = MAX_CLIENT_REQUEST_TOKEN_LENGTH - `${PREFIX}--${hash}-${tail}`.length;
  const tokenSlug = slug(collectorKey, /[^a-zA-Z0-9]+/g, tokenSlugBudget);
  const clientRequestToken = [PREFIX, tokenSlug, hash, tail].filter((p) => p.length > 0).join('-');

  return { jobName, clientRequestToken };
}

/** Replaces disallowed runs by one hyphen, then trims to the budget and to alphanumeric ends. */
function slug(input: string, disallowed: RegExp, budget: number): string {
  if (budget <= 0) return '';
  return input
    .replace(disallowed, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, budget)
    .replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '');
}

/** 64-bit hash (two FNV-1a 32-bit passes with different offsets) as 16 hex digits: stable across runtimes. */
function keyHash(input: string): string {
  return fnv1a(input, 0x811c9dc5) + fnv1a(input, 0x050c5d1f);
}

function fnv1a(input: string, offset: number): string {
  let h = offset >>> 0;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
