// The demo campaign's deadline: three weeks ahead, and never on a day off, whatever day the demo starts.

import { describe, expect, it } from 'vitest';
import { demoDeadline } from '../../src/campaigns/demo-deadline.js';
import { parseWorkingHours } from '../../src/shared/working-hours.js';

const weekday = (dateKey: string) => new Date(`${dateKey}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

describe('the demo campaign deadline', () => {
  const monToFri = parseWorkingHours('09:00-17:00', 'mon-fri').days;

  it('falls on Monday to Friday, three weeks or a day or two more after any start day', () => {
    // Monday 30 November 2026 to Sunday 6 December 2026.
    for (let day = 30; day <= 36; day++) {
      const start = new Date(Date.UTC(2026, 10, day, 10));
      const deadline = demoDeadline(start, 'UTC', monToFri);
      expect(['Saturday', 'Sunday'], `${start.toISOString()} → ${deadline}`).not.toContain(weekday(deadline));
      expect(daysBetween(start.toISOString().slice(0, 10), deadline)).toBeGreaterThanOrEqual(21);
      expect(daysBetween(start.toISOString().slice(0, 10), deadline)).toBeLessThanOrEqual(23);
    }
  });

  it('moves a deadline that would fall on a Sunday to the Monday', () => {
    // Sunday 6 December 2026 + 21 days = Sunday 27 December.
    expect(demoDeadline(new Date('2026-12-06T10:00:00Z'), 'UTC', monToFri)).toBe('2026-12-28');
  });

  it('counts from the local date of the tenant, and follows the configured working days', () => {
    // 23:30 on Saturday 5 December in UTC is already Sunday 6 December in Auckland.
    expect(demoDeadline(new Date('2026-12-05T23:30:00Z'), 'Pacific/Auckland', monToFri)).toBe('2026-12-28');
    const sunToThu = parseWorkingHours('08:00-16:00', 'sun-thu').days;
    // Thursday 3 December + 21 = Thursday 24 December; Friday 4 December + 21 = Friday 25 → Sunday 27.
    expect(demoDeadline(new Date('2026-12-03T10:00:00Z'), 'UTC', sunToThu)).toBe('2026-12-24');
    expect(demoDeadline(new Date('2026-12-04T10:00:00Z'), 'UTC', sunToThu)).toBe('2026-12-27');
  });
});
