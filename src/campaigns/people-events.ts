// What people do, as the campaign learns it: they enrol (or say they did), refuse, are escalated, get a decision,
// reply, or ask to be reminded later. Each is one conditional change of their member row in the active campaign.

import { isPastDeadline, nextReminderAt, snoozedUntil } from './cadence.js';
import type { CampaignContext } from './campaign-context.js';
import { type CampaignMember, NUDGEABLE } from './campaign-records.js';
import type { Params } from '../shared/strings.js';

export interface SnoozeResult {
  ok: boolean;
  message: string;
}

export type Decided = { choice: 'security-key' | 'exception' | 'require'; until?: string };

/** How long after the invitation arrived an install notice for the person still needs no welcome of its own. */
const INVITATION_GREETS_MS = 3600_000;

/** Graph shows a passkey (a status check, or the report): no more nudges; with a second method, no backup nudge either. */
export async function onEnrolled(ctx: CampaignContext, userId: string, backedUp: boolean, now = new Date()): Promise<void> {
  const active = await ctx.activeCampaign();
  if (active) await ctx.markEnrolled(active.id, userId, now, backedUp);
}

export async function onSaidEnrolled(ctx: CampaignContext, userId: string, now = new Date()): Promise<void> {
  await ctx.updateActiveMember(userId, (member) => (member.state === 'enrolled' ? undefined : { ...member, saidEnrolledAt: now.toISOString() }));
}

/** A refusal goes to the manager (escalation); the campaign stops nudging. */
export async function onRefused(ctx: CampaignContext, userId: string, now = new Date()): Promise<void> {
  // A new refusal waits for a new decision: an earlier one ("require", say) no longer answers it.
  await ctx.updateActiveMember(userId, (member) => (NUDGEABLE.has(member.state) ? { ...member, state: 'refused', refusedAt: now.toISOString(), decision: undefined, nextNudgeAt: undefined } : undefined));
}

/** The refusal went to a decider (escalation). */
export async function onEscalated(ctx: CampaignContext, userId: string, now = new Date()): Promise<void> {
  await ctx.updateActiveMember(userId, (member) =>
    member.state === 'refused' || NUDGEABLE.has(member.state) ? { ...member, state: 'escalated', escalatedAt: now.toISOString(), decision: undefined, nextNudgeAt: undefined } : undefined,
  );
}

/**
 * The decider's choice, applied once: a security key or an exception stop the nudges (an exception until its
 * date); "require" puts the person back on the reminder cadence.
 */
export async function onDecided(ctx: CampaignContext, userId: string, campaignId: string, decision: Decided, now = new Date()): Promise<void> {
  const campaign = await ctx.campaign(campaignId);
  if (!campaign || campaign.state === 'finished') return;
  const { cadence } = ctx.deps;
  await ctx.records.updateMember(campaignId, userId, (member) => {
    if (member.state === 'enrolled' || member.decision === decision.choice) return undefined;
    if (decision.choice === 'require') {
      // Back on the cadence: the next reminder day, but no later than a snooze's length from now (the cadence's
      // days may all be behind them by the time the decision comes).
      const back: CampaignMember = { ...member, state: member.reachedAt ? 'replied' : 'pending', decision: 'require', exceptionUntil: undefined, snoozedUntil: undefined };
      if (!member.reachedAt) return back;
      const candidates = [nextReminderAt(back, campaign, now, cadence), snoozedUntil(back, now, cadence)].filter((at): at is Date => at !== undefined);
      const next = candidates.sort((a, b) => a.getTime() - b.getTime())[0];
      return { ...back, nextNudgeAt: next && !isPastDeadline(next, campaign.deadline, back.timeZone) ? next.toISOString() : undefined };
    }
    const exception = decision.choice === 'exception';
    return {
      ...member,
      state: 'escalated',
      decision: decision.choice,
      exceptionUntil: exception ? decision.until : undefined,
      exceptionGrantedAt: exception ? now.toISOString() : member.exceptionGrantedAt,
      nextNudgeAt: undefined,
    };
  });
}

/** The active campaign the person is in, for an escalation's card (its deadline). */
export async function campaignContextOf(ctx: CampaignContext, userId: string): Promise<{ campaignId: string; deadline: string } | undefined> {
  const active = await ctx.activeCampaign();
  if (!active || !(await ctx.records.member(active.id, userId))) return undefined;
  return { campaignId: active.id, deadline: active.deadline };
}

/**
 * True while the active campaign's invitation to the person is queued or being sent, and for an hour after it
 * arrived: installing the app for someone makes Teams announce the install, and the invitation is their welcome.
 */
export async function invitationUnderway(ctx: CampaignContext, userId: string, now = new Date()): Promise<boolean> {
  const active = await ctx.activeCampaign();
  if (!active || active.state === 'finished') return false;
  const member = (await ctx.records.member(active.id, userId))?.value;
  if (!member) return false;
  if (member.state === 'pending') return true;
  return member.reachedAt !== undefined && now.getTime() - Date.parse(member.reachedAt) < INVITATION_GREETS_MS;
}

/** Any message or click from a person the campaign reached. */
export async function onReplied(ctx: CampaignContext, userId: string, now = new Date()): Promise<void> {
  const active = await ctx.activeCampaign();
  // Every message and click asks: a member whose reply is noted for good is not read again.
  if (!active || ctx.replyNoted(active.id, userId)) return;
  const updated = await ctx.records.updateMember(active.id, userId, (member) => {
    if (member.state === 'reached') return { ...member, state: 'replied', repliedAt: now.toISOString() };
    if (member.reachedAt !== undefined) ctx.noteReplied(active.id, userId);
    return undefined;
  });
  if (updated) ctx.noteReplied(active.id, userId);
}

/**
 * "Not now": the next nudge moves out by the snooze days; past the allowed snoozes the next one asks for a decision.
 * The answer is in `locale`, the language of the click.
 */
export async function snooze(ctx: CampaignContext, userId: string, campaignId: string, locale: string, now = new Date()): Promise<SnoozeResult> {
  const say = (key: string, params?: Params) => ctx.deps.cards.strings.text(locale, `campaigns.snooze.${key}`, params);
  const campaign = await ctx.campaign(campaignId);
  if (!campaign || campaign.state === 'finished') return { ok: false, message: say('ended') };
  const { snoozeDays, maxSnoozes } = ctx.deps.cadence;
  let until: Date | undefined;
  let refused: string | undefined;
  const updated = await ctx.records.updateMember(campaignId, userId, (member) => {
    if (!NUDGEABLE.has(member.state)) {
      refused = member.state === 'enrolled' ? 'alreadyEnrolled' : 'nothing';
      return undefined;
    }
    if (member.snoozes >= maxSnoozes) {
      refused = 'tooMany';
      return undefined;
    }
    until = snoozedUntil(member, now, ctx.deps.cadence);
    return { ...member, snoozes: member.snoozes + 1, nextNudgeAt: until.toISOString(), snoozedUntil: until.toISOString(), state: member.state === 'reached' ? 'replied' : member.state, repliedAt: member.repliedAt ?? now.toISOString() };
  });
  if (!updated || !until) return { ok: false, message: say(refused ?? 'notMember') };
  const last = updated.value.snoozes >= maxSnoozes;
  const day = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: updated.value.timeZone }).format(until);
  const message = say('done', { count: snoozeDays, day });
  return { ok: true, message: last ? `${message} ${say('last')}` : message };
}
