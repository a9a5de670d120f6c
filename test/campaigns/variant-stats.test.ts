// The statistics of invitation variants against published worked examples: Wilson's score interval as Newcombe (1998,
// "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17:857) tabulates it, and his
// hybrid score interval for a difference (method 10 of "Interval estimation for the difference between independent
// proportions", Statistics in Medicine 17:873, Table II); then the rule that says when a lead is clear.

import { describe, expect, it } from 'vitest';
import { type Arm, MIN_PER_VARIANT, newcombe, verdict, wilson } from '../../src/campaigns/variant-stats.js';

const to4 = (interval: { lower: number; upper: number }) => [Number(interval.lower.toFixed(4)), Number(interval.upper.toFixed(4))];

describe('Wilson’s score interval', () => {
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ])('for %i of %i is %f to %f', (successes, trials, lower, upper) => {
    expect(to4(wilson(successes, trials))).toEqual([lower, upper]);
    expect(wilson(successes, trials).share).toBeCloseTo(successes / trials, 12);
  });

  it('says nothing is known of a rate without people (0 to 1)', () => {
    expect(wilson(0, 0)).toEqual({ share: 0, lower: 0, upper: 1 });
  });
});

describe('Newcombe’s hybrid score interval for a difference (method 10)', () => {
  it.each([
    [56, 70, 48, 80, 0.2, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.6, 0.1705, 0.809],
    [6, 7, 2, 7, 0.5714, 0.0582, 0.8062],
    [5, 56, 0, 29, 0.0893, -0.0381, 0.1926],
    [0, 10, 0, 20, 0, -0.1611, 0.2775],
    [0, 10, 0, 10, 0, -0.2775, 0.2775],
    [10, 10, 0, 20, 1, 0.6791, 1],
    [10, 10, 0, 10, 1, 0.6075, 1],
  ])('for %i/%i − %i/%i is %f, %f to %f', (a, m, b, n, difference, lower, upper) => {
    const interval = newcombe(a, m, b, n);
    expect(interval.difference).toBeCloseTo(difference, 4);
    expect(to4(interval)).toEqual([lower, upper]);
  });
});

describe('whether a lead is clear', () => {
  const arm = (id: string, successes: number, trials: number): Arm => ({ id, successes, trials });

  it('says nothing with a single text', () => {
    expect(verdict([arm('standard', 10, 40)])).toBeUndefined();
  });

  it('is too early while any text has fewer than 30 people whose week is over, naming the smallest', () => {
    const found = verdict([arm('standard', 25, 40), arm('security', 2, 29)]);
    expect(found).toMatchObject({ kind: 'tooFew', arm: { id: 'security', trials: 29 }, min: MIN_PER_VARIANT });
  });

  it('is clear when the interval of the lead over the runner-up is wholly above zero (56/70 against 48/80)', () => {
    const found = verdict([arm('standard', 48, 80), arm('security', 56, 70)]);
    expect(found?.kind).toBe('clear');
    if (found?.kind !== 'clear') return;
    expect(found.best.id).toBe('security');
    expect(found.next.id).toBe('standard');
    expect(to4(found.lead)).toEqual([0.0524, 0.3339]);
  });

  it('is not clear when the lead over the closest text could still be nothing, even if it is clear over another', () => {
    // 5/56 against 0/29 is the textbook case of an interval that holds zero; the third text is far behind.
    const found = verdict([arm('standard', 5, 56), arm('security', 0, 30), arm('convenience', 5, 60)]);
    expect(found?.kind).toBe('unclear');
    if (found?.kind !== 'unclear') return;
    expect(found.best.id).toBe('standard');
    expect(found.other.id).toBe('convenience');
    expect(found.lead.lower).toBeLessThan(0);
  });

  it('takes the earlier text as the best on a tie (and then nothing is clear)', () => {
    expect(verdict([arm('standard', 15, 40), arm('security', 15, 40)])).toMatchObject({ kind: 'unclear', best: { id: 'standard' }, other: { id: 'security' } });
  });
});
