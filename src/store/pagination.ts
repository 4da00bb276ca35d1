import { permanentError } from '../core/errors';

const DEFAULT_MAX_KEYS = 1000;

/** Validates a page size: an integer 1-1000, as S3 accepts; 1000 when absent. */
export function resolveMaxKeys(maxKeys: number | undefined): number {
  if (maxKeys === undefined) return DEFAULT_MAX_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > DEFAULT_MAX_KEYS) {
    throw permanentError('INVALID_INPUT', `maxKeys must be an integer from 1 to ${DEFAULT_MAX_KEYS}, got ${maxKeys}`);
  }
  return maxKeys;
}

const TOKEN_VERSION = 'k1:';

/** An opaque continuation token naming the last key already returned. */
export function encodeListToken(lastKey: string): string {
  return Buffer.from(TOKEN_VERSION + lastKey, 'utf8').toString('base64url');
}

export function decodeListToken(token: string): string {
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!decoded.startsWith(TOKEN_VERSION) || decoded.length === TOKEN_VERSION.length) {
    throw permanentError('INVALID_INPUT', 'continuationToken is not a token returned by this store');
  }
  return decoded.slice(TOKEN_VERSION.length);
}
