import { describe, expect, it } from 'vitest';
import { assertValidBucketName, formatS3Uri, joinKey, joinUri, parseObjectUri, parseS3Uri } from '../../src/store';

/** The error a call throws, so its fields can be asserted. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

describe('s3:// URIs', () => {
  it('parses bucket and key, keeping slashes inside the key', () => {
    expect(parseS3Uri('s3://my-bucket/documents/d1/text.txt')).toEqual({
      bucket: 'my-bucket',
      key: 'documents/d1/text.txt',
    });
  });

  it('parses a bucket-only URI as an empty prefix', () => {
    expect(parseS3Uri('s3://my-bucket')).toEqual({ bucket: 'my-bucket', key: '' });
    expect(parseS3Uri('s3://my-bucket/')).toEqual({ bucket: 'my-bucket', key: '' });
  });

  it('refuses a bucket-only URI where an object is required', () => {
    expect(thrown(() => parseObjectUri('s3://my-bucket/'))).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('formats what it parses', () => {
    const uri = 's3://my.bucket-1/a/b c/ü.json';
    const { bucket, key } = parseS3Uri(uri);
    expect(formatS3Uri(bucket, key)).toBe(uri);
  });

  it.each(['http://bucket/key', 'S3://bucket/key', 'bucket/key', ''])('refuses %j as not an s3:// URI', (uri) => {
    expect(thrown(() => parseS3Uri(uri))).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses a key with a NUL character as UNSAFE_KEY', () => {
    expect(thrown(() => parseS3Uri('s3://bucket/a\0b'))).toMatchObject({ code: 'UNSAFE_KEY' });
  });

  it('refuses a key longer than 1024 UTF-8 bytes', () => {
    expect(thrown(() => parseS3Uri(`s3://bucket/${'é'.repeat(513)}`))).toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('bucket names', () => {
  it.each(['abc', 'docflow-results', 'my.bucket.1', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(() => assertValidBucketName(name)).not.toThrow();
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(64)],
    ['uppercase', 'MyBucket'],
    ['underscore', 'my_bucket'],
    ['leading hyphen', '-bucket'],
    ['trailing dot', 'bucket.'],
    ['adjacent dots', 'my..bucket'],
    ['IP address', '192.168.1.10'],
    ['reserved prefix', 'xn--bucket'],
    ['reserved suffix', 'bucket-s3alias'],
  ])('refuses a name that is %s', (_why, name) => {
    expect(thrown(() => assertValidBucketName(name))).toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('joinKey', () => {
  it('joins parts with single slashes', () => {
    expect(joinKey('jobs/', '/job-1/', 'input', 'records.jsonl')).toBe('jobs/job-1/input/records.jsonl');
  });

  it('skips empty parts and keeps a trailing slash that marks a prefix', () => {
    expect(joinKey('', 'jobs', '', 'output/')).toBe('jobs/output/');
  });

  it('appends to the key of a URI', () => {
    expect(joinUri('s3://bucket/root/', 'documents', 'd1/text.txt')).toBe('s3://bucket/root/documents/d1/text.txt');
    expect(joinUri('s3://bucket', 'corpora/')).toBe('s3://bucket/corpora/');
  });
});
