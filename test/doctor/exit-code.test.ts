import { describe, expect, it } from 'vitest';
import { doctorExitCode, fail, ok, skip, warn } from '../../src/doctor/check';

describe('doctor exit code', () => {
  it('is 0 when nothing fails, warnings and skipped checks included', () => {
    expect(doctorExitCode([ok('a', 'A', 'fine'), warn('b', 'B', 'hm', 'do x'), skip('c', 'C', 'n/a')])).toBe(0);
  });

  it('is 2 when every failure is a setting to change', () => {
    expect(doctorExitCode([ok('a', 'A', 'fine'), fail('b', 'B', 'config', 'unset', 'set it')])).toBe(2);
  });

  it('is 5 when something cannot be reached', () => {
    expect(
      doctorExitCode([fail('a', 'A', 'config', 'unset', 'set it'), fail('b', 'B', 'unavailable', 'down', 'start it')]),
    ).toBe(5);
  });
});
