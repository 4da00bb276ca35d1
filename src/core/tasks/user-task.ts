/**
 * Tasks defined by users as JSON: a prompt template with placeholders and a JSON schema for the answer.
 *
 * {
 *   "id": "nda-check", "version": 1, "description": "…", "system": "…",
 *   "prompt": "Does {{documentName}} (part {{chunkNumber}} of {{chunkCount}}) restrict disclosure?\n{{chunk}}",
 *   "outputSchema": { "type": "object", … }, "maxOutputTokens": 1024
 * }
 *
 * The rendered prompt keeps the docflow convention (see prompt.ts): the header line first, `{{chunk}}` becomes the
 * `<document>` block, and the schema is appended after the template.
 */
import { z } from 'zod';
import { permanentError } from '../errors';
import { schemaValidator } from '../schema-validator';
import { documentBlock, schemaBlock, taskHeader } from './prompt';
import { BUILT_IN_TASK_IDS } from './registry';
import type { JsonSchema, PromptContext, Task } from './task';
import { TASK_ID_PATTERN } from './task';

export const TEMPLATE_PLACEHOLDERS = ['chunk', 'chunkNumber', 'chunkCount', 'documentName'] as const;
type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
const DEFAULT_SYSTEM = 'You analyse documents carefully and answer in JSON only.';

const userTaskShape = z
  .object({
    id: z
      .string()
      .regex(TASK_ID_PATTERN, 'must be 1-63 lowercase letters, digits or hyphens, starting with a letter or digit'),
    version: z.number().int().min(1).default(1),
    description: z.string().max(500).default(''),
    system: z.string().min(1).max(20_000).default(DEFAULT_SYSTEM),
    prompt: z.string().min(1).max(50_000),
    outputSchema: z.record(z.unknown()),
    mergeStrategy: z
      .literal('generic', {
        errorMap: () => ({
          message: 'user tasks use the "generic" merge strategy (the others expect built-in schemas)',
        }),
      })
      .default('generic'),
    maxOutputTokens: z.number().int().min(1).max(32_000).default(2048),
  })
  .strict();

/** Validates a user task definition and returns a usable Task; throws INVALID_INPUT naming every problem found. */
export function loadUserTask(json: unknown): Task {
  const parsed = userTaskShape.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'task'}: ${i.message}`);
    throw permanentError('INVALID_INPUT', `invalid task definition: ${problems.join('; ')}`);
  }
  const def = parsed.data;
  if (BUILT_IN_TASK_IDS.includes(def.id)) {
    throw permanentError(
      'INVALID_INPUT',
      `invalid task definition: id "${def.id}" is a built-in task; choose another id`,
    );
  }

  const used = [...def.prompt.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  const unknown = used.filter((name) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw permanentError(
      'INVALID_INPUT',
      `invalid task definition: prompt uses unknown placeholder(s) ${[...new Set(unknown)].map((n) => `{{${n}}}`).join(', ')}; known: ${TEMPLATE_PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')}`,
    );
  }
  if (used.filter((name) => name === 'chunk').length !== 1) {
    throw permanentError('INVALID_INPUT', 'invalid task definition: prompt must contain {{chunk}} exactly once');
  }

  const schema = def.outputSchema as JsonSchema;
  if (schema.type !== 'object') {
    throw permanentError(
      'INVALID_INPUT',
      'invalid task definition: outputSchema must describe an object ("type": "object")',
    );
  }
  try {
    schemaValidator(schema);
  } catch (err) {
    throw permanentError(
      'INVALID_INPUT',
      `invalid task definition: outputSchema is not a valid JSON schema: ${(err as Error).message}`,
    );
  }

  const render = (ctx: PromptContext): string => {
    const values: Record<Placeholder, string> = {
      chunk: documentBlock(ctx.chunkText),
      chunkNumber: String(ctx.chunkIndex + 1),
      chunkCount: String(ctx.chunkCount),
      documentName: ctx.documentName ?? 'the document',
    };
    // One pass, so placeholders inside the chunk text are left alone.
    const body = def.prompt.replace(PLACEHOLDER, (_m, name: string) => values[name as Placeholder]);
    return [taskHeader(def.id, def.version), body, schemaBlock(schema)].join('\n');
  };

  return {
    id: def.id,
    version: def.version,
    description: def.description,
    system: def.system,
    renderPrompt: render,
    outputSchema: schema,
    mergeStrategy: def.mergeStrategy,
    maxOutputTokens: def.maxOutputTokens,
  };
}
