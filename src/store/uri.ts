import { permanentError } from '../core/errors';

/** An object address: the same shape for the file and the S3 backends. */
export interface ObjectLocation {
  bucket: string;
  /** May be empty for a bucket-level prefix (`s3://bucket/`). */
  key: string;
}

const SCHEME = 's3://';
/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * Parses `s3://bucket/key`. The key may be empty (`s3://bucket` or `s3://bucket/`), which addresses
 * the whole bucket as a list prefix; use {@link parseObjectUri} where an object is meant.
 */
export function parseS3Uri(uri: string): ObjectLocation {
  if (typeof uri !== 'string' || !uri.startsWith(SCHEME)) {
    throw permanentError('INVALID_INPUT', `not an s3:// URI: ${describe(uri)}; expected s3://bucket/key`);
  }
  const rest = uri.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  assertValidBucketName(bucket);
  if (key !== '') assertValidKey(key);
  return { bucket, key };
}

/** Parses a URI that must name one object (a non-empty key). */
export function parseObjectUri(uri: string): ObjectLocation {
  const location = parseS3Uri(uri);
  if (location.key === '') {
    throw permanentError('INVALID_INPUT', `URI names a bucket, not an object: ${describe(uri)}`);
  }
  return location;
}

export function formatS3Uri(bucket: string, key = ''): string {
  assertValidBucketName(bucket);
  if (key !== '') assertValidKey(key);
  return `${SCHEME}${bucket}/${key}`;
}

/**
 * Joins key parts with single slashes, so `joinKey('jobs/', '/x', 'input')` is `jobs/x/input`.
 * Empty parts are skipped; a trailing slash on the last part is kept (it marks a prefix).
 */
export function joinKey(...parts: string[]): string {
  const kept = parts.filter((part) => part !== '');
  const last = kept[kept.length - 1] ?? '';
  const joined = kept
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
  return last.endsWith('/') && joined !== '' ? `${joined}/` : joined;
}

/** Appends key parts to the key of an `s3://` URI. */
export function joinUri(baseUri: string, ...parts: string[]): string {
  const { bucket, key } = parseS3Uri(baseUri);
  return formatS3Uri(bucket, joinKey(key, ...parts));
}

/**
 * S3 general-purpose bucket naming rules: 3-63 characters of lowercase letters, digits, dots and
 * hyphens, starting and ending with a letter or digit, no `..`, not an IP address, no reserved affixes.
 */
export function assertValidBucketName(bucket: string): void {
  const problem = bucketNameProblem(bucket);
  if (problem !== undefined) {
    throw permanentError('INVALID_INPUT', `invalid bucket name ${describe(bucket)}: ${problem}`);
  }
}

function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return 'must be 3-63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) {
    return 'only lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  }
  if (bucket.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) return 'must not look like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket)) return 'uses a prefix reserved by S3';
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(bucket)) return 'uses a suffix reserved by S3';
  return undefined;
}

/** Rules every backend shares: a non-empty key of at most 1024 UTF-8 bytes without NUL. */
export function assertValidKey(key: string): void {
  if (key === '') throw permanentError('INVALID_INPUT', 'object key must not be empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw permanentError('INVALID_INPUT', `object key is longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (key.includes('\0')) throw permanentError('UNSAFE_KEY', `object key contains a NUL character: ${describe(key)}`);
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(key)) {
    throw permanentError('INVALID_INPUT', 'object key is not valid Unicode (lone surrogate)');
  }
}

/**
 * Stricter rules for keys that become file paths: relative, `/`-separated, no empty, `.` or `..`
 * segments, no backslashes. A trailing slash is allowed only for list prefixes.
 */
export function assertSafeFileKey(key: string, { prefix = false }: { prefix?: boolean } = {}): void {
  assertValidKey(key);
  const unsafe = (why: string) =>
    permanentError('UNSAFE_KEY', `object key ${describe(key)} cannot be stored as a file: ${why}`);
  if (key.includes('\\')) throw unsafe('it contains a backslash');
  if (key.startsWith('/')) throw unsafe('it is an absolute path');
  const segments = key.split('/');
  if (prefix && segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  for (const segment of segments) {
    if (segment === '')
      throw unsafe(prefix ? 'it contains an empty path segment' : 'it has an empty path segment or ends with "/"');
    if (segment === '.' || segment === '..') throw unsafe(`it contains a "${segment}" path segment`);
  }
}

/** A short, printable rendering of untrusted input for error messages. */
function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return JSON.stringify(shown);
}
