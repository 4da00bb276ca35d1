/**
 * What a task is: a prompt, the JSON schema its answers must satisfy, and how per-chunk answers are merged.
 * Safe for workflow code (types and constants only).
 */

export type MergeStrategy = 'contract-review' | 'summarize' | 'extract-entities' | 'generic';

export const MERGE_STRATEGIES: readonly MergeStrategy[] = [
  'contract-review',
  'summarize',
  'extract-entities',
  'generic',
];

export interface PromptContext {
  chunkText: string;
  /** Zero-based. */
  chunkIndex: number;
  chunkCount: number;
  documentName?: string;
}

/** A JSON Schema (draft-07 as ajv reads it) describing one JSON object. */
export type JsonSchema = Record<string, unknown>;

export interface Task {
  /** Lowercase letters, digits and hyphens. */
  id: string;
  /** Bumped whenever the prompt or schema changes, so results of different versions are never mixed. */
  version: number;
  description: string;
  system: string;
  renderPrompt(ctx: PromptContext): string;
  outputSchema: JsonSchema;
  mergeStrategy: MergeStrategy;
  maxOutputTokens: number;
}

export const TASK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
