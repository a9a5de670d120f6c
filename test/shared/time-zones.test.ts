// Windows zone ids read from Unicode's CLDR data: today's defaults, today's IANA names, and the ids Windows retired.

import { describe, expect, it } from 'vitest';
import { resolveTimeZone, WINDOWS_TIME_ZONES } from '../../src/shared/time-zones.js';

describe('Windows zone ids from CLDR', () => {
  it.each([
    // CLDR moved these defaults when the places changed their clocks (Chihuahua in 2022, Almaty in 2024).
    ['Mountain Standard Time (Mexico)', 'America/Mazatlan'],
    ['Central Asia Standard Time', 'Asia/Bishkek'],
    // CLDR keeps the old spelling as its own name; IANA's current one is used.
    ['FLE Standard Time', 'Europe/Kyiv'],
    ['Greenland Standard Time', 'America/Nuuk'],
    ['Myanmar Standard Time', 'Asia/Yangon'],
    ['US Eastern Standard Time', 'America/Indiana/Indianapolis'],
    ['Argentina Standard Time', 'America/Argentina/Buenos_Aires'],
  ])('maps %s to %s', (windows, iana) => {
    expect(WINDOWS_TIME_ZONES[windows]).toBe(iana);
    expect(resolveTimeZone(windows, 'UTC')).toBe(iana);
  });

  it('still knows the ids Windows retired, which old mailboxes keep', () => {
    expect(resolveTimeZone('Mid-Atlantic Standard Time', 'UTC')).toBe('Etc/GMT+2');
    expect(resolveTimeZone('Kamchatka Standard Time', 'UTC')).toBe('Asia/Kamchatka');
  });

  it('holds the ends of the Windows list and its newer ids', () => {
    for (const id of ['Dateline Standard Time', 'Yukon Standard Time', 'Volgograd Standard Time', 'Line Islands Standard Time']) {
      expect(Object.hasOwn(WINDOWS_TIME_ZONES, id), id).toBe(true);
    }
  });
});
