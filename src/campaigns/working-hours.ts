// When a campaign message may reach someone: their working hours, in their own time zone, across DST changes and odd offsets.

import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

// ── Time zone names ─────────────────────────────────────────────────────────────────────────────

/**
 * Windows time zone id → IANA zone: CLDR windowsZones.xml, the territory "001" (default) row of
 * every id, with current IANA names where CLDR keeps an old alias (Asia/Calcutta → Asia/Kolkata).
 * Exchange mailbox settings mostly hold these Windows ids.
 */
export const WINDOWS_TIME_ZONES: Readonly<Record<string, string>> = {
  'Dateline Standard Time': 'Etc/GMT+12',
  'UTC-11': 'Etc/GMT+11',
  'Aleutian Standard Time': 'America/Adak',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Marquesas Standard Time': 'Pacific/Marquesas',
  'Alaskan Standard Time': 'America/Anchorage',
  'UTC-09': 'Etc/GMT+9',
  'Pacific Standard Time (Mexico)': 'America/Tijuana',
  'UTC-08': 'Etc/GMT+8',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time (Mexico)': 'America/Mazatlan',
  'Mountain Standard Time': 'America/Denver',
  'Yukon Standard Time': 'America/Whitehorse',
  'Central America Standard Time': 'America/Guatemala',
  'Central Standard Time': 'America/Chicago',
  'Easter Island Standard Time': 'Pacific/Easter',
  'Central Standard Time (Mexico)': 'America/Mexico_City',
  'Canada Central Standard Time': 'America/Regina',
  'SA Pacific Standard Time': 'America/Bogota',
  'Eastern Standard Time (Mexico)': 'America/Cancun',
  'Eastern Standard Time': 'America/New_York',
  'Haiti Standard Time': 'America/Port-au-Prince',
  'Cuba Standard Time': 'America/Havana',
  'US Eastern Standard Time': 'America/Indiana/Indianapolis',
  'Turks And Caicos Standard Time': 'America/Grand_Turk',
  'Paraguay Standard Time': 'America/Asuncion',
  'Atlantic Standard Time': 'America/Halifax',
  'Venezuela Standard Time': 'America/Caracas',
  'Central Brazilian Standard Time': 'America/Cuiaba',
  'SA Western Standard Time': 'America/La_Paz',
  'Pacific SA Standard Time': 'America/Santiago',
  'Newfoundland Standard Time': 'America/St_Johns',
  'Tocantins Standard Time': 'America/Araguaina',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'SA Eastern Standard Time': 'America/Cayenne',
  'Argentina Standard Time': 'America/Argentina/Buenos_Aires',
  'Greenland Standard Time': 'America/Nuuk',
  'Montevideo Standard Time': 'America/Montevideo',
  'Magallanes Standard Time': 'America/Punta_Arenas',
  'Saint Pierre Standard Time': 'America/Miquelon',
  'Bahia Standard Time': 'America/Bahia',
  'UTC-02': 'Etc/GMT+2',
  // Retired by Windows, still found on old mailboxes.
  'Mid-Atlantic Standard Time': 'Etc/GMT+2',
  'Azores Standard Time': 'Atlantic/Azores',
  'Cape Verde Standard Time': 'Atlantic/Cape_Verde',
  UTC: 'Etc/UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'Sao Tome Standard Time': 'Africa/Sao_Tome',
  'Morocco Standard Time': 'Africa/Casablanca',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Romance Standard Time': 'Europe/Paris',
  'Central European Standard Time': 'Europe/Warsaw',
  'W. Central Africa Standard Time': 'Africa/Lagos',
  'Jordan Standard Time': 'Asia/Amman',
  'GTB Standard Time': 'Europe/Bucharest',
  'Middle East Standard Time': 'Asia/Beirut',
  'Egypt Standard Time': 'Africa/Cairo',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'Syria Standard Time': 'Asia/Damascus',
  'West Bank Standard Time': 'Asia/Hebron',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'FLE Standard Time': 'Europe/Kyiv',
  'Israel Standard Time': 'Asia/Jerusalem',
  'South Sudan Standard Time': 'Africa/Juba',
  'Kaliningrad Standard Time': 'Europe/Kaliningrad',
  'Sudan Standard Time': 'Africa/Khartoum',
  'Libya Standard Time': 'Africa/Tripoli',
  'Namibia Standard Time': 'Africa/Windhoek',
  'Arabic Standard Time': 'Asia/Baghdad',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Arab Standard Time': 'Asia/Riyadh',
  'Belarus Standard Time': 'Europe/Minsk',
  'Russian Standard Time': 'Europe/Moscow',
  'E. Africa Standard Time': 'Africa/Nairobi',
  'Iran Standard Time': 'Asia/Tehran',
  'Arabian Standard Time': 'Asia/Dubai',
  'Astrakhan Standard Time': 'Europe/Astrakhan',
  'Azerbaijan Standard Time': 'Asia/Baku',
  'Russia Time Zone 3': 'Europe/Samara',
  'Mauritius Standard Time': 'Indian/Mauritius',
  'Saratov Standard Time': 'Europe/Saratov',
  'Georgian Standard Time': 'Asia/Tbilisi',
  'Volgograd Standard Time': 'Europe/Volgograd',
  'Caucasus Standard Time': 'Asia/Yerevan',
  'Afghanistan Standard Time': 'Asia/Kabul',
  'West Asia Standard Time': 'Asia/Tashkent',
  'Ekaterinburg Standard Time': 'Asia/Yekaterinburg',
  'Pakistan Standard Time': 'Asia/Karachi',
  'Qyzylorda Standard Time': 'Asia/Qyzylorda',
  'India Standard Time': 'Asia/Kolkata',
  'Sri Lanka Standard Time': 'Asia/Colombo',
  'Nepal Standard Time': 'Asia/Kathmandu',
  'Central Asia Standard Time': 'Asia/Bishkek',
  'Bangladesh Standard Time': 'Asia/Dhaka',
  'Omsk Standard Time': 'Asia/Omsk',
  'Myanmar Standard Time': 'Asia/Yangon',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'Altai Standard Time': 'Asia/Barnaul',
  'W. Mongolia Standard Time': 'Asia/Hovd',
  'North Asia Standard Time': 'Asia/Krasnoyarsk',
  'N. Central Asia Standard Time': 'Asia/Novosibirsk',
  'Tomsk Standard Time': 'Asia/Tomsk',
  'China Standard Time': 'Asia/Shanghai',
  'North Asia East Standard Time': 'Asia/Irkutsk',
  'Singapore Standard Time': 'Asia/Singapore',
  'W. Australia Standard Time': 'Australia/Perth',
  'Taipei Standard Time': 'Asia/Taipei',
  'Ulaanbaatar Standard Time': 'Asia/Ulaanbaatar',
  'Aus Central W. Standard Time': 'Australia/Eucla',
  'Transbaikal Standard Time': 'Asia/Chita',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'North Korea Standard Time': 'Asia/Pyongyang',
  'Korea Standard Time': 'Asia/Seoul',
  'Yakutsk Standard Time': 'Asia/Yakutsk',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'AUS Central Standard Time': 'Australia/Darwin',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'West Pacific Standard Time': 'Pacific/Port_Moresby',
  'Tasmania Standard Time': 'Australia/Hobart',
  'Vladivostok Standard Time': 'Asia/Vladivostok',
  'Lord Howe Standard Time': 'Australia/Lord_Howe',
  'Bougainville Standard Time': 'Pacific/Bougainville',
  'Russia Time Zone 10': 'Asia/Srednekolymsk',
  'Magadan Standard Time': 'Asia/Magadan',
  'Norfolk Standard Time': 'Pacific/Norfolk',
  'Sakhalin Standard Time': 'Asia/Sakhalin',
  'Central Pacific Standard Time': 'Pacific/Guadalcanal',
  'Russia Time Zone 11': 'Asia/Kamchatka',
  // Retired by Windows, still found on old mailboxes.
  'Kamchatka Standard Time': 'Asia/Kamchatka',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'UTC+12': 'Etc/GMT-12',
  'Fiji Standard Time': 'Pacific/Fiji',
  'Chatham Islands Standard Time': 'Pacific/Chatham',
  'UTC+13': 'Etc/GMT-13',
  'Tonga Standard Time': 'Pacific/Tongatapu',
  'Samoa Standard Time': 'Pacific/Apia',
  'Line Islands Standard Time': 'Pacific/Kiritimati',
};

const IANA_BY_WINDOWS_NAME = new Map(Object.entries(WINDOWS_TIME_ZONES).map(([windows, iana]) => [windows.toLowerCase(), iana]));

/** Names resolved so far: every person's mailbox zone goes through here, and building an Intl formatter to validate one is slow. */
const resolvedNames = new Map<string, string | undefined>();
const RESOLVED_NAMES_LIMIT = 2_000;

/**
 * The IANA zone to schedule someone in: their mailbox's zone (a Windows or IANA name) when this
 * runtime knows it, else the tenant's fallback (also Windows or IANA), else UTC.
 */
export function resolveTimeZone(name: string | undefined, fallback: string): string {
  return zoneFromName(name) ?? zoneFromName(fallback) ?? 'UTC';
}

/** Whether a configured or mailbox zone name (Windows or IANA) names a zone this runtime knows. */
export function isKnownTimeZone(name: string): boolean {
  return zoneFromName(name) !== undefined;
}

function zoneFromName(name: string | undefined): string | undefined {
  const trimmed = name?.trim();
  if (!trimmed) return undefined;
  // Keyed as written, not lower-cased: an IANA alias keeps the spelling it was asked in (see validIanaZone).
  if (resolvedNames.has(trimmed)) return resolvedNames.get(trimmed);
  const zone = validIanaZone(IANA_BY_WINDOWS_NAME.get(trimmed.toLowerCase()) ?? trimmed);
  // Mailbox settings are free text, so unknown names are unbounded: forget them all rather than grow.
  if (resolvedNames.size >= RESOLVED_NAMES_LIMIT) resolvedNames.clear();
  resolvedNames.set(trimmed, zone);
  return zone;
}

function validIanaZone(name: string): string | undefined {
  try {
    const reported = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // Intl reports some zones under an older alias (Asia/Kolkata as Asia/Calcutta); keep the name
    // asked for, in Intl's spelling only when it is the same name in other letter case.
    return reported.toLowerCase() === name.toLowerCase() ? reported : name;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

// ── Wall clocks ─────────────────────────────────────────────────────────────────────────────────

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

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

function wallClockAt(instantMs: number, zone: string): number {
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
function localDayOf(wallMs: number): number {
  return Math.floor(wallMs / DAY_MS);
}

function isoWeekdayOf(localDay: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((localDay + 3) % 7) + 7) % 7) + 1;
}

/**
 * Every instant at which the zone's clock shows this wall-clock reading: one, two when the clock
 * is set back and the hour repeats, none when the clock jumps over it. Guessing with the offsets
 * in force a day either side of it finds them without scanning, as real zones change offset at
 * most once in that span.
 */
function instantsShowing(wallMs: number, zone: string): number[] {
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
function firstInstantShowing(wallMs: number, zone: string): number {
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
function clockChangesDuring(dayWallMs: number, zone: string): number[] {
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

function instantMs(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new AppError('internal', 'A working-hours calculation was given an invalid date.');
  return ms;
}

// ── The working-hours policy ────────────────────────────────────────────────────────────────────

/** ISO weekday numbers: 1 = Monday … 7 = Sunday. */
export const DEFAULT_WORKING_DAYS: readonly number[] = [1, 2, 3, 4, 5];

const START_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

export const workingHoursSchema = z
  .object({
    start: z.string().regex(START_TIME, 'the start must be a time written HH:MM, from 00:00 to 23:59'),
    /** 24:00 ends the day, so 00:00-24:00 is the whole day. */
    end: z.string().regex(END_TIME, 'the end must be a time written HH:MM, from 00:01 to 24:00'),
    days: z
      .array(z.number().int().min(1, 'days are ISO weekdays, 1 (Monday) to 7 (Sunday)').max(7, 'days are ISO weekdays, 1 (Monday) to 7 (Sunday)'))
      .min(1, 'at least one working day is needed')
      .default([...DEFAULT_WORKING_DAYS])
      .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
  })
  .refine(
    (hours) => !START_TIME.test(hours.start) || !END_TIME.test(hours.end) || minuteOfDay(hours.end) > minuteOfDay(hours.start),
    (hours) => ({ message: `the end (${hours.end}) must be after the start (${hours.start})`, path: ['end'] }),
  );

/** Local hours (start inclusive, end exclusive) on ISO weekdays when messages may be sent. */
export type WorkingHours = z.output<typeof workingHoursSchema>;

/** Minutes since midnight of an HH:MM the schema accepted. */
function minuteOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/**
 * The policy from configuration text: a range such as "09:00-17:00" and days such as "mon-fri",
 * "mon,tue,thu" or "sun-thu" (a range may wrap past Sunday). Throws an error naming the bad part.
 */
export function parseWorkingHours(rangeText: string, daysText = 'mon-fri'): WorkingHours {
  const { start, end } = parseTimeRange(rangeText);
  const parsed = workingHoursSchema.safeParse({ start, end, days: parseWorkingDays(daysText) });
  if (!parsed.success) throw invalidPolicy(parsed.error.issues.map((issue) => issue.message).join('; ') + '.');
  return parsed.data;
}

function parseTimeRange(text: string): { start: string; end: string } {
  const match = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(text);
  if (!match) throw invalidPolicy(`"${text}" is not a range of hours; write it as HH:MM-HH:MM, such as 09:00-17:00.`);
  return { start: clockTime(match[1] ?? '', START_TIME), end: clockTime(match[2] ?? '', END_TIME) };
}

function clockTime(text: string, allowed: RegExp): string {
  const padded = text.padStart(5, '0');
  if (allowed.test(padded)) return padded;
  const role = allowed === END_TIME ? 'end working hours; use a time from 00:01 to 24:00' : 'start working hours; use a time from 00:00 to 23:59';
  throw invalidPolicy(`"${text}" cannot ${role}.`);
}

function parseWorkingDays(text: string): number[] {
  if (text.trim() === '') throw invalidPolicy('no working days are given; write them as mon-fri, or list them as mon,tue,thu.');
  const days = new Set<number>();
  for (const item of text.split(',')) {
    const [first = '', last, extra] = item.split(/[-–]/);
    if (extra !== undefined) throw invalidPolicy(`"${item.trim()}" is not a day or a range of days such as mon-fri.`);
    const from = isoWeekdayNamed(first, text);
    const to = last === undefined ? from : isoWeekdayNamed(last, text);
    // Ranges may wrap past Sunday ("fri-mon"), as weeks do.
    let day = from;
    for (let step = 0; step < 7; step++) {
      days.add(day);
      if (day === to) break;
      day = (day % 7) + 1;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** "mon", "tues", "Thursday": any word of three letters or more that begins a day's English name. */
function isoWeekdayNamed(word: string, wholeText: string): number {
  const name = word.trim().toLowerCase();
  const index = name.length >= 3 ? DAY_NAMES.findIndex((day) => day.startsWith(name)) : -1;
  if (index < 0) {
    const where = name === wholeText.trim().toLowerCase() ? '' : ` in "${wholeText}"`;
    throw invalidPolicy(`"${word.trim()}"${where} is not a day; use mon, tue, wed, thu, fri, sat or sun, or a range such as mon-fri.`);
  }
  return index + 1;
}

function invalidPolicy(message: string): AppError {
  return new AppError('config.invalid', `Working hours: ${message}`, { userFault: true, userMessage: `Working hours: ${message}` });
}

// ── Scheduling ──────────────────────────────────────────────────────────────────────────────────

/** How far ahead to look: a week covers any non-empty set of days, the rest is room for a skipped date. */
const MAX_LOOKAHEAD_DAYS = 15;

const DATE_KEY = /^\d{4}-\d{2}-\d{2}$/;

export interface NextWorkingInstantOptions {
  /** A local date (YYYY-MM-DD) to skip: pass the date of the last message to send at most one a day. */
  notOnLocalDate?: string;
}

/** Whether the wall clock in the zone is inside the working hours on a working day. */
export function isWithinWorkingHours(instant: Date, zone: string, hours: WorkingHours): boolean {
  return isWorkingWallClock(wallClockAt(instantMs(instant), zone), hours);
}

function isWorkingWallClock(wallMs: number, hours: WorkingHours): boolean {
  const localDay = localDayOf(wallMs);
  const minute = Math.floor((wallMs - localDay * DAY_MS) / MINUTE_MS);
  return hours.days.includes(isoWeekdayOf(localDay)) && minute >= minuteOfDay(hours.start) && minute < minuteOfDay(hours.end);
}

/**
 * The earliest instant at or after `from` that is inside the working hours on a working day in the
 * zone, and not on `notOnLocalDate`. A start time the clock skips becomes the moment it jumps.
 */
export function nextWorkingInstant(from: Date, zone: string, hours: WorkingHours, options: NextWorkingInstantOptions = {}): Date {
  const fromMs = instantMs(from);
  const skippedDay = localDayOfDateKey(options.notOnLocalDate);
  const allowed = (instant: number): boolean => {
    if (instant < fromMs) return false;
    const wallMs = wallClockAt(instant, zone);
    return localDayOf(wallMs) !== skippedDay && isWorkingWallClock(wallMs, hours);
  };
  if (allowed(fromMs)) return new Date(fromMs);

  const firstDay = localDayOf(wallClockAt(fromMs, zone));
  for (let day = firstDay; day <= firstDay + MAX_LOOKAHEAD_DAYS; day++) {
    if (day === skippedDay || !hours.days.includes(isoWeekdayOf(day))) continue;
    const opening = Math.min(...openingCandidates(day * DAY_MS, zone, hours).filter(allowed));
    if (Number.isFinite(opening)) return new Date(opening);
  }
  throw new AppError('internal', `No working time within ${MAX_LOOKAHEAD_DAYS} days of ${from.toISOString()} in ${zone}.`, {
    details: { start: hours.start, end: hours.end, days: hours.days, notOnLocalDate: options.notOnLocalDate },
  });
}

function localDayOfDateKey(dateKey: string | undefined): number | undefined {
  if (dateKey === undefined) return undefined;
  const midnight = DATE_KEY.test(dateKey) ? Date.parse(`${dateKey}T00:00:00Z`) : Number.NaN;
  // Date.parse rolls 2024-02-30 over to 1 March: only a date that reads back the same is one.
  if (Number.isNaN(midnight) || new Date(midnight).toISOString().slice(0, 10) !== dateKey) throw new AppError('internal', `notOnLocalDate must be a date written YYYY-MM-DD, not "${dateKey}".`);
  return localDayOf(midnight);
}

/**
 * The instants at which working time can begin on a local day: whenever the clock shows the start
 * time (twice when the hour repeats, never when it is skipped), and whenever the offset changes,
 * as a jump forward can carry the clock over the start and a jump back can return it into the hours.
 */
function openingCandidates(dayWallMs: number, zone: string, hours: WorkingHours): number[] {
  const startWall = dayWallMs + minuteOfDay(hours.start) * MINUTE_MS;
  return [...instantsShowing(startWall, zone), ...clockChangesDuring(dayWallMs, zone)];
}

/**
 * The instant `days` working days after `instant` (counted on the policy's working days, in `zone`), moved into
 * working hours: "remind the manager after 2 working days" on a Friday afternoon means Tuesday, not Sunday.
 */
export function addWorkingDays(instant: Date, zone: string, days: number, hours: WorkingHours): Date {
  if (!Number.isInteger(days) || days < 0) throw new AppError('internal', `addWorkingDays needs a whole number of days from 0, not ${days}.`);
  let at = instant;
  let counted = 0;
  // A week holds at least one working day, so this ends within days × 7 steps.
  for (let step = 0; counted < days && step < days * 7 + 7; step++) {
    at = addLocalDays(at, zone, 1);
    if (hours.days.includes(localParts(at, zone).isoWeekday)) counted += 1;
  }
  return nextWorkingInstant(at, zone, hours);
}

/** A local date (YYYY-MM-DD) plus whole days (negative: earlier): calendar arithmetic, no time zone involved. */
export function addDateKeyDays(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}
