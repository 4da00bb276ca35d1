import { storeKeys } from '../shared/ids';
import { uriOf } from './context';
import type { ActivityContext } from './context';

/** One chunk as stored in `chunks.jsonl`: offsets into the document text and the chunk's own text. */
export interface StoredChunk {
  index: number;
  start: number;
  end: number;
  text: string;
}

export interface ChunkReader {
  read(docId: string): Promise<StoredChunk[]>;
  /** Forget a document's chunks (after they were rewritten). */
  forget(docId: string): void;
}

/**
 * Reads a document's chunks, keeping the most recently used documents in memory so that per-chunk activities
 * (on-demand calls, record building) do not read the whole file once per chunk.
 */
export function createChunkReader(ctx: Pick<ActivityContext, 'store' | 'storeRoot'>, capacity = 32): ChunkReader {
  const cache = new Map<string, Promise<StoredChunk[]>>();
  return {
    read(docId) {
      const hit = cache.get(docId);
      if (hit) {
        cache.delete(docId);
        cache.set(docId, hit);
        return hit;
      }
      const loading = ctx.store.getText(uriOf(ctx, storeKeys.documentChunks(docId))).then((text) =>
        text
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => JSON.parse(line) as StoredChunk),
      );
      cache.set(docId, loading);
      loading.catch(() => cache.delete(docId));
      while (cache.size > capacity) {
        const oldest = cache.keys().next().value;
        if (oldest === undefined) break;
        cache.delete(oldest);
      }
      return loading;
    },
    forget(docId) {
      cache.delete(docId);
    },
  };
}
