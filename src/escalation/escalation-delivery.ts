// The escalation feature's outbox handler: a decider's card for the current round (a card for an earlier round, or
// for someone no longer deciding, is cancelled; a reminder held up past working hours waits for the next working
// morning), updates of cards already posted, and the news to the employee or to IT. A manager Teams cannot reach
// hands the decision to the escalation group.

import { CardFactory, MessageFactory } from 'botbuilder';
import { givenUpWhenUnreachable } from '../outbox/deliver-to-person.js';
import type { OutboxRow } from '../outbox/outbox.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import { isWithinWorkingHours, nextWorkingInstant } from '../shared/working-hours.js';
import { askDecider, fallbackDecider } from './decider-routing.js';
import { employeeNews, securityKeyRequest } from './escalation-cards.js';
import { describeDecider, type EscalationContext, movedOnFrom } from './escalation-context.js';
import type { Escalation } from './escalation-records.js';

export function escalationDelivery(esc: EscalationContext): OutboxHandler {
  const { deps } = esc;

  const deliverAsk = async (escalation: Escalation, row: OutboxRow): Promise<DeliveryResult> => {
    const round = Number(row.step.slice('ask-'.length));
    if (escalation.state !== 'open') return { outcome: 'cancelled', reason: `the escalation is ${escalation.state}` };
    if (round !== escalation.round) return { outcome: 'cancelled', reason: 'a later card replaced this one' };
    if (escalation.decider.kind === 'user' && escalation.decider.id !== row.userId) return { outcome: 'cancelled', reason: 'no longer the decider' };
    // Reminders are meant for working hours (the scheduler queues them then): one an outage held up past them waits.
    const now = new Date();
    if (round > 0 && !isWithinWorkingHours(now, deps.timeZone, deps.hours)) return { outcome: 'deferred', until: nextWorkingInstant(now, deps.timeZone, deps.hours) };
    const card = await esc.cardFor(row.userId, escalation, { reminder: round > 0 && escalation.remindersAtLevel > 0 });
    const delivered = await deps.messenger.send(row.userId, MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    return { outcome: 'sent', ...delivered };
  };

  const deliverUpdate = async (escalation: Escalation, row: OutboxRow): Promise<DeliveryResult> => {
    const activityId = row.step.slice('update-'.length);
    const copy = escalation.copies.find((candidate) => candidate.activityId === activityId && candidate.recipientId === row.userId);
    if (!copy) return { outcome: 'cancelled', reason: 'no such card' };
    const movedOn = escalation.state === 'open' && movedOnFrom(escalation, row.userId);
    const card = await esc.cardFor(row.userId, escalation, { movedOn });
    const updated = await deps.messenger.update(row.userId, copy.conversationId, copy.activityId, MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    return updated ? { outcome: 'sent', conversationId: copy.conversationId, activityId: copy.activityId } : { outcome: 'cancelled', reason: 'Teams no longer has the card' };
  };

  const deliverNews = async (escalation: Escalation, row: OutboxRow): Promise<DeliveryResult> => {
    const decision = escalation.decision;
    if (!decision) return { outcome: 'cancelled', reason: 'nothing was decided' };
    const wording = await esc.wordingFor(row.userId);
    const news = row.step === 'outcome' ? employeeNews(escalation, decision, wording) : securityKeyRequest(escalation, decision, wording);
    const delivered = await deps.messenger.send(row.userId, MessageFactory.attachment(deps.cards.attachment('notice', { ...news }, wording.locale)));
    return { outcome: 'sent', ...delivered };
  };

  /** The manager cannot be reached in Teams: the escalation group decides instead. */
  const rerouteFrom = async (row: OutboxRow, round: number): Promise<void> => {
    const fallback = fallbackDecider(esc, 'manager-unreachable');
    const updated = await esc.records.update(row.subjectId, (latest) =>
      latest.state === 'open' && latest.decider.kind === 'user' && latest.decider.id === row.userId && latest.round === round
        ? { ...latest, decider: fallback, earlierDeciders: [...latest.earlierDeciders, row.userId], round: latest.round + 1, remindersAtLevel: 0 }
        : undefined,
    );
    if (!updated) return;
    await deps.audit.record({
      action: 'escalation.rerouted',
      outcome: 'info',
      actor: { kind: 'system', name: 'escalation' },
      subject: { kind: 'user', aadObjectId: updated.value.employee.id },
      details: { escalationId: row.subjectId, because: 'manager-unreachable', to: describeDecider(fallback) },
    });
    await askDecider(esc, updated.value, new Date());
  };

  return {
    async deliver(row) {
      const escalation = (await esc.records.get(row.subjectId))?.value;
      if (!escalation) return { outcome: 'cancelled', reason: 'the escalation no longer exists' };
      try {
        if (row.step.startsWith('ask-')) return await deliverAsk(escalation, row);
        if (row.step.startsWith('update-')) return await deliverUpdate(escalation, row);
        if (row.step === 'outcome' || row.step === 'key-request') return await deliverNews(escalation, row);
        return { outcome: 'failed', reason: `unknown escalation step ${row.step}` };
      } catch (error) {
        return givenUpWhenUnreachable(deps.messenger, row.userId, error);
      }
    },
    async settled(row, result) {
      if (!row.step.startsWith('ask-')) return;
      const round = Number(row.step.slice('ask-'.length));
      if (result.outcome === 'sent' && result.conversationId && result.activityId) {
        const copy = { recipientId: row.userId, conversationId: result.conversationId, activityId: result.activityId, round };
        const updated = await esc.records.update(row.subjectId, (latest) => (latest.copies.some((known) => known.activityId === copy.activityId) ? undefined : { ...latest, copies: [...latest.copies, copy] }));
        // Settled (or moved on) while this card was on its way: it is brought up to date like the others.
        if (updated && (updated.value.state !== 'open' || movedOnFrom(updated.value, row.userId))) await esc.enqueue(row.subjectId, row.userId, `update-${copy.activityId}`, new Date());
        return;
      }
      if (result.outcome === 'failed' && /^(removed-app|blocked-app|no-teams|not-in-directory):/.test(result.reason)) await rerouteFrom(row, round);
    },
  };
}
