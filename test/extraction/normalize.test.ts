import { describe, expect, it } from 'vitest';
import { contentHash, normalizeText } from '../../src/extraction';

describe('normalizeText', () => {
  it('turns CRLF and lone CR line endings into LF', () => {
    expect(normalizeText('a\r\nb\rc\nd')).toBe('a\nb\nc\nd');
  });

  it('composes characters to Unicode NFC', () => {
    expect(normalizeText('cafe\u0301')).toBe('caf\u00e9');
  });

  it('removes control characters but keeps tabs and line breaks', () => {
    expect(normalizeText('a\u0000b\u0007c\u007fd\u0085e\tf\ng\ufeffh')).toBe('abcd\ne\tf\ngh');
  });

  it('treats form feeds (page breaks in plain text) as line breaks, not as nothing', () => {
    expect(normalizeText('end of page\fStart of next')).toBe('end of page\nStart of next');
  });

  it('collapses runs of spaces, including no-break spaces, and drops spaces at line ends', () => {
    expect(normalizeText('Section  1.\u00a0\u00a0Term   of  the Agreement   \nnext')).toBe(
      'Section 1. Term of the Agreement\nnext',
    );
  });

  it('keeps at most two consecutive blank lines', () => {
    expect(normalizeText('a\n\n\n\n\n\nb\n \n\t\n \nc\n\nd')).toBe('a\n\n\nb\n\n\nc\n\nd');
  });

  it('trims leading and trailing whitespace', () => {
    expect(normalizeText('\n\n  \t Agreement \n\n')).toBe('Agreement');
  });

  it('is idempotent', () => {
    const messy = ' \r\nA\u00a0 b\u0301\t \r\n\r\n\r\n\r\n\r\nc\u0000 \f\fd  ';
    expect(normalizeText(normalizeText(messy))).toBe(normalizeText(messy));
  });
});

describe('contentHash', () => {
  it('is the SHA-256 hex of the UTF-8 text', () => {
    expect(contentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is equal for texts that differ only in line endings and spacing once normalized', () => {
    expect(contentHash(normalizeText('Term:  5 years\r\n'))).toBe(contentHash(normalizeText('Term: 5 years\n')));
  });
});
