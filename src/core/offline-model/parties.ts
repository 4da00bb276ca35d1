/**
 * Finds the contracting parties in a chunk: the preamble ("by and between X ("Seller") and Y ("Buyer")"),
 * "Party A: X" headers, and signature blocks ("ACME, INC. By: ___"). Names are cut before their descriptions
 * (", a Delaware corporation with offices at …"); the quoted defined term becomes the role.
 */
import type { PartyFinding } from '../tasks/contract-review';
import { partyKey } from '../merge/normalise';
import { quoteAround } from './evidence';

const SUFFIX_WORDS = [
  'Inc',
  'Incorporated',
  'Corp',
  'Corporation',
  'Co',
  'Company',
  'Ltd',
  'Limited',
  'LLC',
  'L\\.L\\.C',
  'LLP',
  'L\\.P',
  'LP',
  'PLC',
  'N\\.A',
  'S\\.A',
  'SA',
  'S\\.A\\.S',
  'SAS',
  'AG',
  'GmbH',
  'B\\.V',
  'BV',
  'N\\.V',
  'NV',
  'AB',
  'Pty',
  'S\\.p\\.A',
  'KK',
  'Aktiengesellschaft',
];
/** A company-form suffix, as written or in capitals ("Inc.", "INC."). */
const SUFFIX = String.raw`(?:${[...new Set(SUFFIX_WORDS.flatMap((w) => [w, w.toUpperCase()]))].join('|')})\.?`;
/** Words that may also end a name though they are not company forms ("Wells Fargo Bank", "Securian Funds Trust"). */
const NAME_END = String.raw`(?:${SUFFIX}|Bank|BANK|Trust|TRUST)`;
/** A word of a name: capitalised, or an inner capital (iPayment), or digits with letters (3M); never a bare number. */
const WORD = String.raw`(?:[A-Z][\w&.'’\-/]*|[a-z][A-Z][\w&.'’\-/]*|\d+[A-Za-z][\w&.'’\-/]*|of|de|du|la|der|von|van|&)`;
const SEP = String.raw`(?:,[ \t]*(?=${SUFFIX}\b)|[ \t]+)`;
/** A name at the very start of a text: capitalised words, lower-case particles, ", Inc." style suffixes. */
const NAME_AT_START = new RegExp(String.raw`^${WORD}(?:${SEP}${WORD}){0,11}`);
/** After a company-form suffix, a name is over: "FIBROGEN, INC. June 1, 2005" is "FIBROGEN, INC.". */
const SUFFIX_END = new RegExp(String.raw`^.*?[ \t,]${SUFFIX}(?:,?[ \t]+${SUFFIX})*(?=$|[\s,;:)(])`);
const DEFINED_TERM =
  /\(\s*((?:(?:each|individually|hereinafter|referred\s+to\s+as|herein|the|collectively|together|and|or|,)\s*)*["“][^()\n]{1,160}?["”])\s*[^()"“”]{0,80}?\)|["“]\(([^"”()\n]{1,60})["”]\)/g;
/** Company names ending in a company form, shortest first ("THE HENRY FILM AND ENTERTAINMENT CORPORATION"). */
function companyNames(): RegExp {
  return new RegExp(
    String.raw`(?<![\w&.'’-])(?!(?:and|AND|And)\b)${WORD}(?:${SEP}${WORD}){0,8}?${SEP}${NAME_END}(?:,?[ \t]+${SUFFIX})*(?![\w&'’-])`,
    'g',
  );
}

const NOT_A_PARTY =
  /^(?:this|the|such|said|each|any|all|both|either|neither|agreement|parties|party(?: [a-z0-9])?|whereas|witnesseth|recitals|dated?|effective|between|among|by|exhibit|section|article|schedule|principles?.*|.*\bagreement|.*\bcommission)$/i;
const NOT_A_ROLE =
  /^(?:agreement|effective date|this agreement|the agreement|contract|amendment|parties|party|.*\bdate)$/i;
const OPENER = /\b(?:by\s+and\s+)?(?:between|among|B\s?E\s?T\s?W\s?E\s?E\s?N|Ladies\s+and\s+Gentlemen)\s*:?\s*/gi;

export function findParties(text: string, isFirstPart: boolean): PartyFinding[] {
  const found: PartyFinding[] = [];
  const add = (name: string, role: string | null, at: number, length: number): void => {
    const clean = name.replace(/[\s,;:]+$/, '').replace(/\s+/g, ' ');
    const key = partyKey(clean);
    if (key.length < 2 || !/[A-Za-z]{2}/.test(clean) || NOT_A_PARTY.test(key) || clean.length > 120) return;
    const known = found.find((p) => partyKey(p.name) === key);
    if (known !== undefined) {
      known.role ??= role;
      return;
    }
    found.push({ name: clean, role, evidence: quoteAround(text, at, at + length) });
  };

  if (isFirstPart) preambleParties(text, add);
  for (const m of text.matchAll(/\bParty\s+([AB12])\s*[:：]\s*/g)) {
    const start = (m.index ?? 0) + m[0].length;
    const name = nameIn(text.slice(start, start + 200));
    if (name !== undefined && /^[A-Za-z]/.test(name.text))
      add(name.text, `Party ${m[1] ?? ''}`, start + name.at, name.text.length);
  }
  signatureParties(text, add);
  return found.slice(0, 8);
}

type Add = (name: string, role: string | null, at: number, length: number) => void;

function preambleParties(text: string, add: Add): void {
  const head = text.slice(0, 6000);
  const opener = new RegExp(OPENER.source, 'gi');
  for (let m = opener.exec(head); m !== null; m = opener.exec(head)) {
    const start = m.index + m[0].length;
    if (!/^[\s("“(]*(?:\(?\d\)?\s*)?[A-Z]/.test(head.slice(start, start + 20))) continue;
    const segment = head.slice(start, segmentEnd(head, start));
    const terms = [...segment.matchAll(DEFINED_TERM)];
    let from = 0;
    let added = 0;
    for (const t of terms) {
      const role = roleOf(t[1] ?? t[2] ?? '');
      const candidate = segment.slice(from, t.index);
      from = (t.index ?? 0) + t[0].length;
      if (role === null) continue;
      const name = nameIn(candidate);
      if (name === undefined) continue;
      add(name.text, role, start + (t.index ?? 0) - candidate.length + name.at, name.text.length);
      added++;
    }
    if (added === 0) {
      // No defined terms ("BY AND BETWEEN ASTELLAS PHARMA INC. AND FIBROGEN, INC."): company names right after the
      // opener, each ending in a company form.
      const region = segment.slice(0, 400);
      for (const m of region.matchAll(companyNames())) {
        add(m[0], null, start + (m.index ?? 0), m[0].length);
        added++;
      }
    }
    if (added > 0) return;
  }
  definedTermParties(head, add);
}

/** The role in a defined-term parenthetical: the last quoted term ("we," "us" or "Franchisor"), or the first when it
 * goes on to define a group ("Veoneer US", and together with …, the "Veoneer Parties"). */
function roleOf(parenthetical: string): string | null {
  const terms = [...parenthetical.matchAll(/["“]([^"”]{1,60})["”]/g)].map((m) =>
    (m[1] ?? '').replace(/[,\s]+$/, '').trim(),
  );
  const role = /\b(?:together|collectively|each)\b/i.test(parenthetical) ? terms[0] : terms.at(-1);
  return role === undefined || role === '' || NOT_A_ROLE.test(role) ? null : role;
}

/**
 * The party name in the text before its defined term: at the start ("Acme Corp., a Delaware corporation"), else after
 * the first "and" ("… with offices at 10 Main St. and Timothy Cabrera"). Labels like "Client Name:" are skipped.
 */
function nameIn(candidate: string): { text: string; at: number } | undefined {
  const lead =
    /^[\s,;:-]*(?:(?:and|or|AND)\s*:?\s*-?\s*|\(\w\)\s*|\d\.\s*|\(\d\)\s*|(?:[A-Z][a-z]+\s+)?Name\s*:\s*)*/.exec(
      candidate,
    )?.[0] ?? '';
  let at = lead.length;
  let text = NAME_AT_START.exec(candidate.slice(at))?.[0];
  for (const m of candidate.matchAll(/\s(?:and|AND|between|among)\s+/g)) {
    if (text !== undefined) break;
    at = (m.index ?? 0) + m[0].length;
    text = NAME_AT_START.exec(candidate.slice(at))?.[0];
  }
  if (text === undefined) return undefined;
  text = SUFFIX_END.exec(text)?.[0] ?? text;
  return { text, at };
}

/** Letters and memos without "between": each defined term preceded by a company name ("Athens Bancshares
 * Corporation, a Tennessee corporation (the "Company")"). */
function definedTermParties(head: string, add: Add): void {
  const named = new RegExp(String.raw`((?:${WORD}${SEP}){0,8}${NAME_END})(?:,[^()]{0,160})?\s*$`);
  for (const t of head.matchAll(DEFINED_TERM)) {
    const role = roleOf(t[1] ?? t[2] ?? '');
    if (role === null) continue;
    const window = head.slice(Math.max(0, (t.index ?? 0) - 220), t.index);
    const m = named.exec(window);
    if (m?.[1] === undefined) continue;
    add(m[1], role, (t.index ?? 0) - window.length + m.index, m[1].length);
  }
}

/**
 * The preamble ends at the recitals, or at a sentence end followed by a new sentence ("… ("Buyer"). This Agreement"):
 * addresses and abbreviations ("Vancouver. B.C.", "Inc. a Delaware") do not end it.
 */
function segmentEnd(head: string, start: number): number {
  const limit = Math.min(head.length, start + 1500);
  const stop =
    /\b(?:WHEREAS|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|RECITALS|BACKGROUND|Background|NOW,?\s+THEREFORE)\b|\.(?=\s+(?:This|The|Each|In|Under|Whereas|Now|It|All|Such|[A-Z][a-z]+\s+(?:and|shall|will|is|are|has|have|wishes|desires)\b))/g;
  stop.lastIndex = start;
  const m = stop.exec(head);
  return m === null || m.index >= limit ? limit : m.index + (m[0] === '.' ? 1 : 0);
}

function signatureParties(text: string, add: Add): void {
  // Blocks may sit side by side ("UPJOHN INC. PFIZER INC. By: By:"): every company name just before "By:" counts.
  for (const m of text.matchAll(/\bBy\s*:/g)) {
    const at = m.index ?? 0;
    const window = text.slice(Math.max(0, at - 100), at);
    const names = [...window.matchAll(companyNames())];
    const last = names.at(-1);
    if (last === undefined || !/^[\s,:]*$/.test(window.slice((last.index ?? 0) + last[0].length))) continue;
    for (const n of names) {
      if (!/^[\s,:]*$/.test(window.slice((n.index ?? 0) + n[0].length, last.index))) continue;
      add(n[0], null, at - window.length + (n.index ?? 0), n[0].length);
    }
  }
}
