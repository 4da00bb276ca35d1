import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../src/store';

let workDir: string;
let root: string;
let store: FileObjectStore;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'docflow-file-store-'));
  root = path.join(workDir, 'root');
  store = new FileObjectStore(root);
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Every file under a folder, relative paths, including hidden ones. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('FileObjectStore', () => {
  it('stores s3://bucket/key as the file <root>/bucket/key', async () => {
    await store.put('s3://docs/a/b/c.txt', 'content');
    expect(await filesUnder(root)).toEqual([path.join('docs', 'a', 'b', 'c.txt')]);
  });

  it.each([
    ['a parent segment', 's3://docs/../escaped.txt'],
    ['a nested parent segment', 's3://docs/a/../../escaped.txt'],
    ['a backslash path', 's3://docs/a\\..\\..\\escaped.txt'],
    ['an absolute path', 's3://docs//etc/escaped.txt'],
    ['a current-folder segment', 's3://docs/./a.txt'],
    ['a NUL character', 's3://docs/a\0.txt'],
    ['a trailing slash', 's3://docs/folder/'],
    ['the reserved temp-file prefix', 's3://docs/.docflow-tmp-x'],
  ])('refuses a key with %s (UNSAFE_KEY) and writes nothing', async (_what, uri) => {
    await expect(store.put(uri, 'x')).rejects.toMatchObject({ code: 'UNSAFE_KEY', retryable: false });
    await expect(store.get(uri)).rejects.toMatchObject({ code: 'UNSAFE_KEY' });
    expect(await readdir(workDir)).toEqual([]);
  });

  it('refuses a traversal prefix when listing', async () => {
    await expect(store.list('s3://docs/../')).rejects.toMatchObject({ code: 'UNSAFE_KEY' });
  });

  it('leaves no temporary files after writes', async () => {
    await store.put('s3://docs/a.txt', 'one');
    await store.put('s3://docs/a.txt', Readable.from(['two', 'three']));
    await store.put('s3://docs/b/c.bin', new Uint8Array([1, 2, 3]));
    expect((await filesUnder(root)).sort()).toEqual([path.join('docs', 'a.txt'), path.join('docs', 'b', 'c.bin')]);
  });

  it('keeps the previous content, and no temp file, when a streamed write fails midway', async () => {
    await store.put('s3://docs/a.txt', 'previous');
    const failing = new Readable({
      read() {
        this.push('partial data');
        this.destroy(new Error('source broke'));
      },
    });
    await expect(store.put('s3://docs/a.txt', failing)).rejects.toThrow();
    expect(await store.getText('s3://docs/a.txt')).toBe('previous');
    expect(await filesUnder(root)).toEqual([path.join('docs', 'a.txt')]);
  });

  it('does not list a temp file left behind by a crashed writer', async () => {
    await store.put('s3://docs/a.txt', 'x');
    await writeFile(path.join(root, 'docs', '.docflow-tmp-crashed'), 'half');
    expect((await store.list('s3://docs/')).objects.map((o) => o.key)).toEqual(['a.txt']);
  });

  it('lets a key reuse a folder name once the objects under it are deleted', async () => {
    await store.put('s3://docs/job/output.jsonl', 'x');
    await store.delete('s3://docs/job/output.jsonl');
    await store.put('s3://docs/job', 'now an object');
    expect(await store.getText('s3://docs/job')).toBe('now an object');
  });

  it('refuses, as INVALID_INPUT, a key that collides with a folder of other objects', async () => {
    await store.put('s3://docs/job/output.jsonl', 'x');
    await expect(store.put('s3://docs/job', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('rejects a continuation token it did not issue', async () => {
    await expect(store.list('s3://docs/', { continuationToken: 'not-a-token' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('rejects a page size outside 1-1000', async () => {
    await expect(store.list('s3://docs/', { maxKeys: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.list('s3://docs/', { maxKeys: 1001 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reports a folder as absent rather than as an object', async () => {
    await store.put('s3://docs/a/b.txt', 'x');
    expect(await store.head('s3://docs/a')).toBeUndefined();
    await expect(store.get('s3://docs/a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
