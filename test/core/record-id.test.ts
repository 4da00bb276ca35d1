import { describe, expect, it } from 'vitest';
import { isRecordId, parseRecordId, recordId } from '../../src/core/record-id';

const docId = '0123456789abcdef01234567';

describe('recordId', () => {
  it('encodes document, padded chunk index and attempt in alphanumerics only', () => {
    expect(recordId(docId, 3, 1)).toBe('0123456789abcdef01234567c00003a1');
  });

  it('round-trips through parseRecordId', () => {
    for (const [chunk, attempt] of [
      [0, 0],
      [7, 2],
      [99999, 9999],
      [123456, 3],
    ] as const) {
      const id = recordId(docId, chunk, attempt);
      expect(id).toMatch(/^[a-z0-9]+$/);
      expect(parseRecordId(id)).toEqual({ docId, chunkIndex: chunk, attempt });
    }
  });

  it('gives different ids to different attempts of the same chunk', () => {
    expect(recordId(docId, 1, 1)).not.toBe(recordId(docId, 1, 2));
  });

  it('rejects a document id that is not 24 lowercase hex characters', () => {
    expect(() => recordId('0123456789ABCDEF01234567', 0, 0)).toThrow(/24 lowercase hexadecimal/);
    expect(() => recordId('abc', 0, 0)).toThrow(/24 lowercase hexadecimal/);
  });

  it('rejects negative or fractional chunk indexes and out-of-range attempts', () => {
    expect(() => recordId(docId, -1, 0)).toThrow(/chunk index/);
    expect(() => recordId(docId, 1.5, 0)).toThrow(/chunk index/);
    expect(() => recordId(docId, 0, 10000)).toThrow(/attempt/);
  });
});

describe('parseRecordId', () => {
  it('rejects ids that recordId would not produce', () => {
    for (const bad of [
      '',
      'hello',
      '0123456789abcdef01234567c3a1', // chunk not padded
      '0123456789abcdef01234567c00003a01', // attempt with a leading zero
      '0123456789abcdef01234567c00003a1x',
      '0123456789abcdef0123456c00003a1',
    ]) {
      expect(isRecordId(bad), bad).toBe(false);
    }
    expect(() => parseRecordId('nope')).toThrow(/not a docflow record id/);
  });
});
