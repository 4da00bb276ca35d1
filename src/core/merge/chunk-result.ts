/** One chunk's answer as the merge receives it. */
export interface ChunkResult {
  index: number;
  /** The chunk's character range in the document, and its text (`document.slice(start, end)`). */
  start: number;
  end: number;
  text: string;
  /** The answer, already validated against the task's schema by parseModelOutput; null when the chunk failed. */
  output: unknown;
}
