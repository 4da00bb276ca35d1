/**
 * Synthetic supply contracts for benchmarks: different for every index (so every document is new work for docflow),
 * readable by the offline model, and as long as asked.
 */
import { chunkText } from '../../src/core/chunker';
import type { ChunkOptions } from '../../src/core/chunker';
import { normalizeText } from '../../src/extraction/normalize';

const PARTIES = [
  'Alder',
  'Birchwood',
  'Cobalt',
  'Dunmore',
  'Elmstead',
  'Fairhaven',
  'Granite',
  'Holloway',
  'Ironvale',
  'Juniper',
];
const STATES = ['Delaware', 'New York', 'California', 'Texas', 'Oregon', 'Illinois', 'Washington', 'Colorado'];
const CLAUSES = [
  'Supplier shall deliver the Products in accordance with the delivery schedule set out in Schedule A.',
  'Customer shall pay each undisputed invoice within thirty (30) days of receipt; late amounts bear interest at 1.5% per month.',
  'Either party may terminate this Agreement upon sixty (60) days written notice for convenience.',
  'This Agreement renews automatically for successive one-year terms unless either party gives notice of non-renewal.',
  'Supplier shall indemnify and hold harmless Customer from any and all claims arising out of the Products.',
  'Neither party may assign this Agreement without the prior written consent of the other party.',
  'Customer shall purchase exclusively from Supplier all of its requirements for the Products during the Term.',
  'Each party shall keep the Confidential Information of the other party in strict confidence for five (5) years.',
  'Supplier warrants that the Products will conform to the Specifications for twelve (12) months after delivery.',
  'In no event shall either party be liable for indirect, incidental or consequential damages.',
];

/** The section count of the contracts of the first benchmarks: a few pages, one chunk at 2,000 tokens. */
export const DEFAULT_SECTIONS = 24;

/** A synthetic supply contract with `sections` numbered clauses, different for every index. */
export function syntheticContract(i: number, sections = DEFAULT_SECTIONS): string {
  const a = PARTIES[i % PARTIES.length] ?? 'Alder';
  const b = PARTIES[(i * 7 + 3) % PARTIES.length] ?? 'Birchwood';
  const state = STATES[i % STATES.length] ?? 'Delaware';
  const day = (i % 27) + 1;
  const lines = [
    `SUPPLY AGREEMENT No. ${i}`,
    '',
    `This Supply Agreement is entered into as of January ${day}, 2025 by and between ${a} Components ${i} LLC ` +
      `("Supplier") and ${b} Manufacturing ${i} Inc. ("Customer").`,
    '',
  ];
  for (let s = 1; s <= sections; s++) {
    lines.push(`${s}. ${CLAUSES[(i + s) % CLAUSES.length] ?? ''} Section reference ${i}-${s}.`, '');
  }
  lines.push(
    `${sections + 1}. Governing Law. This Agreement shall be governed by the laws of the State of ${state}.`,
    '',
  );
  return lines.join('\n');
}

/** How many chunks docflow's chunker makes of a text, after the extraction's normalisation. */
export function chunkCount(text: string, options: ChunkOptions): number {
  return chunkText(normalizeText(text), options).length;
}

/** Section counts found by earlier searches, by target: neighbouring indexes need about the same length. */
const sectionHints = new Map<string, number>();

/**
 * A synthetic contract that docflow's chunker cuts into exactly `chunks` chunks with these options. The length is
 * searched (a jump proportional to the error, then single sections), starting from the previous document's answer.
 */
export function syntheticContractWithChunks(i: number, chunks: number, options: ChunkOptions): string {
  if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`chunks must be a positive integer, got ${chunks}`);
  const key = `${chunks}/${options.maxTokens}/${options.overlapTokens}`;
  const sectionChars = syntheticContract(i, 2).length - syntheticContract(i, 1).length;
  const sectionsPerChunk = Math.max(1, ((options.maxTokens - options.overlapTokens) * 4) / sectionChars);
  let sections = sectionHints.get(key) ?? (chunks === 1 ? DEFAULT_SECTIONS : Math.round(chunks * sectionsPerChunk));
  const seen = new Set<number>();
  for (let step = 0; step < 200; step++) {
    const text = syntheticContract(i, sections);
    const count = chunkCount(text, options);
    if (count === chunks) {
      sectionHints.set(key, sections);
      return text;
    }
    seen.add(sections);
    const error = chunks - count;
    const jump = Math.abs(error) > 1 ? Math.round(error * sectionsPerChunk * 0.8) : Math.sign(error);
    let next = Math.max(1, sections + (jump === 0 ? Math.sign(error) : jump));
    while (seen.has(next) && next > 1) next += Math.sign(error) || 1;
    if (next === sections) break;
    sections = next;
  }
  throw new Error(`no synthetic contract ${i} of exactly ${chunks} chunks at ${options.maxTokens} tokens`);
}
