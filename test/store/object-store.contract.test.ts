import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDocflowError } from '../../src/core/errors';
import type { ObjectInfo, ObjectStore } from '../../src/store';
import { createObjectStore, isNotFound, ObjectNotFoundError } from '../../src/store';
import { startS3Server } from '../support/s3-server';
import type { TestS3Server } from '../support/s3-server';

/** One backend under test: `bucket()` gives every test a fresh, empty bucket URI (`s3://name/`). */
interface Backend {
  name: 'file' | 's3';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  store(): ObjectStore;
  bucket(): Promise<string>;
}

function fileBackend(): Backend {
  let root = '';
  let store: ObjectStore | undefined;
  let next = 0;
  return {
    name: 'file',
    async setup() {
      root = await mkdtemp(path.join(tmpdir(), 'docflow-store-'));
      store = createObjectStore({ kind: 'file', root });
    },
    async teardown() {
      if (root) await rm(root, { recursive: true, force: true });
    },
    store: () => store!,
    bucket: () => Promise.resolve(`s3://bucket-${next++}/`),
  };
}

function s3Backend(): Backend {
  let server: TestS3Server | undefined;
  let store: ObjectStore | undefined;
  return {
    name: 's3',
    async setup() {
      server = await startS3Server();
      store = createObjectStore({
        kind: 's3',
        endpoint: server.endpoint,
        region: server.region,
        forcePathStyle: true,
        credentials: server.credentials,
      });
    },
    async teardown() {
      await server?.stop();
    },
    store: () => store!,
    bucket: async () => `s3://${await server!.createBucket('contract')}/`,
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A deterministic pseudo-random stream of `size` bytes, produced chunk by chunk, never whole in memory. */
function generatedStream(size: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let produced = 0;
  let state = 0x2545f491;
  const stream = new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const chunk = Buffer.alloc(Math.min(64 * 1024, size - produced));
      for (let i = 0; i < chunk.length; i++) {
        state = (state * 1103515245 + 12345) >>> 0;
        chunk[i] = state >>> 24;
      }
      produced += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

const keysOf = (objects: ObjectInfo[]) => objects.map((o) => o.key);

describe.each([fileBackend(), s3Backend()])('ObjectStore contract ($name backend)', (backend) => {
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('returns exactly the text that was put, including non-ASCII characters', async () => {
    const uri = `${await backend.bucket()}documents/d1/text.txt`;
    await backend.store().put(uri, 'Héllo, wörld — 契約 ✓\nline 2');
    expect(await backend.store().getText(uri)).toBe('Héllo, wörld — 契約 ✓\nline 2');
  });

  it('returns binary bodies byte for byte', async () => {
    const uri = `${await backend.bucket()}blobs/all-bytes.bin`;
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
    await backend.store().put(uri, bytes, { contentType: 'application/octet-stream' });
    expect(Buffer.compare(await backend.store().get(uri), Buffer.from(bytes))).toBe(0);
  });

  it('streams a stored object back through getStream', async () => {
    const uri = `${await backend.bucket()}a/b.json`;
    await backend.store().put(uri, Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]));
    expect((await readAll(await backend.store().getStream(uri))).toString('utf8')).toBe('{"a":1}');
  });

  it('replaces an object that is put twice', async () => {
    const uri = `${await backend.bucket()}result.json`;
    await backend.store().put(uri, 'first version, longer');
    await backend.store().put(uri, 'second');
    expect(await backend.store().getText(uri)).toBe('second');
  });

  it('round-trips a streamed object larger than 10 MiB unchanged', async () => {
    const uri = `${await backend.bucket()}large/object.bin`;
    const size = 10 * 1024 * 1024 + 123_457;
    const source = generatedStream(size);
    await backend.store().put(uri, source.stream);

    const back = createHash('sha256');
    let length = 0;
    for await (const chunk of (await backend.store().getStream(uri)) as AsyncIterable<Buffer>) {
      back.update(chunk);
      length += chunk.length;
    }
    expect({ length, sha256: back.digest('hex') }).toEqual({ length: size, sha256: source.sha256() });
  });

  it('describes a present object with head and returns undefined for an absent one', async () => {
    const bucket = await backend.bucket();
    await backend.store().put(`${bucket}docs/x.txt`, 'twelve bytes');
    const info = await backend.store().head(`${bucket}docs/x.txt`);
    expect(info).toMatchObject({ uri: `${bucket}docs/x.txt`, key: 'docs/x.txt', size: 12 });
    expect(info?.bucket).toBe(bucket.slice('s3://'.length, -1));
    expect(await backend.store().head(`${bucket}docs/missing.txt`)).toBeUndefined();
  });

  it('lists a prefix in pages of maxKeys, in key order, with a token until the last page', async () => {
    const bucket = await backend.bucket();
    const expected = Array.from({ length: 25 }, (_, i) => `docs/item-${String(i).padStart(2, '0')}.json`);
    const shuffled = [...expected].sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((key) => backend.store().put(`${bucket}${key}`, key)));
    await backend.store().put(`${bucket}docs-other/outside.json`, 'x');
    await backend.store().put(`${bucket}other/docs/item.json`, 'x');

    const pages = [];
    let token: string | undefined;
    do {
      const page = await backend.store().list(`${bucket}docs/`, { maxKeys: 10, continuationToken: token });
      pages.push(page);
      token = page.nextToken;
    } while (token !== undefined);

    expect(pages.map((p) => p.objects.length)).toEqual([10, 10, 5]);
    expect(pages.flatMap((p) => keysOf(p.objects))).toEqual(expected);
  });

  it('treats a prefix as a string prefix, not a folder name', async () => {
    const bucket = await backend.bucket();
    for (const key of ['runs/1/a', 'runs/10/b', 'runs/2/c', 'runs1']) await backend.store().put(`${bucket}${key}`, 'x');
    expect(keysOf((await backend.store().list(`${bucket}runs/1`)).objects)).toEqual(['runs/1/a', 'runs/10/b']);
  });

  it('orders keys by their UTF-8 bytes, as S3 does', async () => {
    const bucket = await backend.bucket();
    // "-" (0x2D) < "/" (0x2F) < "0" (0x30); U+FF21 encodes below U+1F600 in UTF-8 but not in UTF-16.
    const keys = ['k/a-c', 'k/a/b', 'k/a0', 'k/\uff21', 'k/\u{1f600}'];
    for (const key of [...keys].reverse()) await backend.store().put(`${bucket}${key}`, 'x');
    expect(keysOf((await backend.store().list(`${bucket}k/`)).objects)).toEqual(keys);
  });

  it('lists every object under a prefix with listAll, across pages', async () => {
    const bucket = await backend.bucket();
    const expected = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    for (let i = 0; i < expected.length; i += 50) {
      await Promise.all(expected.slice(i, i + 50).map((key) => backend.store().put(`${bucket}${key}`, '')));
    }
    expect(keysOf(await collect(backend.store().listAll(`${bucket}many/`)))).toEqual(expected);
  });

  it('lists nothing, without a token, for a prefix with no objects', async () => {
    const bucket = await backend.bucket();
    expect(await backend.store().list(`${bucket}nothing/here/`)).toEqual({ objects: [] });
  });

  it('deletes an object, and deleting it again or deleting a never-stored key is not an error', async () => {
    const bucket = await backend.bucket();
    await backend.store().put(`${bucket}a/b/c.txt`, 'x');
    await backend.store().delete(`${bucket}a/b/c.txt`);
    await backend.store().delete(`${bucket}a/b/c.txt`);
    await backend.store().delete(`${bucket}never/stored.txt`);
    expect(await backend.store().head(`${bucket}a/b/c.txt`)).toBeUndefined();
    expect((await backend.store().list(bucket)).objects).toEqual([]);
  });

  it('fails get, getText and getStream of a missing object with a non-retryable NOT_FOUND', async () => {
    const uri = `${await backend.bucket()}missing/object.json`;
    for (const read of [
      () => backend.store().get(uri),
      () => backend.store().getText(uri),
      () => backend.store().getStream(uri),
    ]) {
      const err: unknown = await read().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ObjectNotFoundError);
      expect(isNotFound(err)).toBe(true);
      expect(isDocflowError(err) && err.retryable).toBe(false);
    }
  });

  it('refuses a URI that is not s3://bucket/key with INVALID_INPUT', async () => {
    await expect(backend.store().get('https://example.com/x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(backend.store().put('s3://Bad_Bucket/x', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(backend.store().put('s3://good-bucket/', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
