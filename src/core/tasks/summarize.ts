/** The built-in summary: a short summary of each chunk plus its key points, joined in document order. */
import { contextLine, documentBlock, schemaBlock, taskHeader } from './prompt';
import type { JsonSchema, Task } from './task';

export interface SummaryOutput {
  summary: string;
  keyPoints: string[];
}

export const summarySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'keyPoints'],
  properties: {
    summary: { type: 'string', minLength: 1, maxLength: 4000 },
    keyPoints: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 500 } },
  },
};

export const summarizeTask: Task = {
  id: 'summarize',
  version: 1,
  description: 'A plain-language summary and key points of a document',
  system: 'You summarise documents accurately and plainly for a busy professional. Answer in JSON only.',
  outputSchema: summarySchema,
  mergeStrategy: 'summarize',
  maxOutputTokens: 1024,
  renderPrompt: (ctx) =>
    [
      taskHeader('summarize', 1),
      contextLine(ctx),
      documentBlock(ctx.chunkText),
      'Summarise the document part above in at most five sentences ("summary") and list up to ten key points ("keyPoints"). Do not invent facts that are not in the text.',
      schemaBlock(summarySchema),
    ].join('\n'),
};
