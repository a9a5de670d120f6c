// The gauges an operator's alerts read, on a fixed clock: which outbox rows count as waiting too long, how the anchor
// age grows while a sink fails and falls back once it works, and that a store that cannot be read is logged once while
// the gauges that do not need it still report.

import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnchorSink } from '../../src/audit/audit-anchor.js';
import { AuditAnchorer } from '../../src/audit/audit-anchoring.js';
import { sendingHealth } from '../../src/app/sending-health.js';
import { outboxFigures, watchServiceState } from '../../src/app/service-gauges.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { OUTBOX_PARTITION, Outbox, type OutboxRow, outboxKey } from '../../src/outbox/outbox.js';
import { Strings } from '../../src/shared/strings.js';
import { METRIC } from '../../src/telemetry/telemetry.js';
import { auditLog, K1_ONLY, memoryStore, recordMany } from '../audit/audit-fixtures.js';
import { FaultyStore } from '../support/faulty-store.js';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000).toISOString();
const stores: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function row(userId: string, dueAt: string, extra: Partial<OutboxRow> = {}): OutboxRow {
  return { kind: 'campaign', subjectId: 'c1', userId, step: 'invite', dueAt, attempts: 0, ...extra };
}

describe('the outbox as the alert sees it', () => {
  it('counts every waiting row; the oldest due one ages from its due instant, a row held for working hours does not age until then', async () => {
    const store = memoryStore();
    stores.push(store);
    const outbox = new Outbox(store);
    const rows = [
      // Held until 08:00 tomorrow in its person's working hours: waiting, not due.
      row('held', minutes(-120), { notBefore: minutes(22 * 60) }),
      // Its working hour came 5 minutes ago: due for 5 minutes, not for 2 hours.
      row('woke', minutes(-120), { notBefore: minutes(-5) }),
      // Failing since it came due 50 minutes ago, back-off or not: the wait an operator must see.
      row('failing', minutes(-50), { notBefore: minutes(2), lastError: '503 from the Bot Connector', attempts: 3 }),
      row('later', minutes(30)),
    ];
    for (const value of rows) await store.put(OUTBOX_PARTITION, outboxKey(value), value);
    expect(await outboxFigures(outbox, NOW)).toEqual({ depth: 4, oldestDueSeconds: 50 * 60 });
    await store.delete(OUTBOX_PARTITION, outboxKey(rows[2]!));
    expect(await outboxFigures(outbox, NOW)).toEqual({ depth: 3, oldestDueSeconds: 5 * 60 });
    await store.delete(OUTBOX_PARTITION, outboxKey(rows[1]!));
    expect(await outboxFigures(outbox, NOW)).toEqual({ depth: 2, oldestDueSeconds: 0 });
  });
});

describe('the service gauges', () => {
  it('anchor age grows while a sink fails and falls back once every sink holds the head; a failed store read is logged once and the rest still reports', async () => {
    const inner = memoryStore();
    stores.push(inner);
    const store = new FaultyStore(inner);
    let clock = NOW.getTime();
    const now = () => new Date(clock);
    let failing = true;
    const sink: AnchorSink = {
      name: 'flaky',
      write: async () => {
        if (failing) throw new Error('container unreachable');
      },
    };
    const logs = new MemorySink();
    const logger = createLogger({ level: 'info', sink: logs });
    const anchorer = new AuditAnchorer({ store, keyring: { keyId: 'k1', keys: K1_ONLY }, sinks: [sink], logger, now });
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const health = sendingHealth({ logger, strings: new Strings(), notify: async () => undefined });
    const sending = { inFlight: 5, window: 12 };
    const stop = watchServiceState({ outbox: new Outbox(store), health, openPassRequests: async function* () {}, openEscalations: async function* () {}, anchorer, sending: () => sending, logger, now }, provider.getMeter('test'));
    const read = async () => {
      exporter.reset();
      await reader.forceFlush();
      const found = new Map<string, number>();
      for (const metric of exporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))) {
        for (const point of metric.dataPoints) found.set(metric.descriptor.name, point.value as number);
      }
      return found;
    };
    try {
      await recordMany(auditLog(inner), 2);
      await anchorer.checkpoint();
      clock += 20 * 60_000;
      await anchorer.checkpoint();
      expect((await read()).get(METRIC.anchorAge)).toBe(20 * 60);
      // The sender's figures as they are when collected.
      sending.inFlight = 9;
      sending.window = 20;
      const sent = await read();
      expect([sent.get(METRIC.sendInFlight), sent.get(METRIC.sendWindow)]).toEqual([9, 20]);
      failing = false;
      clock += 60_000;
      await anchorer.checkpoint();
      expect((await read()).get(METRIC.anchorAge)).toBe(0);
      clock += 4 * 60_000;
      expect((await read()).get(METRIC.anchorAge)).toBe(4 * 60);

      store.fail((operation, partition) => operation === 'list' && partition === OUTBOX_PARTITION);
      const figures = await read();
      // What does not need the store is still reported.
      expect(figures.get(METRIC.sendingPaused)).toBe(0);
      expect(figures.get(METRIC.anchorAge)).toBe(4 * 60);
      expect(figures.get(METRIC.sendWindow)).toBe(20);
      expect(logs.entries().filter((entry) => entry.msg === 'could not read the store for the service gauges')).toHaveLength(1);
      store.heal();
      expect((await read()).get(METRIC.outboxDepth)).toBe(0);
    } finally {
      stop();
      await provider.shutdown();
      metrics.disable();
    }
  });
});
