import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIdForDocuments, resolveInputs } from '../../src/cli/inputs';

describe('analyze inputs', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docflow-inputs-'));
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    await mkdir(join(dir, '.hidden'));
    for (const file of ['a.txt', 'b.pdf', 'notes.csv', 'nested/c.docx', 'nested/deeper/d.HTML', '.hidden/e.txt']) {
      await writeFile(join(dir, file), 'x');
    }
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('walks folders recursively, keeps supported formats only, and skips hidden folders', async () => {
    const inputs = await resolveInputs([dir]);
    expect(inputs.kind === 'files' && inputs.files.map((f) => f.slice(dir.length + 1))).toEqual([
      'a.txt',
      'b.pdf',
      'nested/c.docx',
      'nested/deeper/d.HTML',
    ]);
  });

  it('expands globs and removes duplicates', async () => {
    const inputs = await resolveInputs([join(dir, '*.txt'), join(dir, 'a.txt')]);
    expect(inputs).toEqual({ kind: 'files', files: [join(dir, 'a.txt')] });
  });

  it('takes one s3:// prefix, alone', async () => {
    expect(await resolveInputs(['s3://bucket/contracts/'])).toEqual({ kind: 'prefix', uri: 's3://bucket/contracts/' });
    await expect(resolveInputs(['s3://bucket/x/', join(dir, 'a.txt')])).rejects.toThrow(/only input/);
  });

  it('names what is wrong: a missing path, an unsupported file, a glob matching nothing', async () => {
    await expect(resolveInputs([join(dir, 'missing.txt')])).rejects.toThrow(/no such file/);
    await expect(resolveInputs([join(dir, 'notes.csv')])).rejects.toThrow(/unsupported format/);
    await expect(resolveInputs([join(dir, '*.rtf')])).rejects.toThrow(/no supported documents match/);
  });

  it('derives the same batch id from the same documents in any order', () => {
    expect(batchIdForDocuments(['d2', 'd1', 'd1'])).toBe(batchIdForDocuments(['d1', 'd2']));
    expect(batchIdForDocuments(['d1'])).not.toBe(batchIdForDocuments(['d2']));
    expect(batchIdForDocuments(['d1'])).toMatch(/^b-[0-9a-f]{12}$/);
  });
});
