// Working hours in each person's time zone: zone names, the policy, and when a message may go out, across DST and odd offsets.

import { describe, expect, it } from 'vitest';
import { addWorkingDays, isWithinWorkingHours, nextWorkingInstant, parseWorkingHours, type WorkingHours, workingHoursSchema } from '../../src/shared/working-hours.js';
import { addLocalDays, addDateKeyDays, localParts } from '../../src/shared/wall-clock.js';
import { WINDOWS_TIME_ZONES, isKnownTimeZone, resolveTimeZone } from '../../src/shared/time-zones.js';
import { AppError } from '../../src/errors/app-error.js';

const OFFICE = parseWorkingHours('09:00-17:00', 'mon-fri');
const EVERY_DAY = 'mon-sun';

function at(iso: string): Date {
  return new Date(iso);
}

function wallClock(instant: Date, zone: string): string {
  const local = localParts(instant, zone);
  return `${local.dateKey} ${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')} (${local.isoWeekday})`;
}

function refusal(range: string, days?: string): AppError {
  try {
    parseWorkingHours(range, days);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('config.invalid');
    expect((error as AppError).userFault).toBe(true);
    return error as AppError;
  }
  throw new Error(`expected "${range}" / "${days}" to be refused`);
}

describe('resolveTimeZone', () => {
  it.each([
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['India Standard Time', 'Asia/Kolkata'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
    ['UTC', 'Etc/UTC'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['Nepal Standard Time', 'Asia/Kathmandu'],
    ['Line Islands Standard Time', 'Pacific/Kiritimati'],
    ['Central Standard Time (Mexico)', 'America/Mexico_City'],
  ])('maps the Windows zone %s to %s', (windows, iana) => {
    expect(resolveTimeZone(windows, 'Europe/London')).toBe(iana);
  });

  it('matches Windows names whatever their letter case and surrounding spaces', () => {
    expect(resolveTimeZone('w. europe standard time', 'UTC')).toBe('Europe/Berlin');
    expect(resolveTimeZone('EASTERN STANDARD TIME', 'UTC')).toBe('America/New_York');
    expect(resolveTimeZone('  Romance Standard Time ', 'UTC')).toBe('Europe/Paris');
  });

  it('keeps IANA names this runtime knows, in their proper spelling', () => {
    expect(resolveTimeZone('Europe/Berlin', 'UTC')).toBe('Europe/Berlin');
    expect(resolveTimeZone('america/new_york', 'UTC')).toBe('America/New_York');
  });

  it('keeps an alias as asked, whatever was asked before', () => {
    // Node's Intl reports Asia/Kolkata under its old name, Asia/Calcutta.
    expect(isKnownTimeZone('asia/kolkata')).toBe(true);
    expect(resolveTimeZone('Asia/Kolkata', 'UTC')).toBe('Asia/Kolkata');
    expect(resolveTimeZone('Asia/Calcutta', 'UTC')).toBe('Asia/Calcutta');
  });

  it.each([['Customized Time Zone'], ['Mars/Olympus_Mons'], ['Pacific Standard'], [''], ['   '], [undefined]])('uses the fallback for %j', (name) => {
    expect(resolveTimeZone(name, 'Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('accepts a Windows name as the fallback too', () => {
    expect(resolveTimeZone('Customized Time Zone', 'Eastern Standard Time')).toBe('America/New_York');
  });

  it('falls back to UTC when the fallback is no zone either', () => {
    expect(resolveTimeZone('Customized Time Zone', 'Not/AZone')).toBe('UTC');
    expect(resolveTimeZone(undefined, '')).toBe('UTC');
  });

  it('maps every Windows zone in the table to a zone this runtime accepts', () => {
    const entries = Object.entries(WINDOWS_TIME_ZONES);
    expect(entries.length).toBeGreaterThanOrEqual(135);
    for (const [windows, iana] of entries) {
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: iana }), `${windows} → ${iana}`).not.toThrow();
      expect(resolveTimeZone(windows, 'Not/AZone'), windows).toBe(iana);
    }
  });

  it('says which configured names are zones', () => {
    expect(isKnownTimeZone('GMT Standard Time')).toBe(true);
    expect(isKnownTimeZone('Pacific/Auckland')).toBe(true);
    expect(isKnownTimeZone('Customized Time Zone')).toBe(false);
    expect(isKnownTimeZone('')).toBe(false);
  });
});

describe('parseWorkingHours', () => {
  it('reads a range and a range of days', () => {
    expect(parseWorkingHours('09:00-17:00', 'mon-fri')).toEqual({ start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] });
  });

  it('defaults to Monday to Friday', () => {
    expect(parseWorkingHours('08:00-16:00').days).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads lists, full names, single-digit hours and spaces', () => {
    expect(parseWorkingHours(' 8:30 - 16:45 ', 'mon,tue,thu')).toEqual({ start: '08:30', end: '16:45', days: [1, 2, 4] });
    expect(parseWorkingHours('09:00-17:00', 'Monday, Wednesday, Thurs').days).toEqual([1, 3, 4]);
  });

  it('lets a range of days wrap past Sunday', () => {
    expect(parseWorkingHours('09:00-17:00', 'sun-thu').days).toEqual([1, 2, 3, 4, 7]);
    expect(parseWorkingHours('09:00-17:00', 'fri-mon').days).toEqual([1, 5, 6, 7]);
    expect(parseWorkingHours('09:00-17:00', 'mon-sun').days).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(parseWorkingHours('09:00-17:00', 'sat-sat,mon').days).toEqual([1, 6]);
  });

  it('accepts 00:00-24:00 as the whole day', () => {
    const wholeDay = parseWorkingHours('00:00-24:00', EVERY_DAY);
    expect(wholeDay).toEqual({ start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });
    expect(isWithinWorkingHours(at('2024-06-08T00:00:00Z'), 'UTC', wholeDay)).toBe(true);
    expect(isWithinWorkingHours(at('2024-06-08T23:59:59Z'), 'UTC', wholeDay)).toBe(true);
  });

  it.each([
    ['9-17', undefined, '"9-17" is not a range of hours'],
    ['09:00', undefined, '"09:00" is not a range of hours'],
    ['25:00-26:00', undefined, '"25:00" cannot start working hours'],
    ['09:00-17:60', undefined, '"17:60" cannot end working hours'],
    ['24:00-24:00', undefined, '"24:00" cannot start working hours'],
    ['17:00-09:00', undefined, 'the end (09:00) must be after the start (17:00)'],
    ['09:00-09:00', undefined, 'the end (09:00) must be after the start (09:00)'],
    ['09:00-17:00', 'mon-funday', '"funday" in "mon-funday" is not a day'],
    ['09:00-17:00', 'mo', '"mo" is not a day'],
    ['09:00-17:00', 'mon,,fri', '"" in "mon,,fri" is not a day'],
    ['09:00-17:00', 'mon-tue-wed', '"mon-tue-wed" is not a day or a range of days'],
    ['09:00-17:00', '  ', 'no working days are given'],
  ])('refuses "%s" / %j, naming the bad part', (range, days, message) => {
    expect(refusal(range, days).message).toContain(message);
  });
});

describe('workingHoursSchema', () => {
  it('defaults the days to Monday to Friday and sorts and de-duplicates them', () => {
    expect(workingHoursSchema.parse({ start: '09:00', end: '17:00' }).days).toEqual([1, 2, 3, 4, 5]);
    expect(workingHoursSchema.parse({ start: '09:00', end: '17:00', days: [5, 1, 5] }).days).toEqual([1, 5]);
  });

  it('refuses a policy without working days, with days outside 1-7, or ending before it starts', () => {
    const messages = (input: unknown) => {
      const result = workingHoursSchema.safeParse(input);
      return result.success ? [] : result.error.issues.map((issue) => issue.message);
    };
    expect(messages({ start: '09:00', end: '17:00', days: [] })).toEqual(['at least one working day is needed']);
    expect(messages({ start: '09:00', end: '17:00', days: [0, 8] })).toHaveLength(2);
    expect(messages({ start: '9am', end: '17:00' })).toEqual(['the start must be a time written HH:MM, from 00:00 to 23:59']);
    expect(messages({ start: '18:00', end: '17:00' })).toEqual(['the end (17:00) must be after the start (18:00)']);
  });
});

describe('localParts', () => {
  it('reads the local date, time and ISO weekday', () => {
    expect(localParts(at('2024-06-03T03:30:00Z'), 'Asia/Kolkata')).toEqual({
      year: 2024,
      month: 6,
      day: 3,
      hour: 9,
      minute: 0,
      isoWeekday: 1,
      dateKey: '2024-06-03',
    });
  });

  it('puts Kiritimati a day ahead of UTC and Honolulu behind it', () => {
    const instant = at('2024-06-09T19:30:00Z');
    expect(wallClock(instant, 'Pacific/Kiritimati')).toBe('2024-06-10 09:30 (1)');
    expect(wallClock(instant, 'Pacific/Honolulu')).toBe('2024-06-09 09:30 (7)');
    expect(wallClock(instant, 'Asia/Kathmandu')).toBe('2024-06-10 01:15 (1)');
  });

  it('shows the repeated hour twice when the clock is set back', () => {
    expect(wallClock(at('2024-10-27T00:30:00Z'), 'Europe/Berlin')).toBe('2024-10-27 02:30 (7)');
    expect(wallClock(at('2024-10-27T01:30:00Z'), 'Europe/Berlin')).toBe('2024-10-27 02:30 (7)');
  });
});

describe('isWithinWorkingHours', () => {
  it.each([
    ['2024-06-03T07:30:00Z', 'Europe/Berlin', true, 'Monday 09:30'],
    ['2024-06-03T06:59:59Z', 'Europe/Berlin', false, 'Monday 08:59'],
    ['2024-06-03T14:59:00Z', 'Europe/Berlin', true, 'Monday 16:59'],
    ['2024-06-03T15:00:00Z', 'Europe/Berlin', false, 'Monday 17:00, the end'],
    ['2024-06-08T10:00:00Z', 'Europe/Berlin', false, 'Saturday noon'],
    ['2024-06-02T23:30:00Z', 'Asia/Tokyo', false, 'Monday 08:30 (Sunday in UTC)'],
    ['2024-06-03T00:30:00Z', 'Asia/Tokyo', true, 'Monday 09:30'],
    ['2024-06-08T02:00:00Z', 'Pacific/Honolulu', true, 'Friday 16:00 (Saturday in UTC)'],
    ['2024-06-07T20:00:00Z', 'Pacific/Kiritimati', false, 'Saturday 10:00 (Friday in UTC)'],
    ['2024-06-09T19:30:00Z', 'Pacific/Kiritimati', true, 'Monday 09:30 (Sunday in UTC)'],
    ['2024-06-03T03:15:00Z', 'Asia/Kathmandu', true, 'Monday 09:00'],
    ['2024-06-03T03:14:00Z', 'Asia/Kathmandu', false, 'Monday 08:59'],
    ['2024-06-07T11:29:00Z', 'Asia/Kolkata', true, 'Friday 16:59'],
    ['2024-06-07T11:30:00Z', 'Asia/Kolkata', false, 'Friday 17:00'],
  ])('at %s in %s is %s (%s)', (iso, zone, expected) => {
    expect(isWithinWorkingHours(at(iso), zone, OFFICE)).toBe(expected);
  });

  it('follows the configured days', () => {
    const sundayToThursday = parseWorkingHours('08:00-16:00', 'sun-thu');
    expect(isWithinWorkingHours(at('2024-06-09T06:00:00Z'), 'Asia/Jerusalem', sundayToThursday)).toBe(true);
    expect(isWithinWorkingHours(at('2024-06-07T06:00:00Z'), 'Asia/Jerusalem', sundayToThursday)).toBe(false);
  });
});

describe('nextWorkingInstant', () => {
  it('is the moment itself inside working hours', () => {
    const from = at('2024-06-04T10:15:30.250Z');
    expect(nextWorkingInstant(from, 'Europe/Berlin', OFFICE)).toEqual(from);
  });

  it('moves a Friday evening to Monday morning, local time', () => {
    const next = nextWorkingInstant(at('2024-06-07T16:30:00Z'), 'Europe/Berlin', OFFICE);
    expect(next.toISOString()).toBe('2024-06-10T07:00:00.000Z');
    expect(wallClock(next, 'Europe/Berlin')).toBe('2024-06-10 09:00 (1)');
  });

  it('moves a Saturday to Monday morning', () => {
    expect(nextWorkingInstant(at('2024-06-08T10:00:00Z'), 'Europe/Berlin', OFFICE).toISOString()).toBe('2024-06-10T07:00:00.000Z');
  });

  it('moves the early morning of a working day to its start', () => {
    expect(nextWorkingInstant(at('2024-06-04T05:00:00Z'), 'Europe/Berlin', OFFICE).toISOString()).toBe('2024-06-04T07:00:00.000Z');
  });

  it('skips the local date of the last message to the next working day', () => {
    const options = { notOnLocalDate: '2024-06-04' };
    expect(nextWorkingInstant(at('2024-06-04T10:00:00Z'), 'Europe/Berlin', OFFICE, options).toISOString()).toBe('2024-06-05T07:00:00.000Z');
    expect(nextWorkingInstant(at('2024-06-04T05:00:00Z'), 'Europe/Berlin', OFFICE, options).toISOString()).toBe('2024-06-05T07:00:00.000Z');
    const friday = nextWorkingInstant(at('2024-06-07T10:00:00Z'), 'Europe/Berlin', OFFICE, { notOnLocalDate: '2024-06-07' });
    expect(wallClock(friday, 'Europe/Berlin')).toBe('2024-06-10 09:00 (1)');
  });

  it('compares the skipped date with the local date, not the UTC one', () => {
    // 21:00 UTC on Monday 3 June is 09:00 on Tuesday 4 June in Auckland.
    const from = at('2024-06-03T21:00:00Z');
    expect(nextWorkingInstant(from, 'Pacific/Auckland', OFFICE, { notOnLocalDate: '2024-06-03' })).toEqual(from);
    const next = nextWorkingInstant(from, 'Pacific/Auckland', OFFICE, { notOnLocalDate: '2024-06-04' });
    expect(next.toISOString()).toBe('2024-06-04T21:00:00.000Z');
    expect(wallClock(next, 'Pacific/Auckland')).toBe('2024-06-05 09:00 (3)');
  });

  describe('in Europe/Berlin around DST', () => {
    const zone = 'Europe/Berlin';

    it('starts Monday at 09:00 summer time after the clocks go forward', () => {
      const next = nextWorkingInstant(at('2024-03-29T17:00:00Z'), zone, OFFICE);
      expect(next.toISOString()).toBe('2024-04-01T07:00:00.000Z');
      expect(wallClock(next, zone)).toBe('2024-04-01 09:00 (1)');
    });

    it('moves a start time the clock skips to the moment it jumps', () => {
      const hours = parseWorkingHours('02:30-17:00', EVERY_DAY);
      const next = nextWorkingInstant(at('2024-03-30T20:00:00Z'), zone, hours);
      expect(next.toISOString()).toBe('2024-03-31T01:00:00.000Z');
      expect(wallClock(next, zone)).toBe('2024-03-31 03:00 (7)');
    });

    it('takes the first of a repeated start time, or the second once the first has passed', () => {
      const hours = parseWorkingHours('02:30-17:00', EVERY_DAY);
      const first = nextWorkingInstant(at('2024-10-26T20:00:00Z'), zone, hours);
      expect(first.toISOString()).toBe('2024-10-27T00:30:00.000Z');
      expect(wallClock(first, zone)).toBe('2024-10-27 02:30 (7)');
      const second = nextWorkingInstant(at('2024-10-27T01:10:00Z'), zone, hours);
      expect(second.toISOString()).toBe('2024-10-27T01:30:00.000Z');
      expect(wallClock(second, zone)).toBe('2024-10-27 02:30 (7)');
    });

    it('starts Monday at 09:00 winter time after the clocks go back', () => {
      const next = nextWorkingInstant(at('2024-10-25T16:00:00Z'), zone, OFFICE);
      expect(next.toISOString()).toBe('2024-10-28T08:00:00.000Z');
      expect(wallClock(next, zone)).toBe('2024-10-28 09:00 (1)');
    });
  });

  describe('in America/New_York around DST', () => {
    const zone = 'America/New_York';

    it('starts Monday at 09:00 daylight time after the clocks go forward', () => {
      const next = nextWorkingInstant(at('2024-03-08T23:00:00Z'), zone, OFFICE);
      expect(next.toISOString()).toBe('2024-03-11T13:00:00.000Z');
      expect(wallClock(next, zone)).toBe('2024-03-11 09:00 (1)');
    });

    it('moves a start time the clock skips to the moment it jumps', () => {
      const next = nextWorkingInstant(at('2024-03-09T23:00:00Z'), zone, parseWorkingHours('02:15-17:00', EVERY_DAY));
      expect(next.toISOString()).toBe('2024-03-10T07:00:00.000Z');
      expect(wallClock(next, zone)).toBe('2024-03-10 03:00 (7)');
    });

    it('takes the first of a repeated start time, or the second once the first has passed', () => {
      const hours = parseWorkingHours('01:30-17:00', EVERY_DAY);
      expect(nextWorkingInstant(at('2024-11-02T22:00:00Z'), zone, hours).toISOString()).toBe('2024-11-03T05:30:00.000Z');
      const second = nextWorkingInstant(at('2024-11-03T06:15:00Z'), zone, hours);
      expect(second.toISOString()).toBe('2024-11-03T06:30:00.000Z');
      expect(wallClock(second, zone)).toBe('2024-11-03 01:30 (7)');
    });

    it('counts the hour the clock repeats as working time again', () => {
      // 01:45 daylight time is past a 01:30 end; at 02:00 the clock goes back to 01:00, inside the hours once more.
      const next = nextWorkingInstant(at('2024-11-03T05:45:00Z'), zone, parseWorkingHours('00:00-01:30', EVERY_DAY));
      expect(next.toISOString()).toBe('2024-11-03T06:00:00.000Z');
      expect(wallClock(next, zone)).toBe('2024-11-03 01:00 (7)');
    });

    it('starts the day before the clocks go back at its own start, not at the change', () => {
      const next = nextWorkingInstant(at('2024-11-02T06:00:00Z'), zone, parseWorkingHours('00:00-01:30', 'sat-mon'));
      expect(next.toISOString()).toBe('2024-11-03T04:00:00.000Z');
      expect(wallClock(next, zone)).toBe('2024-11-03 00:00 (7)');
    });

    it('starts Monday at 09:00 standard time after the clocks go back', () => {
      const next = nextWorkingInstant(at('2024-11-01T22:00:00Z'), zone, OFFICE);
      expect(next.toISOString()).toBe('2024-11-04T14:00:00.000Z');
      expect(wallClock(next, zone)).toBe('2024-11-04 09:00 (1)');
    });
  });

  it.each([
    ['Asia/Kolkata', '2024-06-07T12:00:00Z', '2024-06-10T03:30:00.000Z', '2024-06-10 09:00 (1)'],
    ['Asia/Kathmandu', '2024-06-08T06:00:00Z', '2024-06-10T03:15:00.000Z', '2024-06-10 09:00 (1)'],
    ['Pacific/Auckland', '2024-04-05T04:30:00Z', '2024-04-07T21:00:00.000Z', '2024-04-08 09:00 (1)'],
    ['Pacific/Auckland', '2024-09-27T05:30:00Z', '2024-09-29T20:00:00.000Z', '2024-09-30 09:00 (1)'],
    ['Pacific/Kiritimati', '2024-06-07T03:30:00Z', '2024-06-09T19:00:00.000Z', '2024-06-10 09:00 (1)'],
    ['Australia/Lord_Howe', '2024-04-05T06:30:00Z', '2024-04-07T22:30:00.000Z', '2024-04-08 09:00 (1)'],
  ])('in %s moves %s (Friday evening or Saturday) to %s', (zone, from, expected, local) => {
    const next = nextWorkingInstant(at(from), zone, OFFICE);
    expect(next.toISOString()).toBe(expected);
    expect(wallClock(next, zone)).toBe(local);
  });

  it('finds the same instant as a minute-by-minute search, across DST weekends and odd offsets', () => {
    // Each zone with the Saturdays (UTC) before it changes its clocks in 2024, or any weekend when it has no DST.
    const cases: [string, string[]][] = [
      ['Europe/Berlin', ['2024-03-30', '2024-10-26']],
      ['America/New_York', ['2024-03-09', '2024-11-02']],
      ['Pacific/Auckland', ['2024-04-06', '2024-09-28']],
      ['Pacific/Chatham', ['2024-04-06', '2024-09-28']],
      ['Australia/Lord_Howe', ['2024-04-06', '2024-10-05']],
      ['Asia/Kolkata', ['2024-06-08']],
      ['Asia/Kathmandu', ['2024-06-08']],
    ];
    const policies = [OFFICE, parseWorkingHours('02:30-03:15', EVERY_DAY), parseWorkingHours('00:00-01:30', 'sat-mon'), parseWorkingHours('08:00-24:00', 'sun')];
    let checked = 0;
    for (const [zone, saturdays] of cases) {
      for (const [p, hours] of policies.entries()) {
        for (const saturday of saturdays) {
          // Starting points spread over the weekend, off the minute.
          const from = new Date(Date.parse(`${saturday}T00:00:00Z`) + (p * 11 + checked) * 3_600_000 + 17_000);
          expect(nextWorkingInstant(from, zone, hours), `${zone} ${hours.start}-${hours.end} from ${from.toISOString()}`).toEqual(
            bruteForceNext(from, zone, hours),
          );
          checked++;
        }
      }
    }
    expect(checked).toBe(48);
  });

  it('refuses a policy with no working days instead of searching for ever', () => {
    const noDays: WorkingHours = { start: '09:00', end: '17:00', days: [] };
    expect(() => nextWorkingInstant(at('2024-06-03T10:00:00Z'), 'UTC', noDays)).toThrow(/No working time within 15 days/);
  });

  it('refuses a skipped date that is not a real YYYY-MM-DD date', () => {
    expect(() => nextWorkingInstant(at('2024-06-03T10:00:00Z'), 'UTC', OFFICE, { notOnLocalDate: '3/6/2024' })).toThrow(AppError);
    expect(() => nextWorkingInstant(at('2024-06-03T10:00:00Z'), 'UTC', OFFICE, { notOnLocalDate: '2024-02-30' })).toThrow(/YYYY-MM-DD/);
  });
});

/**
 * The test's own answer, by trying whole minutes after `from` in order: five at a time, then back
 * minute by minute to where that stretch of working time began. Every stretch the policies above
 * allow lasts at least 15 minutes, even on DST days, so the stride cannot step over one.
 */
function bruteForceNext(from: Date, zone: string, hours: WorkingHours): Date {
  if (isWithinWorkingHours(from, zone, hours)) return from;
  const minute = 60_000;
  const firstMinute = Math.ceil((from.getTime() + 1) / minute) * minute;
  const working = (ms: number) => ms >= firstMinute && isWithinWorkingHours(new Date(ms), zone, hours);
  for (let stride = 0; stride < (16 * 24 * 60) / 5; stride++) {
    let found = firstMinute + stride * 5 * minute;
    if (!working(found)) continue;
    while (working(found - minute)) found -= minute;
    return new Date(found);
  }
  throw new Error('no working time in 16 days');
}

describe('addLocalDays', () => {
  it('keeps the local time across the spring change in Europe/Berlin', () => {
    const later = addLocalDays(at('2024-03-29T09:00:00Z'), 'Europe/Berlin', 3);
    expect(later.toISOString()).toBe('2024-04-01T08:00:00.000Z');
    expect(wallClock(later, 'Europe/Berlin')).toBe('2024-04-01 10:00 (1)');
  });

  it('keeps the local time across the autumn change in America/New_York', () => {
    const later = addLocalDays(at('2024-11-01T14:00:00Z'), 'America/New_York', 3);
    expect(later.toISOString()).toBe('2024-11-04T15:00:00.000Z');
    expect(wallClock(later, 'America/New_York')).toBe('2024-11-04 10:00 (1)');
  });

  it('keeps the local time across the April change in Pacific/Auckland', () => {
    const later = addLocalDays(at('2024-04-05T21:00:00Z'), 'Pacific/Auckland', 2);
    expect(later.toISOString()).toBe('2024-04-07T22:00:00.000Z');
    expect(wallClock(later, 'Pacific/Auckland')).toBe('2024-04-08 10:00 (1)');
  });

  it('goes back with a negative count and keeps seconds and milliseconds', () => {
    expect(addLocalDays(at('2024-04-01T08:00:00Z'), 'Europe/Berlin', -3).toISOString()).toBe('2024-03-29T09:00:00.000Z');
    expect(addLocalDays(at('2024-03-29T09:00:05.123Z'), 'Europe/Berlin', 7).toISOString()).toBe('2024-04-05T08:00:05.123Z');
  });

  it('lands on the first of a repeated local time', () => {
    const later = addLocalDays(at('2024-10-26T00:30:00Z'), 'Europe/Berlin', 1);
    expect(later.toISOString()).toBe('2024-10-27T00:30:00.000Z');
    expect(wallClock(later, 'Europe/Berlin')).toBe('2024-10-27 02:30 (7)');
  });

  it('moves a local time the clock skips to the moment it jumps', () => {
    const later = addLocalDays(at('2024-03-30T01:30:00Z'), 'Europe/Berlin', 1);
    expect(later.toISOString()).toBe('2024-03-31T01:00:00.000Z');
    expect(wallClock(later, 'Europe/Berlin')).toBe('2024-03-31 03:00 (7)');
  });

  it('refuses a fractional number of days', () => {
    expect(() => addLocalDays(at('2024-03-29T09:00:00Z'), 'Europe/Berlin', 1.5)).toThrow(AppError);
  });
});

describe('addWorkingDays', () => {
  const office = parseWorkingHours('09:00-17:00', 'mon-fri');

  it('counts only working days: two from a Friday afternoon is Tuesday, at the same time', () => {
    // Friday 4 December 2026, 15:00 in Berlin.
    expect(addWorkingDays(new Date('2026-12-04T14:00:00.000Z'), 'Europe/Berlin', 2, office).toISOString()).toBe('2026-12-08T14:00:00.000Z');
  });

  it('moves a result outside working hours to the next working morning', () => {
    // Wednesday 18:30 in New York + 1 working day = Thursday 18:30, after hours: Friday 09:00.
    expect(addWorkingDays(new Date('2026-12-02T23:30:00.000Z'), 'America/New_York', 1, office).toISOString()).toBe('2026-12-04T14:00:00.000Z');
  });

  it('follows the configured week (sun-thu) and keeps the wall-clock time across a DST change', () => {
    const gulf = parseWorkingHours('08:00-16:00', 'sun-thu');
    // Thursday 10:00 in Dubai + 1 = Sunday 10:00.
    expect(addWorkingDays(new Date('2026-12-03T06:00:00.000Z'), 'Asia/Dubai', 1, gulf).toISOString()).toBe('2026-12-06T06:00:00.000Z');
    // Friday 23 October 2026, 10:00 in Berlin (summer time) + 1 = Monday 26 October, 10:00 in winter time.
    expect(addWorkingDays(new Date('2026-10-23T08:00:00.000Z'), 'Europe/Berlin', 1, office).toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('with 0 days is the next working moment', () => {
    expect(addWorkingDays(new Date('2026-12-05T12:00:00.000Z'), 'Europe/London', 0, office).toISOString()).toBe('2026-12-07T09:00:00.000Z');
  });
});

describe('addDateKeyDays', () => {
  it('counts calendar days across month, year and leap-day ends', () => {
    expect(addDateKeyDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDateKeyDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDateKeyDays('2026-12-04', 90)).toBe('2027-03-04');
    expect(addDateKeyDays('2027-03-01', -1)).toBe('2027-02-28');
  });
});
