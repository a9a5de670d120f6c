// Which invitation text a person gets: the same answer for the same person and campaign in any process (pinned values,
// so a change to the rule fails here before it splits a running campaign differently on two instances), evenly spread
// (a chi-square test over 3 000 people does not reject evenness at p = 0.01, for three texts, for two, and after a
// stop), independent between campaigns, and only ever one of the texts still being sent.

import { describe, expect, it } from 'vitest';
import { activeVariants, assignVariant, INVITATION_VARIANTS, isExperiment, type VariantId, variantOfMember, variantsOf } from '../../src/campaigns/invitation-variants.js';

const CAMPAIGN = 'c20261130070000a1b2c3';
const ALL: VariantId[] = ['standard', 'security', 'convenience'];
/** Entra object ids in sequence: the least random input there is, so any weakness of the hash shows. */
const people = (count: number) => Array.from({ length: count }, (_, index) => `5e1ec7ed-0000-4000-8000-${String(index + 1).padStart(12, '0')}`);

/** Critical values of chi-square at p = 0.01, by degrees of freedom. */
const CRITICAL_01: Record<number, number> = { 1: 6.6349, 2: 9.2103 };

function chiSquare(assigned: readonly string[], arms: readonly string[]): number {
  const expected = assigned.length / arms.length;
  return arms.reduce((sum, arm) => sum + (assigned.filter((id) => id === arm).length - expected) ** 2 / expected, 0);
}

describe('assigning invitation texts', () => {
  it('gives the same text for the same person and campaign, whatever process asks (pinned answers)', () => {
    const ids = people(8);
    expect(ids.map((id) => assignVariant(CAMPAIGN, id, ALL))).toEqual(['standard', 'security', 'convenience', 'standard', 'security', 'standard', 'standard', 'security']);
    expect(ids.map((id) => assignVariant(CAMPAIGN, id, ['standard', 'security']))).toEqual(['standard', 'security', 'security', 'standard', 'security', 'standard', 'standard', 'standard']);
    // Another campaign splits the same people its own way.
    expect(ids.map((id) => assignVariant('c20270104070000ffffff', id, ALL))).toEqual(['convenience', 'standard', 'security', 'standard', 'security', 'standard', 'convenience', 'security']);
  });

  it.each([
    ['three texts', ALL],
    ['two texts', ['standard', 'convenience'] as VariantId[]],
    ['the two left after a stop', activeVariants({ variants: ALL, stoppedVariants: { security: '2026-12-01T10:00:00.000Z' } })],
  ])('spreads 3 000 people evenly over %s (chi-square does not reject evenness at p = 0.01)', (_name, arms) => {
    const assigned = people(3000).map((id) => assignVariant(CAMPAIGN, id, arms));
    expect(new Set(assigned)).toEqual(new Set(arms));
    expect(chiSquare(assigned, arms)).toBeLessThan(CRITICAL_01[arms.length - 1] ?? 0);
  });

  it('would notice an uneven split: the same test rejects 1 100 / 1 000 / 900', () => {
    const skewed = [...Array(1100).fill('standard'), ...Array(1000).fill('security'), ...Array(900).fill('convenience')];
    expect(chiSquare(skewed, ALL)).toBeGreaterThan(CRITICAL_01[2] ?? 0);
  });

  it('splits two campaigns independently (knowing one campaign’s text says nothing about the other’s)', () => {
    const ids = people(3000);
    const same = ids.filter((id) => assignVariant(CAMPAIGN, id, ALL) === assignVariant('c20270104070000ffffff', id, ALL)).length;
    // Independent: a third agree by chance (1 000 ± 3 standard deviations of 25.8).
    expect(Math.abs(same - 1000)).toBeLessThan(78);
  });

  it('never gives a stopped text to someone new, and reads members from before variants as the usual text', () => {
    const campaign = { variants: ['security', 'convenience'], stoppedVariants: { security: '2026-12-01T10:00:00.000Z' } };
    expect(activeVariants(campaign)).toEqual(['convenience']);
    expect(new Set(people(200).map((id) => assignVariant(CAMPAIGN, id, activeVariants(campaign))))).toEqual(new Set(['convenience']));
    expect(variantsOf({})).toEqual(['standard']);
    expect(isExperiment({})).toBe(false);
    expect(isExperiment(campaign)).toBe(true);
    expect(variantOfMember({})).toBe('standard');
    expect(variantOfMember({ variant: 'no-longer-in-the-data' })).toBe('standard');
    expect(INVITATION_VARIANTS[0]).toBe('standard');
  });
});
