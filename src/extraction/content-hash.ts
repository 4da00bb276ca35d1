import { createHash } from 'node:crypto';

/** SHA-256 (hex) of the UTF-8 bytes of already-normalized text: the identity of a document's content. */
export function contentHash(normalizedText: string): string {
  return createHash('sha256').update(normalizedText, 'utf8').digest('hex');
}
