// One sender, several features: each outbox row goes to the handler of its kind (campaign rows have none stored).

import type { PersonLanguage } from '../shared/person-language.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CardRenderer } from '../cards/card-renderer.js';
import type { Directory } from '../directory/directory-port.js';
import type { Logger } from '../logging/logger.js';
import type { ProactiveMessenger } from '../messaging/proactive-messenger.js';
import type { Store } from '../store/store-port.js';
import type { Outbox, OutboxKind, OutboxRow } from './outbox.js';
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

export function routeByKind(handlers: Record<OutboxKind, OutboxHandler>): OutboxHandler {
  const handlerOf = (row: OutboxRow): OutboxHandler => handlers[row.kind ?? 'campaign'] ?? unknownKind;
  return {
    async isHeld(row) {
      return (await handlerOf(row).isHeld?.(row)) ?? false;
    },
    deliver: (row) => handlerOf(row).deliver(row),
    settled: (row, result) => handlerOf(row).settled(row, result),
  };
}

/** A row written by a newer version (or edited by hand): given up with a reason rather than retried forever. */
const unknownKind: OutboxHandler = {
  async deliver(row): Promise<DeliveryResult> {
    return { outcome: 'failed', reason: `no handler for outbox rows of kind ${String(row.kind)}` };
  },
  async settled() {},
};
