import { describe, expect, it } from 'vitest';
import { chunkText, DEFAULT_CHUNK_OPTIONS } from '../../src/core/chunker';
import { parseModelOutput } from '../../src/core/model-output';
import { complete } from '../../src/core/offline-model';
import type { ContractReviewOutput, EntitiesOutput } from '../../src/core/tasks';
import { getTask, loadUserTask } from '../../src/core/tasks';
import { cuad, cuadContracts } from './cuad-corpus';

const review = getTask('contract-review');

const contract =
  'MASTER SUPPLY AGREEMENT\n\nThis Master Supply Agreement (the "Agreement") is entered into as of March 3, 2021 ' +
  '(the "Effective Date") by and between Northwind Traders, Inc., a Delaware corporation ("Supplier"), and ' +
  'Contoso Ltd., a company organised under the laws of England ("Customer").\n\n' +
  '1. Term. This Agreement shall remain in effect for a period of three (3) years from the Effective Date and shall ' +
  'automatically renew for successive one-year terms unless either party gives notice.\n\n' +
  '2. Payment. Customer shall pay each invoice within thirty (30) days of receipt.\n\n' +
  '3. Indemnity. Supplier shall indemnify Customer against any and all third-party claims.\n\n' +
  '4. Exclusivity. Customer appoints Supplier as its exclusive supplier of widgets.\n\n' +
  '5. Liquidated Damages. Late delivery incurs liquidated damages of 1% per week.\n\n' +
  '6. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of the State of ' +
  'New York, without regard to its conflict of laws principles.\n';

function ask(text: string, chunkIndex = 0, chunkCount = 1): ContractReviewOutput {
  const prompt = review.renderPrompt({ chunkText: text, chunkIndex, chunkCount });
  const parsed = parseModelOutput(review, complete({ system: review.system, prompt }).text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value as ContractReviewOutput;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ');

describe('offline model — contract review', () => {
  const answer = ask(contract);

  it('names the parties with the roles the contract defines', () => {
    expect(answer.parties.map((p) => [p.name, p.role])).toEqual([
      ['Northwind Traders, Inc.', 'Supplier'],
      ['Contoso Ltd.', 'Customer'],
    ]);
  });

  it('reads the agreement, effective and expiration dates as ISO dates', () => {
    expect(answer.agreementDate).toMatchObject({ raw: 'March 3, 2021', iso: '2021-03-03' });
    expect(answer.effectiveDate?.iso).toBe('2021-03-03');
    expect(answer.expirationDate?.iso).toBe('2024-03-03');
  });

  it('finds the governing law', () => {
    expect(answer.governingLaw?.jurisdiction).toBe('State of New York');
  });

  it('flags risky clauses with a category and severity', () => {
    expect(answer.riskyClauses.map((c) => [c.category, c.severity])).toEqual(
      expect.arrayContaining([
        ['indemnification', 'high'],
        ['auto-renewal', 'medium'],
        ['exclusivity', 'medium'],
        ['liquidated-damages', 'high'],
      ]),
    );
  });

  it('quotes every piece of evidence verbatim from the chunk', () => {
    const quotes = [
      ...answer.parties.map((p) => p.evidence),
      ...answer.paymentTerms.map((p) => p.evidence),
      ...answer.riskyClauses.map((p) => p.evidence),
      answer.governingLaw?.evidence ?? '',
    ];
    for (const q of quotes) expect(contract).toContain(q);
  });

  it('does not read a preamble date as the agreement date outside the first part', () => {
    expect(ask(contract, 2, 3).agreementDate).toBeNull();
  });

  it('is deterministic', () => {
    const prompt = review.renderPrompt({ chunkText: contract, chunkIndex: 0, chunkCount: 1 });
    expect(complete({ prompt })).toEqual(complete({ prompt }));
  });

  it('answers a 40k-character chunk in a few milliseconds', () => {
    const big = contract.repeat(Math.ceil(40_000 / contract.length)).slice(0, 40_000);
    const prompt = review.renderPrompt({ chunkText: big, chunkIndex: 0, chunkCount: 1 });
    complete({ prompt });
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) complete({ prompt });
    expect((performance.now() - t0) / 5).toBeLessThan(25);
  });
});

describe('offline model — protocol', () => {
  it('counts tokens with the shared estimate and stops at maxTokens', () => {
    const prompt = review.renderPrompt({ chunkText: contract, chunkIndex: 0, chunkCount: 1 });
    const full = complete({ system: 'sys', prompt });
    expect(full.inputTokens).toBe(Math.ceil(('sys' + prompt).length / 4));
    expect(full.stopReason).toBe('end_turn');
    const cut = complete({ prompt, maxTokens: 20 });
    expect(cut).toMatchObject({ stopReason: 'max_tokens', outputTokens: 20, text: full.text.slice(0, 80) });
  });

  it('answers summarize and extract-entities within their schemas', () => {
    for (const id of ['summarize', 'extract-entities']) {
      const task = getTask(id);
      const text = complete({ prompt: task.renderPrompt({ chunkText: contract, chunkIndex: 0, chunkCount: 1 }) }).text;
      expect(parseModelOutput(task, text)).toMatchObject({ ok: true, repaired: false });
    }
    const entities = JSON.parse(
      complete({
        prompt: getTask('extract-entities').renderPrompt({ chunkText: contract, chunkIndex: 0, chunkCount: 1 }),
      }).text,
    ) as EntitiesOutput;
    expect(entities.entities).toEqual(
      expect.arrayContaining([
        { type: 'organization', text: 'Northwind Traders, Inc.' },
        { type: 'date', text: 'March 3, 2021' },
        { type: 'percentage', text: '1%' },
      ]),
    );
  });

  it('answers a user-defined task with the smallest value its schema accepts', () => {
    const task = loadUserTask({
      id: 'flags',
      prompt: 'Check {{chunk}}',
      outputSchema: {
        type: 'object',
        required: ['risky', 'score', 'tags', 'note'],
        properties: {
          risky: { type: 'boolean' },
          score: { type: 'integer', minimum: 1 },
          tags: { type: 'array', items: { type: 'string' } },
          note: { type: 'string', minLength: 1 },
        },
      },
    });
    const text = complete({ prompt: task.renderPrompt({ chunkText: contract, chunkIndex: 0, chunkCount: 1 }) }).text;
    expect(parseModelOutput(task, text)).toMatchObject({ ok: true, value: { risky: false, score: 1, tags: [] } });
  });

  it('gives a fixed note for prompts outside the docflow convention', () => {
    expect(complete({ prompt: 'Hello?' }).text).toContain('does not follow the docflow task convention');
  });
});

describe.skipIf(!cuad.available)('offline model over the CUAD contracts', () => {
  it('answers every chunk with schema-valid JSON whose evidence is quoted from the chunk', () => {
    for (const { name, text } of cuadContracts()) {
      const chunks = chunkText(text, DEFAULT_CHUNK_OPTIONS);
      for (const c of chunks) {
        const chunk = text.slice(c.start, c.end);
        const prompt = review.renderPrompt({ chunkText: chunk, chunkIndex: c.index, chunkCount: chunks.length });
        const response = complete({ prompt, maxTokens: review.maxOutputTokens });
        expect(response.stopReason, `${name} chunk ${c.index}`).toBe('end_turn');
        const parsed = parseModelOutput(review, response.text);
        expect(parsed, `${name} chunk ${c.index}`).toMatchObject({ ok: true, repaired: false });
        const out = (parsed as { value: ContractReviewOutput }).value;
        const evidence = [
          ...out.parties,
          ...out.paymentTerms,
          ...out.obligations,
          ...out.terminationConditions,
          ...out.riskyClauses,
          ...[out.agreementDate, out.effectiveDate, out.governingLaw].filter((x) => x !== null),
        ].map((x) => x.evidence);
        for (const e of evidence) expect(squash(chunk)).toContain(squash(e));
      }
    }
  });
});
