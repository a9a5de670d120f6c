// When a person is nudged: the invitation on their wave's day, reminders on the cadence days after it and on the
// working day before the deadline, never two on one local day, only in their working hours (when the campaign keeps
// them). Pure functions of stored state, so a job run twice computes the same instants (and the same outbox keys).

import type { Campaign, CampaignMember } from './campaign-records.js';
import { nextWorkingInstant, type WorkingHours } from '../shared/working-hours.js';
import { addLocalDays, localParts } from '../shared/wall-clock.js';

export interface CadencePolicy {
  /** Days after the invitation. */
  reminderDays: readonly number[];
  hours: WorkingHours;
  respectWorkingHours: boolean;
  snoozeDays: number;
  maxSnoozes: number;
}

/** The instant a nudge planned for `from` may go out: the next working moment, or `from` itself when hours are off. */
export function sendableAt(from: Date, member: Pick<CampaignMember, 'timeZone' | 'lastNudgeLocalDate'>, policy: CadencePolicy): Date {
  if (!policy.respectWorkingHours) return from;
  return nextWorkingInstant(from, member.timeZone, policy.hours, { notOnLocalDate: member.lastNudgeLocalDate });
}

/** When the invitation is due: the campaign's start, then one working day later per wave (waves skip weekends). */
export function invitationDueAt(campaign: Pick<Campaign, 'createdAt'>, member: Pick<CampaignMember, 'timeZone' | 'wave' | 'lastNudgeLocalDate'>, policy: CadencePolicy): Date {
  let at = sendableAt(new Date(campaign.createdAt), member, policy);
  for (let wave = 0; wave < member.wave; wave++) at = sendableAt(addLocalDays(at, member.timeZone, 1), member, policy);
  return at;
}

/**
 * The next reminder after a nudge sent at `sentAt`: the first cadence day (counted from the invitation) on a later
 * local date, or the day before the deadline; undefined when none is left before the deadline.
 */
export function nextReminderAt(
  member: Pick<CampaignMember, 'timeZone' | 'reachedAt'>,
  campaign: Pick<Campaign, 'deadline'>,
  sentAt: Date,
  policy: CadencePolicy,
): Date | undefined {
  const invitedAt = new Date(member.reachedAt ?? sentAt.toISOString());
  const sentDate = localParts(sentAt, member.timeZone).dateKey;
  const candidates = policy.reminderDays.map((days) => addLocalDays(invitedAt, member.timeZone, days));
  const eve = deadlineEve(campaign.deadline, member.timeZone, policy);
  if (eve) candidates.push(eve);
  const deadlineKey = campaign.deadline;
  return candidates
    .filter((at) => {
      const date = localParts(at, member.timeZone).dateKey;
      return date > sentDate && date < deadlineKey;
    })
    .sort((a, b) => a.getTime() - b.getTime())[0];
}

/** Noon of the last working day before the deadline, in the person's zone (sendableAt moves it into working hours). */
function deadlineEve(deadline: string, zone: string, policy: CadencePolicy): Date | undefined {
  const noon = localNoon(deadline, zone);
  if (!noon) return undefined;
  let eve = addLocalDays(noon, zone, -1);
  // Back off day by day to a working day (a Monday deadline's eve is the Friday before).
  for (let tries = 0; policy.respectWorkingHours && tries < 7 && !policy.hours.days.includes(localParts(eve, zone).isoWeekday); tries++) {
    eve = addLocalDays(eve, zone, -1);
  }
  return eve;
}

/** The instant the zone's clock shows 12:00 on a local date (noon is never inside a daylight-saving jump). */
export function localNoon(date: string, zone: string): Date | undefined {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return undefined;
  let guess = Date.UTC(year, month - 1, day, 12);
  for (let step = 0; step < 3; step++) {
    const local = localParts(new Date(guess), zone);
    const localMs = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
    const wantedMs = Date.UTC(year, month - 1, day, 12);
    if (localMs === wantedMs) return new Date(guess);
    guess += wantedMs - localMs;
  }
  return new Date(guess);
}

/** Whether the local date of `instant` in the zone is after the deadline date. */
export function isPastDeadline(instant: Date, deadline: string, zone: string): boolean {
  return localParts(instant, zone).dateKey > deadline;
}

/** Snoozing: the next nudge `snoozeDays` local days from now; once the snoozes are used up the next one asks for a decision. */
export function snoozedUntil(member: Pick<CampaignMember, 'timeZone'>, now: Date, policy: CadencePolicy): Date {
  return addLocalDays(now, member.timeZone, policy.snoozeDays);
}

/** The step name of a member's next nudge. */
export function nextStep(member: Pick<CampaignMember, 'nudges' | 'snoozes' | 'decisionAskedAt'>, policy: CadencePolicy): string {
  if (member.nudges === 0) return 'invite';
  if (member.snoozes >= policy.maxSnoozes && policy.maxSnoozes > 0 && !member.decisionAskedAt) return 'decision';
  return `reminder-${member.nudges}`;
}
