// Runs the store contract against SQLite (file and memory) and checks what only SQLite has: files, WAL, migrations.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { latestVersion, MIGRATIONS, type Migration, migrate, schemaVersion } from '../../src/store/sqlite-migrations.js';
import { BatchingStore } from '../../src/store/batching-store.js';
import { prefixUpperBound, SqliteStore } from '../../src/store/sqlite-store.js';
import { appErrorOf, describeStoreContract } from './store-contract.js';

const contractDir = mkdtempSync(join(tmpdir(), 'passkey-coach-store-contract-'));
let contractFiles = 0;
afterAll(() => rmSync(contractDir, { recursive: true, force: true }));

describeStoreContract('SQLite file', async () => SqliteStore.open({ path: join(contractDir, `store-${++contractFiles}.sqlite`) }));
describeStoreContract('SQLite in memory', async () => SqliteStore.open({ path: ':memory:' }));
describeStoreContract('SQLite behind the batching store', async () => new BatchingStore(SqliteStore.open({ path: ':memory:' })));

interface VersionRow {
  version: number;
  description: string;
  applied_at: string;
}

describe('SqliteStore on disk', () => {
  let dir: string;
  let file: string;
  const opened: { close(): unknown }[] = [];
  const track = <T extends { close(): unknown }>(handle: T): T => {
    opened.push(handle);
    return handle;
  };
  const raw = () => {
    mkdirSync(dirname(file), { recursive: true });
    return track(new Database(file));
  };
  const versionRows = (db: Database.Database) =>
    db.prepare<[], VersionRow>('SELECT version, description, applied_at FROM schema_version ORDER BY version').all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passkey-coach-sqlite-'));
    file = join(dir, 'nested', 'folder', 'coach.sqlite');
  });

  afterEach(async () => {
    for (const handle of opened.splice(0)) await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the missing parent folders and records every migration in schema_version', async () => {
    await track(SqliteStore.open({ path: file })).close();
    expect(existsSync(file)).toBe(true);
    const rows = versionRows(raw());
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(rows.map((row) => row.description)).toEqual(MIGRATIONS.map((migration) => migration.description));
    for (const row of rows) expect(Number.isNaN(Date.parse(row.applied_at))).toBe(false);
  });

  it('keeps records and leases across close and reopen', async () => {
    const first = track(SqliteStore.open({ path: file }));
    const written = await first.put('users', 'ada', { enrolled: true, devices: ['phone'] });
    const lease = await first.acquireLease('reminders', 'worker-a', 3_600_000);
    await first.close();

    const second = track(SqliteStore.open({ path: file }));
    expect(await second.get('users', 'ada')).toEqual(written);
    expect(await second.acquireLease('reminders', 'worker-b', 1000)).toBeUndefined();
    if (lease === undefined) throw new Error('the free lease should have been granted');
    expect((await second.renewLease(lease, 1000)).holder).toBe('worker-a');
  });

  it('reopening an up-to-date file does not run any migration again', async () => {
    await track(SqliteStore.open({ path: file })).close();
    const before = versionRows(raw());
    await track(SqliteStore.open({ path: file })).close();
    await track(SqliteStore.open({ path: file })).close();
    expect(versionRows(raw())).toEqual(before);
    expect(migrate(raw())).toEqual({ applied: [], version: latestVersion() });
  });

  it('upgrades an older database one step at a time, keeping its data', async () => {
    const db = raw();
    const first = MIGRATIONS.slice(0, 1);
    expect(migrate(db, first)).toEqual({ applied: [1], version: 1 });
    db.prepare("INSERT INTO records VALUES ('p', 'k', '\"kept\"', 'e1', '2030-01-01T00:00:00.000Z')").run();

    const next: Migration = { version: 2, description: 'test: notes', sql: 'CREATE TABLE notes (id TEXT PRIMARY KEY)' };
    expect(migrate(db, [...first, next])).toEqual({ applied: [2], version: 2 });
    expect(versionRows(db).map((row) => row.version)).toEqual([1, 2]);
    expect(db.prepare('SELECT value FROM records WHERE key = ?').pluck().get('k')).toBe('"kept"');
  });

  it('a migration that fails is rolled back whole and leaves the version where it was', async () => {
    const db = raw();
    migrate(db);
    const broken: Migration = {
      version: latestVersion() + 1,
      description: 'test: broken',
      sql: 'CREATE TABLE half_done (id TEXT); INSERT INTO no_such_table VALUES (1);',
    };
    const error = await appErrorOf(Promise.resolve().then(() => migrate(db, [...MIGRATIONS, broken])));
    expect(error.code).toBe('internal');
    expect(error.message).toContain('test: broken');
    expect(schemaVersion(db)).toBe(latestVersion());
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
  });

  it('refuses a migration list with gaps or out of order', () => {
    const gap: Migration[] = [...MIGRATIONS, { version: latestVersion() + 2, description: 'gap', sql: 'SELECT 1' }];
    expect(() => migrate(raw(), gap)).toThrow(AppError);
  });

  it('refuses a database written by a newer schema version, saying so, and leaves it untouched', async () => {
    const store = track(SqliteStore.open({ path: file }));
    await store.put('p', 'k', 'precious');
    await store.close();
    const db = raw();
    db.prepare("INSERT INTO schema_version VALUES (999, 'from the future', '2040-01-01T00:00:00.000Z')").run();
    db.close();

    const error = await appErrorOf(Promise.resolve().then(() => SqliteStore.open({ path: file })));
    expect(error.code).toBe('config.invalid');
    expect(error.message).toContain('schema version 999');
    expect(error.message).toContain(`up to version ${latestVersion()}`);
    expect(error.message).toMatch(/newer/);

    const after = raw();
    expect(schemaVersion(after)).toBe(999);
    expect(after.prepare("SELECT value FROM records WHERE key = 'k'").pluck().get()).toBe('"precious"');
  });

  it('puts file databases in WAL journal mode', async () => {
    await track(SqliteStore.open({ path: file })).close();
    expect(raw().pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('two stores on one file see each other’s writes and a stale etag still conflicts', async () => {
    const a = track(SqliteStore.open({ path: file }));
    const b = track(SqliteStore.open({ path: file }));
    const created = await a.put('p', 'k', 1);
    expect(await b.get('p', 'k')).toEqual(created);
    const updated = await b.update('p', 'k', 2, created.etag);
    const error = await appErrorOf(a.update('p', 'k', 3, created.etag));
    expect(error.code).toBe('store.conflict');
    expect(await a.get('p', 'k')).toEqual(updated);
    expect((await b.acquireLease('job', 'worker-b', 60_000))?.holder).toBe('worker-b');
    expect(await a.acquireLease('job', 'worker-a', 60_000)).toBeUndefined();
  });

  it('refuses a file that is not a SQLite database with a config error naming the path', async () => {
    const bogus = join(dir, 'not-a-database.sqlite');
    writeFileSync(bogus, 'this is plain text, not SQLite '.repeat(200));
    const error = await appErrorOf(Promise.resolve().then(() => SqliteStore.open({ path: bogus })));
    expect(error.code).toBe('config.invalid');
    expect(error.message).toContain(bogus);
  });

  it('refuses an empty path', async () => {
    const error = await appErrorOf(Promise.resolve().then(() => SqliteStore.open({ path: ' ' })));
    expect(error.code).toBe('config.invalid');
  });
});

describe('SqliteStore behaviour beyond the port', () => {
  let clock: number;
  let store: SqliteStore;

  beforeEach(() => {
    clock = Date.UTC(2031, 5, 1, 12, 0, 0);
    store = SqliteStore.open({ path: ':memory:', now: () => clock });
  });

  afterEach(async () => {
    await store.close();
  });

  it('stamps writes and lease expiries with the injected clock', async () => {
    expect((await store.put('p', 'k', 1)).updatedAt).toBe(new Date(clock).toISOString());
    clock += 5_000;
    const record = await store.get('p', 'k');
    const updated = await store.update('p', 'k', 2, record?.etag ?? '');
    expect(updated.updatedAt).toBe(new Date(clock).toISOString());
    expect((await store.acquireLease('l', 'h', 1_000))?.expiresAt).toBe(new Date(clock + 1_000).toISOString());
  });

  it('treats a lease as free from the exact instant it expires', async () => {
    await store.acquireLease('l', 'a', 1_000);
    clock += 999;
    expect(await store.acquireLease('l', 'b', 1_000)).toBeUndefined();
    clock += 1;
    expect((await store.acquireLease('l', 'b', 1_000))?.holder).toBe('b');
  });

  it('refuses values that cannot be stored as JSON, and stores nothing', async () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    for (const value of [undefined, () => 1, Symbol('s'), 10n, circular]) {
      const error = await appErrorOf(store.put('p', 'k', value));
      expect(error.code).toBe('request.malformed');
      expect(error.userFault).toBe(true);
    }
    expect(await store.get('p', 'k')).toBeUndefined();
  });

  it('refuses keys with unpaired surrogates, which would collide once encoded', async () => {
    expect((await appErrorOf(store.put('p', 'a\ud800', 1))).code).toBe('request.malformed');
    expect((await appErrorOf(store.list('p', { keyPrefix: '\udc00' }))).code).toBe('request.malformed');
  });

  it('refuses lease durations that are not positive whole milliseconds', async () => {
    for (const duration of [0, -5, 1.5, Number.NaN]) {
      expect((await appErrorOf(store.acquireLease('l', 'h', duration))).code).toBe('request.malformed');
    }
  });

  it('refuses an empty etag instead of treating it as unconditional', async () => {
    await store.put('p', 'k', 1);
    expect((await appErrorOf(store.update('p', 'k', 2, ''))).code).toBe('request.malformed');
    expect((await appErrorOf(store.delete('p', 'k', ''))).code).toBe('request.malformed');
    expect((await store.get('p', 'k'))?.value).toBe(1);
  });

  it('says "not found" when updating a missing record and "conflict" when it changed', async () => {
    expect((await appErrorOf(store.update('p', 'ghost', 1, 'etag'))).code).toBe('store.not-found');
    await store.put('p', 'k', 1);
    expect((await appErrorOf(store.update('p', 'k', 2, 'wrong'))).code).toBe('store.conflict');
  });

  it('keys with a NUL character stay distinct and list in order', async () => {
    await store.put('p', 'a\u0000b', 1);
    await store.put('p', 'a', 2);
    await store.put('p', 'a\u0000', 3);
    expect((await store.list('p', { keyPrefix: 'a\u0000' })).records.map((r) => r.key)).toEqual(['a\u0000', 'a\u0000b']);
  });
});

describe('prefixUpperBound', () => {
  it('is the next string after every string with the prefix, in code point order', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('a\uffff')).toBe('a\u{10000}');
    expect(prefixUpperBound('a\ud7ff')).toBe('a\ue000');
    expect(prefixUpperBound('a😀')).toBe('a😁');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}\u{10ffff}')).toBeUndefined();
  });
});
