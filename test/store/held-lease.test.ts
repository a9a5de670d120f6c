// A lease held while work runs: kept through a passing store failure, lost (its signal aborts) as soon as the store
// says someone else has it or when it could not be renewed before its end, and given up for others at once on release.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { HeldLease } from '../../src/store/held-lease.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { FaultyStore } from '../support/faulty-store.js';

let inner: SqliteStore;
let store: FaultyStore;
const logger = createLogger({ level: 'silent' });
const terms = (holder: string, over = store) => ({ store: over, name: 'job', holder, durationMs: 15_000, logger });

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-12-01T09:00:00.000Z') });
  inner = SqliteStore.open({ path: ':memory:' });
  store = new FaultyStore(inner);
});
afterEach(async () => {
  vi.useRealTimers();
  await inner.close();
});

describe('a held lease', () => {
  it('is renewed while held, so nobody else takes it however long the work lasts', async () => {
    const lease = await HeldLease.take(terms('a'));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(lease?.held).toBe(true);
    expect(await HeldLease.take(terms('b'))).toBeUndefined();
    await lease?.release();
  });

  it('gives up waiting for a store that does not answer the release at the deadline it is given', async () => {
    const lease = await HeldLease.take(terms('a'));
    // A store that is down answers only after its retries: here, never.
    store.releaseLease = () => new Promise<void>(() => undefined);
    let done = false;
    const releasing = lease?.release(Date.now() + 2_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await releasing;
    expect(done).toBe(true);
    expect(lease?.held).toBe(false);
  });

  it('survives a store failure shorter than its duration', async () => {
    const lease = await HeldLease.take(terms('a'));
    store.fail((operation) => operation === 'renewLease');
    await vi.advanceTimersByTimeAsync(9_000);
    store.heal();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(lease?.held).toBe(true);
    await lease?.release();
  });

  it('is lost, and its signal aborts, when it could not be renewed by its end: never past the store\'s end', async () => {
    const lease = await HeldLease.take(terms('a'));
    store.fail((operation) => operation === 'renewLease');
    await vi.advanceTimersByTimeAsync(14_999);
    expect(lease?.held).toBe(true);
    expect(await HeldLease.take(terms('b', new FaultyStore(inner)))).toBeUndefined();
    // Its end, counted from when it was asked for, comes no later than the store's: the holder stops first.
    await vi.advanceTimersByTimeAsync(1);
    expect(lease?.held).toBe(false);
    expect(lease?.signal.aborted).toBe(true);
    expect(await HeldLease.take(terms('b', new FaultyStore(inner)))).toBeDefined();
  });

  it('is lost at once when the store says another holder has it', async () => {
    const lease = await HeldLease.take(terms('a'));
    store.fail((operation) => operation === 'renewLease');
    await vi.advanceTimersByTimeAsync(15_000);
    const other = await HeldLease.take(terms('b', new FaultyStore(inner)));
    expect(other?.held).toBe(true);
    store.heal();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(lease?.held).toBe(false);
    expect(other?.held).toBe(true);
    await other?.release();
  });

  it('once released can be taken by another at once', async () => {
    const lease = await HeldLease.take(terms('a'));
    await lease?.release();
    expect(lease?.signal.aborted).toBe(true);
    expect((await HeldLease.take(terms('b')))?.held).toBe(true);
  });
});
