// Delivers a reader's copy of the week's digest: the week's snapshot (counted once for everyone), compared with the
// week before's, worded in the reader's language as it is when the copy is sent.

import type { CardRenderer } from '../cards/card-renderer.js';
import type { ProactiveMessenger } from '../messaging/proactive-messenger.js';
import { deliverToPerson } from '../outbox/deliver-to-person.js';
import type { OutboxRow } from '../outbox/outbox.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import type { PersonLanguage } from '../shared/person-language.js';
import { DIGEST_CARD, digestCardData } from './digest-card.js';
import type { DigestRecords } from './digest-records.js';
import { DIGEST_STALE_MS, weekOfStep } from './digest-schedule.js';
import { weekBefore } from './digest-week.js';
import { type DigestLanguage, wordDigest } from './digest-words.js';

export interface DigestDeliveryDeps {
  records: DigestRecords;
  messenger: ProactiveMessenger;
  cards: CardRenderer;
  languages: PersonLanguage;
  concernTitle(intent: string, locale: string): string;
  /** The invitation texts compared, worded (from the composition root). */
  experiment?: DigestLanguage['experiment'];
  /** The tab's Leadership view, for the card's link (its title in the reader's language). */
  link(locale: string): { title: string; url: string } | undefined;
}

export function digestDelivery(deps: DigestDeliveryDeps): OutboxHandler {
  return {
    async expiry(row: OutboxRow, now: Date) {
      return now.getTime() - Date.parse(row.dueAt) > DIGEST_STALE_MS ? 'the digest was too late to send' : undefined;
    },
    async deliver(row: OutboxRow): Promise<DeliveryResult> {
      const week = weekOfStep(row.step);
      const snapshot = week ? await deps.records.snapshot(week) : undefined;
      if (!week || !snapshot) return { outcome: 'cancelled', reason: 'no figures for that week' };
      const baseline = await deps.records.snapshot(weekBefore(week));
      const locale = await deps.languages.ofRecipient(row.userId);
      const worded = wordDigest(snapshot.figures, baseline?.figures, { strings: deps.cards.strings, locale, concernTitle: deps.concernTitle, experiment: deps.experiment });
      return deliverToPerson(deps.messenger, row.userId, { type: 'message', attachments: [deps.cards.attachment(DIGEST_CARD, digestCardData(worded, deps.link(locale)), locale)] });
    },
    async settled() {
      // Nothing to keep: the outbox log says what became of each reader's copy, by week.
    },
  };
}
