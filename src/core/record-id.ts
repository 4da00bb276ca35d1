/**
 * Record ids for Bedrock batch records. Safe for workflow code: no Node built-ins, no clock, no randomness.
 *
 * A record id encodes the document, the chunk and the submission attempt, so results are joined by id and a
 * resubmitted chunk never collides with its earlier attempt. Alphanumeric only: `<docId>c<chunk, 5 digits>a<attempt>`,
 * for example `0123456789abcdef01234567c00003a1`.
 */
import { permanentError } from './errors';

export interface RecordRef {
  docId: string;
  chunkIndex: number;
  attempt: number;
}

const DOC_ID = /^[0-9a-f]{24}$/;
const RECORD_ID = /^([0-9a-f]{24})c(\d{5,})a(\d+)$/;
const CHUNK_DIGITS = 5;
/** Attempts are counted per chunk; far more than any retry policy allows, small enough to stay readable. */
export const MAX_RECORD_ATTEMPT = 9999;

export function isValidDocId(docId: string): boolean {
  return DOC_ID.test(docId);
}

export function recordId(docId: string, chunkIndex: number, attempt: number): string {
  if (!isValidDocId(docId)) {
    throw permanentError('INVALID_INPUT', 'docId must be 24 lowercase hexadecimal characters');
  }
  if (!Number.isSafeInteger(chunkIndex) || chunkIndex < 0) {
    throw permanentError('INVALID_INPUT', `chunk index must be a non-negative integer, got ${String(chunkIndex)}`);
  }
  if (!Number.isSafeInteger(attempt) || attempt < 0 || attempt > MAX_RECORD_ATTEMPT) {
    throw permanentError(
      'INVALID_INPUT',
      `attempt must be an integer from 0 to ${MAX_RECORD_ATTEMPT}, got ${String(attempt)}`,
    );
  }
  return `${docId}c${String(chunkIndex).padStart(CHUNK_DIGITS, '0')}a${attempt}`;
}

/** The inverse of `recordId`; throws INVALID_INPUT for anything `recordId` would not have produced. */
export function parseRecordId(id: string): RecordRef {
  const m = RECORD_ID.exec(id);
  if (m === null) {
    throw permanentError('INVALID_INPUT', 'not a docflow record id (expected <24 hex>c<chunk>a<attempt>)');
  }
  const ref = { docId: m[1] ?? '', chunkIndex: Number(m[2]), attempt: Number(m[3]) };
  // Only the canonical spelling is accepted, so one record has exactly one id.
  if (
    !Number.isSafeInteger(ref.chunkIndex) ||
    ref.attempt > MAX_RECORD_ATTEMPT ||
    recordId(ref.docId, ref.chunkIndex, ref.attempt) !== id
  ) {
    throw permanentError('INVALID_INPUT', 'not a canonical docflow record id');
  }
  return ref;
}

export function isRecordId(id: string): boolean {
  try {
    parseRecordId(id);
    return true;
  } catch {
    return false;
  }
}
