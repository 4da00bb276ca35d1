import type { Readable } from 'node:stream';

/** Metadata of one stored object. `uri` is always `s3://bucket/key`, whatever the backend. */
export interface ObjectInfo {
  uri: string;
  bucket: string;
  key: string;
  size: number;
  lastModified?: Date;
  etag?: string;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** Present when more objects follow: pass it back as `continuationToken`. */
  nextToken?: string;
}

export interface ListOptions {
  /** Page size, 1-1000 (default 1000). */
  maxKeys?: number;
  continuationToken?: string;
}

export interface PutOptions {
  contentType?: string;
}

/**
 * The one storage interface used by activities and by the Bedrock emulator.
 * Objects are addressed as `s3://bucket/key` URIs in both backends, so the same keys work on a
 * local folder (the embedded default) and on Amazon S3 or any S3-compatible server.
 */
export interface ObjectStore {
  readonly kind: 'file' | 's3';
  put(uri: string, body: string | Uint8Array | Readable, options?: PutOptions): Promise<void>;
  /** Whole object in memory; throws `ObjectNotFoundError` when absent. */
  get(uri: string): Promise<Buffer>;
  getText(uri: string): Promise<string>;
  /** Streaming read for large objects; throws `ObjectNotFoundError` when absent. */
  getStream(uri: string): Promise<Readable>;
  /** `undefined` when the object does not exist. */
  head(uri: string): Promise<ObjectInfo | undefined>;
  /** One page of the objects whose key starts with the prefix of `prefixUri`, in key order. */
  list(prefixUri: string, options?: ListOptions): Promise<ListPage>;
  /** Every object under the prefix, page after page. */
  listAll(prefixUri: string): AsyncIterable<ObjectInfo>;
  /** Deleting an absent object is not an error. */
  delete(uri: string): Promise<void>;
}
