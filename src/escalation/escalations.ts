// Refusals go to a decider: the employee's manager from Graph, or the escalation group when there is no usable
// manager. The decider gets one card with four choices; exactly one decision is recorded (a compare-and-swap on
// the escalation), only the recorded decider may make it, and its effects follow through the same durable,
// rate-limited outbox as campaigns: the employee is told, IT is asked for a key, every other copy of the card is
// updated. Unanswered escalations are reminded after working days and go up the management chain.
//
// This is the feature's one face for the chat, campaigns, the scheduler and the outbox: each method is one use
// case, in its own file.

import type { OutboxRow } from '../outbox/outbox.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import { type Clicker, decideEscalation } from './decide-escalation.js';
import { type DecideResult, EscalationContext, type EscalationDeps } from './escalation-context.js';
import { escalationDelivery } from './escalation-delivery.js';
import type { Escalation, EscalationRecords } from './escalation-records.js';
import { FullSweep } from '../shared/full-sweep.js';
import { escalationTick } from './escalation-schedule.js';
import { withdrawEscalation } from './follow-through.js';
import { openEscalation } from './open-escalation.js';

export type { CampaignLink, DecideResult, EscalationDeps } from './escalation-context.js';

export class Escalations implements OutboxHandler {
  readonly #esc: EscalationContext;
  readonly #delivery: OutboxHandler;

  constructor(deps: EscalationDeps) {
    this.#esc = new EscalationContext(deps);
    this.#delivery = escalationDelivery(this.#esc);
  }

  get records(): EscalationRecords {
    return this.#esc.records;
  }

  open = (employeeId: string, now = new Date()): Promise<Escalation | undefined> => openEscalation(this.#esc, employeeId, now);
  /** A click on the decider's card by `clicker` (from the authenticated activity; card data names only the escalation), answered in the clicker's language. */
  decide = (clicker: Clicker, data: unknown, clickedActivityId?: string, now = new Date()): Promise<DecideResult> => decideEscalation(this.#esc, clicker, data, clickedActivityId, now);
  withdraw = (employeeId: string, now = new Date()): Promise<void> => withdrawEscalation(this.#esc, employeeId, now);
  /** Refusals not yet taken anywhere, reminders due, escalations going up the chain, and follow-through after a crash. */
  tick = (now = new Date()): Promise<void> => {
    // What is waiting, every run; everything ever kept at the first run and then once a day.
    return escalationTick(this.#esc, now, { everything: this.#sweep.due(now) });
  };
  readonly #sweep = new FullSweep();

  expiry = (row: OutboxRow, now: Date): Promise<string | undefined> => this.#delivery.expiry?.(row, now) ?? Promise.resolve(undefined);
  deliver = (row: OutboxRow): Promise<DeliveryResult> => this.#delivery.deliver(row);
  settled = (row: OutboxRow, result: DeliveryResult): Promise<void> => this.#delivery.settled(row, result);
}
