/**
 * Merges the per-chunk answers of one document into its analysis, by the task's merge strategy. Chunks may arrive in
 * any order (results are joined by record id, not position); they are put back in document order here.
 */
import type { DocumentAnalysis } from '../analysis';
import { permanentError } from '../errors';
import type { Task } from '../tasks/task';
import type { ChunkResult } from './chunk-result';
import { mergeContractReview } from './contract-review';
import { mergeEntities } from './extract-entities';
import { mergeSummaries } from './summarize';

export type { ChunkResult } from './chunk-result';
export { locateEvidence } from './provenance';
export { partyKey, jurisdictionKey, textKey } from './normalise';

export function mergeChunkResults(task: Task, chunks: ChunkResult[]): DocumentAnalysis {
  const ordered = [...chunks].sort((a, b) => a.index - b.index);
  ordered.forEach((c, i) => {
    if (c.index !== i)
      throw permanentError('INVALID_INPUT', `merge needs every chunk once: expected chunk ${i}, got ${c.index}`);
    if (c.text.length !== c.end - c.start) {
      throw permanentError(
        'INVALID_INPUT',
        `chunk ${c.index} text length does not match its range ${c.start}-${c.end}`,
      );
    }
  });
  switch (task.mergeStrategy) {
    case 'contract-review':
      return mergeContractReview(task, ordered);
    case 'summarize':
      return mergeSummaries(task, ordered);
    case 'extract-entities':
      return mergeEntities(task, ordered);
    case 'generic': {
      const answered = ordered.filter((c) => c.output !== null && c.output !== undefined);
      return {
        strategy: 'generic',
        taskId: task.id,
        taskVersion: task.version,
        chunkCount: ordered.length,
        missingChunks: ordered.filter((c) => !answered.includes(c)).map((c) => c.index),
        chunks: answered.map((c) => ({ chunk: c.index, start: c.start, end: c.end, output: c.output })),
      };
    }
  }
}
