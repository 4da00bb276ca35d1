/**
 * The offline model's answers to the summarize and extract-entities tasks, and a minimal schema-conforming answer
 * for any other docflow task. Extractive and deterministic.
 */
import type { EntitiesOutput, EntityFinding } from '../tasks/extract-entities';
import type { SummaryOutput } from '../tasks/summarize';
import { findDates } from '../dates';
import { squash } from './evidence';

export function summarise(text: string): SummaryOutput {
  const sentences = splitSentences(text);
  if (sentences.length === 0) return { summary: 'The document part is empty.', keyPoints: [] };
  const summary = squash(sentences.slice(0, 3).join(' '), 800);
  const headings = [
    ...text.matchAll(/(?:^|\n|\s{3,}|[.:]\s+)(\d{1,2}\.(?:\d{1,2}\.?)?\s+[A-Z][A-Za-z ,&-]{2,60}?)\./g),
  ].map((m) => squash(m[1] ?? '', 80));
  const keyPoints =
    headings.length > 0
      ? headings
      : sentences.filter((s) => /\b(?:shall|must|will)\b/.test(s)).map((s) => squash(s, 160));
  return { summary, keyPoints: [...new Set(keyPoints)].slice(0, 10) };
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=["“(]?[A-Z])|\n\s*\n|\s{3,}/)
    .map((s) => s.trim())
    .filter((s) => /[A-Za-z]{3}/.test(s));
}

const ENTITY_PATTERNS: { type: EntityFinding['type']; pattern: RegExp }[] = [
  {
    type: 'organization',
    pattern:
      /\b(?:[A-Z][\w&'’.-]*,?\s+){1,5}(?:Inc\.|Incorporated|Corporation|Corp\.|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|S\.A\.|N\.A\.|PLC|plc|B\.V\.|N\.V\.)/g,
  },
  { type: 'person', pattern: /\bName\s*:\s*((?:[A-Z][a-z]+\.?\s+){1,3}[A-Z][a-z]+)\b/g },
  {
    type: 'money',
    pattern: /(?:US\$|\$|€|£|\bUSD\s?|\bEUR\s?|\bGBP\s?)\d[\d,]*(?:\.\d+)?(?:\s(?:million|billion|thousand))?/g,
  },
  { type: 'percentage', pattern: /\b\d{1,3}(?:\.\d+)?\s?(?:%|percent\b)/g },
  {
    type: 'location',
    pattern:
      /\b(?:State|Commonwealth|Province|Republic)\s+of\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?|\b(?:New York|California|Delaware|Texas|London|England|Germany|Canada|Japan|China|France)\b/g,
  },
  {
    type: 'law',
    pattern:
      /\b(?:[A-Z][a-z]+\s+){1,5}Act(?:\s+of\s+\d{4})?\b|\b\d+\s+U\.S\.C\.\s+§?\s*\d+|\b\d+\s+C\.F\.R\.\s+§?\s*[\d.]+/g,
  },
];

export function extractEntities(text: string): EntitiesOutput {
  const entities: EntityFinding[] = [];
  const seen = new Set<string>();
  const add = (type: EntityFinding['type'], raw: string): void => {
    const value = raw.replace(/^[\s,]+|[\s,]+$/g, '');
    const key = `${type}:${value.toLowerCase()}`;
    if (value.length === 0 || seen.has(key) || entities.length >= 100) return;
    seen.add(key);
    entities.push({ type, text: value });
  };
  for (const { type, pattern } of ENTITY_PATTERNS) {
    for (const m of text.matchAll(pattern)) add(type, m[1] ?? m[0]);
  }
  for (const d of findDates(text)) add('date', d.raw);
  return { entities };
}

/**
 * The smallest value that satisfies a schema, filling required strings from the text: how the offline model answers
 * user-defined tasks it knows nothing about. Understands type, enum, const, required, properties, items, anyOf/oneOf.
 */
export function minimalAnswer(schema: unknown, text: string, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0] ?? null;
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) return minimalAnswer(branches[0], text, depth + 1);
  const type = Array.isArray(s.type) ? (s.type[0] as unknown) : s.type;
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      return Object.fromEntries(required.map((k) => [k, minimalAnswer(props[k] ?? {}, text, depth + 1)]));
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      return Array.from({ length: min }, () => minimalAnswer(s.items ?? {}, text, depth + 1));
    }
    case 'string': {
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      const max = typeof s.maxLength === 'number' ? s.maxLength : 200;
      const base = squash(splitSentences(text)[0] ?? 'n/a', Math.max(1, Math.min(max, 200)));
      return base.length >= min ? base.slice(0, max) : base.padEnd(min, '.');
    }
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}
