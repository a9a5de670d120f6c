// The pass feature's outbox handler: each queued step becomes the card it stands for, read from the request as it is
// when the row is sent (a step the request has moved past is cancelled with the reason; a manager's check, an approval
// or a Reveal card still unsent when the request lapses expires), and an approval card that went out is remembered so
// it can be updated once the request is settled. Notices to security and to the person never expire.

import { type Attachment, CardFactory, MessageFactory } from 'botbuilder';
import { givenUpWhenUnreachable } from '../outbox/deliver-to-person.js';
import type { OutboxRow } from '../outbox/outbox.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import { presentationLapsed, presentationLine, verifyCard } from './presentation-views.js';
import { alertNotice, approvalCard, createdNotice, managerCard, revealCard, stoppedNotice, TAP_VERBS } from './tap-cards.js';
import type { TapContext } from './tap-context.js';
import { wordsFor } from './tap-words.js';

/** Steps that ask someone to act on the request: pointless once it has lapsed. */
const ACTION_STEPS = new Set(['manager-check', 'approve-ask', 'reveal']);

export const TAP_EXPIRY = 'the pass request had lapsed';

export function tapDelivery(tap: TapContext): OutboxHandler {
  const post = async (userId: string, attachment: Attachment): Promise<DeliveryResult> => {
    const delivered = await tap.deps.messenger.send(userId, MessageFactory.attachment(attachment));
    return { outcome: 'sent', ...delivered };
  };

  const deliverStep = async (row: OutboxRow): Promise<DeliveryResult> => {
    // Each card in its recipient's language, decided when it is sent.
    const words = await wordsFor(tap, row.userId);
    if (row.step === 'alert') {
      const alert = await tap.records.alert(row.subjectId);
      return alert ? post(row.userId, alertNotice(tap, words, alert)) : { outcome: 'cancelled', reason: 'no such alert' };
    }
    const request = (await tap.records.get(row.subjectId))?.value;
    if (!request) return { outcome: 'cancelled', reason: 'no such request' };
    const waitingFor = (state: string) => (request.state === state ? undefined : ({ outcome: 'cancelled', reason: `the request is ${request.state}` } as const));
    if (row.step === 'manager-check') return waitingFor('awaiting-manager') ?? post(row.userId, CardFactory.adaptiveCard(managerCard(tap, words, request)));
    if (row.step === 'approve-ask') return waitingFor('awaiting-approval') ?? post(row.userId, CardFactory.adaptiveCard(approvalCard(tap, words, request)));
    if (row.step === 'reveal') return waitingFor('approved') ?? post(row.userId, revealCard(tap, words, request));
    if (row.step === 'outcome-requester') return post(row.userId, stoppedNotice(tap, words, request));
    if (row.step.startsWith('verify-link@')) {
      // The link of the presentation it was queued for: a newer one (asked again) has its own row.
      const evidence = request.presentation;
      if (evidence?.state !== row.step.slice('verify-link@'.length) || evidence.status !== 'waiting' || presentationLapsed(evidence, new Date())) return { outcome: 'cancelled', reason: 'the presentation is no longer waiting' };
      return waitingFor('awaiting-approval') ?? post(row.userId, verifyCard(tap, words, request, (await tap.presentations.get(evidence.state))?.qrCode));
    }
    if (row.step.startsWith('presentation-')) {
      const line = presentationLine(words, request, new Date()) ?? '';
      // A failed one can be asked for again while the request waits.
      const again = request.presentation?.status === 'failed' && request.state === 'awaiting-approval' ? [{ title: words.say('verify.again'), verb: TAP_VERBS.verifyAgain, data: { requestId: request.id } }] : [];
      return post(row.userId, tap.deps.cards.attachment('notice', { title: words.say('verify.resultTitle', { name: request.target.name, id: request.id }), paragraphs: [line], actions: again }, words.locale));
    }
    if (row.step.startsWith('notice-')) return post(row.userId, createdNotice(tap, words, request, row.step));
    if (row.step.startsWith('update-')) {
      const activityId = row.step.slice('update-'.length).split('@')[0];
      const copy = request.copies.find((candidate) => candidate.activityId === activityId);
      if (!copy) return { outcome: 'cancelled', reason: 'no such card' };
      const done = await tap.deps.messenger.update(row.userId, copy.conversationId, copy.activityId, MessageFactory.attachment(CardFactory.adaptiveCard(approvalCard(tap, words, request))));
      return done ? { outcome: 'sent', conversationId: copy.conversationId, activityId: copy.activityId } : { outcome: 'cancelled', reason: 'Teams no longer has the card' };
    }
    return { outcome: 'failed', reason: `unknown step ${row.step}` };
  };

  return {
    async expiry(row, now) {
      const link = row.step.startsWith('verify-link@');
      if (!ACTION_STEPS.has(row.step) && !link) return undefined;
      const request = (await tap.records.get(row.subjectId))?.value;
      if (!request) return undefined;
      if (link && request.presentation && presentationLapsed(request.presentation, now)) return TAP_EXPIRY;
      return request.state === 'expired' || (request.expiresAt <= now.toISOString() && (request.state === 'awaiting-manager' || request.state === 'awaiting-approval' || request.state === 'approved')) ? TAP_EXPIRY : undefined;
    },
    async deliver(row) {
      try {
        return await deliverStep(row);
      } catch (error) {
        return givenUpWhenUnreachable(tap.deps.messenger, row.userId, error);
      }
    },
    async settled(row, result) {
      if (row.step !== 'approve-ask' || result.outcome !== 'sent' || !result.conversationId || !result.activityId) return;
      const copy = { recipientId: row.userId, conversationId: result.conversationId, activityId: result.activityId };
      const updated = await tap.records.update(row.subjectId, (latest) => (latest.copies.some((known) => known.activityId === copy.activityId) ? undefined : { ...latest, copies: [...latest.copies, copy] }));
      if (updated && updated.value.state !== 'awaiting-approval') await tap.send(row.subjectId, row.userId, `update-${copy.activityId}`, new Date());
    },
  };
}
