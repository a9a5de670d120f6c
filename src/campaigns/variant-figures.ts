// Each invitation text's figures, defined once: who counts as given it, reached, and, among the people reached at
// least a week ago, who replied and who enrolled within 7 days of being reached. The tallies keep them by the day
// people were reached, so "a week ago" is read at any moment from a few keys; the CSV marks each person the same way.

import type { CampaignMember } from './campaign-records.js';

const DAY_MS = 86_400_000;
/** The window the comparison gives everyone: the same week each, however late in the campaign they were reached. */
export const WEEK_MS = 7 * DAY_MS;

export interface VariantCounts {
  /** People given the text (targeted with it). */
  assigned: number;
  reached: number;
  /** Reached at least 7 days ago (counted by the UTC day they were reached: see weekIsOver): the rates' denominators. */
  weekOver: number;
  /** Of those, replied within 7 days of being reached. */
  replied: number;
  /** Of those, enrolled within 7 days of being reached. */
  enrolled: number;
}

export const noVariantCounts = (): VariantCounts => ({ assigned: 0, reached: 0, weekOver: 0, replied: 0, enrolled: 0 });

type Member = Pick<CampaignMember, 'variant' | 'state' | 'reachedAt' | 'repliedAt' | 'enrolledAt'>;

/** What a member counts in for its text, whatever the time; undefined for a row from before variants (counted nowhere). */
export function firstWeekOf(member: Member): { variant: string; reachedDay?: string; replied: boolean; enrolled: boolean } | undefined {
  if (member.variant === undefined) return undefined;
  if (member.reachedAt === undefined) return { variant: member.variant, replied: false, enrolled: false };
  const reached = Date.parse(member.reachedAt);
  const within = (at: string | undefined) => at !== undefined && Date.parse(at) - reached <= WEEK_MS;
  return { variant: member.variant, reachedDay: member.reachedAt.slice(0, 10), replied: within(member.repliedAt), enrolled: member.state === 'enrolled' && within(member.enrolledAt) };
}

/**
 * Whether everyone reached on a UTC day has had their full week at `now`: from the start of the eighth day after.
 * Counting by day keeps the tallies to one key per text and day; the cost is waiting up to a day longer.
 */
export function weekIsOver(reachedDay: string, now: Date): boolean {
  return Date.parse(`${reachedDay}T00:00:00.000Z`) + WEEK_MS + DAY_MS <= now.getTime();
}

/** The member's marks as of `now`, as the CSV writes them (each column adds up to the status card's figure). */
export function variantMarks(member: Member, now: Date): { weekOver: boolean; replied: boolean; enrolled: boolean } {
  const week = firstWeekOf(member);
  const over = week?.reachedDay !== undefined && weekIsOver(week.reachedDay, now);
  return { weekOver: over, replied: over && (week?.replied ?? false), enrolled: over && (week?.enrolled ?? false) };
}
