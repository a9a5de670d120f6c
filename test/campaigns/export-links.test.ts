// Export links: the file once, for ten minutes, to whoever holds the link; only a hash of the token is stored.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_LINK_TTL_MS, EXPORT_LINKS_PARTITION, ExportLinks, purgeExpiredLinks } from '../../src/campaigns/export-links.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

let store: SqliteStore;
let links: ExportLinks;
const made: string[] = [];

beforeEach(() => {
  store = SqliteStore.open({ path: ':memory:' });
  made.length = 0;
  links = new ExportLinks(store, (campaignId) => {
    made.push(campaignId);
    return { fileName: `${campaignId}.csv`, contentType: 'text/csv', body: (async function* () { yield 'a,b\r\n'; })() };
  });
});

afterEach(async () => {
  await store.close();
});

describe('export links', () => {
  it('give the file once, then nothing, and never store the token itself', async () => {
    const token = await links.create('c1', 'admin-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const rows = await store.list(EXPORT_LINKS_PARTITION);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await links.take(token))?.fileName).toBe('c1.csv');
    expect(await links.take(token)).toBeUndefined();
    expect(await links.take('not-a-token-that-exists-000')).toBeUndefined();
    expect(made).toEqual(['c1']);
  });

  it('expire after ten minutes, and the upkeep deletes links nobody opened', async () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const token = await links.create('c2', 'admin-1', now);
    await links.create('c3', 'admin-1', new Date(now.getTime() + EXPORT_LINK_TTL_MS));
    expect(await links.take(token, new Date(now.getTime() + EXPORT_LINK_TTL_MS + 1))).toBeUndefined();
    expect(made).toEqual([]);
    await links.create('c4', 'admin-1', now);
    expect(await purgeExpiredLinks(store, new Date(now.getTime() + EXPORT_LINK_TTL_MS + 1))).toBe(1);
    expect((await store.list(EXPORT_LINKS_PARTITION)).records).toHaveLength(1);
  });
});
