/** The built-in entity extraction: people, organisations, places, dates, amounts and legal references. */
import { contextLine, documentBlock, schemaBlock, taskHeader } from './prompt';
import type { JsonSchema, Task } from './task';

export const ENTITY_TYPES = ['person', 'organization', 'location', 'date', 'money', 'percentage', 'law'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface EntityFinding {
  type: EntityType;
  /** The entity as written in the document (verbatim). */
  text: string;
}

export interface EntitiesOutput {
  entities: EntityFinding[];
}

export const entitiesSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entities'],
  properties: {
    entities: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'text'],
        properties: { type: { enum: [...ENTITY_TYPES] }, text: { type: 'string', minLength: 1, maxLength: 300 } },
      },
    },
  },
};

export const extractEntitiesTask: Task = {
  id: 'extract-entities',
  version: 1,
  description: 'Named people, organisations, places, dates, amounts and legal references',
  system: 'You extract named entities exactly as written. Answer in JSON only.',
  outputSchema: entitiesSchema,
  mergeStrategy: 'extract-entities',
  maxOutputTokens: 2048,
  renderPrompt: (ctx) =>
    [
      taskHeader('extract-entities', 1),
      contextLine(ctx),
      documentBlock(ctx.chunkText),
      `List every named entity in the document part above with its type (${ENTITY_TYPES.join(', ')}) and its text copied verbatim. List each distinct entity once.`,
      schemaBlock(entitiesSchema),
    ].join('\n'),
};
