// Refusals go to a decider: the employee's manager from Graph, or the escalation group when there is no usable
// manager. The decider gets one card with four choices; exactly one decision is recorded (a compare-and-swap on
// the escalation), only the recorded decider may make it, and its effects follow through the same durable,
// rate-limited outbox as campaigns: the employee is told, IT is asked for a key, every other copy of the card is
// updated. Unanswered escalations are reminded after working days and go up the management chain.

import { visibleText } from '../shared/visible-text.js';
import { CardFactory, MessageFactory } from 'botbuilder';
import { z } from 'zod';
import { casUpdate } from '../store/cas-update.js';
import { addDateKeyDays, addWorkingDays, isWithinWorkingHours, localParts, type WorkingHours } from '../campaigns/working-hours.js';
import type { CardJson, } from '../cards/card-renderer.js';
import type { EscalationSettings } from '../config/load-config.js';
import type { DirectoryUser } from '../directory/directory.js';
import { UNREACHABLE_PARTITION, UnreachableError, } from '../messaging/proactive-messenger.js';
import type { IntentId } from '../shared/intents.js';
import type { OutboxRow } from '../outbox/outbox.js';
import type { OutboxFeatureDeps } from '../outbox/outbox-router.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import { pagesOf } from '../store/pages.js';
import { deciderCardData, employeeNews, securityKeyRequest } from './escalation-cards.js';
import { CHOICES, type Decider, type Decision, type Escalation, EscalationRecords, type FallbackReason } from './escalation-records.js';
import { REFUSALS_PARTITION, type Refusal } from './refusals.js';

/** What escalations need from campaigns: the person's campaign, and telling it what happened. */
export interface CampaignLink {
  /** The active campaign the person is in, with its deadline. */
  contextOf(userId: string): Promise<{ campaignId: string; deadline: string } | undefined>;
  escalated(userId: string): Promise<void>;
  decided(userId: string, decision: Decision, campaignId: string | undefined): Promise<void>;
}

export interface EscalationDeps extends OutboxFeatureDeps {
  settings: EscalationSettings;
  hours: WorkingHours;
  /** Zone of working days for reminders (the tenant's). */
  timeZone: string;
  concernTitle: (intent: IntentId) => string;
  campaigns?: CampaignLink;
}

export type DecideResult = { card: CardJson } | { message: string };

const decideSchema = z.object({
  escalationId: z.string().min(1).max(64),
  choice: z.enum(CHOICES),
  until: z.string().optional(),
  justification: z.string().optional(),
});

const GROUP_NAME = 'the escalation team';

export class Escalations implements OutboxHandler {
  readonly records: EscalationRecords;

  constructor(private readonly deps: EscalationDeps) {
    this.records = new EscalationRecords(deps.store);
  }

  // ---- Opening ----------------------------------------------------------------------------------------------------

  /**
   * Takes the person's recorded refusal to a decider. Idempotent: run again after a crash (the scheduler does, for
   * any refusal without an escalation), it finishes the same escalation instead of starting a second.
   */
  async open(employeeId: string, now = new Date()): Promise<Escalation | undefined> {
    const refusal = await this.deps.store.get<Refusal>(REFUSALS_PARTITION, employeeId);
    if (!refusal) return undefined;
    const id = await this.records.claimId(employeeId);
    let record = await this.records.get(id);
    if (!record) {
      const employee = await this.#user(employeeId);
      const campaign = await this.deps.campaigns?.contextOf(employeeId);
      const decider = await this.#route(employeeId, employeeId, []);
      const escalation: Escalation = {
        id,
        employee: { id: employeeId, name: employee?.displayName ?? 'A colleague', jobTitle: employee?.jobTitle ?? undefined, department: employee?.department ?? undefined },
        refusal: { reason: refusal.value.reason, details: refusal.value.details, intents: refusal.value.intents, recordedAt: refusal.value.recordedAt },
        campaignId: campaign?.campaignId,
        deadline: campaign?.deadline,
        state: 'open',
        decider,
        level: 0,
        earlierDeciders: [],
        round: 0,
        remindersAtLevel: 0,
        nextAskAt: this.#after(now, this.deps.settings.reminderWorkingDays).toISOString(),
        copies: [],
        createdAt: now.toISOString(),
      };
      const { record: stored, created } = await this.records.create(escalation);
      record = stored;
      if (created) {
        await this.deps.audit.record({
        action: 'escalation.opened',
        outcome: decider.kind === 'none' ? 'failed' : 'info',
        actor: { kind: 'system', name: 'escalation' },
        subject: { kind: 'user', aadObjectId: employeeId },
          details: { escalationId: id, decider: describeDecider(decider), reason: refusal.value.reason, intents: refusal.value.intents },
        });
        if (decider.kind === 'none') this.deps.logger.error('a refusal has nobody to decide it: set ESCALATION_GROUP_ID', { escalationId: id, because: decider.because });
      }
    }
    const escalation = record.value;
    if (escalation.state === 'open') await this.#ask(escalation, now);
    // Only the link is added: a newer refusal recorded meanwhile (they said no again) keeps its own words.
    await casUpdate<Refusal>(this.deps.store, REFUSALS_PARTITION, employeeId, (latest) => (latest.escalationId === id ? undefined : { ...latest, escalationId: id }));
    await this.deps.campaigns?.escalated(employeeId);
    return escalation;
  }

  /** Who decides for `subjectId`'s report `employeeId`: the subject's manager if usable, else the escalation group. */
  async #route(subjectId: string, employeeId: string, earlier: readonly string[]): Promise<Decider> {
    const top = subjectId !== employeeId;
    const manager = await this.#manager(subjectId);
    if (!manager) return this.#fallback(top ? 'top-of-chain' : 'no-manager');
    if (manager.accountEnabled === false) return this.#fallback('manager-disabled');
    if (manager.id === employeeId) return this.#fallback('self-managed');
    if (manager.id === subjectId || earlier.includes(manager.id)) return this.#fallback('top-of-chain');
    if (await this.deps.store.get(UNREACHABLE_PARTITION, manager.id)) return this.#fallback('manager-unreachable');
    return { kind: 'user', id: manager.id, name: manager.displayName ?? 'their manager' };
  }

  #fallback(because: FallbackReason): Decider {
    const groupId = this.deps.settings.groupId;
    return groupId ? { kind: 'group', groupId, because } : { kind: 'none', because };
  }

  async #manager(userId: string): Promise<DirectoryUser | undefined> {
    if (!this.deps.directory) return undefined;
    return this.deps.directory.getManager(userId);
  }

  async #user(userId: string): Promise<DirectoryUser | undefined> {
    try {
      return await this.deps.directory?.getUser(userId);
    } catch (error) {
      this.deps.logger.warn('could not read the person for an escalation card', { error });
      return undefined;
    }
  }

  /** Queues the current round's card to the decider (each member of the group). */
  async #ask(escalation: Escalation, now: Date): Promise<void> {
    // Never the person themselves, even when they are in the escalation group.
    for (const recipient of (await this.#recipients(escalation.decider)).filter((id) => id !== escalation.employee.id)) {
      await this.deps.outbox.enqueue({ kind: 'escalation', campaignId: escalation.id, userId: recipient, step: `ask-${escalation.round}`, dueAt: now.toISOString() });
    }
  }

  async #recipients(decider: Decider): Promise<string[]> {
    if (decider.kind === 'user') return [decider.id];
    if (decider.kind === 'none' || !this.deps.directory) return [];
    return this.deps.directory.groupMemberIds(decider.groupId);
  }

  // ---- Deciding ---------------------------------------------------------------------------------------------------

  /** A click on the decider's card by `clicker` (from the authenticated activity; card data names only the escalation). */
  async decide(clicker: { id: string; name?: string }, data: unknown, clickedActivityId?: string, now = new Date(), retried = false): Promise<DecideResult> {
    const parsed = decideSchema.safeParse(data);
    if (!parsed.success) return { message: 'That button is no longer active.' };
    const { escalationId, choice } = parsed.data;
    const current = await this.records.get(escalationId);
    if (!current) return { message: 'That decision request no longer exists.' };
    const escalation = current.value;
    // The name the directory gave the manager when routing; for a group member, the name Teams sent with the click.
    const who = { id: clicker.id, name: (escalation.decider.kind === 'user' ? escalation.decider.name : clicker.name?.trim()) || 'Someone' };
    if (!(await this.#mayDecide(escalation, clicker.id))) {
      await this.deps.audit.record({
        action: 'escalation.decision.denied',
        outcome: 'denied',
        actor: { kind: 'user', aadObjectId: clicker.id, displayName: clicker.name },
        subject: { kind: 'user', aadObjectId: escalation.employee.id },
        details: { escalationId, choice, decider: describeDecider(escalation.decider) },
      });
      if (clicker.id === escalation.employee.id) return { message: "This decision is about you, so someone else has to make it. I've noted the attempt." };
      return { message: `Only ${this.#deciderName(escalation.decider)} can decide this. I've noted the attempt.` };
    }
    if (escalation.state !== 'open') return { card: this.#card(escalation, {}) };

    if (choice === 'talk') return this.#talk(escalation, who, now);

    const today = localParts(now, this.deps.timeZone).dateKey;
    let until: string | undefined;
    let justification: string | undefined;
    if (choice === 'exception') {
      until = parsed.data.until?.trim();
      justification = visibleText(parsed.data.justification ?? '').trim() || undefined;
      const latest = addDateKeyDays(today, this.deps.settings.maxExceptionDays);
      const problem =
        !until || !/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(until)) || new Date(`${until}T12:00:00Z`).toISOString().slice(0, 10) !== until
          ? 'Choose the last day of the exception.'
          : until <= today
            ? 'The exception has to end after today.'
            : until > latest
              ? `An exception can last at most ${this.deps.settings.maxExceptionDays} days, until ${latest}.`
              : !justification || justification.length < 3
                ? 'Say briefly why the exception is needed: it is kept with the decision.'
                : justification.length > 500
                  ? 'Keep the reason under 500 characters.'
                  : undefined;
      if (problem) return { card: this.#card(escalation, { error: problem }) };
    }
    const decision: Decision = { choice, by: who, at: now.toISOString(), ...(until ? { until } : {}), ...(justification ? { justification } : {}) };
    // Exactly one decision: whoever swaps the open row first wins; everyone after sees what was decided.
    // The authority checked above must still hold: a run that took it up the chain meanwhile hands it to someone else.
    const swapped = await this.records.update(escalationId, (latest) =>
      latest.state === 'open' && sameDecider(latest.decider, escalation.decider) ? { ...latest, state: 'decided', decision, followedThrough: false } : undefined,
    );
    if (!swapped) {
      const settled = await this.records.get(escalationId);
      if (settled?.value.state === 'open' && !retried) return this.decide(clicker, data, clickedActivityId, now, true);
      return { card: this.#card(settled?.value ?? escalation, {}) };
    }
    await this.deps.audit.record({
      action: 'escalation.decided',
      outcome: 'success',
      actor: { kind: 'user', aadObjectId: who.id, displayName: clicker.name },
      subject: { kind: 'user', aadObjectId: escalation.employee.id },
      details: { escalationId, choice, until: until ?? null, level: escalation.level, decider: describeDecider(escalation.decider) },
    });
    await this.#followThrough(swapped.value, clickedActivityId);
    return { card: this.#card(swapped.value, {}) };
  }

  async #talk(escalation: Escalation, who: { id: string; name: string }, now: Date): Promise<DecideResult> {
    const askAgain = this.#after(now, this.deps.settings.talkWorkingDays);
    const updated = await this.records.update(escalation.id, (latest) =>
      latest.state === 'open' && sameDecider(latest.decider, escalation.decider) ? { ...latest, talk: { by: who, at: now.toISOString() }, nextAskAt: askAgain.toISOString(), remindersAtLevel: 0 } : undefined,
    );
    if (!updated) {
      const settled = await this.records.get(escalation.id);
      return { card: this.#card(settled?.value ?? escalation, {}) };
    }
    await this.deps.audit.record({
      action: 'escalation.talk',
      outcome: 'info',
      actor: { kind: 'user', aadObjectId: who.id },
      subject: { kind: 'user', aadObjectId: escalation.employee.id },
      details: { escalationId: escalation.id, askAgainAt: askAgain.toISOString() },
    });
    const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: this.deps.timeZone }).format(askAgain);
    return { card: this.#card(updated.value, { note: `Thanks. I'll ask again on ${day} if nothing has been decided by then; you can decide here at any time.` }) };
  }

  async #mayDecide(escalation: Escalation, userId: string): Promise<boolean> {
    const { decider } = escalation;
    if (userId === escalation.employee.id) return false;
    if (decider.kind === 'user') return decider.id === userId;
    if (decider.kind === 'group' && this.deps.directory) {
      try {
        return (await this.deps.directory.transitiveGroupIds(userId)).has(decider.groupId);
      } catch (error) {
        // Fail closed: a decision nobody can verify is not taken.
        this.deps.logger.warn('could not check escalation group membership; refusing the decision', { error });
        return false;
      }
    }
    return false;
  }

  /** The decision's effects, each queued once (keys in the outbox), then marked done; the scheduler repairs a crash in between. */
  async #followThrough(escalation: Escalation, clickedActivityId?: string): Promise<void> {
    const decision = escalation.decision;
    if (!decision || escalation.followedThrough) return;
    const now = new Date();
    const enqueue = (userId: string, step: string) => this.deps.outbox.enqueue({ kind: 'escalation', campaignId: escalation.id, userId, step, dueAt: now.toISOString() });
    await enqueue(escalation.employee.id, 'outcome');
    if (decision.choice === 'security-key' && this.deps.settings.securityKeyGroupId && this.deps.directory) {
      for (const member of await this.deps.directory.groupMemberIds(this.deps.settings.securityKeyGroupId)) await enqueue(member, 'key-request');
    }
    for (const copy of escalation.copies) if (copy.activityId !== clickedActivityId) await enqueue(copy.recipientId, `update-${copy.activityId}`);
    await this.deps.campaigns?.decided(escalation.employee.id, decision, escalation.campaignId);
    await this.records.closeMarker(escalation.employee.id, escalation.id);
    await this.records.update(escalation.id, (latest) => (latest.followedThrough ? undefined : { ...latest, followedThrough: true }));
  }

  /** The person enrolled after all: nobody needs to decide; the cards say so. */
  async withdraw(employeeId: string, now = new Date()): Promise<void> {
    const open = await this.records.openFor(employeeId);
    if (open?.value.state !== 'open') return;
    const updated = await this.records.update(open.value.id, (latest) => (latest.state === 'open' ? { ...latest, state: 'withdrawn' } : undefined));
    if (!updated) return;
    for (const copy of updated.value.copies) {
      await this.deps.outbox.enqueue({ kind: 'escalation', campaignId: updated.value.id, userId: copy.recipientId, step: `update-${copy.activityId}`, dueAt: now.toISOString() });
    }
    await this.records.closeMarker(employeeId, updated.value.id);
    await this.deps.audit.record({ action: 'escalation.withdrawn', outcome: 'info', actor: { kind: 'system', name: 'escalation' }, subject: { kind: 'user', aadObjectId: employeeId }, details: { escalationId: updated.value.id } });
  }

  // ---- Scheduled work ---------------------------------------------------------------------------------------------

  /** Refusals not yet taken anywhere, reminders due, escalations going up the chain, and follow-through after a crash. */
  async tick(now = new Date()): Promise<void> {
    for await (const page of pagesOf<Refusal>(this.deps.store, REFUSALS_PARTITION, 200)) {
      for (const refusal of page) {
        if (refusal.value.escalationId) continue;
        try {
          await this.open(refusal.key, now);
        } catch (error) {
          this.deps.logger.warn('could not open an escalation; trying again on the next run', { error });
        }
      }
    }

    // Deciders are reminded in working hours only: one due at the weekend waits for Monday's first run.
    const workingNow = isWithinWorkingHours(now, this.deps.timeZone, this.deps.hours);
    for await (const page of this.records.all()) {
      for (const { value: escalation } of page) {
        try {
          if (escalation.state === 'decided' && !escalation.followedThrough) await this.#followThrough(escalation);
          else if (escalation.state === 'open' && Date.parse(escalation.nextAskAt) <= now.getTime() && workingNow) await this.#nudgeDecider(escalation, now);
        } catch (error) {
          this.deps.logger.warn('escalation follow-up failed; trying again on the next run', { escalationId: escalation.id, error });
        }
      }
    }
  }

  /** An unanswered round: remind the decider, or after enough reminders take it to the decider's own manager. */
  async #nudgeDecider(escalation: Escalation, now: Date): Promise<void> {
    const { settings } = this.deps;
    const nextAskAt = this.#after(now, settings.reminderWorkingDays).toISOString();
    const { decider } = escalation;
    // Nobody to ask, nor anybody to remind: it waits for ESCALATION_GROUP_ID (opening it said so, loudly).
    if (decider.kind === 'none' && !settings.groupId) return;
    let next: Decider | undefined;
    if (decider.kind === 'user' && escalation.remindersAtLevel >= settings.remindersBeforeUp) {
      next = await this.#route(decider.id, escalation.employee.id, [...escalation.earlierDeciders, decider.id]);
    } else if (decider.kind === 'none' && settings.groupId) {
      // Nobody could decide when it opened; an escalation group has been configured since.
      next = this.#fallback(decider.because);
    }
    const updated = await this.records.update(escalation.id, (latest) => {
      // Applied once: another run (or instance) that got here first moved the round on.
      if (latest.state !== 'open' || latest.round !== escalation.round || Date.parse(latest.nextAskAt) > now.getTime()) return undefined;
      if (next && latest.decider.kind === 'user') {
        return { ...latest, decider: next, level: latest.level + 1, earlierDeciders: [...latest.earlierDeciders, latest.decider.id], round: latest.round + 1, remindersAtLevel: 0, nextAskAt };
      }
      if (next) return { ...latest, decider: next, round: latest.round + 1, remindersAtLevel: 0, nextAskAt };
      return { ...latest, round: latest.round + 1, remindersAtLevel: latest.remindersAtLevel + 1, nextAskAt };
    });
    if (!updated) return;
    if (next) {
      // The earlier decider's cards say where it went; the new decider gets the card.
      for (const copy of escalation.copies) {
        await this.deps.outbox.enqueue({ kind: 'escalation', campaignId: escalation.id, userId: copy.recipientId, step: `update-${copy.activityId}`, dueAt: now.toISOString() });
      }
      await this.deps.audit.record({
        action: 'escalation.moved-up',
        outcome: 'info',
        actor: { kind: 'system', name: 'escalation' },
        subject: { kind: 'user', aadObjectId: escalation.employee.id },
        details: { escalationId: escalation.id, from: describeDecider(escalation.decider), to: describeDecider(next), level: updated.value.level },
      });
    } else {
      await this.deps.audit.record({
        action: 'escalation.reminded',
        outcome: 'info',
        actor: { kind: 'system', name: 'escalation' },
        subject: { kind: 'user', aadObjectId: escalation.employee.id },
        details: { escalationId: escalation.id, reminder: updated.value.remindersAtLevel, decider: describeDecider(escalation.decider) },
      });
    }
    await this.#ask(updated.value, now);
  }

  // ---- The outbox handler -----------------------------------------------------------------------------------------

  async deliver(row: OutboxRow): Promise<DeliveryResult> {
    const escalation = (await this.records.get(row.campaignId))?.value;
    if (!escalation) return { outcome: 'cancelled', reason: 'the escalation no longer exists' };
    try {
      if (row.step.startsWith('ask-')) return await this.#deliverAsk(escalation, row);
      if (row.step.startsWith('update-')) return await this.#deliverUpdate(escalation, row);
      if (row.step === 'outcome' || row.step === 'key-request') return await this.#deliverNews(escalation, row);
      return { outcome: 'failed', reason: `unknown escalation step ${row.step}` };
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      if (error.reason === 'removed-app' || error.reason === 'blocked-app') await this.deps.messenger.markUnreachable(row.userId, error.reason);
      return { outcome: 'failed', reason: `${error.reason}: ${error.message}` };
    }
  }

  async #deliverAsk(escalation: Escalation, row: OutboxRow): Promise<DeliveryResult> {
    const round = Number(row.step.slice('ask-'.length));
    if (escalation.state !== 'open') return { outcome: 'cancelled', reason: `the escalation is ${escalation.state}` };
    if (round !== escalation.round) return { outcome: 'cancelled', reason: 'a later card replaced this one' };
    if (escalation.decider.kind === 'user' && escalation.decider.id !== row.userId) return { outcome: 'cancelled', reason: 'no longer the decider' };
    const card = this.#card(escalation, { reminder: round > 0 && escalation.remindersAtLevel > 0 });
    const delivered = await this.deps.messenger.send(row.userId, MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    return { outcome: 'sent', ...delivered };
  }

  async #deliverUpdate(escalation: Escalation, row: OutboxRow): Promise<DeliveryResult> {
    const activityId = row.step.slice('update-'.length);
    const copy = escalation.copies.find((candidate) => candidate.activityId === activityId && candidate.recipientId === row.userId);
    if (!copy) return { outcome: 'cancelled', reason: 'no such card' };
    const movedOn = escalation.state === 'open' && this.#movedOnFrom(escalation, row.userId);
    const card = this.#card(escalation, movedOn ? { movedTo: this.#deciderName(escalation.decider) } : {});
    const updated = await this.deps.messenger.update(row.userId, copy.conversationId, copy.activityId, MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    return updated ? { outcome: 'sent', conversationId: copy.conversationId, activityId: copy.activityId } : { outcome: 'cancelled', reason: 'Teams no longer has the card' };
  }

  async #deliverNews(escalation: Escalation, row: OutboxRow): Promise<DeliveryResult> {
    const decision = escalation.decision;
    if (!decision) return { outcome: 'cancelled', reason: 'nothing was decided' };
    const news = row.step === 'outcome' ? employeeNews(escalation, decision) : securityKeyRequest(escalation, decision);
    const delivered = await this.deps.messenger.send(row.userId, MessageFactory.attachment(this.deps.cards.attachment('notice', { ...news })));
    return { outcome: 'sent', ...delivered };
  }

  async settled(row: OutboxRow, result: DeliveryResult): Promise<void> {
    if (!row.step.startsWith('ask-')) return;
    const round = Number(row.step.slice('ask-'.length));
    if (result.outcome === 'sent' && result.conversationId && result.activityId) {
      const copy = { recipientId: row.userId, conversationId: result.conversationId, activityId: result.activityId, round };
      const updated = await this.records.update(row.campaignId, (latest) =>
        latest.copies.some((known) => known.activityId === copy.activityId) ? undefined : { ...latest, copies: [...latest.copies, copy] },
      );
      // Settled (or moved on) while this card was on its way: it is brought up to date like the others.
      if (updated && (updated.value.state !== 'open' || this.#movedOnFrom(updated.value, row.userId))) {
        await this.deps.outbox.enqueue({ kind: 'escalation', campaignId: row.campaignId, userId: row.userId, step: `update-${copy.activityId}`, dueAt: new Date().toISOString() });
      }
      return;
    }
    // The manager cannot be reached in Teams: the escalation group decides instead.
    if (result.outcome === 'failed' && /^(removed-app|blocked-app|no-teams|not-in-directory):/.test(result.reason)) {
      const fallback = this.#fallback('manager-unreachable');
      const updated = await this.records.update(row.campaignId, (latest) =>
        latest.state === 'open' && latest.decider.kind === 'user' && latest.decider.id === row.userId && latest.round === round
          ? { ...latest, decider: fallback, earlierDeciders: [...latest.earlierDeciders, row.userId], round: latest.round + 1, remindersAtLevel: 0 }
          : undefined,
      );
      if (!updated) return;
      await this.deps.audit.record({
        action: 'escalation.rerouted',
        outcome: 'info',
        actor: { kind: 'system', name: 'escalation' },
        subject: { kind: 'user', aadObjectId: updated.value.employee.id },
        details: { escalationId: row.campaignId, because: 'manager-unreachable', to: describeDecider(fallback) },
      });
      await this.#ask(updated.value, new Date());
    }
  }

  // ---- Helpers ----------------------------------------------------------------------------------------------------

  #card(escalation: Escalation, view: { reminder?: boolean; movedTo?: string; error?: string; note?: string }): CardJson {
    const data = deciderCardData(escalation, {
      concernTitle: this.deps.concernTitle,
      reminder: view.reminder,
      movedTo: view.movedTo,
      error: view.error,
      today: localParts(new Date(), this.deps.timeZone).dateKey,
      maxExceptionDays: this.deps.settings.maxExceptionDays,
      deciderName: this.#deciderName(escalation.decider),
    });
    if (view.note) data.status = view.note;
    return this.deps.cards.render('escalation', data);
  }

  /** The person was asked before and no longer decides (it went up the chain, or to the group). */
  #movedOnFrom(escalation: Escalation, userId: string): boolean {
    const stillDecides = escalation.decider.kind === 'user' && escalation.decider.id === userId;
    return escalation.earlierDeciders.includes(userId) && !stillDecides;
  }

  #deciderName(decider: Decider): string {
    return decider.kind === 'user' ? decider.name : decider.kind === 'group' ? GROUP_NAME : 'the escalation team (not configured yet)';
  }

  #after(now: Date, workingDays: number): Date {
    return addWorkingDays(now, this.deps.timeZone, workingDays, this.deps.hours);
  }
}

function sameDecider(a: Decider, b: Decider): boolean {
  if (a.kind === 'user' && b.kind === 'user') return a.id === b.id;
  if (a.kind === 'group' && b.kind === 'group') return a.groupId === b.groupId;
  return a.kind === b.kind;
}

function describeDecider(decider: Decider): Record<string, string> {
  return decider.kind === 'user' ? { kind: 'manager', id: decider.id } : decider.kind === 'group' ? { kind: 'group', groupId: decider.groupId, because: decider.because } : { kind: 'none', because: decider.because };
}

