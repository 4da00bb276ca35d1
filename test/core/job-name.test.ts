import { describe, expect, it } from 'vitest';
import { isValidClientRequestToken, isValidJobName, jobIdentity } from '../../src/core/job-name';

// Bedrock's published patterns, checked literally (with the documented length limits) on short inputs.
const awsJobName = /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/;
const awsToken = /^[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}$/;

const keys = [
  'anthropic.claude-3-haiku-20240307-v1:0/us-east-1/docflow-bedrock',
  'us.amazon.nova-lite-v1:0',
  'a',
  '___',
  ':::::',
  'model_with_underscores__and spaces',
  'x'.repeat(500),
  'é-ü-ß-模型',
  '-leading-and-trailing-',
];

describe('jobIdentity', () => {
  it('is deterministic for the same collector key, sequence and attempt', () => {
    expect(jobIdentity(keys[0]!, 12, 1)).toEqual(jobIdentity(keys[0]!, 12, 1));
  });

  it('produces names and tokens that satisfy Bedrock patterns for awkward keys', () => {
    for (const key of keys) {
      for (const [seq, attempt] of [
        [0, 0],
        [123456789, 9999],
      ] as const) {
        const { jobName, clientRequestToken } = jobIdentity(key, seq, attempt);
        expect(isValidJobName(jobName), jobName).toBe(true);
        expect(jobName.length).toBeLessThanOrEqual(63);
        expect(jobName).toMatch(awsJobName);
        expect(jobName).not.toContain('_');
        expect(isValidClientRequestToken(clientRequestToken), clientRequestToken).toBe(true);
        expect(clientRequestToken).toMatch(awsToken);
      }
    }
  });

  it('keeps a readable slug of the model id', () => {
    expect(jobIdentity('us.amazon.nova-lite-v1:0', 3, 1).jobName).toMatch(
      /^docflow-us\.amazon\.nova-lite-v1-0-[0-9a-f]{8}-j3-a1$/,
    );
  });

  it('differs when any input differs, including keys that sanitise to the same slug', () => {
    const names = new Set(
      [
        jobIdentity('model:a', 1, 1),
        jobIdentity('model_a', 1, 1),
        jobIdentity('model:a', 2, 1),
        jobIdentity('model:a', 1, 2),
        jobIdentity('x'.repeat(300) + 'a', 1, 1),
        jobIdentity('x'.repeat(300) + 'b', 1, 1),
      ].flatMap((id) => [id.jobName, id.clientRequestToken]),
    );
    expect(names.size).toBe(12);
  });

  it('rejects an empty key, negative sequence numbers and out-of-range attempts', () => {
    expect(() => jobIdentity('', 0, 0)).toThrow(/collector key/);
    expect(() => jobIdentity('k', -1, 0)).toThrow(/sequence/);
    expect(() => jobIdentity('k', 0, 10000)).toThrow(/attempt/);
  });
});

describe('validators', () => {
  it('accept the boundary cases Bedrock accepts', () => {
    expect(isValidJobName('a')).toBe(true);
    expect(isValidJobName('a'.repeat(63))).toBe(true);
    expect(isValidJobName('a-.+b-')).toBe(true);
    expect(isValidClientRequestToken('a--b')).toBe(true);
    expect(isValidClientRequestToken('a'.repeat(256))).toBe(true);
  });

  it('reject what Bedrock rejects', () => {
    expect(isValidJobName('')).toBe(false);
    expect(isValidJobName('a'.repeat(64))).toBe(false);
    expect(isValidJobName('-a')).toBe(false);
    expect(isValidJobName('a_b')).toBe(false);
    expect(isValidJobName('a:b')).toBe(false);
    expect(isValidClientRequestToken('a-')).toBe(false);
    expect(isValidClientRequestToken('a.b')).toBe(false);
    expect(isValidClientRequestToken('a'.repeat(257))).toBe(false);
  });

  it('agree with the literal Bedrock patterns on every short string over a small alphabet', () => {
    const alphabet = ['a', '-', '.', '+', '_'];
    let strings = [''];
    for (let len = 1; len <= 5; len++) {
      strings = strings.flatMap((s) => alphabet.map((c) => s + c));
      for (const s of strings) {
        expect(isValidJobName(s), s).toBe(awsJobName.test(s));
        expect(isValidClientRequestToken(s), s).toBe(awsToken.test(s));
      }
    }
  });
});
