// The jobs that run every minute read only what is waiting: pass requests through the targets' open slots, refusals
// through the markers beside them, escalations through the employees' open markers. Here the store refuses to list
// the whole partitions, so a job that still walked every row ever kept would fail.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ESCALATIONS_PARTITION, type Escalation, EscalationRecords } from '../../src/escalation/escalation-records.js';
import { allRefusals, PENDING_PREFIX, pendingKey, pendingRefusals, REFUSALS_PARTITION, recordRefusal } from '../../src/escalation/refusals.js';
import { TAP_REQUESTS_PARTITION, type TapRequest, TapRecords } from '../../src/helpdesk/tap-records.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { ListOptions, Store } from '../../src/store/store-port.js';
import { FaultyStore } from '../support/faulty-store.js';

let inner: SqliteStore;
let store: FaultyStore;
/** Partitions whose every row is listed (no key prefix) while the job runs. */
let fullLists: string[];

beforeEach(() => {
  inner = SqliteStore.open({ path: ':memory:' });
  store = new FaultyStore(inner);
  fullLists = [];
  const list = store.list.bind(store);
  store.list = <T>(partition: string, options?: ListOptions) => {
    if (!options?.keyPrefix) fullLists.push(partition);
    return list<T>(partition, options);
  };
});
afterEach(async () => {
  await inner.close();
});

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

function request(id: string, targetId: string, state: TapRequest['state']): TapRequest {
  return { id, requester: { id: 'agent', name: 'Agent' }, target: { id: targetId, name: targetId, upn: `${targetId}@contoso.example` }, receiverId: 'agent', state, createdAt: '2026-12-01T09:00:00.000Z', expiresAt: '2026-12-01T10:00:00.000Z', policy: { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60, isUsableOnce: true }, replacesExistingPass: false, copies: [] };
}

describe('the open items the every-minute jobs read', () => {
  it('pass requests: the open ones through their slots, never the settled ones; a stale slot is freed', async () => {
    const records = new TapRecords(store as Store);
    for (let index = 0; index < 300; index++) await records.create(request(`T-OLD${String(index).padStart(3, '0')}`, `settled-${index}`, 'expired'));
    for (const [id, target, state] of [['T-OPEN01', 'ana', 'awaiting-approval'], ['T-OPEN02', 'ben', 'approved'], ['T-STALE1', 'cai', 'cancelled']] as const) {
      await records.create(request(id, target, state));
      expect(await records.claimTarget(target, id)).toBeUndefined();
    }
    const open = await collect(records.openRequests());
    expect(open.map((record) => record.key).sort()).toEqual(['T-OPEN01', 'T-OPEN02']);
    expect(fullLists).not.toContain(TAP_REQUESTS_PARTITION);
    // The cancelled request's slot was left by a crash: freed, so "cai" can have a new request.
    expect(await records.claimTarget('cai', 'T-NEW001')).toBeUndefined();
  });

  it('refusals: those waiting for an escalation through their markers; a taken one drops its marker; the daily sweep sees them all', async () => {
    for (let index = 0; index < 250; index++) await inner.put(REFUSALS_PARTITION, `old-${index}`, { userId: `old-${index}`, reason: 'privacy', intents: [], recordedAt: '2026-01-01T00:00:00.000Z', status: 'awaiting-decision', escalationId: `e-${index}` });
    await recordRefusal(store, { userId: 'dana', reason: 'privacy', intents: [], recordedAt: '2026-12-01T09:00:00.000Z' });
    await recordRefusal(store, { userId: 'eli', reason: 'other', intents: [], recordedAt: '2026-12-01T09:05:00.000Z' });
    // Eli's refusal was taken to a decider, and a crash kept the marker from being removed.
    const eli = await inner.get<Record<string, unknown>>(REFUSALS_PARTITION, 'eli');
    await inner.put(REFUSALS_PARTITION, 'eli', { ...eli?.value, escalationId: 'e-eli' });
    const waiting = await collect(pendingRefusals(store));
    expect(waiting.map((record) => record.key)).toEqual(['dana']);
    expect(fullLists).not.toContain(REFUSALS_PARTITION);
    expect(await inner.get(REFUSALS_PARTITION, pendingKey('eli'))).toBeUndefined();
    const everything = await collect(allRefusals(store));
    expect(everything).toHaveLength(252);
    expect(everything.some((record) => record.key.startsWith(PENDING_PREFIX))).toBe(false);
  });

  it('escalations: the open and not-yet-followed-through ones through the employees’ markers', async () => {
    const records = new EscalationRecords(store as Store);
    const escalation = (id: string, employee: string, state: Escalation['state']): Escalation =>
      ({ id, employee: { id: employee, name: employee }, state, level: 0, earlierDeciders: [], round: 1, remindersAtLevel: 0, nextAskAt: '2026-12-02T09:00:00.000Z', copies: [], createdAt: '2026-12-01T09:00:00.000Z' }) as unknown as Escalation;
    for (let index = 0; index < 200; index++) await records.create(escalation(`closed-${index}`, `p-${index}`, 'decided'));
    for (const employee of ['fay', 'gus']) {
      const id = await records.claimId(employee);
      await records.create(escalation(id, employee, employee === 'fay' ? 'open' : 'decided'));
    }
    // Claimed by an opening a crash cut short: nothing to read yet.
    await records.claimId('hal');
    const open = await collect(records.openOnes());
    expect(open.map((record) => record.value.employee.id).sort()).toEqual(['fay', 'gus']);
    expect(fullLists).not.toContain(ESCALATIONS_PARTITION);
  });
});
