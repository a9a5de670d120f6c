// Outages in fake time for the end-to-end tests of the sender: a Bot Connector fault held while the clock moves on in
// steps (the sender takes what it may at each), then Teams back and the queue drained through the breaker's probes.

import { vi } from 'vitest';
import type { FaultSpec } from '../../src/dev/connector-emulator/faults.js';
import { OUTBOX_PARTITION, type OutboxRow } from '../../src/outbox/outbox.js';
import type { DemoBot } from './bot-harness.js';
import { settle } from './outreach-helpers.js';
import { outboxDrained, until } from './waiting.js';

export interface Outages {
  /**
   * Holds `fault` (every chat write answering 503 by default) for `ms` of fake time; `during` runs once it is in place.
   * Then Teams is back, and the queue is drained unless `drain` is false.
   */
  connector(ms: number, during?: () => Promise<void>, options?: { fault?: FaultSpec; drain?: boolean; drainWithinMs?: number }): Promise<{ faulted: number }>;
  /** Moves the clock on by `ms` and lets the sender take what it may. */
  step(ms: number): Promise<void>;
  /** Moves the clock on in steps until the outbox is empty (within `withinMs` of fake time). */
  drain(withinMs?: number): Promise<void>;
  /** Real time for the sender to take what it may at this fake moment. */
  quiet(): Promise<void>;
  queued(): Promise<OutboxRow[]>;
}

export function outages(bot: () => DemoBot, stepMs = 10_000): Outages {
  const features = () => bot().service.features;
  const faultedCalls = () => bot().demo.connector.requests().filter((request) => request.faulted).length;
  const quiet = async () => {
    await new Promise((resolve) => setTimeout(resolve, 60));
    await until(() => features().sender.stats().inFlight === 0, 10_000);
  };
  const queued = async () => (await bot().service.store.list<OutboxRow>(OUTBOX_PARTITION, { limit: 1000 })).records.map((record) => record.value);
  const step = async (ms: number) => {
    vi.setSystemTime(new Date(Date.now() + ms));
    // The standing clock never frees Graph's throttles by itself.
    bot().demo.graph.state.resetThrottles();
    features().sender.wake();
    await quiet();
  };
  const drain = async (withinMs = 60_000) => {
    const from = Date.now();
    while (!(await outboxDrained(features()))) {
      if (Date.now() - from > withinMs) throw new Error(`still queued after ${withinMs / 1000} s: ${JSON.stringify(await queued())}`);
      await step(5_000);
    }
    await settle(bot, { fakeClock: true });
  };
  return {
    quiet,
    queued,
    drain,
    step,
    async connector(ms, during = async () => {}, options = {}) {
      const before = faultedCalls();
      const id = bot().demo.connector.faults.add(options.fault ?? { method: 'POST', path: '/v3/conversations', status: 503 });
      await during();
      const end = Date.now() + ms;
      while (Date.now() < end) await step(stepMs);
      const faulted = faultedCalls() - before;
      bot().demo.connector.faults.remove(id);
      // Teams is back: within the breaker's longest wait (15 s) a probe gets through, and everything follows.
      if (options.drain ?? true) await drain(options.drainWithinMs);
      return { faulted };
    },
  };
}
