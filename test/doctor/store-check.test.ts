import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOCTOR_PREFIX, checkStore } from '../../src/doctor/store-check';
import { FileObjectStore } from '../../src/store';

describe('store check', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docflow-doctor-store-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes, reads, lists and deletes a test object, and leaves nothing behind', async () => {
    const store = new FileObjectStore(dir);
    const result = await checkStore(store, 's3://docflow', 'local folder');
    expect(result).toMatchObject({ id: 'store', status: 'ok' });
    expect((await store.list(`s3://docflow/${DOCTOR_PREFIX}`)).objects).toEqual([]);
  });

  it('fails with the step and what to fix when the store cannot be written', async () => {
    // The store root is a file: nothing can be created under it.
    const root = join(dir, 'not-a-folder');
    await writeFile(root, 'x');
    const result = await checkStore(new FileObjectStore(root), 's3://docflow', 'local folder');
    expect(result).toMatchObject({ status: 'fail' });
    expect(result.message).toMatch(/^cannot write s3:\/\/docflow\/_docflow-doctor\//);
    expect(result.fix).toMatch(/DOCFLOW_STORE_ROOT/);
  });
});
