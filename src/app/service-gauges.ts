// The service's state as gauges, read when the metrics are collected (every minute under Application Insights, never
// when nobody collects): the outbox's depth and the age of its oldest due row, sending paused, each circuit breaker,
// this instance's messages in flight and its window, open pass requests and escalations by state, and how long the
// audit trail's head has gone without an anchor. Store-wide figures are the same from every instance: alerts take the
// largest.

import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { AuditAnchorer } from '../audit/audit-anchoring.js';
import type { Escalation } from '../escalation/escalation-records.js';
import type { Logger } from '../logging/logger.js';
import { GRAPH_ENDPOINT } from '../messaging/delivery-errors.js';
import type { BreakerState } from '../outbox/circuit-breaker.js';
import type { Outbox, OutboxRow } from '../outbox/outbox.js';
import type { StoredRecord } from '../store/store-port.js';
import type { TapRequest } from '../helpdesk/tap-records.js';
import { coachMeter, METRIC, wordsOf } from '../telemetry/telemetry.js';
import type { SendingHealth } from './sending-health.js';

/** A pass request waiting for a manager or an approver this close to its expiry counts as expiring. */
export const PASS_EXPIRY_WARNING_MS = 10 * 60_000;
/** The outbox is read this far at most per collection; a deeper one reports this many. */
const OUTBOX_READ_LIMIT = 100_000;
const BREAKER_LEVEL: Record<BreakerState, number> = { closed: 0, probing: 1, open: 2 };

export interface GaugeSources {
  outbox: Outbox;
  health: SendingHealth;
  openPassRequests: () => AsyncIterable<StoredRecord<TapRequest>[]>;
  openEscalations: () => AsyncIterable<StoredRecord<Escalation>[]>;
  anchorer: AuditAnchorer;
  /** This instance's sender: its messages in flight and how many it keeps (0 and its start while another sends). */
  sending?: () => { inFlight: number; window: number };
  logger: Logger;
  now?: () => Date;
}

/** Registers the gauges; the returned function takes them off (a stopped service must not read its closed store). */
export function watchServiceState(sources: GaugeSources, meter: Meter = coachMeter()): () => void {
  const now = sources.now ?? (() => new Date());
  const gauge = (name: string, description: string, unit?: string) => meter.createObservableGauge(name, { description, ...(unit ? { unit } : {}) });
  const depth = gauge(METRIC.outboxDepth, 'Rows waiting in the outbox (store-wide)');
  const oldest = gauge(METRIC.outboxOldestAge, 'Seconds the oldest due row has waited to be sent; rows held for working hours are not due (store-wide)', 's');
  const paused = gauge(METRIC.sendingPaused, '1 while Teams refuses the tenant and sending is paused');
  const circuits = gauge(METRIC.circuitState, 'Circuit breaker per endpoint: 0 closed, 1 probing, 2 open');
  const passes = gauge(METRIC.passRequests, 'Open pass requests by state (store-wide)');
  const expiring = gauge(METRIC.passRequestsExpiring, 'Pass requests awaiting a manager or an approver that expire within 10 minutes (store-wide)');
  const escalations = gauge(METRIC.escalations, 'Open escalations by state (store-wide)');
  const anchorAge = gauge(METRIC.anchorAge, "Seconds since every anchor sink last held the audit trail's head", 's');
  const window = gauge(METRIC.sendWindow, "Messages this instance's sender keeps in flight: what Teams' rate needs at the time each takes, at most OUTREACH_CONCURRENCY");
  const inFlight = gauge(METRIC.sendInFlight, "Messages this instance's sender has in flight now");
  let complained = false;

  const observe: BatchObservableCallback = async (result) => {
    const at = now();
    result.observe(paused, sources.health.tenant.current() ? 1 : 0);
    for (const [endpoint, level] of breakerLevels(sources.health)) result.observe(circuits, level, wordsOf({ endpoint }));
    result.observe(anchorAge, sources.anchorer.anchorAgeSeconds());
    const sending = sources.sending?.();
    if (sending) {
      result.observe(window, sending.window);
      result.observe(inFlight, sending.inFlight);
    }
    try {
      const outbox = await outboxFigures(sources.outbox, at);
      result.observe(depth, outbox.depth);
      result.observe(oldest, outbox.oldestDueSeconds);
      const pass = await passFigures(sources.openPassRequests(), at);
      for (const [state, count] of pass.byState) result.observe(passes, count, wordsOf({ state }));
      result.observe(expiring, pass.expiring);
      for (const [state, count] of await escalationFigures(sources.openEscalations())) result.observe(escalations, count, wordsOf({ state }));
      complained = false;
    } catch (error) {
      // The store is down: its figures are not observed this time (the exporter keeps the last ones), logged once.
      if (!complained) sources.logger.warn('could not read the store for the service gauges', { error });
      complained = true;
    }
  };
  const observables: Observable[] = [depth, oldest, paused, circuits, passes, expiring, escalations, anchorAge, window, inFlight];
  meter.addBatchObservableCallback(observe, observables);
  return () => meter.removeBatchObservableCallback(observe, observables);
}

/** The worst state of each kind of endpoint: every Bot Connector address is `connector`, Graph is `graph`. */
function breakerLevels(health: SendingHealth): Map<string, number> {
  const levels = new Map<string, number>([
    ['connector', 0],
    ['graph', 0],
  ]);
  for (const { endpoint, state } of health.breakers.states()) {
    const kind = endpoint === GRAPH_ENDPOINT ? 'graph' : 'connector';
    levels.set(kind, Math.max(levels.get(kind) ?? 0, BREAKER_LEVEL[state]));
  }
  return levels;
}

export async function outboxFigures(outbox: Outbox, at: Date): Promise<{ depth: number; oldestDueSeconds: number }> {
  let depth = 0;
  let oldestDue = at.getTime();
  for await (const page of outbox.waiting()) {
    for (const record of page) {
      depth += 1;
      oldestDue = Math.min(oldestDue, dueSince(record.value, at) ?? oldestDue);
    }
    if (depth >= OUTBOX_READ_LIMIT) break;
  }
  return { depth, oldestDueSeconds: Math.round((at.getTime() - oldestDue) / 1000) };
}

/**
 * Since when a row has been due and not sent, or undefined when it is not due. A row put off on purpose (outside its
 * person's working hours) is due from the end of that wait; a row that failed has been due since its due instant,
 * however often it was put back: that is the wait an operator needs to see.
 */
function dueSince(row: OutboxRow, at: Date): number | undefined {
  const due = Date.parse(row.dueAt);
  if (!(due <= at.getTime())) return undefined;
  if (row.lastError !== undefined || row.notBefore === undefined) return due;
  const notBefore = Date.parse(row.notBefore);
  return notBefore <= at.getTime() ? Math.max(due, notBefore) : undefined;
}

async function passFigures(pages: AsyncIterable<StoredRecord<TapRequest>[]>, at: Date): Promise<{ byState: Map<string, number>; expiring: number }> {
  const byState = new Map<string, number>([
    ['awaiting-manager', 0],
    ['awaiting-approval', 0],
    ['approved', 0],
  ]);
  let expiring = 0;
  for await (const page of pages) {
    for (const { value: request } of page) {
      byState.set(request.state, (byState.get(request.state) ?? 0) + 1);
      const left = Date.parse(request.expiresAt) - at.getTime();
      if ((request.state === 'awaiting-manager' || request.state === 'awaiting-approval') && left > 0 && left <= PASS_EXPIRY_WARNING_MS) expiring += 1;
    }
  }
  return { byState, expiring };
}

/** Open escalations by where they stand: with the manager, gone up the chain, with a group, or with nobody (no group set). */
async function escalationFigures(pages: AsyncIterable<StoredRecord<Escalation>[]>): Promise<Map<string, number>> {
  const byState = new Map<string, number>([
    ['with-manager', 0],
    ['up-the-chain', 0],
    ['with-group', 0],
    ['no-decider', 0],
  ]);
  for await (const page of pages) {
    for (const { value: escalation } of page) {
      if (escalation.state !== 'open') continue;
      const { kind } = escalation.decider;
      const state = kind === 'none' ? 'no-decider' : kind === 'group' ? 'with-group' : escalation.level > 0 ? 'up-the-chain' : 'with-manager';
      byState.set(state, (byState.get(state) ?? 0) + 1);
    }
  }
  return byState;
}
