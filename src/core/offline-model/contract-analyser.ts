/**
 * The offline model's contract review: regular expressions over one chunk, answering in the contract-review schema.
 * A demonstration model for the emulator and tests, not a lawyer: it finds what explicit wording states (preamble
 * parties, dated-as-of dates, "governed by the laws of", typical risky clause wording) and quotes it verbatim.
 */
import type {
  ClauseFinding,
  ContractReviewOutput,
  DateFinding,
  ObligationFinding,
  RiskCategory,
  RiskyClauseFinding,
  Severity,
} from '../tasks/contract-review';
import { addToIsoDate, findDates, findDuration } from '../dates';
import type { FoundDate } from '../dates';
import { quoteAround, squash } from './evidence';
import { findParties } from './parties';

export function analyseContract(text: string, isFirstPart: boolean): ContractReviewOutput {
  const parties = findParties(text, isFirstPart);
  const dates = findDates(text);
  const agreementDate = findAgreementDate(text, dates, isFirstPart);
  const effectiveDate = findEffectiveDate(text, dates, agreementDate);
  return {
    parties,
    agreementDate,
    effectiveDate,
    expirationDate: findExpirationDate(text, dates, effectiveDate ?? agreementDate),
    governingLaw: findGoverningLaw(text),
    paymentTerms: findClauses(text, PAYMENT, 3, 'Payment'),
    obligations: findObligations(
      text,
      parties.map((p) => p.role).filter((r): r is string => r !== null),
    ),
    terminationConditions: findClauses(text, TERMINATION, 3, 'Termination'),
    riskyClauses: findRiskyClauses(text),
  };
}

function finding(text: string, d: FoundDate, iso = d.iso): DateFinding {
  return { raw: d.raw, iso, evidence: quoteAround(text, d.index, d.index + d.raw.length) };
}

const AGREEMENT_CUE = /(?:dated|made|entered\s+into|executed|as\s+of|this|day\s+of|effective|agreement)\b[^.;]{0,40}$/i;

function findAgreementDate(text: string, dates: FoundDate[], isFirstPart: boolean): DateFinding | null {
  if (!isFirstPart) return null;
  const early = dates.filter((d) => d.index < 3000);
  const cued = early.find((d) => AGREEMENT_CUE.test(text.slice(Math.max(0, d.index - 60), d.index)));
  const chosen = cued ?? early.find((d) => d.index < 1500);
  return chosen === undefined ? null : finding(text, chosen);
}

const EFFECTIVE_AFTER = /^[\s,]*\(?\s*(?:the\s+|hereinafter\s+|herein\s+called\s+the\s+)?["“]Effective\s+Date["”]/i;
const EFFECTIVE_BEFORE =
  /(?:effective\s+(?:as\s+of|on|from)|come\s+into\s+(?:force|effect)\s+(?:as\s+of|on)|(?:shall\s+)?(?:begin|commence)\s+on|commencing\s+on|Effective\s+Date["”)]*\s*(?:[:=]|shall\s+(?:mean|be)|means|is)[^.;]{0,40})\s*(?:the\s+)?$/i;
const EFFECTIVE_IS_AGREEMENT_DATE =
  /(?:date\s+(?:hereof|of\s+this\s+Agreement|first\s+(?:above\s+)?(?:written|set\s+forth)(?:\s+above)?)|Execution\s+Date)[^.;]{0,30}?\(\s*(?:the\s+)?["“]Effective\s+Date["”]|effective\s+(?:from|as\s+of|on)\s+the\s+date\s+(?:first\s+)?(?:above\s+)?(?:written|set\s+forth)/i;

function findEffectiveDate(text: string, dates: FoundDate[], agreement: DateFinding | null): DateFinding | null {
  const d = dates.find(
    (x) =>
      EFFECTIVE_AFTER.test(text.slice(x.index + x.raw.length, x.index + x.raw.length + 40)) ||
      EFFECTIVE_BEFORE.test(text.slice(Math.max(0, x.index - 80), x.index)),
  );
  if (d !== undefined) return finding(text, d);
  const hereof = EFFECTIVE_IS_AGREEMENT_DATE.exec(text);
  if (hereof !== null && agreement !== null) {
    return {
      raw: agreement.raw,
      iso: agreement.iso,
      evidence: quoteAround(text, hereof.index, hereof.index + hereof[0].length),
    };
  }
  return null;
}

/** The sentence that sets the contract's term, where the expiration is read from. */
const TERM_CLAUSE =
  /\b(?:the\s+(?:initial\s+)?term\s+of\s+this\s+Agreement|Initial\s+Term|this\s+Agreement\s+(?:will|shall)\s+(?:commence|begin|become\s+effective|continue|remain|come\s+into\s+force|be\s+in\s+(?:full\s+)?(?:force|effect)|terminate|expire)|(?:This|The)\s+(?:\w+\s+)?(?:Agreement|promotion|engagement)\s+shall\s+(?:begin|commence))\b/gi;
const STRONG_EXPIRY =
  /(?:Expiration\s+Date["”)]*\s*(?:[:=]|shall\s+(?:mean|be)|means|is)|expires?\s+on|terminates?\s+on|shall\s+(?:terminate|expire|end)(?:\s+on)?|ending\s+on|end\s+on|until|through)\s*(?:the\s+)?$/i;
const PERPETUAL =
  /\b(?:in\s+perpetuity|perpetual(?:ly)?|(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force\s+and\s+)?effect\s+)?(?:indefinitely|until\s+terminated))\b/i;

function findExpirationDate(text: string, dates: FoundDate[], start: DateFinding | null): DateFinding | null {
  const after = (d: FoundDate): boolean => d.iso !== null && (start?.iso == null || d.iso > start.iso);
  TERM_CLAUSE.lastIndex = 0;
  for (let m = TERM_CLAUSE.exec(text); m !== null; m = TERM_CLAUSE.exec(text)) {
    if (!opensSentence(text, m.index)) continue;
    const from = m.index;
    const to = Math.min(text.length, from + 300);
    const clause = text.slice(from, to).split(/\.(?=\s+[A-Z(])/)[0] ?? '';
    const end = from + clause.length;
    const evidence = quoteAround(text, from, Math.min(end, from + m[0].length));
    const explicit = dates.find((d) => d.index >= from && d.index < end && after(d));
    if (explicit !== undefined) return finding(text, explicit);
    const duration = findDuration(clause);
    if (duration !== undefined) {
      const iso = start?.iso == null ? null : addToIsoDate(start.iso, duration.amount, duration.unit);
      return { raw: squash(duration.text, 60), iso, evidence };
    }
    if (PERPETUAL.test(clause)) return { raw: 'perpetual', iso: null, evidence };
  }
  const explicit = dates.find((d) => {
    const before = text.slice(Math.max(0, d.index - 120), d.index);
    return after(d) && STRONG_EXPIRY.test(before) && ABOUT_THE_AGREEMENT.test(before);
  });
  return explicit === undefined ? null : finding(text, explicit);
}

const ABOUT_THE_AGREEMENT = /(?:Expiration\s+Date|this\s+Agreement|the\s+Term)\b[^.;]{0,80}$/i;

/**
 * Whether a term clause is the subject of its sentence ("3. Term. Subject to …, the term of this Agreement shall …"),
 * not a passing reference ("… during the term of this Agreement and for nine months after").
 */
function opensSentence(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 200), at);
  const boundary = Math.max(
    before.lastIndexOf('. '),
    before.lastIndexOf(': '),
    before.search(/\s{3,}[^\s]*$/),
    before.lastIndexOf('\n'),
  );
  const prefix = before.slice(boundary + 1).trim();
  return /^(?:\d+(?:\.\d+)*\.?\s*)?(?:(?:Initial\s+)?Term(?:\s+of\s+(?:the\s+)?Agreement)?\.?\s*)?(?:(?:Subject|Unless|Except|Notwithstanding)\b(?:[^.]|\.\d)*,\s*)?$/i.test(
    prefix,
  );
}

const JURISDICTION = String.raw`((?:(?:State|Commonwealth|Province|Republic|Federal\s+Republic|Kingdom|Grand\s+Duchy|People's\s+Republic|Hong\s+Kong\s+Special\s+Administrative\s+Region)\s+of\s+)?[A-Z][A-Za-z]+(?:[ \t]+[A-Z][A-Za-z]+){0,3}(?:,\s*(?:Canada|USA|U\.S\.A\.|United\s+States(?:\s+of\s+America)?))?(?:\s+and\s+Wales)?)`;
const GOVERNING_LAW = [
  new RegExp(
    String.raw`\b(?:governed|governs|construed|interpreted|enforced|Governing\s+Law|GOVERNING\s+LAW|Applicable\s+Law|APPLICABLE\s+LAW)\b[^.;]{0,160}?\b(?:[Ll]aws?|LAWS?|regulations|legislation)\s+(?:of|in\s+force\s+in)\s+(?:the\s+)?${JURISDICTION}`,
  ),
  new RegExp(
    String.raw`\b(?:governed\s+by|subject\s+to|construed\s+(?:in\s+accordance\s+with|under))\s+(?:the\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:substantive\s+)?law\b`,
  ),
];
const NOT_A_JURISDICTION = /^(?:United States|U\.S\.A?\.?|Agreement|Laws?|Applicable|This|Each|Any)$/;

/** The first governing-law statement about this Agreement, else the first one at all. */
function findGoverningLaw(text: string): ContractReviewOutput['governingLaw'] {
  const found: { jurisdiction: string; evidence: string }[] = [];
  for (const pattern of GOVERNING_LAW) {
    for (const m of text.matchAll(new RegExp(pattern.source, 'g'))) {
      const jurisdiction = m[1]?.replace(/\s+/g, ' ').trim();
      if (jurisdiction === undefined || NOT_A_JURISDICTION.test(jurisdiction)) continue;
      found.push({ jurisdiction, evidence: quoteAround(text, m.index ?? 0, (m.index ?? 0) + m[0].length) });
      if (found.length >= 6) break;
    }
  }
  return found.find((f) => /\b(?:this|the)\s+Agreement\b/i.test(f.evidence)) ?? found[0] ?? null;
}

const PAYMENT =
  /\b(?:shall|will|agrees?\s+to)\s+pay\b|\bpayable\b|\binvoice[sd]?\b[^.;]{0,80}\b(?:within|days)\b|\b(?:fees?|royalt(?:y|ies)|price)\b[^.;]{0,60}(?:\$|USD|US\$)\s?\d/gi;
const TERMINATION =
  /\b(?:may|shall\s+have\s+the\s+right\s+to|is\s+entitled\s+to)\s+terminate\b|\bterminat\w*\b[^.;]{0,80}\b(?:material(?:ly)?\s+breach|insolven\w*|bankrupt\w*|written\s+notice|for\s+cause|upon\s+\w+\s+(?:days|months))/gi;

function findClauses(text: string, pattern: RegExp, max: number, label: string): ClauseFinding[] {
  const out: ClauseFinding[] = [];
  const seen = new Set<string>();
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null && out.length < max; m = pattern.exec(text)) {
    const evidence = quoteAround(text, m.index, m.index + m[0].length);
    if (seen.has(evidence)) continue;
    seen.add(evidence);
    out.push({ summary: `${label}: ${squash(evidence, 160)}`, evidence });
  }
  return out;
}

const NOT_AN_OBLIGOR =
  /^(?:Agreement|This|It|Each|Neither|Either|Such|The|Notice|Section|Article|Nothing|No|All|Any|Party|Parties|Term|Payment|Products?|Services?|Company's)$/;

function findObligations(text: string, roles: string[]): ObligationFinding[] {
  const out: ObligationFinding[] = [];
  const perParty = new Map<string, number>();
  const pattern =
    /\b([A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?)\s+(?:shall|will|agrees\s+to|must)\s+(?!not\b|be\s+entitled|have\b|be\s+deemed|receive\b|retain\b|own\b)([a-z]+)/g;
  for (const m of text.matchAll(pattern)) {
    const party = m[1] ?? '';
    if (
      NOT_AN_OBLIGOR.test(party) ||
      (roles.length > 0 &&
        !roles.includes(party) &&
        !/^(?:Licensee|Licensor|Supplier|Customer|Distributor|Company|Seller|Buyer|Purchaser|Manufacturer|Contractor|Consultant|Client|Provider|Vendor|Franchisee|Franchisor)$/.test(
          party,
        ))
    )
      continue;
    const count = perParty.get(party) ?? 0;
    if (count >= 2) continue;
    perParty.set(party, count + 1);
    const evidence = quoteAround(text, m.index ?? 0, (m.index ?? 0) + m[0].length);
    out.push({
      party,
      summary: `${party} must ${squash(evidence.slice(evidence.indexOf(m[2] ?? '')), 150)}`,
      evidence,
    });
    if (out.length >= 5) break;
  }
  return out;
}

interface RiskRule {
  category: RiskCategory;
  severity: Severity;
  label: string;
  /** Tried in order: operative wording first, headings and keywords last. */
  patterns: RegExp[];
}

const RISK_RULES: readonly RiskRule[] = [
  {
    category: 'unlimited-liability',
    severity: 'high',
    label: 'Liability not capped',
    patterns: [
      /\bunlimited\s+liability\b|\bliability\b[^.;]{0,80}\bshall\s+not\s+be\s+limited\b|\bwithout\s+limitation\s+of\s+liability\b/i,
    ],
  },
  {
    category: 'limitation-of-liability',
    severity: 'medium',
    label: 'Liability limited or excluded',
    patterns: [
      /\bin\s+no\s+event\s+shall\b[^.;]{0,160}\bliable\b|\blimitation\s+of\s+liability\b|\baggregate\s+liability\b[^.;]{0,120}\b(?:shall\s+not\s+exceed|limited\s+to)\b/i,
    ],
  },
  {
    category: 'indemnification',
    severity: 'medium',
    label: 'Indemnity',
    patterns: [/\b(?:shall|will|agrees?\s+to)\s+(?:defend,?\s+)?indemnify\b/i],
  },
  {
    category: 'auto-renewal',
    severity: 'medium',
    label: 'Automatic renewal',
    patterns: [
      /\bautomatically\s+(?:be\s+)?(?:renew|extend)\w*|\brenew\w*\s+automatically\b|\bsuccessive\s+(?:\w+[- ])?(?:\(\d+\)\s*)?[- ]?(?:year|month)\w*\s+(?:renewal\s+)?(?:terms|periods)\b/i,
    ],
  },
  {
    category: 'exclusivity',
    severity: 'medium',
    label: 'Exclusivity',
    patterns: [
      /(?<!non[- ])(?<!non)\bexclusive\s+(?:distributor|licen[cs]e|right|supplier|provider|basis|agent|reseller|partner)\b|\bsole\s+and\s+exclusive\b/i,
    ],
  },
  {
    category: 'non-compete',
    severity: 'high',
    label: 'Non-compete',
    patterns: [
      /\b(?:shall|will|agrees?\s+to|agrees?)\s+not\b[^.]{0,160}\bcompet(?:e|ing|itive)\b/i,
      /\bnon-?compet\w*/i,
    ],
  },
  {
    category: 'non-solicitation',
    severity: 'medium',
    label: 'Non-solicitation',
    patterns: [
      /\b(?:shall|will|agrees?\s+to|agrees?)\s+not\b[^.]{0,300}\bsolicit\w*\b[^.;]{0,80}\b(?:employ\w*|personnel|customers?|clients?)\b/i,
      /\bnon-?solicit\w*/i,
    ],
  },
  {
    category: 'liquidated-damages',
    severity: 'high',
    label: 'Liquidated damages',
    patterns: [/\bliquidated\s+damages\b/i],
  },
  {
    category: 'termination-for-convenience',
    severity: 'medium',
    label: 'Termination for convenience',
    patterns: [
      /\bmay\b[^.;]{0,80}\bterminate\b[^.;]{0,100}\b(?:for\s+(?:its\s+)?convenience|for\s+any\s+(?:or\s+no\s+)?reason|without\s+cause|at\s+any\s+time)\b/i,
    ],
  },
  {
    category: 'assignment-restriction',
    severity: 'low',
    label: 'Assignment needs consent',
    patterns: [
      /\b(?:shall|may)\s+not\b[^.;]{0,60}\bassign\b|\bassign\w*\b[^.;]{0,100}\bwithout\s+(?:the\s+)?(?:prior\s+)?(?:express\s+)?(?:written\s+)?consent\b/i,
    ],
  },
  {
    category: 'change-of-control',
    severity: 'medium',
    label: 'Change of control',
    patterns: [/\bchange\s+(?:of|in)\s+control\b/i],
  },
  {
    category: 'most-favoured-nation',
    severity: 'medium',
    label: 'Most-favoured-nation terms',
    patterns: [
      /\bmost\s+favou?red\s+(?:nation|customer|licensee)\b|\b(?:no\s+less|at\s+least\s+as)\s+favou?rable\b[^.;]{0,100}\b(?:prices?|pricing|terms|rates?)\b|\b(?:prices?|pricing|terms|rates?)\b[^.;]{0,100}\b(?:no\s+less|at\s+least\s+as)\s+favou?rable\b/i,
    ],
  },
  {
    category: 'minimum-commitment',
    severity: 'medium',
    label: 'Minimum commitment',
    patterns: [
      /\bminimum\s+(?:annual\s+)?(?:purchase|order|quantity|quantities|commitment|volume|royalt(?:y|ies)|payments?)\b|\btake[- ]or[- ]pay\b/i,
    ],
  },
  {
    category: 'ip-assignment',
    severity: 'medium',
    label: 'Intellectual property assigned',
    patterns: [
      /\bhereby\s+(?:irrevocably\s+)?assigns?\b[^.;]{0,100}\b(?:right|title|interest)\b|\bwork\s+made\s+for\s+hire\b/i,
    ],
  },
  {
    category: 'audit-rights',
    severity: 'low',
    label: 'Audit rights',
    patterns: [/\bright\s+to\s+audit\b|\baudit\b[^.;]{0,60}\b(?:books|records)\b/i],
  },
];

function findRiskyClauses(text: string): RiskyClauseFinding[] {
  const out: RiskyClauseFinding[] = [];
  for (const rule of RISK_RULES) {
    const m = rule.patterns.map((p) => p.exec(text)).find((x) => x !== null);
    if (m === undefined) continue;
    const evidence = quoteAround(text, m.index, m.index + m[0].length);
    const severity: Severity =
      rule.category === 'indemnification' && /\bany\s+and\s+all\b/i.test(evidence) ? 'high' : rule.severity;
    out.push({ category: rule.category, severity, summary: `${rule.label}: ${squash(evidence, 140)}`, evidence });
  }
  return out;
}
