// One sender, several features: each outbox row goes to the handler of its kind (campaign rows have none stored); a
// row for a group is fanned out to its members here, the same way for every kind.

import type { PersonLanguage } from '../shared/person-language.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CardRenderer } from '../cards/card-renderer.js';
import type { Directory } from '../directory/directory-port.js';
import type { Logger } from '../logging/logger.js';
import type { ProactiveMessenger } from '../messaging/proactive-messenger.js';
import type { Store } from '../store/store-port.js';
import type { Outbox, OutboxKind, OutboxRow } from './outbox.js';
import { isGroupRow } from './group-fan-out.js';
import type { DeliveryResult, OutboxHandler } from './outbox-sender.js';

/** What every feature that sends through the outbox is built with. */
export interface OutboxFeatureDeps {
  store: Store;
  outbox: Outbox;
  directory: Directory | undefined;
  messenger: ProactiveMessenger;
  cards: CardRenderer;
  audit: AuditLog;
  logger: Logger;
  /** Which language each person is written to in. */
  languages: PersonLanguage;
}

export type OutboxHandlers = Record<Exclude<OutboxKind, 'notice' | 'nudge' | 'digest'>, OutboxHandler> & Partial<Record<OutboxKind, OutboxHandler>>;

/** `fanOut` queues a group row's message for each member (group-fan-out.ts); the kind's own handler says when it expires. */
export function routeByKind(handlers: OutboxHandlers, fanOut?: (row: OutboxRow) => Promise<DeliveryResult>): OutboxHandler {
  const handlerOf = (row: OutboxRow): OutboxHandler => handlers[row.kind ?? 'campaign'] ?? unknownKind;
  return {
    async isHeld(row) {
      return (await handlerOf(row).isHeld?.(row)) ?? false;
    },
    async expiry(row, now) {
      return handlerOf(row).expiry?.(row, now);
    },
    deliver: (row) => (isGroupRow(row) && fanOut && handlerOf(row) !== unknownKind ? fanOut(row) : handlerOf(row).deliver(row)),
    // The members' own rows are the feature's business; the group's row is done once they are queued.
    settled: async (row, result) => (isGroupRow(row) ? undefined : handlerOf(row).settled(row, result)),
  };
}

/** A row written by a newer version (or edited by hand): given up with a reason rather than retried forever. */
const unknownKind: OutboxHandler = {
  async deliver(row): Promise<DeliveryResult> {
    return { outcome: 'failed', reason: `no handler for outbox rows of kind ${String(row.kind)}` };
  },
  async settled() {},
};
