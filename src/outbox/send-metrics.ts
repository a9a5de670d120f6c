// What the sender reports about each row: a span around its delivery, and counts of what became of it (sent, retried,
// given up, expired, cancelled), by the row's kind and a reason code. Never who it was for.

import type { Counter } from '@opentelemetry/api';
import { RetryableDeliveryError } from '../messaging/delivery-errors.js';
import { coachMeter, inSpan, METRIC, reasonCode, SPAN, SpanKind, wordsOf } from '../telemetry/telemetry.js';
import type { DeliveryResult } from './outbox-sender.js';
import type { OutboxRow } from './outbox.js';

type Settled = Exclude<DeliveryResult, { outcome: 'deferred' }>;

export class SendMetrics {
  readonly #sends: Counter;
  readonly #retries: Counter;
  readonly #ended: Record<Exclude<Settled['outcome'], 'sent'>, Counter>;

  constructor() {
    const meter = coachMeter();
    this.#sends = meter.createCounter(METRIC.sends, { description: 'Proactive messages delivered, by kind (campaign, escalation, tap, notice, nudge, digest) and step' });
    this.#retries = meter.createCounter(METRIC.retries, { description: 'Deliveries tried again later, by reason (throttled, endpoint-down, tenant, transient)' });
    this.#ended = {
      failed: meter.createCounter(METRIC.giveUps, { description: 'Messages given up, by kind and reason code' }),
      expired: meter.createCounter(METRIC.expiries, { description: 'Messages not sent because their moment had passed, by kind and reason code' }),
      cancelled: meter.createCounter(METRIC.cancellations, { description: 'Messages no longer needed (the person enrolled, the request closed), by kind and reason code' }),
    };
  }

  /** One row's delivery as a span (a queued item processed), whatever it comes to. */
  around(row: OutboxRow, deliver: () => Promise<void>): Promise<void> {
    return inSpan(SPAN.send, SpanKind.CONSUMER, { 'coach.send.kind': kindOf(row), 'coach.send.step': stepOf(row) }, deliver);
  }

  retried(row: OutboxRow, error: unknown): void {
    const reason = error instanceof RetryableDeliveryError ? error.reason : 'failed-attempt';
    this.#retries.add(1, wordsOf({ kind: kindOf(row), reason }));
  }

  settled(row: OutboxRow, result: Settled): void {
    if (result.outcome === 'sent') this.#sends.add(1, wordsOf({ kind: kindOf(row), step: stepOf(row) }));
    else this.#ended[result.outcome].add(1, wordsOf({ kind: kindOf(row), reason: reasonCode(result.reason) }));
  }
}

function kindOf(row: OutboxRow): string {
  return row.kind ?? 'campaign';
}

/** The step without its number, card or week (`reminder-2` → `reminder`, `update-<activity>` → `update`, `digest-2027-W02` → `digest`): a handful of values. */
function stepOf(row: OutboxRow): string {
  if (row.kind === 'digest') return 'digest';
  return row.step.startsWith('update-') ? 'update' : row.step.replace(/-\d+$/, '').toLowerCase();
}
