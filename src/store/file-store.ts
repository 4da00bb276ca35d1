import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DocflowError, permanentError, transientError } from '../core/errors';
import { ObjectNotFoundError } from './not-found';
import type { ListOptions, ListPage, ObjectInfo, ObjectStore, PutOptions } from './object-store';
import { decodeListToken, encodeListToken, resolveMaxKeys } from './pagination';
import { assertSafeFileKey, formatS3Uri, parseObjectUri, parseS3Uri } from './uri';

/**
 * Temporary files live beside their target so the final rename is atomic (same directory, same
 * file system). Keys may not use this name prefix, and listings skip it.
 */
const TEMP_PREFIX = '.docflow-tmp-';

interface FileLocation {
  bucket: string;
  key: string;
  bucketDir: string;
  /** Absolute path of the object file (or of the prefix, for listings). */
  filePath: string;
}

/**
 * An {@link ObjectStore} on a local folder: `s3://bucket/a/b.json` is the file `<root>/bucket/a/b.json`.
 * Writes are atomic (temp file, fsync, rename); keys that would leave the root are refused.
 */
export class FileObjectStore implements ObjectStore {
  readonly kind = 'file' as const;
  readonly root: string;

  constructor(root: string) {
    if (!root) throw permanentError('INVALID_CONFIG', 'file store root must be a non-empty path');
    this.root = path.resolve(root);
  }

  async put(uri: string, body: string | Uint8Array | Readable, _options?: PutOptions): Promise<void> {
    const location = this.locate(uri);
    const dir = path.dirname(location.filePath);
    const tempPath = path.join(dir, `${TEMP_PREFIX}${randomUUID()}`);
    try {
      const handle = await this.createTempFile(dir, tempPath);
      try {
        await writeBody(handle, body);
        // Without this, a crash right after the rename could leave a complete-looking empty file.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tempPath, location.filePath);
    } catch (err) {
      await rm(tempPath, { force: true });
      throw fsError(err, 'write', uri);
    }
  }

  async get(uri: string): Promise<Buffer> {
    const location = this.locate(uri);
    try {
      return await readFile(location.filePath);
    } catch (err) {
      throw fsError(err, 'read', uri);
    }
  }

  async getText(uri: string): Promise<string> {
    return (await this.get(uri)).toString('utf8');
  }

  async getStream(uri: string): Promise<Readable> {
    const location = this.locate(uri);
    // Open before returning so that a missing object fails here, not later inside the stream.
    let handle: FileHandle | undefined;
    try {
      handle = await open(location.filePath, 'r');
      if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      return handle.createReadStream();
    } catch (err) {
      await handle?.close();
      throw fsError(err, 'read', uri);
    }
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const location = this.locate(uri);
    try {
      const stats = await stat(location.filePath);
      if (!stats.isFile()) return undefined;
      return toInfo(location.bucket, location.key, stats.size, stats.mtime);
    } catch (err) {
      const mapped = fsError(err, 'stat', uri);
      if (mapped instanceof ObjectNotFoundError) return undefined;
      throw mapped;
    }
  }

  async list(prefixUri: string, options: ListOptions = {}): Promise<ListPage> {
    const maxKeys = resolveMaxKeys(options.maxKeys);
    const after = options.continuationToken === undefined ? undefined : decodeListToken(options.continuationToken);
    const objects: ObjectInfo[] = [];
    let more = false;
    for await (const info of this.walkPrefix(prefixUri, after)) {
      if (objects.length === maxKeys) {
        more = true;
        break;
      }
      objects.push(info);
    }
    const last = objects[objects.length - 1];
    return more && last ? { objects, nextToken: encodeListToken(last.key) } : { objects };
  }

  listAll(prefixUri: string): AsyncIterable<ObjectInfo> {
    return this.walkPrefix(prefixUri, undefined);
  }

  async delete(uri: string): Promise<void> {
    const location = this.locate(uri);
    try {
      await unlink(location.filePath);
    } catch (err) {
      const mapped = fsError(err, 'delete', uri);
      if (mapped instanceof ObjectNotFoundError) return;
      throw mapped;
    }
    await this.pruneEmptyDirs(path.dirname(location.filePath), location.bucketDir);
  }

  private locate(uri: string, { prefix = false } = {}): FileLocation {
    const { bucket, key } = prefix ? parseS3Uri(uri) : parseObjectUri(uri);
    if (key !== '') {
      assertSafeFileKey(key, { prefix });
      if (key.split('/').some((segment) => segment.startsWith(TEMP_PREFIX))) {
        throw permanentError(
          'UNSAFE_KEY',
          `object key ${JSON.stringify(key)} uses the reserved name prefix ${TEMP_PREFIX}`,
        );
      }
    }
    const bucketDir = path.join(this.root, bucket);
    const filePath = path.resolve(bucketDir, ...key.split('/').filter((segment) => segment !== ''));
    // The key rules above already exclude traversal; this check makes containment a fact, not an argument.
    const relative = path.relative(bucketDir, filePath);
    if (relative.startsWith('..') || path.isAbsolute(relative) || (key !== '' && relative === '')) {
      throw permanentError('UNSAFE_KEY', `object key ${JSON.stringify(key)} resolves outside its bucket folder`);
    }
    return { bucket, key, bucketDir, filePath };
  }

  private async createTempFile(dir: string, tempPath: string): Promise<FileHandle> {
    // A concurrent delete may prune the freshly created directory: recreate it and try again.
    for (let attempt = 1; ; attempt++) {
      await mkdir(dir, { recursive: true });
      try {
        return await open(tempPath, 'wx');
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT' || attempt === 3) throw err;
      }
    }
  }

  /** Objects under the prefix with keys after `after`, in S3 order (UTF-8 byte order of the keys). */
  private async *walkPrefix(prefixUri: string, after: string | undefined): AsyncGenerator<ObjectInfo> {
    const location = this.locate(prefixUri, { prefix: true });
    const prefix = location.key;
    // Start in the deepest folder the prefix fully names instead of walking the whole bucket.
    const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const folder = path.join(location.bucketDir, ...folderKey.split('/').filter((s) => s !== ''));
    for await (const found of walkFolder(folder, folderKey, prefix, after)) {
      yield toInfo(location.bucket, found.key, found.size, found.mtime);
    }
  }

  private async pruneEmptyDirs(dir: string, stopAt: string): Promise<void> {
    // Empty folders would block a later object whose key equals the folder's name.
    for (
      let current = dir;
      current !== stopAt && current.startsWith(stopAt + path.sep);
      current = path.dirname(current)
    ) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
    }
  }
}

interface FoundFile {
  key: string;
  size: number;
  mtime: Date;
}

async function* walkFolder(
  folder: string,
  folderKey: string,
  prefix: string,
  after: string | undefined,
): AsyncGenerator<FoundFile> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw fsError(err, 'list', folderKey);
  }
  // A folder sorts as its name plus "/": every key inside it starts with exactly that.
  const items = entries
    .filter((entry) => !entry.name.startsWith(TEMP_PREFIX) && (entry.isFile() || entry.isDirectory()))
    .map((entry) => ({ entry, sortKey: folderKey + entry.name + (entry.isDirectory() ? '/' : '') }))
    .sort((a, b) => compareKeys(a.sortKey, b.sortKey));
  for (const { entry, sortKey } of items) {
    const entryPath = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      const matchesPrefix = sortKey.startsWith(prefix) || prefix.startsWith(sortKey);
      const allAlreadyListed = after !== undefined && !after.startsWith(sortKey) && compareKeys(sortKey, after) < 0;
      if (matchesPrefix && !allAlreadyListed) yield* walkFolder(entryPath, sortKey, prefix, after);
      continue;
    }
    if (!sortKey.startsWith(prefix) || (after !== undefined && compareKeys(sortKey, after) <= 0)) continue;
    try {
      const stats = await stat(entryPath);
      yield { key: sortKey, size: stats.size, mtime: stats.mtime };
    } catch (err) {
      // Deleted between readdir and stat: it is simply no longer listed.
      if (errnoCode(err) !== 'ENOENT') throw fsError(err, 'list', sortKey);
    }
  }
}

async function writeBody(handle: FileHandle, body: string | Uint8Array | Readable): Promise<void> {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    await handle.writeFile(body);
    return;
  }
  if (!(body instanceof Readable)) {
    throw permanentError('INVALID_INPUT', 'object body must be a string, a Uint8Array or a Readable stream');
  }
  // Awaiting each write gives natural backpressure on the source stream.
  for await (const chunk of body as AsyncIterable<string | Uint8Array>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    await handle.write(bytes);
  }
}

function toInfo(bucket: string, key: string, size: number, lastModified: Date): ObjectInfo {
  return { uri: formatS3Uri(bucket, key), bucket, key, size, lastModified };
}

/** S3 lists keys in UTF-8 byte order, which differs from JavaScript's UTF-16 string order. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

function fsError(err: unknown, action: string, uri: string): DocflowError {
  if (err instanceof DocflowError) return err;
  const code = errnoCode(err);
  const message = `file store: cannot ${action} ${uri} (${code ?? 'unknown error'})`;
  switch (code) {
    case 'ENOENT':
      return action === 'write'
        ? transientError('TRANSIENT', message, undefined, err)
        : new ObjectNotFoundError(uri, err);
    case 'ENOTDIR':
    case 'EISDIR':
      // Reading: a folder or a file-in-the-way is not an object. Writing: the key collides with an existing path.
      return action === 'write'
        ? permanentError(
            'INVALID_INPUT',
            `${message}: the key collides with another object's path on the file backend`,
            err,
          )
        : new ObjectNotFoundError(uri, err);
    case 'EEXIST':
    case 'ENOTEMPTY':
      return permanentError(
        'INVALID_INPUT',
        `${message}: the key collides with another object's path on the file backend`,
        err,
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return permanentError('ACCESS_DENIED', message, err);
    case 'ENAMETOOLONG':
      return permanentError('INVALID_INPUT', `${message}: a key segment is too long for the file system`, err);
    default:
      // Disk full, too many open files, I/O errors: may pass, so let the caller retry.
      return transientError('TRANSIENT', message, undefined, err);
  }
}
