// What the status card and the tab say about a campaign's invitation texts, from given figures: each rate with its
// Wilson interval and the best text's lead with Newcombe's (Newcombe 1998's first example, 56/70 against 48/80), the
// plain sentence for a clear lead, an unclear one and too few people, nothing at all for a campaign with one text, and
// a Stop button only for texts still sent while another is.

import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/campaigns/campaign-records.js';
import { variantCardParts, variantSummary } from '../../src/campaigns/campaign-variants.js';
import { reportWords } from '../../src/campaigns/report-words.js';
import { noVariantCounts, type VariantCounts } from '../../src/campaigns/variant-figures.js';
import { Strings } from '../../src/shared/strings.js';

const strings = new Strings();
const en = reportWords(strings, 'en');
const CAMPAIGN: Campaign = { id: 'c1', name: 'Texts', deadline: '2027-01-15', waves: 1, state: 'running', createdAt: '2026-12-01T09:00:00.000Z', createdBy: { id: 'admin' }, targeted: 0, excluded: {}, variants: ['standard', 'security'] };
const counts = (weekOver: number, enrolled: number, replied = enrolled): VariantCounts => ({ ...noVariantCounts(), assigned: weekOver + 10, reached: weekOver + 5, weekOver, replied, enrolled });
const status = (campaign: Campaign, variants: { id: string; stoppedAt?: string; counts: VariantCounts }[]) => ({ campaign, variants });

describe('the invitation texts on the status card', () => {
  it('gives each rate its 95% interval, and the best text’s lead with its interval (56/70 against 48/80)', () => {
    const parts = variantCardParts(status(CAMPAIGN, [{ id: 'standard', counts: counts(80, 48, 60) }, { id: 'security', counts: counts(70, 56, 63) }]), en);
    const [standard, security] = parts.sections;
    expect(standard?.heading).toBe('Invitation “Standard”');
    expect(standard?.rows).toEqual([
      { label: 'Given this invitation', value: '90' },
      { label: 'Reached', value: '85' },
      { label: 'Reached at least 7 days ago', value: '80' },
      { label: 'Replied within 7 days', value: '60 of 80: 75% (95% interval 65% to 83%)' },
      { label: 'Enrolled within 7 days', value: '48 of 80: 60% (95% interval 49% to 70%)' },
      { label: 'Difference to the best', value: '-20 percentage points (95% interval -33 to -5)' },
    ]);
    expect(security?.rows.at(-1)).toEqual({ label: 'Difference to the best', value: 'Best so far' });
    expect(parts.notes[0]).toBe('“Security first” gets more people enrolled within 7 days than the other invitations: 20 percentage points ahead of “Standard” (95% interval +5 to +33).');
    expect(parts.actions.map((action) => action.data)).toEqual([
      { campaignId: 'c1', variant: 'standard' },
      { campaignId: 'c1', variant: 'security' },
    ]);
  });

  it('says plainly when the lead could still be nothing, and when there are too few people to tell', () => {
    const unclear = variantSummary(status(CAMPAIGN, [{ id: 'standard', counts: counts(40, 12) }, { id: 'security', counts: counts(40, 15) }]), en);
    expect(unclear?.verdict).toMatch(/^No clear difference yet: “Security first” is ahead, but its lead over “Standard” could still be nothing \(95% interval -13 to \+27 percentage points\)\.$/);
    const early = variantSummary(status(CAMPAIGN, [{ id: 'standard', counts: counts(40, 30) }, { id: 'security', counts: counts(12, 0) }]), en);
    expect(early?.verdict).toBe('Too early to tell the invitations apart: each needs at least 30 people reached 7 or more days ago, and “Security first” has 12 so far.');
    // In the admin's language too.
    expect(variantSummary(status(CAMPAIGN, [{ id: 'standard', counts: counts(40, 30) }, { id: 'security', counts: counts(12, 0) }]), reportWords(strings, 'de'))?.verdict).toBe(
      'Noch zu früh, um die Einladungen zu unterscheiden: Jede braucht mindestens 30 Personen, die vor 7 oder mehr Tagen erreicht wurden, und „Sicherheit zuerst“ hat bisher 12.',
    );
  });

  it('shows nothing for a campaign with one text, and no Stop button for the last text still sent or after the end', () => {
    const single = { ...CAMPAIGN, variants: undefined };
    expect(variantCardParts(status(single, [{ id: 'standard', counts: counts(80, 40) }]), en)).toEqual({ sections: [], notes: [], actions: [] });
    const stopped = { ...CAMPAIGN, stoppedVariants: { security: '2026-12-03T10:00:00.000Z' } };
    const parts = variantCardParts(status(stopped, [{ id: 'standard', counts: counts(10, 2) }, { id: 'security', stoppedAt: '2026-12-03T10:00:00.000Z', counts: counts(10, 3) }]), en);
    expect(parts.sections.map((section) => section.heading)).toEqual(['Invitation “Standard”', 'Invitation “Security first” (stopped: no new invitations)']);
    expect(parts.actions).toEqual([]);
    expect(variantCardParts(status({ ...CAMPAIGN, state: 'finished' }, [{ id: 'standard', counts: counts(10, 2) }, { id: 'security', counts: counts(10, 3) }]), en).actions).toEqual([]);
  });

  it('says nobody’s week is over yet instead of a rate of nothing', () => {
    const [standard] = variantCardParts(status(CAMPAIGN, [{ id: 'standard', counts: counts(0, 0) }, { id: 'security', counts: counts(0, 0) }]), en).sections;
    expect(standard?.rows.find((row) => row.label === 'Enrolled within 7 days')?.value).toBe('Nobody reached 7 days ago yet');
    expect(standard?.rows.some((row) => row.label === 'Difference to the best')).toBe(false);
  });
});
