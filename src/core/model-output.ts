/**
 * Turns a model's text answer into a value that satisfies the task's output schema, or a short reason why not.
 *
 * Models wrap JSON in code fences or prose, stop mid-object when they hit the token limit, or leave trailing commas.
 * We take the first JSON object in the text; if it does not parse, `jsonrepair` may fix it (truncated tail, trailing
 * commas, single quotes, unquoted keys), and the repaired value is accepted only if it is an object that validates.
 * Reasons never quote the model output or the document.
 */
import type { jsonrepair as JsonRepair } from 'jsonrepair' with { 'resolution-mode': 'import' };
import { describeSchemaError, schemaValidator } from './schema-validator';
import type { Task } from './tasks/task';

// jsonrepair ships a CommonJS build, but its type declarations sit in an ES module scope, which TypeScript refuses to
// import from CommonJS: take the types from there and the code through require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jsonrepair } = require('jsonrepair') as { jsonrepair: typeof JsonRepair };

export type ParsedModelOutput = { ok: true; value: unknown; repaired: boolean } | { ok: false; reason: string };

export function parseModelOutput(task: Pick<Task, 'outputSchema'>, text: string): ParsedModelOutput {
  const candidate = extractJsonObject(text);
  if (candidate === undefined) {
    return { ok: false, reason: text.trim() === '' ? 'empty model output' : 'no JSON object in model output' };
  }
  const validate = schemaValidator(task.outputSchema);

  const parsed = tryParse(candidate);
  if (parsed.ok) {
    if (validate(parsed.value)) return { ok: true, value: parsed.value, repaired: false };
    return {
      ok: false,
      reason: `model output does not match the task schema: ${describeSchemaError(validate.errors)}`,
    };
  }

  let repaired: unknown;
  try {
    repaired = JSON.parse(jsonrepair(candidate));
  } catch {
    return { ok: false, reason: 'model output is not valid JSON and could not be repaired' };
  }
  if (typeof repaired !== 'object' || repaired === null || Array.isArray(repaired)) {
    return { ok: false, reason: 'repaired model output is not a JSON object' };
  }
  if (!validate(repaired)) {
    return {
      ok: false,
      reason: `repaired model output does not match the task schema: ${describeSchemaError(validate.errors)}`,
    };
  }
  return { ok: true, value: repaired, repaired: true };
}

/**
 * The first top-level `{…}` in the text (inside a code fence if there is one), ending at its balanced closing brace,
 * or running to the end of the text when the object was cut off.
 */
export function extractJsonObject(text: string): string | undefined {
  const fenced = /```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)(?:```|$)/.exec(text);
  const body = fenced?.[1] !== undefined && fenced[1].includes('{') ? fenced[1] : text;
  const open = body.indexOf('{');
  if (open === -1) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = open; i < body.length; i++) {
    const ch = body[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '{') {
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) return body.slice(open, i + 1);
    }
  }
  return body.slice(open).trimEnd();
}

function tryParse(json: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch {
    return { ok: false };
  }
}
