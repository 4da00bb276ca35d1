/**
 * The built-in contract review: parties, key dates, money, obligations, termination, governing law and risky clauses.
 * Every item carries `evidence`, a short verbatim quote from the chunk, so the merge can point a reader at the clause.
 */
import { contextLine, documentBlock, schemaBlock, taskHeader } from './prompt';
import type { JsonSchema, Task } from './task';

export const RISK_CATEGORIES = [
  'unlimited-liability',
  'limitation-of-liability',
  'indemnification',
  'auto-renewal',
  'exclusivity',
  'non-compete',
  'non-solicitation',
  'liquidated-damages',
  'termination-for-convenience',
  'assignment-restriction',
  'change-of-control',
  'most-favoured-nation',
  'minimum-commitment',
  'ip-assignment',
  'audit-rights',
  'confidentiality',
  'other',
] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface PartyFinding {
  name: string;
  /** The defined term or role the contract gives the party ("Seller", "Licensee"), or null. */
  role: string | null;
  evidence: string;
}

export interface DateFinding {
  /** The date as written. */
  raw: string;
  /** yyyy-mm-dd when the written date is complete and unambiguous, else null. */
  iso: string | null;
  evidence: string;
}

export interface ClauseFinding {
  summary: string;
  evidence: string;
}

export interface ObligationFinding extends ClauseFinding {
  /** The party bound by the obligation, as named in the contract, or null when unclear. */
  party: string | null;
}

export interface RiskyClauseFinding extends ClauseFinding {
  category: RiskCategory;
  severity: Severity;
}

/** One chunk's answer to the contract-review task. */
export interface ContractReviewOutput {
  parties: PartyFinding[];
  agreementDate: DateFinding | null;
  effectiveDate: DateFinding | null;
  expirationDate: DateFinding | null;
  governingLaw: { jurisdiction: string; evidence: string } | null;
  paymentTerms: ClauseFinding[];
  obligations: ObligationFinding[];
  terminationConditions: ClauseFinding[];
  riskyClauses: RiskyClauseFinding[];
}

const evidence = {
  type: 'string',
  minLength: 1,
  maxLength: 600,
  description: 'Short verbatim quote from the document',
};
const text = { type: 'string', minLength: 1, maxLength: 1000 };
const nullableText = { anyOf: [{ type: 'string', minLength: 1, maxLength: 200 }, { type: 'null' }] };

const dateFinding = {
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['raw', 'iso', 'evidence'],
      properties: {
        raw: { type: 'string', minLength: 1, maxLength: 200 },
        iso: { anyOf: [{ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, { type: 'null' }] },
        evidence,
      },
    },
    { type: 'null' },
  ],
};

const clause = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'evidence'],
  properties: { summary: text, evidence },
};

export const contractReviewSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'parties',
    'agreementDate',
    'effectiveDate',
    'expirationDate',
    'governingLaw',
    'paymentTerms',
    'obligations',
    'terminationConditions',
    'riskyClauses',
  ],
  properties: {
    parties: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'role', 'evidence'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 300 }, role: nullableText, evidence },
      },
    },
    agreementDate: dateFinding,
    effectiveDate: dateFinding,
    expirationDate: dateFinding,
    governingLaw: {
      anyOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['jurisdiction', 'evidence'],
          properties: { jurisdiction: { type: 'string', minLength: 1, maxLength: 200 }, evidence },
        },
        { type: 'null' },
      ],
    },
    paymentTerms: { type: 'array', items: clause },
    obligations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['party', 'summary', 'evidence'],
        properties: { party: nullableText, summary: text, evidence },
      },
    },
    terminationConditions: { type: 'array', items: clause },
    riskyClauses: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['category', 'severity', 'summary', 'evidence'],
        properties: {
          category: { enum: [...RISK_CATEGORIES] },
          severity: { enum: [...SEVERITIES] },
          summary: text,
          evidence,
        },
      },
    },
  },
};

const SYSTEM = [
  'You are a careful commercial lawyer reviewing a contract for a client.',
  'You read one part of the contract at a time; report only what this part says, never guess about other parts.',
  'Quote evidence verbatim from the document: copy the words exactly, keep quotes short (one sentence or less).',
  'Answer in JSON only.',
].join(' ');

const INSTRUCTIONS = `Review the document part above and report:
- parties: every contracting party with its legal name and the role or defined term the contract gives it (e.g. "Licensee"), or null.
- agreementDate, effectiveDate, expirationDate: the date as written ("raw") and as yyyy-mm-dd ("iso", null if incomplete), or null when this part does not state it.
- governingLaw: the jurisdiction whose law governs the contract (e.g. "State of New York"), or null.
- paymentTerms: fees, prices, payment deadlines, late interest.
- obligations: the main duties of each party (who must do what).
- terminationConditions: when and how the contract ends or can be ended.
- riskyClauses: clauses a client should look at twice, with a category from the schema and a severity (low, medium, high): unlimited liability, indemnities, automatic renewal, exclusivity, non-compete, liquidated damages, termination for convenience, assignment restrictions, most-favoured-nation pricing and similar.
Every item needs "evidence": a short quote copied verbatim from the document part. Use empty lists when nothing applies.`;

export const contractReviewTask: Task = {
  id: 'contract-review',
  version: 1,
  description: 'Parties, key dates, governing law, payment, obligations, termination and risky clauses of a contract',
  system: SYSTEM,
  outputSchema: contractReviewSchema,
  mergeStrategy: 'contract-review',
  maxOutputTokens: 4096,
  renderPrompt: (ctx) =>
    [
      taskHeader('contract-review', 1),
      contextLine(ctx),
      documentBlock(ctx.chunkText),
      INSTRUCTIONS,
      schemaBlock(contractReviewSchema),
    ].join('\n'),
};
