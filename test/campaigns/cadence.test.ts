// When people are nudged: the invitation on their wave's working day, reminders on the cadence days, the eve of the
// deadline, never two on one local day, only in each person's own working hours.

import { describe, expect, it } from 'vitest';
import { type CadencePolicy, invitationDueAt, localNoon, nextReminderAt, nextStep, sendableAt } from '../../src/campaigns/cadence.js';
import { parseWorkingHours } from '../../src/shared/working-hours.js';
import { localParts } from '../../src/shared/wall-clock.js';

const policy: CadencePolicy = { reminderDays: [3, 7, 12], hours: parseWorkingHours('09:00-17:00', 'mon-fri'), respectWorkingHours: true, snoozeDays: 3, maxSnoozes: 2 };
const berlin = 'Europe/Berlin';
const local = (instant: Date | undefined, zone: string) => {
  if (!instant) throw new Error('no instant');
  const parts = localParts(instant, zone);
  return `${parts.dateKey} ${String(parts.hour).padStart(2, '0')}:${String(parts.minute).padStart(2, '0')} (${parts.isoWeekday})`;
};

describe('the invitation', () => {
  it('waits for the working day to start in the person’s own zone', () => {
    // Friday 27 November 2026, 18:00 in Berlin: after hours, so Monday 09:00.
    const createdAt = '2026-11-27T17:00:00.000Z';
    expect(local(invitationDueAt({ createdAt }, { timeZone: berlin, wave: 0 }, policy), berlin)).toBe('2026-11-30 09:00 (1)');
    // The same moment is Friday 12:00 in New York: still inside the day there.
    expect(local(invitationDueAt({ createdAt }, { timeZone: 'America/New_York', wave: 0 }, policy), 'America/New_York')).toBe('2026-11-27 12:00 (5)');
    // And Saturday 02:00 in Tokyo: Monday morning.
    expect(local(invitationDueAt({ createdAt }, { timeZone: 'Asia/Tokyo', wave: 0 }, policy), 'Asia/Tokyo')).toBe('2026-11-30 09:00 (1)');
  });

  it('goes out one working day later per wave, skipping the weekend', () => {
    const createdAt = '2026-11-30T09:30:00.000Z'; // Monday 10:30 in Berlin
    const wave = (n: number) => local(invitationDueAt({ createdAt }, { timeZone: berlin, wave: n }, policy), berlin);
    expect(wave(0)).toBe('2026-11-30 10:30 (1)');
    expect(wave(2)).toBe('2026-12-02 10:30 (3)');
    expect(wave(4)).toBe('2026-12-04 10:30 (5)');
    expect(wave(5)).toBe('2026-12-07 09:00 (1)');
    expect(wave(6)).toBe('2026-12-08 09:00 (2)');
  });

  it('ignores the clock when the campaign does not keep working hours', () => {
    const createdAt = '2026-11-28T03:00:00.000Z'; // Saturday night
    expect(invitationDueAt({ createdAt }, { timeZone: berlin, wave: 0 }, { ...policy, respectWorkingHours: false }).toISOString()).toBe(createdAt);
  });
});

describe('reminders', () => {
  const member = { timeZone: berlin, reachedAt: '2026-11-30T09:30:00.000Z' }; // invited Monday 10:30
  const campaign = { deadline: '2026-12-31' };

  it('follow the cadence days after the invitation, then the eve of the deadline, then stop', () => {
    const first = nextReminderAt(member, campaign, new Date(member.reachedAt), policy);
    expect(local(first, berlin)).toBe('2026-12-03 10:30 (4)');
    const second = nextReminderAt(member, campaign, first!, policy);
    expect(local(second, berlin)).toBe('2026-12-07 10:30 (1)');
    const third = nextReminderAt(member, campaign, second!, policy);
    // Day 12 is a Saturday: planned then, sent on the Monday by sendableAt.
    expect(local(third, berlin)).toBe('2026-12-12 10:30 (6)');
    expect(local(sendableAt(third!, { timeZone: berlin }, policy), berlin)).toBe('2026-12-14 09:00 (1)');
    const eve = nextReminderAt(member, campaign, third!, policy);
    expect(local(eve, berlin)).toBe('2026-12-30 12:00 (3)');
    expect(nextReminderAt(member, campaign, eve!, policy)).toBeUndefined();
  });

  it('never plan one on or after the deadline, and the eve of a Monday deadline is the Friday before', () => {
    const soon = { deadline: '2026-12-07' }; // a Monday
    const first = nextReminderAt(member, soon, new Date(member.reachedAt), policy);
    expect(local(first, berlin)).toBe('2026-12-03 10:30 (4)');
    const eve = nextReminderAt(member, soon, first!, policy);
    expect(local(eve, berlin)).toBe('2026-12-04 12:00 (5)');
    expect(nextReminderAt(member, soon, eve!, policy)).toBeUndefined();
  });

  it('are never two on one local day', () => {
    const lateMonday = new Date('2026-11-30T15:00:00.000Z'); // 16:00 in Berlin, inside hours
    expect(local(sendableAt(lateMonday, { timeZone: berlin, lastNudgeLocalDate: '2026-11-30' }, policy), berlin)).toBe('2026-12-01 09:00 (2)');
    expect(local(sendableAt(lateMonday, { timeZone: berlin }, policy), berlin)).toBe('2026-11-30 16:00 (1)');
  });

  it('land inside each person’s hours across time zones, whatever the instant planned', () => {
    const planned = new Date('2026-12-02T22:00:00.000Z');
    for (const zone of ['Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Auckland', 'America/Sao_Paulo']) {
      const at = sendableAt(planned, { timeZone: zone }, policy);
      const parts = localParts(at, zone);
      expect(at.getTime()).toBeGreaterThanOrEqual(planned.getTime());
      expect(parts.isoWeekday).toBeLessThanOrEqual(5);
      expect(parts.hour * 60 + parts.minute).toBeGreaterThanOrEqual(9 * 60);
      expect(parts.hour * 60 + parts.minute).toBeLessThan(17 * 60);
    }
  });

  it('name their step, and ask for a decision once the snoozes are used up', () => {
    expect(nextStep({ nudges: 0, snoozes: 0 }, policy)).toBe('invite');
    expect(nextStep({ nudges: 1, snoozes: 0 }, policy)).toBe('reminder-1');
    expect(nextStep({ nudges: 2, snoozes: 1 }, policy)).toBe('reminder-2');
    expect(nextStep({ nudges: 2, snoozes: 2 }, policy)).toBe('decision');
    expect(nextStep({ nudges: 3, snoozes: 2, decisionAskedAt: '2026-12-01T10:00:00Z' }, policy)).toBe('reminder-3');
    expect(nextStep({ nudges: 2, snoozes: 0 }, { ...policy, maxSnoozes: 0 })).toBe('reminder-2');
  });
});

describe('localNoon', () => {
  it('is 12:00 on that date in the zone, even far from UTC', () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu', 'Europe/London']) {
      expect(local(localNoon('2026-12-31', zone), zone).slice(0, 16)).toBe('2026-12-31 12:00');
    }
  });
});
