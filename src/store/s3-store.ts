import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { DocflowError, permanentError, transientError } from '../core/errors';
import { ObjectNotFoundError } from './not-found';
import type { ListOptions, ListPage, ObjectInfo, ObjectStore, PutOptions } from './object-store';
import { resolveMaxKeys } from './pagination';
import { formatS3Uri, parseObjectUri, parseS3Uri } from './uri';

const MIB = 1024 * 1024;
/** S3 refuses multipart parts below 5 MiB (except the last). */
const MIN_PART_SIZE = 5 * MIB;

export interface S3StoreOptions {
  /** An S3-compatible endpoint (MinIO, moto, LocalStack); AWS's own endpoint when absent. */
  endpoint?: string;
  /** Falls back to the standard AWS chain (AWS_REGION, profile) when absent. */
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean;
  /** Falls back to the standard AWS chain (environment, profile, SSO, instance role) when absent. */
  credentials?: S3ClientConfig['credentials'];
  /** Multipart part size in bytes (default 8 MiB, minimum 5 MiB). */
  partSizeBytes?: number;
  /** In-memory bodies larger than this go through multipart upload (default: the part size). Streams always do. */
  multipartThresholdBytes?: number;
  /** Parts uploaded in parallel by one multipart upload (default 4); memory use is about this times the part size. */
  uploadConcurrency?: number;
  /** An existing client to use instead of building one from the options above. */
  client?: S3Client;
}

/** An {@link ObjectStore} on Amazon S3 or any S3-compatible server. */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly partSize: number;
  private readonly multipartThreshold: number;
  private readonly uploadConcurrency: number;

  constructor(options: S3StoreOptions = {}) {
    this.partSize = options.partSizeBytes ?? 8 * MIB;
    if (!Number.isInteger(this.partSize) || this.partSize < MIN_PART_SIZE) {
      throw permanentError(
        'INVALID_CONFIG',
        `S3 partSizeBytes must be an integer of at least ${MIN_PART_SIZE} (5 MiB)`,
      );
    }
    this.multipartThreshold = options.multipartThresholdBytes ?? this.partSize;
    this.uploadConcurrency = options.uploadConcurrency ?? 4;
    this.client =
      options.client ??
      new S3Client({
        endpoint: options.endpoint,
        region: options.region,
        forcePathStyle: options.forcePathStyle,
        credentials: options.credentials,
      });
  }

  async put(uri: string, body: string | Uint8Array | Readable, options: PutOptions = {}): Promise<void> {
    const { bucket, key } = parseObjectUri(uri);
    const params = { Bucket: bucket, Key: key, Body: body, ContentType: options.contentType };
    try {
      if (body instanceof Readable || byteLength(body) > this.multipartThreshold) {
        // Upload buffers one part at a time, so a stream of unknown length never sits whole in memory.
        const upload = new Upload({
          client: this.client,
          params,
          partSize: this.partSize,
          queueSize: this.uploadConcurrency,
          leavePartsOnError: false,
        });
        await upload.done();
      } else {
        // An explicit length keeps empty bodies from being sent as a stream of unknown length.
        await this.client.send(new PutObjectCommand({ ...params, ContentLength: byteLength(body) }));
      }
    } catch (err) {
      throw s3Error(err, 'write', uri);
    }
  }

  async get(uri: string): Promise<Buffer> {
    const stream = await this.getStream(uri);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    } catch (err) {
      throw s3Error(err, 'read', uri);
    }
    return Buffer.concat(chunks);
  }

  async getText(uri: string): Promise<string> {
    return (await this.get(uri)).toString('utf8');
  }

  async getStream(uri: string): Promise<Readable> {
    const { bucket, key } = parseObjectUri(uri);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      // In Node the SDK's body is an http.IncomingMessage, a Readable.
      if (!(response.Body instanceof Readable)) {
        throw transientError('TRANSIENT', `S3 returned no readable body for ${uri}`);
      }
      return response.Body;
    } catch (err) {
      throw s3Error(err, 'read', uri);
    }
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const { bucket, key } = parseObjectUri(uri);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        uri: formatS3Uri(bucket, key),
        bucket,
        key,
        size: response.ContentLength ?? 0,
        lastModified: response.LastModified,
        etag: response.ETag,
      };
    } catch (err) {
      const mapped = s3Error(err, 'stat', uri);
      if (mapped instanceof ObjectNotFoundError) return undefined;
      throw mapped;
    }
  }

  async list(prefixUri: string, options: ListOptions = {}): Promise<ListPage> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const maxKeys = resolveMaxKeys(options.maxKeys);
    try {
      const response = await this.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix === '' ? undefined : prefix,
          MaxKeys: maxKeys,
          ContinuationToken: options.continuationToken,
        }),
      );
      const objects = (response.Contents ?? []).flatMap((item): ObjectInfo[] =>
        item.Key === undefined
          ? []
          : [
              {
                uri: formatS3Uri(bucket, item.Key),
                bucket,
                key: item.Key,
                size: item.Size ?? 0,
                lastModified: item.LastModified,
                etag: item.ETag,
              },
            ],
      );
      const nextToken = response.IsTruncated ? response.NextContinuationToken : undefined;
      return nextToken === undefined ? { objects } : { objects, nextToken };
    } catch (err) {
      throw s3Error(err, 'list', prefixUri);
    }
  }

  async *listAll(prefixUri: string): AsyncIterable<ObjectInfo> {
    let continuationToken: string | undefined;
    do {
      const page = await this.list(prefixUri, { continuationToken });
      yield* page.objects;
      continuationToken = page.nextToken;
    } while (continuationToken !== undefined);
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = parseObjectUri(uri);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      const mapped = s3Error(err, 'delete', uri);
      if (mapped instanceof ObjectNotFoundError) return;
      throw mapped;
    }
  }
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

const THROTTLING_ERRORS = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const ACCESS_ERRORS = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'AccountProblem',
]);
const NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
]);

/**
 * Maps an S3 SDK error to the taxonomy. The message carries the operation, the URI and S3's error
 * name — never the response body — so it is safe to log.
 */
export function s3Error(err: unknown, action: string, uri: string): DocflowError {
  if (err instanceof DocflowError) return err;
  const info = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const name = info?.name ?? 'UnknownError';
  const status = info?.$metadata?.httpStatusCode;
  const message = `S3: cannot ${action} ${uri} (${name}${status === undefined ? '' : ` ${status}`})`;
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket')) {
    return new ObjectNotFoundError(uri, err);
  }
  if (name === 'NoSuchBucket') return permanentError('NOT_FOUND', `${message}: the bucket does not exist`, err);
  if (ACCESS_ERRORS.has(name) || status === 403) {
    return permanentError('ACCESS_DENIED', `${message}: check the credentials and the bucket policy`, err);
  }
  if (THROTTLING_ERRORS.has(name) || status === 429 || status === 503)
    return transientError('THROTTLED', message, undefined, err);
  if (status !== undefined && status >= 500) return transientError('TRANSIENT', message, undefined, err);
  if (name === 'CredentialsProviderError') {
    return permanentError('ACCESS_DENIED', `${message}: no AWS credentials found (environment, profile or role)`, err);
  }
  if (NETWORK_ERRORS.has(name) || (info?.code !== undefined && NETWORK_ERRORS.has(info.code)) || status === undefined) {
    return transientError('TRANSIENT', message, undefined, err);
  }
  return permanentError('INVALID_INPUT', message, err);
}
