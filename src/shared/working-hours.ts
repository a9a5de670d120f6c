// When a campaign message may reach someone: their working hours, in their own time zone, across DST changes and odd offsets.

import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import {
  addLocalDays,
  clockChangesDuring,
  DAY_MS,
  instantMs,
  instantsShowing,
  isoWeekdayOf,
  localDayOf,
  localParts,
  MINUTE_MS,
  wallClockAt,
} from './wall-clock.js';


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
  return new AppError('config.invalid', `Working hours: ${message}`, { userFault: true, userMessage: { key: 'errors.config.workingHours', params: { problem: message } } });
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
