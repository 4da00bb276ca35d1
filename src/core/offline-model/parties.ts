/**
 * Finds the contracting parties in a chunk: the preamble ("by and between X ("Seller") and Y ("Buyer")"),
 * "Party A: X" headers, and signature blocks ("ACME, INC. By: ___"). Names are cut before their descriptions
 * (", a Delaware corporation with offices at …"); the quoted defined term becomes the role.
 */
import type { PartyFinding } from '../tasks/contract-review';
import { partyKey } from '../merge/normalise';
import { quoteAround } from './evidence';

const SUFFIX = String.raw`(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|LLP|L\.P|LP|PLC|plc|N\.A|S\.A|SA|S\.A\.S|SAS|AG|GmbH|B\.V|BV|N\.V|NV|AB|Pty|S\.p\.A|KK|Trust|Bank)\.?`;
const WORD = String.raw`(?:[A-Z0-9][\w&.'’\-/]*|of|de|du|la|der|von|van|&)`;
/** A name at the very start of a text: capitalised words, lower-case particles, ", Inc." style suffixes. */
const NAME_AT_START = new RegExp(String.raw`^${WORD}(?:(?:,[ \t]*(?=${SUFFIX}\b)|[ \t]+)${WORD}){0,11}`);
const DEFINED_TERM =
  /\(\s*(?:each\s+|individually\s+|hereinafter\s+(?:referred\s+to\s+as\s+)?|herein\s+|the\s+|collectively\s+)*["“]([^"”\n]{1,60})["”][^()]{0,120}?\)/g;
const NOT_A_PARTY =
  /^(?:this|the|such|said|each|any|all|both|either|neither|agreement|parties|party|whereas|witnesseth|recitals|dated?|effective|between|among|by|exhibit|section|article|schedule)$/i;
const NOT_A_ROLE = /^(?:agreement|effective date|this agreement|the agreement|contract|amendment|parties|party)$/i;

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
    const name = NAME_AT_START.exec(text.slice(start, start + 200))?.[0];
    if (name !== undefined) add(name, `Party ${m[1] ?? ''}`, start, name.length);
  }
  signatureParties(text, add);
  return found.slice(0, 8);
}

type Add = (name: string, role: string | null, at: number, length: number) => void;

function preambleParties(text: string, add: Add): void {
  const head = text.slice(0, 6000);
  const opener = /\b(?:by\s+and\s+)?(?:between|among)\s*:?\s*/gi;
  for (let m = opener.exec(head); m !== null; m = opener.exec(head)) {
    const start = m.index + m[0].length;
    if (!/^[\s("“(]*(?:\(?\d\)?\s*)?[A-Z]/.test(head.slice(start, start + 20))) continue;
    const segment = head.slice(start, segmentEnd(head, start));
    const terms = [...segment.matchAll(DEFINED_TERM)];
    let from = 0;
    let added = 0;
    for (const t of terms) {
      const role = (t[1] ?? '').trim();
      const candidate = segment.slice(from, t.index);
      from = (t.index ?? 0) + t[0].length;
      if (NOT_A_ROLE.test(role)) continue;
      const lead = /^[\s,;:]*(?:(?:and|or)\s+|\(\w\)\s*|\d\.\s*|\(\d\)\s*)*/.exec(candidate)?.[0] ?? '';
      const name = NAME_AT_START.exec(candidate.slice(lead.length))?.[0];
      if (name === undefined) continue;
      add(name, role, start + (t.index ?? 0) - candidate.length + lead.length, name.length);
      added++;
    }
    if (added === 0) {
      // No defined terms: "between Acme Corp., a Delaware corporation, and Beta LLC."
      let offset = 0;
      for (const piece of segment.split(/(\s+and\s+|;\s*)/)) {
        if (!/^\s+and\s+$|^;\s*$/.test(piece)) {
          const trimmed = piece.replace(/^[\s,]+/, '');
          const name = NAME_AT_START.exec(trimmed)?.[0];
          if (name !== undefined) add(name, null, start + offset + (piece.length - trimmed.length), name.length);
        }
        offset += piece.length;
      }
    }
    return;
  }
}

/** The preamble ends at the recitals, or at the first sentence end that is not an abbreviation like "Inc.". */
function segmentEnd(head: string, start: number): number {
  const limit = Math.min(head.length, start + 1500);
  const stop =
    /\b(?:WHEREAS|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|RECITALS|BACKGROUND|NOW,?\s+THEREFORE)\b|\.(?=\s+[A-Z])/g;
  stop.lastIndex = start;
  for (let m = stop.exec(head); m !== null && m.index < limit; m = stop.exec(head)) {
    if (m[0] !== '.') return m.index;
    const word = /(\S+)$/.exec(head.slice(Math.max(start, m.index - 12), m.index))?.[1] ?? '';
    if (!new RegExp(`^(?:${SUFFIX}|[A-Z]|[A-Z]\\.[A-Z]|No|Co|St|Mr|Ms|Dr)$`).test(word)) return m.index + 1;
  }
  return limit;
}

function signatureParties(text: string, add: Add): void {
  const before = new RegExp(String.raw`((?:${WORD}(?:,?[ \t]+|[ \t]*\n[ \t]*)){0,6}${SUFFIX})[\s,:]*$`);
  for (const m of text.matchAll(/\bBy\s*:/g)) {
    const at = m.index ?? 0;
    const window = text.slice(Math.max(0, at - 160), at);
    const hit = before.exec(window);
    if (hit?.[1] === undefined) continue;
    const name = hit[1].replace(/^(?:IN WITNESS WHEREOF|WITNESS|AGREED|ACCEPTED)\b.*?\b(?=[A-Z])/i, '');
    const lastLine =
      name
        .split(/\s{3,}|\n/)
        .filter((s) => s.trim() !== '')
        .at(-1) ?? name;
    add(lastLine.trim(), null, at - window.length + hit.index + (hit[1].length - lastLine.length), lastLine.length);
  }
}
