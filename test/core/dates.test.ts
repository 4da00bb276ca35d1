import { describe, expect, it } from 'vitest';
import { addToIsoDate, findDates, findDuration, toIsoDate } from '../../src/core/dates';

describe('toIsoDate', () => {
  it.each([
    ['June 8, 2010', '2010-06-08'],
    ['Sept. 3 2001', '2001-09-03'],
    ['1st day of June, 2005', '2005-06-01'],
    ['20t h day of January, 2020', '2020-01-20'],
    ['8 June 2010', '2010-06-08'],
    ['6/8/2010', '2010-06-08'],
    ['4/1/19', '2019-04-01'],
    ['3-5-98', '1998-03-05'],
    ['29/3/18', '2018-03-29'],
    ['2010-06-08', '2010-06-08'],
  ])('reads %s as %s', (raw, iso) => {
    expect(toIsoDate(raw)).toBe(iso);
  });

  it('has no ISO form for redacted, blank or impossible dates', () => {
    expect(toIsoDate('[***], 2009')).toBeNull();
    expect(toIsoDate('February 30, 2020')).toBeNull();
    expect(toIsoDate('13/13/2020')).toBeNull();
  });
});

describe('findDates', () => {
  it('finds written dates with their offsets, including redacted ones', () => {
    const text = 'dated as of June 8, 2010 and amended on June [***], 2011; may 5, 2012 is lower-case prose';
    expect(findDates(text)).toEqual([
      { raw: 'June 8, 2010', iso: '2010-06-08', index: 12 },
      { raw: 'June [***], 2011', iso: null, index: 40 },
    ]);
  });
});

describe('findDuration', () => {
  it.each([
    ['for a period of five (5) years', 5, 'year'],
    ['a minimum period of 12 months', 12, 'month'],
    ['until the third anniversary of the Effective Date', 3, 'year'],
    ['the fifth (5th) anniversary', 5, 'year'],
    ['a FIVE (5) year period', 5, 'year'],
  ])('reads "%s"', (text, amount, unit) => {
    expect(findDuration(text)).toMatchObject({ amount, unit });
  });

  it('finds nothing without a number', () => {
    expect(findDuration('for many years')).toBeUndefined();
  });
});

describe('addToIsoDate', () => {
  it('adds years and months keeping the day, clamped to the end of the month', () => {
    expect(addToIsoDate('2019-04-01', 12, 'month')).toBe('2020-04-01');
    expect(addToIsoDate('2020-02-29', 1, 'year')).toBe('2021-02-28');
    expect(addToIsoDate('2020-01-31', 1, 'month')).toBe('2020-02-29');
  });
});
