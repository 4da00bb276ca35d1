/** Joins chunk summaries in document order and deduplicates key points repeated by overlapping chunks. */
import type { SummaryAnalysis } from '../analysis';
import type { SummaryOutput } from '../tasks/summarize';
import type { Task } from '../tasks/task';
import type { ChunkResult } from './chunk-result';
import { textKey } from './normalise';

export function mergeSummaries(task: Task, chunks: ChunkResult[]): SummaryAnalysis {
  const answered = chunks.filter((c) => c.output !== null && c.output !== undefined);
  const sections = answered.map((c) => ({
    chunk: c.index,
    start: c.start,
    end: c.end,
    summary: (c.output as SummaryOutput).summary.trim(),
  }));
  const seen = new Set<string>();
  const keyPoints: string[] = [];
  for (const c of answered) {
    for (const point of (c.output as SummaryOutput).keyPoints) {
      const key = textKey(point);
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      keyPoints.push(point.trim());
    }
  }
  return {
    strategy: 'summarize',
    taskId: task.id,
    taskVersion: task.version,
    chunkCount: chunks.length,
    missingChunks: chunks.filter((c) => !answered.includes(c)).map((c) => c.index),
    summary: sections.map((s) => s.summary).join('\n\n'),
    sections,
    keyPoints,
  };
}
