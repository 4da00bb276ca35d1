import { FileObjectStore } from './file-store';
import type { ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-store';
import type { S3StoreOptions } from './s3-store';

export type ObjectStoreOptions = { kind: 'file'; root: string } | ({ kind: 's3' } & S3StoreOptions);

/** Builds the configured backend: a local folder (the embedded default) or S3. */
export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  if (options.kind === 'file') return new FileObjectStore(options.root);
  const { kind: _kind, ...s3Options } = options;
  return new S3ObjectStore(s3Options);
}

export type { ListOptions, ListPage, ObjectInfo, ObjectStore, PutOptions } from './object-store';
export { FileObjectStore } from './file-store';
export { S3ObjectStore, s3Error } from './s3-store';
export type { S3StoreOptions } from './s3-store';
export { ObjectNotFoundError, isNotFound } from './not-found';
export type { ObjectLocation } from './uri';
export {
  assertSafeFileKey,
  assertValidBucketName,
  assertValidKey,
  formatS3Uri,
  joinKey,
  joinUri,
  parseObjectUri,
  parseS3Uri,
} from './uri';
