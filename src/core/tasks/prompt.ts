/**
 * The prompt convention every docflow task follows. The offline model (src/core/offline-model) depends on it, so keep
 * it exactly like this:
 *
 *   docflow-task: <task id>@<version>          ← always the first line
 *   ...optional context lines...
 *   <document>
 *   <the chunk, verbatim>
 *   </document>
 *   <instructions, then the JSON schema the answer must satisfy>
 *
 * The chunk sits between the first line `<document>` and the last line `</document>`; nothing after it repeats those
 * markers, so a chunk that happens to contain them is still recovered whole.
 */
import type { JsonSchema, PromptContext } from './task';

const HEADER = /^docflow-task: ([a-z0-9][a-z0-9-]*)@(\d+)$/;
const OPEN = '\n<document>\n';
const CLOSE = '\n</document>';

export function taskHeader(id: string, version: number): string {
  return `docflow-task: ${id}@${version}`;
}

export function documentBlock(chunkText: string): string {
  return `<document>\n${chunkText}\n</document>`;
}

/** A short line telling the model where this chunk sits in the document. */
export function contextLine(ctx: PromptContext): string {
  const name = ctx.documentName === undefined ? 'the document' : `the document "${ctx.documentName}"`;
  return `This is part ${ctx.chunkIndex + 1} of ${ctx.chunkCount} of ${name}.`;
}

export function schemaBlock(schema: JsonSchema): string {
  return `Answer with one JSON object and nothing else (no prose, no code fences). It must satisfy this JSON schema:\n${JSON.stringify(schema)}`;
}

export interface ParsedPrompt {
  taskId: string;
  taskVersion: number;
  /** The chunk text, or undefined when the prompt carries no document block. */
  document?: string;
}

/** Reads a prompt written under the convention; undefined when it does not start with a docflow task header. */
export function parseDocflowPrompt(prompt: string): ParsedPrompt | undefined {
  const firstLineEnd = prompt.indexOf('\n');
  const header = HEADER.exec(firstLineEnd === -1 ? prompt : prompt.slice(0, firstLineEnd));
  if (header === null) return undefined;
  const parsed: ParsedPrompt = { taskId: header[1] ?? '', taskVersion: Number(header[2]) };
  const open = prompt.indexOf(OPEN);
  const close = prompt.lastIndexOf(CLOSE);
  if (open !== -1 && close >= open + OPEN.length) {
    parsed.document = prompt.slice(open + OPEN.length, close);
  }
  return parsed;
}
