// The "talk to a person" queue's records: one open request per person, closing keeps only who and when, asking again
// reopens, and closed requests go after the retention period (open ones stay).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeHelpRequest, HELP_REQUESTS_PARTITION, type HelpRequest, purgeClosedHelpRequests, requestHelp } from '../../src/helpdesk/help-requests.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { memoryStore } from '../audit/audit-fixtures.js';

let store: SqliteStore;
beforeEach(() => {
  store = memoryStore();
});
afterEach(async () => {
  await store.close();
});

const agent = { id: '97d45f07-a41b-4e5b-9a0d-c7e1022a1cfb', name: 'Marek Dąbrowski' };
const ask = (userId: string, requestedAt = '2026-12-01T09:00:00.000Z') => requestHelp(store, { userId, intents: ['lost-phone'], platform: 'iphone', requestedAt });

describe('help requests', () => {
  it('keeps one open request per person, and only who closed it and when once it is closed', async () => {
    expect((await ask('ava')).alreadyOpen).toBe(false);
    expect((await ask('ava')).alreadyOpen).toBe(true);
    const closed = await closeHelpRequest(store, 'ava', agent, new Date('2026-12-02T10:00:00Z'));
    expect(closed).toEqual({ userId: 'ava', intents: [], requestedAt: '2026-12-01T09:00:00.000Z', status: 'closed', closed: { by: agent, at: '2026-12-02T10:00:00.000Z' } });
    expect(await closeHelpRequest(store, 'ava', agent, new Date())).toBeUndefined();
    expect(await closeHelpRequest(store, 'nobody', agent, new Date())).toBeUndefined();
    // Asking again opens a new request.
    expect((await ask('ava', '2026-12-03T09:00:00.000Z')).alreadyOpen).toBe(false);
    expect((await store.get<HelpRequest>(HELP_REQUESTS_PARTITION, 'ava'))?.value).toMatchObject({ status: 'open', intents: ['lost-phone'] });
  });

  it('deletes requests closed before the retention period and keeps the rest', async () => {
    for (const id of ['old-closed', 'recent-closed', 'old-open']) await ask(id);
    await closeHelpRequest(store, 'old-closed', agent, new Date('2026-01-01T00:00:00Z'));
    await closeHelpRequest(store, 'recent-closed', agent, new Date('2026-11-30T00:00:00Z'));
    expect(await purgeClosedHelpRequests(store, 180, new Date('2026-12-05T00:00:00Z'))).toBe(1);
    const left = (await store.list<HelpRequest>(HELP_REQUESTS_PARTITION, { limit: 10 })).records.map((record) => record.key).sort();
    expect(left).toEqual(['old-open', 'recent-closed']);
  });
});
