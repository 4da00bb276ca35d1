/** Deduplicates entities by type and normalised text, keeping every place each one occurs. */
import type { EntitiesAnalysis } from '../analysis';
import type { EntitiesOutput } from '../tasks/extract-entities';
import type { Task } from '../tasks/task';
import type { ChunkResult } from './chunk-result';
import { textKey } from './normalise';
import { addProvenance, locateEvidence } from './provenance';

export function mergeEntities(task: Task, chunks: ChunkResult[]): EntitiesAnalysis {
  const answered = chunks.filter((c) => c.output !== null && c.output !== undefined);
  const entities = new Map<string, EntitiesAnalysis['entities'][number]>();
  for (const chunk of answered) {
    for (const entity of (chunk.output as EntitiesOutput).entities) {
      const key = `${entity.type}:${textKey(entity.text)}`;
      let merged = entities.get(key);
      if (merged === undefined) {
        merged = { type: entity.type, text: entity.text.trim(), provenance: [] };
        entities.set(key, merged);
      }
      addProvenance(merged.provenance, locateEvidence(chunk, entity.text));
    }
  }
  return {
    strategy: 'extract-entities',
    taskId: task.id,
    taskVersion: task.version,
    chunkCount: chunks.length,
    missingChunks: chunks.filter((c) => !answered.includes(c)).map((c) => c.index),
    entities: [...entities.values()].sort((a, b) => (a.provenance[0]?.start ?? 0) - (b.provenance[0]?.start ?? 0)),
  };
}
