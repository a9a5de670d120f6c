// The digest's calendar: ISO weeks, the week a digest belongs to at an instant, and when a reader's copy is due: on
// DIGEST_DAY at DIGEST_HOUR on their own wall clock. One week's copies span about a day of UTC (UTC+14 first,
// UTC-12 last), so the week's figures are counted when the first copy anywhere is due.

import { DAY_MS, firstInstantShowing } from '../shared/wall-clock.js';

export interface DigestMoment {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  day: number;
  /** Local hour, 0-23. */
  hour: number;
}

/** The furthest any zone's clock runs ahead of UTC (Kiribati, UTC+14): nobody's copy is due before this much earlier. */
const MAX_AHEAD_MS = 14 * 3600_000;

/** ISO week of a date (YYYY-MM-DD), written 2027-W03: the week's Thursday names its year. */
export function isoWeekOf(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const weekday = day.getUTCDay() || 7;
  const thursday = new Date(day.getTime() + (4 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The date (YYYY-MM-DD) of an ISO weekday in an ISO week. */
export function dateInWeek(week: string, isoWeekday: number): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) throw new Error(`not an ISO week: ${week}`);
  // 4 January is always in week 1.
  const fourth = Date.UTC(Number(match[1]), 0, 4);
  const monday = fourth - ((new Date(fourth).getUTCDay() || 7) - 1) * DAY_MS;
  return new Date(monday + ((Number(match[2]) - 1) * 7 + isoWeekday - 1) * DAY_MS).toISOString().slice(0, 10);
}

export function weekBefore(week: string): string {
  return isoWeekOf(new Date(Date.parse(`${dateInWeek(week, 1)}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10));
}

/** DIGEST_DAY at DIGEST_HOUR of the week, read as UTC (each reader's copy is due when their own clock shows it). */
function wallOf(week: string, moment: DigestMoment): number {
  return Date.parse(`${dateInWeek(week, moment.day)}T00:00:00Z`) + moment.hour * 3600_000;
}

/** When the reader's copy of the week's digest is due: the moment on their clock (a skipped hour: when the clock jumps). */
export function dueAt(week: string, moment: DigestMoment, zone: string): Date {
  return new Date(firstInstantShowing(wallOf(week, moment), zone));
}

/** The earliest any copy of the week's digest can be due. */
export function earliestDueAt(week: string, moment: DigestMoment): Date {
  return new Date(wallOf(week, moment) - MAX_AHEAD_MS);
}

/** The week whose digest is due at `now` somewhere or was last: the latest whose earliest copy is not in the future. */
export function digestWeekAt(now: Date, moment: DigestMoment): string {
  const week = isoWeekOf(new Date(now.getTime() + MAX_AHEAD_MS).toISOString().slice(0, 10));
  return earliestDueAt(week, moment).getTime() <= now.getTime() ? week : weekBefore(week);
}
