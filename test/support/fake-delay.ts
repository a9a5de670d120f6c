// Checking an emulator's latency in fake time, not on the wall clock: with setTimeout faked (vi.useFakeTimers), a
// request that must wait `ms` is still unanswered when `ms - 1` have passed, and answered at `ms`.

import { expect, vi } from 'vitest';

/** Real time allowed for a request or an answer to cross its real socket; a guard against waiting for ever, not a measure. */
const CROSSING_LIMIT_NS = 10_000_000_000n;

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Turns the event loop (real I/O goes on; fake time stands still) until `done`, or false after the guard. */
async function turnsUntil(done: () => boolean): Promise<boolean> {
  const startedAt = process.hrtime.bigint();
  while (!done()) {
    if (process.hrtime.bigint() - startedAt > CROSSING_LIMIT_NS) return false;
    await turn();
  }
  return true;
}

/**
 * Sends, waits until the answer waits on a fake timer, then moves fake time on: nothing at `ms - 1`, the answer at
 * `ms`. `held` tells when the request waits on the delay (by default: when a new fake timer started). Fails when the answer comes without any delay, or only after more than `ms`.
 */
export async function expectHeldFor<T>(ms: number, send: () => Promise<T>, options: { held?: () => boolean } = {}): Promise<T> {
  const timersBefore = vi.getTimerCount();
  // Other timers may start first (a client library's own); `held` says the server's delay itself has begun.
  const held = options.held ?? (() => vi.getTimerCount() > timersBefore);
  let answered = false;
  const pending = send().finally(() => {
    answered = true;
  });
  if (!(await turnsUntil(() => answered || held()))) throw new Error('the request never reached a delay');
  expect(answered, `answered with no delay (expected ${ms} ms)`).toBe(false);
  await vi.advanceTimersByTimeAsync(ms - 1);
  // An answer written by now would have crossed the socket within a few turns.
  for (let i = 0; i < 20; i++) await turn();
  expect(answered, `answered before ${ms} ms had passed`).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  expect(await turnsUntil(() => answered), `not answered when ${ms} ms had passed`).toBe(true);
  return pending;
}
