// Wall clocks in IANA zones: the local date and time at an instant, and the instants a local time names, across DST changes and odd offsets.

import { AppError } from '../errors/app-error.js';

const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The date and time a clock on the wall shows in a zone at some instant. */
export interface LocalParts {
  year: number;
  /** 1-12. */
  month: number;
  day: number;
  /** 0-23. */
  hour: number;
  minute: number;
  /** 1 = Monday … 7 = Sunday. */
  isoWeekday: number;
  /** YYYY-MM-DD: compare with it to allow one message per local day. */
  dateKey: string;
}

interface ZoneClock {
  formatter: Intl.DateTimeFormat;
  /** UTC offset by whole second of the instant: people in one zone are scheduled from the same instants. */
  offsets: Map<number, number>;
}

const zoneClocks = new Map<string, ZoneClock>();
const OFFSETS_PER_ZONE_LIMIT = 10_000;

function zoneClock(zone: string): ZoneClock {
  let clock = zoneClocks.get(zone);
  if (clock === undefined) {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    clock = { formatter, offsets: new Map() };
    zoneClocks.set(zone, clock);
  }
  return clock;
}

/** Milliseconds the zone's wall clock is ahead of UTC at this instant (negative west of Greenwich). */
function offsetAt(instantMs: number, zone: string): number {
  const clock = zoneClock(zone);
  const second = Math.floor(instantMs / SECOND_MS);
  const known = clock.offsets.get(second);
  if (known !== undefined) return known;
  const offset = wallClockOf(clock.formatter.formatToParts(second * SECOND_MS)) - second * SECOND_MS;
  if (clock.offsets.size >= OFFSETS_PER_ZONE_LIMIT) clock.offsets.clear();
  clock.offsets.set(second, offset);
  return offset;
}

/** A wall-clock reading as milliseconds since the epoch, as if the wall were in UTC: calendar arithmetic on it never meets DST. */
function wallClockOf(parts: Intl.DateTimeFormatPart[]): number {
  const field = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of parts) {
    if (part.type in field) field[part.type as keyof typeof field] = Number(part.value);
  }
  return Date.UTC(field.year, field.month - 1, field.day, field.hour, field.minute, field.second);
}

export function wallClockAt(instantMs: number, zone: string): number {
  return instantMs + offsetAt(instantMs, zone);
}

/** The local date and time in a zone (an IANA name, as resolveTimeZone returns) at an instant. */
export function localParts(instant: Date, zone: string): LocalParts {
  const wallMs = wallClockAt(instantMs(instant), zone);
  const wall = new Date(wallMs);
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth() + 1;
  const day = wall.getUTCDate();
  const dateKey = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { year, month, day, hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), isoWeekday: isoWeekdayOf(localDayOf(wallMs)), dateKey };
}

/** Days since 1970-01-01 of a wall-clock reading: local dates compared as numbers, as this runs for every person. */
export function localDayOf(wallMs: number): number {
  return Math.floor(wallMs / DAY_MS);
}

export function isoWeekdayOf(localDay: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((localDay + 3) % 7) + 7) % 7) + 1;
}

/**
 * Every instant at which the zone's clock shows this wall-clock reading: one, two when the clock
 * is set back and the hour repeats, none when the clock jumps over it. Guessing with the offsets
 * in force a day either side of it finds them without scanning, as real zones change offset at
 * most once in that span.
 */
export function instantsShowing(wallMs: number, zone: string): number[] {
  const offsets = new Set([offsetAt(wallMs - DAY_MS, zone), offsetAt(wallMs + DAY_MS, zone)]);
  return [...offsets]
    .map((offset) => wallMs - offset)
    .filter((instant) => wallClockAt(instant, zone) === wallMs)
    .sort((a, b) => a - b);
}

/**
 * The first instant whose wall clock reads this time or later: the time itself when it exists
 * (its first occurrence when the hour repeats), the moment the clock jumps forward when it was
 * skipped (02:30 on a spring-forward night becomes 03:00 in Europe/Berlin).
 */
export function firstInstantShowing(wallMs: number, zone: string): number {
  const exact = instantsShowing(wallMs, zone)[0];
  if (exact !== undefined) return exact;
  // Offsets lie within UTC-12..UTC+14, so the wall clock is before the reading at the lower end and past it at the upper.
  return firstInstantWhere(wallMs - 15 * HOUR_MS, wallMs + 13 * HOUR_MS, (instant) => wallClockAt(instant, zone) >= wallMs);
}

/** Binary search, to the second, for where `holds` turns true between `low` (false) and `high` (true). */
function firstInstantWhere(low: number, high: number, holds: (instantMs: number) => boolean): number {
  low = Math.floor(low / SECOND_MS) * SECOND_MS;
  high = Math.ceil(high / SECOND_MS) * SECOND_MS;
  for (let step = 0; step < 64 && high - low > SECOND_MS; step++) {
    const middle = low + Math.floor((high - low) / 2 / SECOND_MS) * SECOND_MS;
    if (holds(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/** The instants at which the zone's offset changes during the local day starting at this wall clock. */
export function clockChangesDuring(dayWallMs: number, zone: string): number[] {
  // A local day lies between these two instants whatever the zone's offset.
  const before = dayWallMs - DAY_MS;
  const after = dayWallMs + 2 * DAY_MS;
  const offsetBefore = offsetAt(before, zone);
  if (offsetBefore === offsetAt(after, zone)) return [];
  const change = firstInstantWhere(before, after, (instant) => offsetAt(instant, zone) !== offsetBefore);
  return localDayOf(wallClockAt(change, zone)) === localDayOf(dayWallMs) ? [change] : [];
}

/** The instant showing the same local wall-clock time `days` local days later (earlier when negative), whatever DST does in between. */
export function addLocalDays(instant: Date, zone: string, days: number): Date {
  if (!Number.isInteger(days)) throw new AppError('internal', `addLocalDays needs a whole number of days, not ${days}.`);
  return new Date(firstInstantShowing(wallClockAt(instantMs(instant), zone) + days * DAY_MS, zone));
}

export function instantMs(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new AppError('internal', 'A working-hours calculation was given an invalid date.');
  return ms;
}

/** A local date (YYYY-MM-DD) plus whole days (negative: earlier): calendar arithmetic, no time zone involved. */
export function addDateKeyDays(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}
