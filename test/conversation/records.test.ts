// What the conversation remembers: dialog state that survives a restart and expires, and objection records
// that keep no words and are deleted after the retention period.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALOG_TTL_MS, DIALOGS_PARTITION, type DialogState, DialogStore } from '../../src/conversation/dialog-store.js';
import { isObjectionEventKey, ObjectionLog } from '../../src/objections/objection-log.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('dialog state', () => {
  it('survives a restart of the service', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-dialog-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const first = SqliteStore.open({ path: file });
    await new DialogStore(first).update('u1', (state) => ({ ...state, intentsRaised: ['location-tracking'], platform: 'iphone' }));
    await first.close();
    const second = SqliteStore.open({ path: file });
    expect(await new DialogStore(second).get('u1')).toMatchObject({ intentsRaised: ['location-tracking'], platform: 'iphone' });
    await second.close();
  });

  it('starts afresh once it has been left alone for the time-to-live', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    let now = Date.parse('2026-11-01T00:00:00Z');
    const dialogs = new DialogStore(store, () => now);
    await dialogs.update('u1', (state) => ({ ...state, intentsRaised: ['biometrics'] }));
    now += DIALOG_TTL_MS - 1000;
    expect((await dialogs.get('u1')).intentsRaised).toEqual(['biometrics']);
    now += 2000;
    expect((await dialogs.get('u1')).intentsRaised).toEqual([]);
    await dialogs.update('u1', (state) => ({ ...state, intentsRaised: [...state.intentsRaised, 'lost-phone'] }));
    expect((await dialogs.get('u1')).intentsRaised).toEqual(['lost-phone']);
  });

  it('two turns of one person updating at once both land', async () => {
    const dialogs = new DialogStore(SqliteStore.open({ path: ':memory:' }));
    await Promise.all([
      dialogs.update('u1', (s) => ({ ...s, intentsRaised: [...s.intentsRaised, 'biometrics'] })),
      dialogs.update('u1', (s) => ({ ...s, intentsRaised: [...s.intentsRaised, 'lost-phone'] })),
    ]);
    expect((await dialogs.get('u1')).intentsRaised.sort()).toEqual(['biometrics', 'lost-phone']);
  });
});

describe('dialog state read then updated in one turn', () => {
  it('is updated from the row just read, without reading it again', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const dialogs = new DialogStore(store);
    await dialogs.update('u1', (state) => ({ ...state, lastLanguage: 'en' }));
    const before = { ...store.requestCounts() };
    await dialogs.get('u1');
    await dialogs.update('u1', (state) => ({ ...state, intentsRaised: ['biometrics'] }));
    await dialogs.update('u1', (state) => ({ ...state, platform: 'android' }));
    const after = store.requestCounts();
    expect((after.get ?? 0) - (before.get ?? 0)).toBe(1);
    expect((after.update ?? 0) - (before.update ?? 0)).toBe(2);
    expect(await dialogs.get('u1')).toMatchObject({ lastLanguage: 'en', intentsRaised: ['biometrics'], platform: 'android' });
    await store.close();
  });

  it('loses nothing another instance wrote in between: the stale row fails the swap and is read again', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const here = new DialogStore(store);
    const there = new DialogStore(store);
    await here.update('u1', (state) => ({ ...state, intentsRaised: ['biometrics'] }));
    await here.get('u1');
    await there.update('u1', (state) => ({ ...state, language: 'de' }));
    await here.update('u1', (state) => ({ ...state, intentsRaised: [...state.intentsRaised, 'lost-phone'] }));
    expect(await there.get('u1')).toMatchObject({ language: 'de', intentsRaised: ['biometrics', 'lost-phone'] });
    await store.close();
  });

  it('starts afresh when the row was erased after it was read', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const dialogs = new DialogStore(store);
    await dialogs.update('u1', (state) => ({ ...state, intentsRaised: ['biometrics'], language: 'fr' }));
    await dialogs.get('u1');
    await store.delete(DIALOGS_PARTITION, 'u1');
    await dialogs.update('u1', (state) => ({ ...state, platform: 'iphone' }));
    const state = await dialogs.get('u1');
    expect(state).toMatchObject({ intentsRaised: [], platform: 'iphone' });
    expect(state.language).toBeUndefined();
    await store.close();
  });

  it('writes nothing when the change leaves the state as it is, decided on a fresh read', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const dialogs = new DialogStore(store);
    await dialogs.update('u1', (state) => ({ ...state, intentsRaised: ['biometrics'], platform: 'android' }));
    await dialogs.get('u1');
    const before = { ...store.requestCounts() };
    const raise = (state: DialogState) => ({ ...state, intentsRaised: [...new Set([...state.intentsRaised, 'biometrics' as const])] });
    expect(await dialogs.update('u1', raise)).toMatchObject({ intentsRaised: ['biometrics'], platform: 'android' });
    await dialogs.update('u1', (state) => ({ ...state, platform: 'android' }));
    const after = store.requestCounts();
    expect((after.update ?? 0) - (before.update ?? 0)).toBe(0);
    // The row kept from the turn's read is not trusted to be unchanged: each no-op read it once more.
    expect((after.get ?? 0) - (before.get ?? 0)).toBe(2);
    await store.close();
  });

  it("does not take a row another instance changed for unchanged: the person's latest choice lands", async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const here = new DialogStore(store);
    const there = new DialogStore(store);
    await here.update('u1', (state) => ({ ...state, platform: 'android' }));
    await here.get('u1');
    await there.update('u1', (state) => ({ ...state, platform: 'iphone' }));
    await here.update('u1', (state) => ({ ...state, platform: 'android' }));
    expect((await there.get('u1')).platform).toBe('android');
    await store.close();
  });

  it('a conversation that goes on without changing its state is still kept alive (written again after a day)', async () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const store = SqliteStore.open({ path: ':memory:' });
    const dialogs = new DialogStore(store, () => now);
    await dialogs.update('u1', (state) => ({ ...state, intentsRaised: ['lost-phone'], platform: 'android' }));
    // Every 20 hours for 20 days (past the 14-day time-to-live) a turn that changes nothing: the worry raised first stays.
    for (let turn = 0; turn < 24; turn += 1) {
      now += 20 * 3600_000;
      await dialogs.update('u1', (state) => ({ ...state, platform: 'android' }));
    }
    expect(await dialogs.get('u1')).toMatchObject({ intentsRaised: ['lost-phone'], platform: 'android' });
    await store.close();
  });

  it('reads again once two seconds have passed since the row was read', async () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const store = SqliteStore.open({ path: ':memory:' });
    const dialogs = new DialogStore(store, () => now);
    await dialogs.update('u1', (state) => ({ ...state, lastLanguage: 'en' }));
    now += 2_001;
    const before = store.requestCounts().get ?? 0;
    await dialogs.update('u1', (state) => ({ ...state, platform: 'iphone' }));
    expect((store.requestCounts().get ?? 0) - before).toBe(1);
    await store.close();
  });
});

describe('objection records', () => {
  it('keep the topic and time, not the words, unless the admin turned words on', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    await new ObjectionLog(store, { keepText: false, retentionDays: 30 }).record({ userId: 'u1', intent: 'biometrics', confidence: 0.9, text: 'is my face uploaded' });
    await new ObjectionLog(store, { keepText: true, retentionDays: 30 }).record({ userId: 'u2', intent: 'biometrics', confidence: 0.9, text: 'is my face uploaded' });
    const records = (await store.list<{ userId: string; text?: string }>('objection-events')).records.filter((r) => isObjectionEventKey(r.key)).map((r) => r.value);
    expect(records.find((r) => r.userId === 'u1')?.text).toBeUndefined();
    expect(records.find((r) => r.userId === 'u2')?.text).toBe('is my face uploaded');
  });

  it('are deleted after the retention period, and only those', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    let now = Date.parse('2026-01-01T00:00:00Z');
    const log = new ObjectionLog(store, { keepText: false, retentionDays: 30, now: () => now });
    for (let day = 0; day < 60; day++) {
      await log.record({ userId: `u${day}`, intent: 'why-required', confidence: 0.8, text: 'x' });
      now += 24 * 3600_000;
    }
    expect(await log.purge()).toBe(30);
    const left = (await store.list('objection-events', { limit: 1000 })).records.filter((r) => isObjectionEventKey(r.key));
    expect(left).toHaveLength(30);
    expect(await log.purge()).toBe(0);
    // The chart counts what is kept: the thirty days left, no more, from the count row the purge kept in step.
    expect(await log.countsByIntent()).toEqual({ 'why-required': 30 });
    expect((await store.list('objection-events', { keyPrefix: '~', limit: 1000 })).records.map((r) => r.key)).toEqual(['~count']);
  });

  it('are counted by concern from one count and the events after it, however many record at once, on two instances', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    let now = Date.parse('2026-03-01T09:00:00Z');
    const clock = () => now;
    const logs = [new ObjectionLog(store, { keepText: false, retentionDays: 30, now: clock }), new ObjectionLog(store, { keepText: false, retentionDays: 30, now: clock })];
    const intents = ['biometrics', 'lost-phone', 'employer-spying'] as const;
    for (let burst = 0; burst < 40; burst++) {
      await Promise.all(Array.from({ length: 30 }, (_, n) => logs[n % 2]!.record({ userId: `u${burst}-${n}`, intent: intents[n % 3]!, confidence: 0.9, text: 'x' })));
      now += 60_000;
      // Reads in between, from either instance: each folds what is old enough when enough has piled up.
      if (burst % 7 === 0) expect(await logs[burst % 2]!.countsByIntent()).toEqual({ biometrics: 10 * (burst + 1), 'lost-phone': 10 * (burst + 1), 'employer-spying': 10 * (burst + 1) });
    }
    expect(await logs[0]!.countsByIntent()).toEqual({ biometrics: 400, 'lost-phone': 400, 'employer-spying': 400 });
    const count = await store.get<{ upTo: string }>('objection-events', '~count');
    // Folded at the last read (09:40), up to the events five minutes old, never the younger ones.
    expect(count?.value.upTo.slice(0, 24) ?? '').toBe('2026-03-01T09:35:00.000Z');
  });

  it("count an event written by an instance whose clock is a few minutes behind, after a fold", async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    let now = Date.parse('2026-03-01T09:00:00Z');
    const log = new ObjectionLog(store, { keepText: false, retentionDays: 30, now: () => now });
    for (let n = 0; n < 600; n++) await log.record({ userId: `u${n}`, intent: 'biometrics', confidence: 0.9, text: 'x' });
    now += 10 * 60_000;
    expect(await log.countsByIntent()).toEqual({ biometrics: 600 });
    const behind = new ObjectionLog(store, { keepText: false, retentionDays: 30, now: () => now - 4 * 60_000 });
    await behind.record({ userId: 'late', intent: 'lost-phone', confidence: 0.9, text: 'x' });
    expect(await log.countsByIntent()).toEqual({ biometrics: 600, 'lost-phone': 1 });
  });

  it('kept before the count existed are counted at the first read, and forgotten by the purge like the rest', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    let now = Date.parse('2026-01-01T12:00:00Z');
    // What the earlier version wrote: the event alone.
    for (let n = 0; n < 650; n++) await store.put('objection-events', `2026-01-01T10:00:00.${String(n % 1000).padStart(3, '0')}Z|u${n}`, { userId: `u${n}`, intent: n < 500 ? 'biometrics' : 'lost-phone', confidence: 0.8, at: '2026-01-01T10:00:00.000Z' });
    const log = new ObjectionLog(store, { keepText: false, retentionDays: 30, now: () => now });
    await log.record({ userId: 'new', intent: 'biometrics', confidence: 0.9, text: 'x' });
    expect(await log.countsByIntent()).toEqual({ biometrics: 501, 'lost-phone': 150 });
    expect(await log.countsByIntent()).toEqual({ biometrics: 501, 'lost-phone': 150 });
    now += 31 * 24 * 3600_000;
    expect(await log.purge()).toBe(651);
    expect(await log.countsByIntent()).toEqual({});
  });
});
