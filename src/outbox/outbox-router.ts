// One sender, several features: each outbox row goes to the handler of its kind (campaign rows have none stored).

import type { OutboxKind, OutboxRow } from './outbox.js';
import type { DeliveryResult, OutboxHandler } from './outbox-sender.js';

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
