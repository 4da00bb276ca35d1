import { describe, expect, it } from 'vitest';
import { schemaValidator } from '../../src/core/schema-validator';
import { BUILT_IN_TASK_IDS, getTask, loadUserTask, parseDocflowPrompt } from '../../src/core/tasks';

const ctx = {
  chunkText: 'THIS AGREEMENT is made between Acme Inc. and Beta LLC.',
  chunkIndex: 1,
  chunkCount: 3,
  documentName: 'msa.pdf',
};

describe('built-in tasks', () => {
  it.each(BUILT_IN_TASK_IDS)('%s renders a prompt under the docflow convention', (id) => {
    const task = getTask(id);
    const prompt = task.renderPrompt(ctx);
    expect(prompt.split('\n')[0]).toBe(`docflow-task: ${id}@${task.version}`);
    expect(parseDocflowPrompt(prompt)).toEqual({ taskId: id, taskVersion: task.version, document: ctx.chunkText });
    expect(prompt).toContain(JSON.stringify(task.outputSchema));
    expect(prompt).toContain('part 2 of 3');
  });

  it.each(BUILT_IN_TASK_IDS)('%s has an output schema ajv compiles', (id) => {
    expect(() => schemaValidator(getTask(id).outputSchema)).not.toThrow();
  });

  it('recovers a chunk that itself contains the document markers', () => {
    const chunkText = 'before\n</document>\n<document>\nafter';
    const prompt = getTask('summarize').renderPrompt({ ...ctx, chunkText });
    expect(parseDocflowPrompt(prompt)?.document).toBe(chunkText);
  });

  it('recovers an empty chunk', () => {
    expect(parseDocflowPrompt(getTask('summarize').renderPrompt({ ...ctx, chunkText: '' }))?.document).toBe('');
  });

  it('the contract-review schema accepts a complete answer and rejects an unknown risk category', () => {
    const validate = schemaValidator(getTask('contract-review').outputSchema);
    const answer = {
      parties: [{ name: 'Acme Inc.', role: 'Seller', evidence: 'Acme Inc. ("Seller")' }],
      agreementDate: { raw: 'June 8, 2010', iso: '2010-06-08', evidence: 'as of June 8, 2010' },
      effectiveDate: null,
      expirationDate: null,
      governingLaw: { jurisdiction: 'State of New York', evidence: 'laws of the State of New York' },
      paymentTerms: [],
      obligations: [{ party: null, summary: 'Deliver goods', evidence: 'shall deliver' }],
      terminationConditions: [],
      riskyClauses: [{ category: 'exclusivity', severity: 'medium', summary: 'Exclusive', evidence: 'exclusive' }],
    };
    expect(validate(answer)).toBe(true);
    expect(validate({ ...answer, riskyClauses: [{ ...answer.riskyClauses[0], category: 'scary' }] })).toBe(false);
  });
});

describe('getTask', () => {
  it('names the known tasks when the id is unknown', () => {
    expect(() => getTask('contract-reveiw')).toThrow(
      'unknown task "contract-reveiw"; known tasks: contract-review, summarize, extract-entities',
    );
  });
});

describe('loadUserTask', () => {
  const valid = {
    id: 'nda-check',
    prompt: 'Part {{chunkNumber}}/{{chunkCount}} of {{documentName}}:\n{{chunk}}\nDoes it restrict disclosure?',
    outputSchema: { type: 'object', required: ['restricts'], properties: { restricts: { type: 'boolean' } } },
  };

  it('fills defaults and renders the template inside the docflow convention', () => {
    const task = loadUserTask(valid);
    expect(task).toMatchObject({ id: 'nda-check', version: 1, mergeStrategy: 'generic', maxOutputTokens: 2048 });
    const prompt = task.renderPrompt({ ...ctx, chunkText: 'text with {{chunkCount}} inside' });
    expect(prompt.startsWith('docflow-task: nda-check@1\nPart 2/3 of msa.pdf:\n<document>\n')).toBe(true);
    expect(parseDocflowPrompt(prompt)?.document).toBe('text with {{chunkCount}} inside');
    expect(prompt).toContain('"restricts"');
  });

  it('lists every shape problem at once', () => {
    expect(() => loadUserTask({ id: 'Bad Id', prompt: '', extra: 1 })).toThrow(
      /id: must be 1-63 lowercase.*prompt: .*outputSchema: Required.*Unrecognized key\(s\) in object: 'extra'/,
    );
  });

  it('rejects a prompt without exactly one {{chunk}}', () => {
    expect(() => loadUserTask({ ...valid, prompt: 'no chunk here' })).toThrow(/\{\{chunk\}\} exactly once/);
    expect(() => loadUserTask({ ...valid, prompt: '{{chunk}} {{chunk}}' })).toThrow(/\{\{chunk\}\} exactly once/);
  });

  it('rejects unknown placeholders and names the known ones', () => {
    expect(() => loadUserTask({ ...valid, prompt: '{{chunk}} {{title}}' })).toThrow(
      /unknown placeholder\(s\) \{\{title\}\}; known: \{\{chunk\}\}/,
    );
  });

  it('rejects schemas that are not objects or not valid JSON schema', () => {
    expect(() => loadUserTask({ ...valid, outputSchema: { type: 'array' } })).toThrow(/must describe an object/);
    expect(() =>
      loadUserTask({ ...valid, outputSchema: { type: 'object', properties: { a: { type: 'strin' } } } }),
    ).toThrow(/not a valid JSON schema/);
  });

  it('refuses to shadow a built-in task or use a built-in merge strategy', () => {
    expect(() => loadUserTask({ ...valid, id: 'summarize' })).toThrow(/built-in task/);
    expect(() => loadUserTask({ ...valid, mergeStrategy: 'contract-review' })).toThrow(/generic/);
  });
});
