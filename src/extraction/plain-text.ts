import { permanentError } from '../core/errors';
import { SUPPORTED_FORMATS_HINT } from './document-format';

/** Bytes checked for NUL and control characters before deciding a file is binary. */
const SNIFF_BYTES = 8192;

/**
 * Decodes a text file: UTF-8 (BOM stripped), UTF-16 with a BOM, or — when the bytes are not valid
 * UTF-8 but still look like text — Windows-1252, the usual encoding of older Word/SEC exports.
 * Binary content is refused as UNSUPPORTED_FORMAT.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (looksBinary(bytes)) {
    throw permanentError('UNSUPPORTED_FORMAT', `the file contains binary data, not text; ${SUPPORTED_FORMATS_HINT}`);
  }
  return decodeUtf8(bytes);
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** NUL bytes, or more than 1 % of control characters other than tab, LF, CR and form feed. */
function looksBinary(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) controls++;
  }
  return controls > sample.length / 100;
}

// Windows-1252 differs from Latin-1 only in 0x80-0x9F (undefined positions stay as their C1 code points).
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d,
  0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
  0x017e, 0x0178,
];

function decodeWindows1252(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    out += String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80]! : byte);
  }
  return out;
}
