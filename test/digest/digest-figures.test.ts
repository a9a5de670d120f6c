// The digest's shaping of the counts: departments under the minimum folded into Other, Other made to reach the minimum
// too, no breakdown at all when the whole campaign is smaller, the three concerns raised most, and the change since a
// baseline only for the same people; and its calendar: ISO weeks, each reader's hour on their own clock.

import { describe, expect, it } from 'vitest';
import { ALL, changeSince, type DepartmentCount, type DigestCount, foldDepartments, OTHER, top } from '../../src/digest/digest-figures.js';
import { dateInWeek, digestWeekAt, dueAt, isoWeekOf, weekBefore } from '../../src/digest/digest-week.js';

const department = (name: string, targeted: number, enrolled = 0, concerns: Record<string, number> = {}): DepartmentCount => ({ department: name, targeted, enrolled, refusedNow: 1, exceptionEver: 0, concerns });

function count(departments: DepartmentCount[], campaignId = 'c1'): DigestCount {
  const sum = (name: 'targeted' | 'enrolled' | 'refusedNow' | 'exceptionEver') => departments.reduce((total, d) => total + d[name], 0);
  return { asOf: '2027-01-11T07:00:00.000Z', campaign: { id: campaignId, name: 'Q1' }, total: { targeted: sum('targeted'), enrolled: sum('enrolled'), refusedNow: sum('refusedNow'), exceptionEver: sum('exceptionEver') }, concerns: { privacy: 9 }, departments };
}

describe('folding departments', () => {
  it('shows departments of at least the minimum, largest first, and folds the smaller ones into Other', () => {
    const folded = foldDepartments(count([department('Sales', 7), department('Finance', 3), department('IT', 3), department('Manufacturing', 6)]), 5);
    expect(folded.rows.map((row) => row.key)).toEqual(['Sales', 'Manufacturing', OTHER]);
    const other = folded.rows.at(-1);
    expect(other?.departments).toEqual(['Finance', 'IT']);
    expect(other?.targeted).toBe(6);
    expect(other?.refusedNow).toBe(2);
    expect(folded.overall.key).toBe(ALL);
    expect(folded.overall.targeted).toBe(19);
  });

  it('folds the smallest department shown into Other until Other reaches the minimum, so no subtraction gives a small group away', () => {
    const folded = foldDepartments(count([department('Sales', 9), department('Manufacturing', 6), department('HR', 2)]), 5);
    expect(folded.rows.map((row) => row.key)).toEqual(['Sales', OTHER]);
    expect(folded.rows[1]?.departments).toEqual(['HR', 'Manufacturing']);
    expect(folded.rows[1]?.targeted).toBe(8);
    for (const row of folded.rows) expect(row.targeted).toBeGreaterThanOrEqual(5);
  });

  it('shows no breakdown at all when the whole campaign is under the minimum', () => {
    const folded = foldDepartments(count([department('HR', 2), department('IT', 2)]), 5);
    expect(folded.rows).toEqual([]);
    expect(folded.breakdownHidden).toBe(true);
    expect(folded.overall.targeted).toBe(4);
  });

  it('adds up the folded departments\' concerns and keeps the three raised most, ties by name', () => {
    const folded = foldDepartments(count([department('Sales', 5, 0, { privacy: 1 }), department('HR', 2, 0, { privacy: 2, time: 1 }), department('IT', 3, 0, { device: 3, cost: 1, time: 1 })]), 5);
    expect(folded.rows[1]?.topConcerns).toEqual([{ intent: 'device', count: 3 }, { intent: 'privacy', count: 2 }, { intent: 'time', count: 2 }]);
    expect(top({ a: 0, b: 1 })).toEqual([{ intent: 'b', count: 1 }]);
  });
});

describe('the change since the baseline', () => {
  const before = foldDepartments(count([department('Sales', 10, 2), department('HR', 2, 1), department('IT', 3, 0)]), 5);

  it('is the percentage points the share enrolled moved for the same people', () => {
    const now = foldDepartments(count([department('Sales', 10, 5), department('HR', 2, 2), department('IT', 3, 1)]), 5);
    expect(changeSince(now.overall, now, before)).toBe(Math.round((8 / 15 - 3 / 15) * 100));
    expect(changeSince(now.rows[0]!, now, before)).toBe(30);
    expect(changeSince(now.rows[1]!, now, before)).toBe(40);
  });

  it('is not given for another campaign, a first digest, or an Other made of other departments', () => {
    const otherCampaign = foldDepartments(count([department('Sales', 10, 5)], 'c2'), 5);
    expect(changeSince(otherCampaign.overall, otherCampaign, before)).toBeUndefined();
    expect(changeSince(before.overall, before, undefined)).toBeUndefined();
    const regrouped = foldDepartments(count([department('Sales', 10, 5), department('HR', 2, 2), department('IT', 3, 1), department('Legal', 1, 0)]), 5);
    expect(changeSince(regrouped.rows[1]!, regrouped, before)).toBeUndefined();
  });
});

describe('the digest calendar', () => {
  it('names ISO weeks as the calendar does, across a year end', () => {
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01');
    expect(isoWeekOf('2027-01-03')).toBe('2026-W53');
    expect(isoWeekOf('2026-12-31')).toBe('2026-W53');
    expect(dateInWeek('2027-W02', 1)).toBe('2027-01-11');
    expect(dateInWeek('2026-W53', 7)).toBe('2027-01-03');
    expect(weekBefore('2027-W01')).toBe('2026-W53');
  });

  it("is due on each reader's own clock, across DST", () => {
    const moment = { day: 1, hour: 8 };
    expect(dueAt('2027-W02', moment, 'Europe/Zurich').toISOString()).toBe('2027-01-11T07:00:00.000Z');
    expect(dueAt('2027-W02', moment, 'America/New_York').toISOString()).toBe('2027-01-11T13:00:00.000Z');
    expect(dueAt('2027-W27', moment, 'Europe/Zurich').toISOString()).toBe('2027-07-05T06:00:00.000Z');
    expect(dueAt('2027-W02', { day: 5, hour: 17 }, 'Pacific/Kiritimati').toISOString()).toBe('2027-01-15T03:00:00.000Z');
  });

  it('belongs to the week whose first copy anywhere is due, not before', () => {
    const moment = { day: 1, hour: 8 };
    // Monday 08:00 at UTC+14 is Sunday 18:00 UTC.
    expect(digestWeekAt(new Date('2027-01-10T17:59:00Z'), moment)).toBe('2027-W01');
    expect(digestWeekAt(new Date('2027-01-10T18:00:00Z'), moment)).toBe('2027-W02');
    expect(digestWeekAt(new Date('2027-01-15T02:59:00Z'), { day: 5, hour: 17 })).toBe('2027-W01');
    expect(digestWeekAt(new Date('2027-01-15T03:00:00Z'), { day: 5, hour: 17 })).toBe('2027-W02');
    expect(digestWeekAt(new Date('2027-01-15T12:00:00Z'), { day: 5, hour: 8 })).toBe('2027-W02');
  });
});
