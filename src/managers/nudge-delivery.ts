// Delivers a manager's nudge: a short card to the report, in their language and working hours, naming the manager,
// with the same buttons as a campaign's reminder (set it up, ask a question first, check). Not sent once they have
// enrolled, or when a later nudge replaced it.

import { CardFactory, MessageFactory } from 'botbuilder';
import type { CardRenderer } from '../cards/card-renderer.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import type { ProactiveMessenger } from '../messaging/proactive-messenger.js';
import { deliverToPerson } from '../outbox/deliver-to-person.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import type { OutboxRow } from '../outbox/outbox.js';
import type { PersonLanguage } from '../shared/person-language.js';
import { isWithinWorkingHours, nextWorkingInstant, type WorkingHours } from '../shared/working-hours.js';
import type { Store } from '../store/store-port.js';
import { ERASED } from '../shared/erased.js';
import { nudgeRecord } from './manager-nudges.js';

/** A nudge that could not go out for this long (an outage, a paused tenant) is no longer sent: it would be stale. */
export const NUDGE_STALE_MS = 3 * 86_400_000;

export interface NudgeDeliveryDeps {
  store: Store;
  /** The coach has seen them enrolled: the nudge is no longer needed. */
  isEnrolled(userId: string): Promise<boolean>;
  messenger: ProactiveMessenger;
  cards: CardRenderer;
  languages: PersonLanguage;
  hours: WorkingHours;
  respectWorkingHours: boolean;
  /** The person's time zone for a late delivery (the one it was queued for is in the row's due instant). */
  timeZoneOf(userId: string): Promise<string>;
}

export function nudgeDelivery(deps: NudgeDeliveryDeps): OutboxHandler {
  return {
    async expiry(row: OutboxRow, now: Date) {
      return now.getTime() - Date.parse(row.dueAt) > NUDGE_STALE_MS ? 'the nudge was too late to send' : undefined;
    },
    async deliver(row: OutboxRow): Promise<DeliveryResult> {
      const record = await nudgeRecord(deps.store, row.userId);
      if (!record) return { outcome: 'cancelled', reason: 'no such nudge' };
      if (record.step !== row.step) return { outcome: 'cancelled', reason: 'a later nudge replaced this one' };
      // The manager who asked was erased (they left): a nudge from nobody is not sent.
      if (record.by.id === ERASED) return { outcome: 'cancelled', reason: 'the manager who asked has left' };
      if (await deps.isEnrolled(row.userId)) return { outcome: 'cancelled', reason: 'the person has enrolled' };
      // Due in working hours but late (an outage, a backlog): wait for the person's next working moment.
      if (deps.respectWorkingHours) {
        const now = new Date();
        const zone = await deps.timeZoneOf(row.userId);
        if (!isWithinWorkingHours(now, zone, deps.hours)) return { outcome: 'deferred', until: nextWorkingInstant(now, zone, deps.hours) };
      }
      const locale = await deps.languages.ofRecipient(row.userId);
      const say = (key: string) => deps.cards.strings.text(locale, key, { manager: record.by.name });
      const card = deps.cards.render('campaign-nudge', {
        title: say('team.message.title'),
        paragraphs: [say('team.message.body'), say('team.message.how')],
        facts: [],
        actions: [
          { title: say('campaigns.nudge.showMeHow'), verb: COACH_VERBS.showMeHow, data: {} },
          { title: say('campaigns.nudge.questionFirst'), verb: COACH_VERBS.anotherConcern, data: {} },
          { title: say('campaigns.nudge.doneCheck'), verb: COACH_VERBS.checkStatus, data: {} },
        ],
      }, locale);
      return deliverToPerson(deps.messenger, row.userId, MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    },
    async settled() {
      // Nothing to keep: the nudge record says when it was asked for, the outbox log what became of it.
    },
  };
}
