// Outbox rows name what they belong to generically (`subjectId`); rows queued by the version before, which said
// `campaignId`, are read the same way, so an upgrade in the middle of a campaign loses none of them.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOX_PARTITION, Outbox, outboxKey } from '../../src/outbox/outbox.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { memoryStore } from '../audit/audit-fixtures.js';

let store: SqliteStore;
beforeEach(() => {
  store = memoryStore();
});
afterEach(async () => {
  await store.close();
});

describe('outbox rows', () => {
  it('reads a row an earlier version queued with campaignId as one with subjectId, and logs it under that subject', async () => {
    const dueAt = '2026-12-01T09:00:00.000Z';
    const legacy = { campaignId: 'C-2026-1', userId: 'u1', step: 'invite', dueAt, attempts: 0 };
    await store.insert(OUTBOX_PARTITION, `${dueAt}|C-2026-1|u1|invite`, legacy);
    const outbox = new Outbox(store);
    const [page] = await collect(outbox.due(new Date('2026-12-01T10:00:00.000Z')));
    expect(page?.[0]?.value).toEqual({ subjectId: 'C-2026-1', userId: 'u1', step: 'invite', dueAt, attempts: 0 });
    await outbox.finish(page?.[0] as NonNullable<typeof page>[number], { outcome: 'sent', attempts: 1 });
    expect(await outbox.logEntry('C-2026-1', 'u1', 'invite')).toMatchObject({ outcome: 'sent', step: 'invite' });
    // Already logged: queuing the same step again is refused, as for any row.
    expect(await outbox.enqueue({ subjectId: 'C-2026-1', userId: 'u1', step: 'invite', dueAt })).toBe(false);
  });

  it('keys a new row by due instant, subject, person and step', () => {
    expect(outboxKey({ kind: 'escalation', subjectId: 'E-1', userId: 'u2', step: 'ask-0', dueAt: '2026-12-01T09:00:00.000Z' })).toBe('2026-12-01T09:00:00.000Z|E-1|u2|ask-0');
  });
});

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}
