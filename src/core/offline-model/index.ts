/**
 * docflow's deterministic offline model, behind the Bedrock emulator. It reads prompts written under the docflow
 * prompt convention (src/core/tasks/prompt.ts): the task header says what to answer, the `<document>` block is the
 * text. contract-review, summarize and extract-entities are answered by pattern analysis of the text; other docflow
 * tasks get the smallest answer satisfying the schema in the prompt; anything else a fixed note. Same input, same
 * output; fast enough for a 40k-character chunk in a few milliseconds.
 */
import { parseDocflowPrompt } from '../tasks/prompt';
import { charsForTokens, estimateTokens } from '../tokens';
import { analyseContract } from './contract-analyser';
import { extractEntities, minimalAnswer, summarise } from './plain-answers';
import type { CompletionRequest, CompletionResponse } from './types';

export type { CompletionRequest, CompletionResponse } from './types';

export function complete(req: CompletionRequest): CompletionResponse {
  const full = answer(req.prompt);
  const inputTokens = estimateTokens(`${req.system ?? ''}${req.prompt}`);
  const limit = req.maxTokens;
  if (limit !== undefined && estimateTokens(full) > limit) {
    const text = full.slice(0, charsForTokens(Math.max(0, limit)));
    return { text, inputTokens, outputTokens: estimateTokens(text), stopReason: 'max_tokens' };
  }
  return { text: full, inputTokens, outputTokens: estimateTokens(full), stopReason: 'end_turn' };
}

function answer(prompt: string): string {
  const parsed = parseDocflowPrompt(prompt);
  if (parsed === undefined) {
    return JSON.stringify({ note: 'docflow offline model: this prompt does not follow the docflow task convention' });
  }
  const document = parsed.document ?? '';
  switch (parsed.taskId) {
    case 'contract-review':
      return JSON.stringify(analyseContract(document, isFirstPart(prompt)));
    case 'summarize':
      return JSON.stringify(summarise(document));
    case 'extract-entities':
      return JSON.stringify(extractEntities(document));
    default:
      return JSON.stringify(minimalAnswer(schemaInPrompt(prompt), document));
  }
}

/** The prompt's context line says which part this is; without one, assume the document starts here. */
function isFirstPart(prompt: string): boolean {
  const documentStart = prompt.indexOf('\n<document>\n');
  const head = documentStart === -1 ? prompt : prompt.slice(0, documentStart);
  const m = /\bThis is part (\d+) of \d+\b/.exec(head);
  return m === null || m[1] === '1';
}

/** The schema is the last line of the prompt (see schemaBlock in tasks/prompt.ts). */
function schemaInPrompt(prompt: string): unknown {
  const lastLine = prompt.slice(prompt.lastIndexOf('\n') + 1);
  try {
    return JSON.parse(lastLine);
  } catch {
    return { type: 'object' };
  }
}
