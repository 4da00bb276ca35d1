import { describe, expect, it } from 'vitest';
import { parseModelOutput } from '../../src/core/model-output';
import { getTask } from '../../src/core/tasks';

const task = getTask('summarize');
const answer = { summary: 'The supplier delivers widgets monthly.', keyPoints: ['Monthly delivery', 'Net 30 payment'] };
const json = JSON.stringify(answer);

describe('parseModelOutput', () => {
  it('accepts a bare JSON answer without repair', () => {
    expect(parseModelOutput(task, json)).toEqual({ ok: true, value: answer, repaired: false });
  });

  it('takes the JSON out of code fences and surrounding prose without calling it repaired', () => {
    expect(parseModelOutput(task, `Here is the analysis:\n\`\`\`json\n${json}\n\`\`\`\nLet me know!`)).toEqual({
      ok: true,
      value: answer,
      repaired: false,
    });
    expect(parseModelOutput(task, `Sure. ${json} Hope this helps {really}.`)).toMatchObject({
      ok: true,
      repaired: false,
    });
  });

  it('ignores braces inside strings when finding the end of the object', () => {
    const tricky = { summary: 'Uses { and } and "quotes"', keyPoints: [] };
    expect(parseModelOutput(task, `${JSON.stringify(tricky)} trailing }`)).toEqual({
      ok: true,
      value: tricky,
      repaired: false,
    });
  });

  it('repairs trailing commas and single quotes when the result validates', () => {
    const sloppy = `{'summary': 'Short.', 'keyPoints': ['a', 'b',],}`;
    expect(parseModelOutput(task, sloppy)).toEqual({
      ok: true,
      value: { summary: 'Short.', keyPoints: ['a', 'b'] },
      repaired: true,
    });
  });

  it('repairs an answer cut off by the token limit when what remains validates', () => {
    const cut = json.slice(0, json.indexOf('Net 30') + 3);
    const result = parseModelOutput(task, cut);
    expect(result).toEqual({
      ok: true,
      value: { summary: answer.summary, keyPoints: ['Monthly delivery', 'Net'] },
      repaired: true,
    });
  });

  it('refuses a truncated answer whose repair is missing required fields', () => {
    const cut = json.slice(0, 20);
    expect(parseModelOutput(task, cut)).toEqual({
      ok: false,
      reason:
        "repaired model output does not match the task schema: the answer must have required property 'keyPoints'",
    });
  });

  it('explains schema violations by location and rule, without echoing the output', () => {
    const secret = 'CONFIDENTIAL-PRICE-123';
    const result = parseModelOutput(task, JSON.stringify({ summary: secret, keyPoints: [42] }));
    expect(result).toEqual({
      ok: false,
      reason: 'model output does not match the task schema: /keyPoints/0 must be string',
    });
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('reports empty output and output with no JSON object', () => {
    expect(parseModelOutput(task, '  ')).toEqual({ ok: false, reason: 'empty model output' });
    expect(parseModelOutput(task, 'I cannot help with that.')).toEqual({
      ok: false,
      reason: 'no JSON object in model output',
    });
    expect(parseModelOutput(task, '[1, 2]')).toEqual({ ok: false, reason: 'no JSON object in model output' });
  });
});
