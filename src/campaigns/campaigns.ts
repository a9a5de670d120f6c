// Campaigns: start, pause, resume, report; the scheduled work that targets people and plans reminder waves; and the
// outbox handler that turns a queued step into a Teams message. Every effect is a conditional write, so a job that
// runs twice (a crash, two instances) changes nothing the second time.

import { createHash } from 'node:crypto';
import { CardFactory, MessageFactory } from 'botbuilder';
import { isAppError } from '../errors/app-error.js';
import { passkeyStatus } from '../enrollment/passkey-status.js';
import { UNREACHABLE_PARTITION, UnreachableError, type UnreachableReason } from '../messaging/proactive-messenger.js';
import type { OutboxRow } from '../outbox/outbox.js';
import type { OutboxFeatureDeps } from '../outbox/outbox-router.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import { type CadencePolicy, invitationDueAt, isPastDeadline, nextReminderAt, nextStep, sendableAt, snoozedUntil } from './cadence.js';
import { type NudgeCard, nudgeCard } from './campaign-messages.js';
import { type Campaign, type CampaignMember, CampaignRecords, NUDGEABLE, newCampaignId } from './campaign-records.js';
import { letIoThrough, ROWS_BETWEEN_IO } from './let-io-through.js';
import { type ExclusionReason, findTargets, type TargetingPolicy } from './targeting.js';
import { localParts } from './working-hours.js';

export interface CampaignsDeps extends OutboxFeatureDeps {
  targeting: TargetingPolicy;
  cadence: CadencePolicy;
  organisationName: string;
  /** Zone of the campaign's own calendar (deadline, daily waves): the tenant's default. */
  timeZone: string;
  /**
   * Targeting waits between report pages while this many invitations are ready to send: it only has to stay ahead
   * of the sender, and the two share the process. Undefined: no waiting.
   */
  targetingBacklog?: number;
}

export interface StartRequest {
  name: string;
  deadline: string;
  waves: number;
  by: { id: string; name?: string };
}

export type StartResult = { started: Campaign } | { refused: string };

export interface SnoozeResult {
  ok: boolean;
  message: string;
}

/** What one pass over the report found. */
interface Walked {
  targeted: number;
  joined: number;
  enrolledNow: number;
  excluded: Partial<Record<ExclusionReason, number>>;
}

/** Campaign steps (invitation and reminders) one person gets at most per local day. */
const WAVE_LOOKAHEAD_MS = 24 * 3600_000;
const CAMPAIGN_CACHE_MS = 2_000;
const RENDERED_CARDS_KEPT = 2_000;
/** Longest wait for the sender between two report pages, and how often the backlog is looked at meanwhile. */
const BACKLOG_WAIT_MS = 60_000;
const BACKLOG_POLL_MS = 500;
/** How long after the invitation arrived an install notice for the person still needs no welcome of its own. */
const INVITATION_GREETS_MS = 3600_000;

export class Campaigns implements OutboxHandler {
  readonly records: CampaignRecords;
  readonly #cache = new Map<string, { campaign: Campaign | undefined; at: number }>();
  /** Rendered nudge cards by their words, oldest first (never changed after rendering: the same object is sent again). */
  readonly #cards = new Map<string, Record<string, unknown>>();

  constructor(private readonly deps: CampaignsDeps) {
    this.records = new CampaignRecords(deps.store);
  }

  // ---- Admin actions ------------------------------------------------------------------------------------------

  async start(request: StartRequest, now = new Date()): Promise<StartResult> {
    if (!this.deps.directory) return { refused: 'Campaigns need Microsoft Graph, and no Graph credential is configured.' };
    const today = localParts(now, this.deps.timeZone).dateKey;
    if (request.deadline <= today) return { refused: `The deadline must be after today (${today}).` };
    const campaign: Campaign = {
      id: newCampaignId(now),
      name: request.name,
      deadline: request.deadline,
      waves: request.waves,
      state: 'targeting',
      createdAt: now.toISOString(),
      createdBy: request.by,
      targeted: 0,
      excluded: {},
    };
    const created = await this.records.create(campaign);
    if (!created) {
      const active = await this.records.active();
      return { refused: `The campaign "${active?.value.name ?? 'another campaign'}" is still running: pause and finish it, or wait for it to end.` };
    }
    this.#forget(campaign.id);
    await this.deps.audit.record({
      action: 'campaign.started',
      outcome: 'success',
      actor: { kind: 'user', aadObjectId: request.by.id, displayName: request.by.name },
      details: { campaignId: campaign.id, deadline: campaign.deadline, waves: campaign.waves },
    });
    return { started: created.value };
  }

  async pause(by: { id: string; name?: string }): Promise<Campaign | undefined> {
    return this.#changeState(by, 'campaign.paused', (campaign) =>
      campaign.state === 'targeting' || campaign.state === 'running' ? { ...campaign, state: 'paused', resumeTo: campaign.state } : undefined,
    );
  }

  async resume(by: { id: string; name?: string }): Promise<Campaign | undefined> {
    return this.#changeState(by, 'campaign.resumed', (campaign) =>
      campaign.state === 'paused' ? { ...campaign, state: campaign.resumeTo ?? 'running', resumeTo: undefined } : undefined,
    );
  }

  /** Ends the active campaign now (also done by the scheduler the day after the deadline). */
  async finish(by: { id: string; name?: string } | undefined, now = new Date()): Promise<Campaign | undefined> {
    const active = await this.records.active();
    if (!active) return undefined;
    const updated = await this.records.update(active.value.id, (campaign) => (campaign.state === 'finished' ? undefined : { ...campaign, state: 'finished', finishedAt: now.toISOString() }));
    if (!updated) return undefined;
    this.#forget(active.value.id);
    await this.deps.audit.record({
      action: 'campaign.finished',
      outcome: 'success',
      actor: by ? { kind: 'user', aadObjectId: by.id, displayName: by.name } : { kind: 'system', name: 'campaign-scheduler' },
      details: { campaignId: active.value.id },
    });
    return updated.value;
  }

  async #changeState(by: { id: string; name?: string }, action: string, change: (campaign: Campaign) => Campaign | undefined): Promise<Campaign | undefined> {
    const active = await this.records.active();
    if (!active) return undefined;
    const updated = await this.records.update(active.value.id, change);
    if (!updated) return undefined;
    this.#forget(active.value.id);
    await this.deps.audit.record({ action, outcome: 'success', actor: { kind: 'user', aadObjectId: by.id, displayName: by.name }, details: { campaignId: active.value.id } });
    return updated.value;
  }

  // ---- Scheduled work -------------------------------------------------------------------------------------------

  /** One run of the campaign's scheduled work: targeting, the day's reminder wave, the end after the deadline. */
  async tick(now = new Date()): Promise<void> {
    const active = await this.records.active();
    if (!active) return;
    const campaign = active.value;
    if (campaign.state === 'paused' || campaign.state === 'finished') return;
    if (isPastDeadline(now, campaign.deadline, this.deps.timeZone)) {
      await this.finish(undefined, now);
      return;
    }
    if (campaign.state === 'targeting') {
      await this.#target(campaign);
      return;
    }
    const today = localParts(now, this.deps.timeZone).dateKey;
    if (campaign.lastWaveDate !== today) await this.#wave(campaign, now, today);
  }

  /** Walks the report and queues an invitation for everyone targeted; a re-run adds nobody twice. */
  async #target(campaign: Campaign): Promise<void> {
    const startedAt = new Date();
    let walked: Walked | undefined;
    try {
      walked = await this.#walkReport(campaign, startedAt, { targeting: true });
    } catch (error) {
      // A saved place Graph no longer accepts (its skip token expired): the next run starts from the beginning, which
      // adds nobody twice. Throttling and outages are not the link's fault and keep it.
      if (campaign.targetingCursor && isAppError(error, 'directory.failed')) {
        await this.records.update(campaign.id, (current) => (current.targetingCursor ? { ...current, targetingCursor: undefined } : undefined));
        this.#forget(campaign.id);
        this.deps.logger.warn('the saved place in the registration report was refused; targeting starts over', { campaignId: campaign.id, error });
      }
      throw error;
    }
    if (!walked) return;
    const { targeted, excluded } = walked;
    // This pass was the day's refresh: the first wave is the next day's, not a second pass over the report right away
    // (while the invitations are going out), which found nobody new and no reminder due.
    const lastWaveDate = localParts(startedAt, this.deps.timeZone).dateKey;
    await this.records.update(campaign.id, (current) =>
      current.state === 'targeting'
        ? { ...current, state: 'running', targeted, excluded, targetedAt: new Date().toISOString(), lastWaveDate, targetingCursor: undefined }
        : undefined,
    );
    this.#forget(campaign.id);
    this.deps.logger.info('campaign targeting finished', { campaignId: campaign.id, targeted, excluded });
  }

  /**
   * One pass over the registration report: people with a strong method are marked enrolled, people not yet in the
   * campaign who match the rules (joiners, and everyone on the first pass) are added with their invitation queued.
   * `targeting`: the first pass, which goes on from the saved place and saves its place after every page; undefined
   * when it was stopped by a pause (or the end).
   */
  async #walkReport(campaign: Campaign, now: Date, options: { targeting?: boolean } = {}): Promise<Walked | undefined> {
    const directory = this.deps.directory;
    if (!directory) return undefined;
    const cursor = options.targeting ? campaign.targetingCursor : undefined;
    let targeted = cursor?.targeted ?? 0;
    let joined = 0;
    let enrolledNow = 0;
    const excluded: Partial<Record<ExclusionReason, number>> = { ...(cursor?.excluded ?? {}) };
    const known = async (userId: string) => {
      const member = (await this.records.member(campaign.id, userId))?.value;
      // Added by a run that died before queuing the invitation (adding and queuing are two writes): queue it now.
      // A no-op when the invitation is queued or settled already.
      if (member?.state === 'pending' && member.nudges === 0) await this.#queueInvitation(campaign, member);
      return member !== undefined;
    };
    for await (const page of findTargets(directory, this.deps.targeting, { known, from: cursor?.nextLink })) {
      for (const [reason, count] of Object.entries(page.excluded) as [ExclusionReason, number][]) excluded[reason] = (excluded[reason] ?? 0) + count;
      for (const [index, userId] of page.enrolledIds.entries()) {
        if (index > 0 && index % ROWS_BETWEEN_IO === 0) await letIoThrough();
        if (await this.#markEnrolled(campaign.id, userId, now)) enrolledNow += 1;
      }
      targeted += page.known;
      const members: CampaignMember[] = [];
      for (const [index, target] of page.targets.entries()) {
        if (index > 0 && index % ROWS_BETWEEN_IO === 0) await letIoThrough();
        targeted += 1;
        const unreachable = await this.deps.store.get<{ reason: UnreachableReason }>(UNREACHABLE_PARTITION, target.userId);
        members.push({
          ...target,
          wave: waveOf(target.userId, campaign.waves),
          state: unreachable ? 'unreachable' : 'pending',
          reason: unreachable?.value.reason,
          nudges: 0,
          snoozes: 0,
        });
      }
      // The page's members in one batch; then each one's invitation. A crash in between leaves members without an
      // invitation, which the next pass queues (see `known`).
      const added = await this.records.addMembers(campaign.id, members);
      for (const [index, member] of members.entries()) {
        if (index > 0 && index % ROWS_BETWEEN_IO === 0) await letIoThrough();
        // Added now: queue the invitation. Already in (a page walked again after a restart): go by what is stored.
        if (added[index]) joined += 1;
        const stored = added[index] ? member : (await this.records.member(campaign.id, member.userId))?.value;
        if (stored?.state === 'pending' && stored.nudges === 0) await this.#queueInvitation(campaign, stored);
      }
      if (options.targeting) {
        // Everyone on this page is in and queued: save the place. A pause (or the end) stops targeting between pages;
        // a resume, like a restart, goes on from the saved place.
        const { nextLink } = page;
        const saved = await this.records.update(campaign.id, (current) =>
          current.state !== 'targeting' ? undefined : nextLink ? { ...current, targetingCursor: { nextLink, targeted, excluded: { ...excluded } } } : current,
        );
        if (!saved) return undefined;
        if (nextLink && !(await this.#letSenderCatchUp(campaign.id))) return undefined;
      }
    }
    return { targeted, joined, enrolledNow, excluded };
  }

  /**
   * While the outbox holds `targetingBacklog` invitations ready to go, waits (a minute at most per page, so a sender
   * that is down or slow cannot stall targeting for good). False when the campaign stopped targeting meanwhile.
   */
  async #letSenderCatchUp(campaignId: string): Promise<boolean> {
    const backlog = this.deps.targetingBacklog;
    if (!backlog) return true;
    const giveUpAt = performance.now() + BACKLOG_WAIT_MS;
    while (performance.now() < giveUpAt && (await this.deps.outbox.sendableCount(new Date(), backlog)) >= backlog) {
      await new Promise((resolve) => setTimeout(resolve, BACKLOG_POLL_MS));
      if ((await this.records.get(campaignId))?.value.state !== 'targeting') return false;
    }
    return true;
  }

  /** Queues the member's invitation once: the key comes from stored state, so a second call finds it there (or logged). */
  async #queueInvitation(campaign: Campaign, member: CampaignMember): Promise<void> {
    const dueAt = invitationDueAt(campaign, member, this.deps.cadence);
    await this.deps.outbox.enqueue({ campaignId: campaign.id, userId: member.userId, step: 'invite', dueAt: dueAt.toISOString() });
  }

  /** The day's wave: refresh from the report (who enrolled, who joined), then queue the reminders due in the coming day. */
  async #wave(campaign: Campaign, now: Date, today: string): Promise<void> {
    const directory = this.deps.directory;
    if (!directory) return;
    const walked = await this.#walkReport(campaign, now);
    let enrolledNow = walked?.enrolledNow ?? 0;
    const horizon = now.getTime() + WAVE_LOOKAHEAD_MS;
    let queued = 0;
    for await (const page of this.records.members(campaign.id)) {
      await letIoThrough();
      for (const { value: stored } of page) {
        let member = stored;
        // An exception has ended: the person is back in the campaign, and the next nudge goes out today.
        if (member.state === 'escalated' && member.decision === 'exception' && member.exceptionUntil && member.exceptionUntil < localParts(now, member.timeZone).dateKey) {
          const back = await this.records.updateMember(campaign.id, member.userId, (current) =>
            current.state === 'escalated' && current.decision === 'exception'
              ? { ...current, state: current.reachedAt ? 'replied' : 'pending', decision: undefined, exceptionUntil: undefined, snoozedUntil: undefined, nextNudgeAt: now.toISOString() }
              : undefined,
          );
          if (!back) continue;
          member = back.value;
        }
        if (!NUDGEABLE.has(member.state) || member.nudges === 0 || !member.nextNudgeAt) continue;
        if (Date.parse(member.nextNudgeAt) > horizon) continue;
        if (member.saidEnrolledAt && (await this.#enrolledLive(member.userId))) {
          await this.#markEnrolled(campaign.id, member.userId, now);
          enrolledNow += 1;
          continue;
        }
        const dueAt = sendableAt(new Date(member.nextNudgeAt), member, this.deps.cadence);
        if (isPastDeadline(dueAt, campaign.deadline, member.timeZone)) continue;
        const step = nextStep(member, this.deps.cadence);
        if (await this.deps.outbox.enqueue({ campaignId: campaign.id, userId: member.userId, step, dueAt: dueAt.toISOString() })) queued += 1;
        else await this.#repair(campaign, member, step);
      }
    }
    await this.records.update(campaign.id, (current) =>
      current.lastWaveDate === today ? undefined : { ...current, lastWaveDate: today, lastWaveAt: now.toISOString(), targeted: walked?.targeted ?? current.targeted, excluded: walked?.excluded ?? current.excluded },
    );
    this.#forget(campaign.id);
    this.deps.logger.info('campaign reminder wave planned', { campaignId: campaign.id, date: today, queued, enrolledNow, joined: walked?.joined ?? 0 });
  }

  /** A step logged as sent whose member row was not updated (a crash between the two): apply the update now. */
  async #repair(campaign: Campaign, member: CampaignMember, step: string): Promise<void> {
    const entry = await this.deps.outbox.logEntry(campaign.id, member.userId, step);
    if (entry?.outcome === 'sent') await this.#afterSent(campaign, member.userId, step, new Date(entry.at));
  }

  async #enrolledLive(userId: string): Promise<boolean> {
    try {
      return passkeyStatus((await this.deps.directory?.authenticationMethods(userId)) ?? []).enrolled;
    } catch (error) {
      this.deps.logger.warn('could not check a person who said they enrolled; nudging as planned', { error });
      return false;
    }
  }

  // ---- What people do -------------------------------------------------------------------------------------------

  /** Graph shows a passkey (a status check, or the report): no more nudges. */
  async onEnrolled(userId: string, now = new Date()): Promise<void> {
    const active = await this.records.active();
    if (active) await this.#markEnrolled(active.value.id, userId, now);
  }

  async onSaidEnrolled(userId: string, now = new Date()): Promise<void> {
    await this.#updateActiveMember(userId, (member) => (member.state === 'enrolled' ? undefined : { ...member, saidEnrolledAt: now.toISOString() }));
  }

  /** A refusal goes to the manager (escalation); the campaign stops nudging. */
  async onRefused(userId: string, now = new Date()): Promise<void> {
    // A new refusal waits for a new decision: an earlier one ("require", say) no longer answers it.
    await this.#updateActiveMember(userId, (member) =>
      NUDGEABLE.has(member.state) ? { ...member, state: 'refused', refusedAt: now.toISOString(), decision: undefined, nextNudgeAt: undefined } : undefined,
    );
  }

  /** The refusal went to a decider (escalation). */
  async onEscalated(userId: string, now = new Date()): Promise<void> {
    await this.#updateActiveMember(userId, (member) =>
      member.state === 'refused' || NUDGEABLE.has(member.state) ? { ...member, state: 'escalated', escalatedAt: now.toISOString(), decision: undefined, nextNudgeAt: undefined } : undefined,
    );
  }

  /**
   * The decider's choice, applied once: a security key or an exception stop the nudges (an exception until its
   * date); "require" puts the person back on the reminder cadence.
   */
  async onDecided(userId: string, campaignId: string, decision: { choice: 'security-key' | 'exception' | 'require'; until?: string }, now = new Date()): Promise<void> {
    const campaign = await this.#campaign(campaignId);
    if (!campaign || campaign.state === 'finished') return;
    await this.records.updateMember(campaignId, userId, (member) => {
      if (member.state === 'enrolled' || member.decision === decision.choice) return undefined;
      if (decision.choice === 'require') {
        // Back on the cadence: the next reminder day, but no later than a snooze's length from now (the cadence's
        // days may all be behind them by the time the decision comes).
        const back: CampaignMember = { ...member, state: member.reachedAt ? 'replied' : 'pending', decision: 'require', exceptionUntil: undefined, snoozedUntil: undefined };
        if (!member.reachedAt) return back;
        const candidates = [nextReminderAt(back, campaign, now, this.deps.cadence), snoozedUntil(back, now, this.deps.cadence)].filter((at): at is Date => at !== undefined);
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
  async contextOf(userId: string): Promise<{ campaignId: string; deadline: string } | undefined> {
    const active = await this.records.active();
    if (!active || !(await this.records.member(active.value.id, userId))) return undefined;
    return { campaignId: active.value.id, deadline: active.value.deadline };
  }

  /**
   * True while the active campaign's invitation to the person is queued or being sent, and for an hour after it
   * arrived: installing the app for someone makes Teams announce the install, and the invitation is their welcome.
   */
  async invitationUnderway(userId: string, now = new Date()): Promise<boolean> {
    const active = await this.records.active();
    if (!active || active.value.state === 'finished') return false;
    const member = (await this.records.member(active.value.id, userId))?.value;
    if (!member) return false;
    if (member.state === 'pending') return true;
    return member.reachedAt !== undefined && now.getTime() - Date.parse(member.reachedAt) < INVITATION_GREETS_MS;
  }

  /** Any message or click from a person the campaign reached. */
  async onReplied(userId: string, now = new Date()): Promise<void> {
    await this.#updateActiveMember(userId, (member) => (member.state === 'reached' ? { ...member, state: 'replied', repliedAt: now.toISOString() } : undefined));
  }

  /** "Not now": the next nudge moves out by the snooze days; past the allowed snoozes the next one asks for a decision. */
  async snooze(userId: string, campaignId: string, now = new Date()): Promise<SnoozeResult> {
    const campaign = await this.#campaign(campaignId);
    if (!campaign || campaign.state === 'finished') return { ok: false, message: 'That campaign has ended, so there is nothing to postpone.' };
    const { snoozeDays, maxSnoozes } = this.deps.cadence;
    let until: Date | undefined;
    let refused: string | undefined;
    const updated = await this.records.updateMember(campaignId, userId, (member) => {
      if (!NUDGEABLE.has(member.state)) {
        refused = member.state === 'enrolled' ? "You're already set up, so there is nothing to postpone." : 'There is nothing to postpone.';
        return undefined;
      }
      if (member.snoozes >= maxSnoozes) {
        refused = "You've postponed this a few times already, so I can't push it back again. When you're ready, I can show you the steps, or you can talk to a person.";
        return undefined;
      }
      until = snoozedUntil(member, now, this.deps.cadence);
      return { ...member, snoozes: member.snoozes + 1, nextNudgeAt: until.toISOString(), snoozedUntil: until.toISOString(), state: member.state === 'reached' ? 'replied' : member.state, repliedAt: member.repliedAt ?? now.toISOString() };
    });
    if (!updated || !until) return { ok: false, message: refused ?? "You're not part of this campaign, so there is nothing to postpone." };
    const last = updated.value.snoozes >= maxSnoozes;
    const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: updated.value.timeZone }).format(until);
    return {
      ok: true,
      message: `No problem. I'll remind you in ${snoozeDays} days (around ${day}).${last ? ' Next time I will ask what works for you instead of postponing again.' : ''}`,
    };
  }

  async #markEnrolled(campaignId: string, userId: string, now: Date): Promise<boolean> {
    const updated = await this.records.updateMember(campaignId, userId, (member) =>
      member.state === 'enrolled' ? undefined : { ...member, state: 'enrolled', enrolledAt: now.toISOString(), nextNudgeAt: undefined },
    );
    return updated !== undefined;
  }

  async #updateActiveMember(userId: string, change: (member: CampaignMember) => CampaignMember | undefined): Promise<void> {
    const active = await this.records.active();
    if (active) await this.records.updateMember(active.value.id, userId, change);
  }

  // ---- The outbox handler ---------------------------------------------------------------------------------------

  async isHeld(row: OutboxRow): Promise<boolean> {
    return (await this.#campaign(row.campaignId))?.state === 'paused';
  }

  async deliver(row: OutboxRow): Promise<DeliveryResult> {
    const campaign = await this.#campaign(row.campaignId);
    if (!campaign) return { outcome: 'cancelled', reason: 'the campaign no longer exists' };
    if (campaign.state === 'finished') return { outcome: 'cancelled', reason: 'the campaign has ended' };
    if (campaign.state === 'paused') return { outcome: 'deferred' };
    const member = (await this.records.member(row.campaignId, row.userId))?.value;
    if (!member) return { outcome: 'cancelled', reason: 'not a member of the campaign' };
    if (!NUDGEABLE.has(member.state)) return { outcome: 'cancelled', reason: `the person has ${member.state === 'enrolled' ? 'enrolled' : member.state}` };
    // Snoozed (or a decision moved the date) after this reminder was planned: the new date wins. The row waits for it
    // rather than being settled as cancelled: the step is still to come, and a settled step is never queued again.
    if (row.step !== 'invite' && member.nextNudgeAt && member.nextNudgeAt > row.dueAt) {
      const later = sendableAt(new Date(member.nextNudgeAt), member, this.deps.cadence);
      if (later.getTime() > Date.now()) return { outcome: 'deferred', until: later };
    }
    // Due in working hours but late (a pause, an outage, a backlog): wait for the person's next working moment.
    const now = new Date();
    const sendable = sendableAt(now, member, this.deps.cadence);
    if (sendable.getTime() > now.getTime()) return { outcome: 'deferred', until: sendable };
    const card = this.#nudge(
      nudgeCard({
        campaign,
        member,
        step: row.step,
        organisationName: this.deps.organisationName,
        snoozeDays: this.deps.cadence.snoozeDays,
        maxSnoozes: this.deps.cadence.maxSnoozes,
      }),
    );
    try {
      const delivered = await this.deps.messenger.send(row.userId, MessageFactory.attachment(CardFactory.adaptiveCard(card)), { appInstalled: member.appInstalled });
      return { outcome: 'sent', ...delivered };
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      if (error.reason === 'removed-app' || error.reason === 'blocked-app') await this.deps.messenger.markUnreachable(row.userId, error.reason);
      return { outcome: 'failed', reason: `${error.reason}: ${error.message}` };
    }
  }

  async settled(row: OutboxRow, result: DeliveryResult): Promise<void> {
    if (result.outcome === 'sent') {
      const campaign = await this.#campaign(row.campaignId);
      if (campaign) await this.#afterSent(campaign, row.userId, row.step, new Date());
      return;
    }
    if (result.outcome === 'failed') {
      const unreachable = /^(removed-app|blocked-app|no-teams|not-in-directory):/.test(result.reason);
      await this.records.updateMember(row.campaignId, row.userId, (member) =>
        NUDGEABLE.has(member.state) ? { ...member, state: unreachable ? 'unreachable' : 'failed', reason: result.reason, nextNudgeAt: undefined } : undefined,
      );
    }
  }

  async #afterSent(campaign: Campaign, userId: string, step: string, sentAt: Date): Promise<void> {
    await this.records.updateMember(campaign.id, userId, (member) => {
      const sentDate = localParts(sentAt, member.timeZone).dateKey;
      // Applied once: a nudge already counted for that day is not counted again.
      if (member.lastNudgeLocalDate === sentDate && member.nudges > 0 && step !== 'invite') return undefined;
      if (step === 'invite' && member.nudges > 0) return undefined;
      const reachedAt = member.reachedAt ?? sentAt.toISOString();
      const next = NUDGEABLE.has(member.state) ? nextReminderAt({ ...member, reachedAt }, campaign, sentAt, this.deps.cadence) : undefined;
      return {
        ...member,
        state: member.state === 'pending' ? 'reached' : member.state,
        reachedAt,
        nudges: member.nudges + 1,
        lastNudgeLocalDate: sentDate,
        nextNudgeAt: next?.toISOString(),
        decisionAskedAt: step === 'decision' ? sentAt.toISOString() : member.decisionAskedAt,
      };
    });
  }

  // ---- Cache ------------------------------------------------------------------------------------------------------

  /** The card for these words: expanding the template costs more than the rest of a send, and many people share a first name. */
  #nudge(data: NudgeCard): Record<string, unknown> {
    const key = JSON.stringify(data);
    let card = this.#cards.get(key);
    if (!card) {
      card = this.deps.cards.render('campaign-nudge', data as unknown as Record<string, unknown>);
      if (this.#cards.size >= RENDERED_CARDS_KEPT) this.#cards.delete(this.#cards.keys().next().value ?? '');
      this.#cards.set(key, card);
    }
    return card;
  }

  /** The campaign, read at most every two seconds per instance (the sender asks for every row). */
  async #campaign(id: string): Promise<Campaign | undefined> {
    const cached = this.#cache.get(id);
    if (cached && Date.now() - cached.at < CAMPAIGN_CACHE_MS) return cached.campaign;
    const campaign = (await this.records.get(id))?.value;
    this.#cache.set(id, { campaign, at: Date.now() });
    return campaign;
  }

  #forget(id: string): void {
    this.#cache.delete(id);
  }
}

/** A stable wave for a person: the same on every run, spread evenly. */
export function waveOf(userId: string, waves: number): number {
  if (waves <= 1) return 0;
  return createHash('sha256').update(userId).digest().readUInt32BE(0) % waves;
}
