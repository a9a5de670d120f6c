// The embedded Store adapter: one SQLite file (or memory) through better-sqlite3, with CAS by etag and leases.

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AppError, isAppError } from '../errors/app-error.js';
import { FileIdentity, requireIntact } from './sqlite-health.js';
import { prepareStatements, type RecordRow, type Statements } from './sqlite-statements.js';
import { migrate } from './sqlite-migrations.js';
import { alreadyExists, checkBatch, checkDuration, checkEtag, checkKeys, checkLease, checkLimit, checkName, checkPrefix, checkStartAfter, checkWrites, decodeToken, describeError as describe, encodeToken, toJson } from './store-checks.js';
import type { Lease, ListOptions, RecordPage, Store, StoredRecord, StoreWrite } from './store-port.js';

export interface SqliteStoreOptions {
  /** A file path (its folder is created) or ':memory:'. */
  path: string;
  /** Milliseconds since the epoch; defaults to Date.now, read on every call so faked timers apply. */
  now?: () => number;
  /** How long a write waits for another connection's lock before failing; default 5000 ms. */
  busyTimeoutMs?: number;
}

/** Where the readiness probe writes: a partition no feature reads. */
const PROBE_PARTITION = '~probe';

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #statements: Statements;
  /** Operations run since the store opened, by name (requestCounts). */
  readonly #requests = new Map<string, number>();
  readonly #acquire: Database.Transaction<(name: string, holder: string, durationMs: number) => Lease | undefined>;
  readonly #renew: Database.Transaction<(lease: Lease, durationMs: number) => Lease>;
  readonly #updateOrExplain: Database.Transaction<
    (partition: string, key: string, json: string, expectedEtag: string) => StoredRecord<string>
  >;
  readonly #deleteOrExplain: Database.Transaction<(partition: string, key: string, expectedEtag: string) => void>;
  /** getMany's statements by the number of keys (at most MAX_TRANSACTION_WRITES of them). */
  readonly #getMany = new Map<number, Database.Statement<string[], RecordRow>>();
  /** The file opened (none in memory): the probe checks it is still there. */
  readonly #file: FileIdentity | undefined;
  #open = true;

  private constructor(db: Database.Database, now: () => number, file: FileIdentity | undefined) {
    this.#db = db;
    this.#now = now;
    this.#file = file;
    this.#statements = prepareStatements(db);
    this.#acquire = db.transaction((name: string, holder: string, durationMs: number) =>
      this.#acquireNow(name, holder, durationMs),
    );
    this.#renew = db.transaction((lease: Lease, durationMs: number) => this.#renewNow(lease, durationMs));
    this.#updateOrExplain = db.transaction((partition: string, key: string, json: string, expectedEtag: string) =>
      this.#updateNow(partition, key, json, expectedEtag),
    );
    this.#deleteOrExplain = db.transaction((partition: string, key: string, expectedEtag: string) =>
      this.#deleteNow(partition, key, expectedEtag),
    );
  }

  /**
   * Opens (creating if needed), checks (SQLite's quick check) and migrates the database. Throws AppError
   * `store.unusable` for a damaged file, `config.invalid` when it cannot be opened at all.
   */
  static open(options: SqliteStoreOptions): SqliteStore {
    const { path } = options;
    if (typeof path !== 'string' || path.trim() === '') {
      throw new AppError('config.invalid', 'The SQLite store needs a file path or ":memory:"');
    }
    const inMemory = path === ':memory:';
    let db: Database.Database | undefined;
    try {
      const filename = inMemory ? path : resolve(path);
      if (!inMemory) mkdirSync(dirname(filename), { recursive: true });
      db = new Database(filename);
      if (!inMemory) requireIntact(db, filename);
      if (!inMemory) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      db.pragma('foreign_keys = ON');
      // Erasing a person must not leave their name readable in the file's free pages.
      db.pragma('secure_delete = ON');
      migrate(db);
      return new SqliteStore(db, options.now ?? (() => Date.now()), inMemory ? undefined : new FileIdentity(filename));
    } catch (error) {
      db?.close();
      if (isAppError(error)) throw error;
      throw new AppError('config.invalid', `Could not open the SQLite store at ${path}: ${describe(error)}`, {
        cause: error,
        details: { path },
      });
    }
  }

  async get<T>(partition: string, key: string): Promise<StoredRecord<T> | undefined> {
    return this.#run('get', () => {
      checkName('partition', partition);
      checkName('key', key);
      const row = this.#statements.get.get(partition, key);
      return row === undefined ? undefined : toRecord<T>(partition, row);
    });
  }

  async put<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>> {
    return this.#run('put', () => {
      checkName('partition', partition);
      checkName('key', key);
      const json = toJson(value);
      const etag = randomUUID();
      const updatedAt = this.#isoNow();
      this.#statements.upsert.run(partition, key, json, etag, updatedAt);
      return toRecord<T>(partition, { key, value: json, etag, updated_at: updatedAt });
    });
  }

  async insert<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>> {
    return this.#run('insert', () => {
      checkName('partition', partition);
      checkName('key', key);
      const json = toJson(value);
      const etag = randomUUID();
      const updatedAt = this.#isoNow();
      const { changes } = this.#statements.insert.run(partition, key, json, etag, updatedAt);
      if (changes === 0) {
        throw alreadyExists(partition, key);
      }
      return toRecord<T>(partition, { key, value: json, etag, updated_at: updatedAt });
    });
  }

  async insertMany<T>(partition: string, records: readonly { key: string; value: T }[]): Promise<boolean[]> {
    return this.#run('insertMany', () => {
      checkName('partition', partition);
      checkBatch(records);
      const rows = records.map((record) => ({ key: record.key, json: toJson(record.value) }));
      return this.#db.transaction(() =>
        rows.map(({ key, json }) => this.#statements.insert.run(partition, key, json, randomUUID(), this.#isoNow()).changes > 0),
      )();
    });
  }

  async getMany<T>(partition: string, keys: readonly string[]): Promise<Map<string, StoredRecord<T>>> {
    return this.#run('getMany', () => {
      checkName('partition', partition);
      checkKeys(keys);
      const found = new Map<string, StoredRecord<T>>();
      if (keys.length === 0) return found;
      for (const row of this.#getManyStatement(keys.length).all(partition, ...keys)) found.set(row.key, toRecord<T>(partition, row));
      return found;
    });
  }

  async transact<T>(partition: string, writes: readonly StoreWrite<T>[]): Promise<(StoredRecord<T> | undefined)[]> {
    return this.#run('transact', () => {
      checkName('partition', partition);
      checkWrites(writes);
      const prepared = writes.map((write) => (write.op === 'delete' ? write : { ...write, json: toJson(write.value) }));
      return this.#db.transaction(() => prepared.map((write) => this.#apply<T>(partition, write))).immediate();
    });
  }

  /** One write of a transaction; throws (rolling the whole back) as the single operation would. */
  #apply<T>(partition: string, write: StoreWrite<T> & { json?: string }): StoredRecord<T> | undefined {
    const { key } = write;
    if (write.op === 'delete') {
      if (this.#statements.deleteAny.run(partition, key).changes === 0) throw this.#explainMiss(partition, key, 'delete');
      return undefined;
    }
    const json = write.json ?? toJson(write.value);
    const etag = randomUUID();
    const updatedAt = this.#isoNow();
    if (write.op === 'put') this.#statements.upsert.run(partition, key, json, etag, updatedAt);
    else if (write.op === 'insert') {
      if (this.#statements.insert.run(partition, key, json, etag, updatedAt).changes === 0) {
        throw alreadyExists(partition, key);
      }
    } else if (this.#statements.update.run(json, etag, updatedAt, partition, key, write.etag).changes === 0) throw this.#explainMiss(partition, key, 'update');
    return { partition, key, value: JSON.parse(json) as T, etag, updatedAt };
  }

  /** `SELECT … WHERE key IN (?, …)` for this many keys, prepared once per size. */
  #getManyStatement(count: number): Database.Statement<string[], RecordRow> {
    let statement = this.#getMany.get(count);
    if (!statement) {
      statement = this.#db.prepare<string[], RecordRow>(`SELECT key, value, etag, updated_at FROM records WHERE partition = ? AND key IN (${Array.from({ length: count }, () => '?').join(', ')})`);
      this.#getMany.set(count, statement);
    }
    return statement;
  }

  async update<T>(partition: string, key: string, value: T, expectedEtag: string): Promise<StoredRecord<T>> {
    return this.#run('update', () => {
      checkName('partition', partition);
      checkName('key', key);
      checkEtag(expectedEtag);
      const record = this.#updateOrExplain(partition, key, toJson(value), expectedEtag);
      return toRecord<T>(partition, {
        key,
        value: record.value,
        etag: record.etag,
        updated_at: record.updatedAt,
      });
    });
  }

  async delete(partition: string, key: string, expectedEtag?: string): Promise<void> {
    this.#run('delete', () => {
      checkName('partition', partition);
      checkName('key', key);
      if (expectedEtag === undefined) {
        this.#statements.deleteAny.run(partition, key);
        return;
      }
      checkEtag(expectedEtag);
      this.#deleteOrExplain(partition, key, expectedEtag);
    });
  }

  async list<T>(partition: string, options: ListOptions = {}): Promise<RecordPage<T>> {
    return this.#run('list', () => {
      checkName('partition', partition);
      const limit = checkLimit(options.limit);
      const prefix = checkPrefix(options.keyPrefix);
      const after = options.continuationToken === undefined ? checkStartAfter(options.startAfter) ?? '' : decodeToken(options.continuationToken);
      const upper = prefix === '' ? undefined : prefixUpperBound(prefix);
      // One row more than asked tells whether another page follows, without a second query. The lower bound is the
      // later of "after the last key seen" and "from the prefix".
      // Compared as SQLite compares (UTF-8 bytes, i.e. code points), not as JavaScript does (UTF-16 units).
      const fromPrefix = after === '' || Buffer.compare(Buffer.from(after, 'utf8'), Buffer.from(prefix, 'utf8')) < 0;
      const statements = this.#statements;
      const rows =
        upper === undefined
          ? (fromPrefix ? statements.listFrom : statements.listAfter).all(partition, fromPrefix ? prefix : after, limit + 1)
          : (fromPrefix ? statements.listFromBounded : statements.listAfterBounded).all(partition, fromPrefix ? prefix : after, upper, limit + 1);
      const page = rows.slice(0, limit);
      const records = page.map((row) => toRecord<T>(partition, row));
      const last = page.at(-1);
      return rows.length > limit && last !== undefined
        ? { records, continuationToken: encodeToken(last.key) }
        : { records };
    });
  }

  async acquireLease(name: string, holder: string, durationMs: number): Promise<Lease | undefined> {
    return this.#run('acquireLease', () => {
      checkName('lease name', name);
      checkName('lease holder', holder);
      checkDuration(durationMs);
      return this.#acquire.immediate(name, holder, durationMs);
    });
  }

  async renewLease(lease: Lease, durationMs: number): Promise<Lease> {
    return this.#run('renewLease', () => {
      checkLease(lease);
      checkDuration(durationMs);
      return this.#renew.immediate(lease, durationMs);
    });
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#run('releaseLease', () => {
      checkLease(lease);
      this.#statements.releaseLease.run(lease.name, lease.token);
    });
  }

  isOpen(): boolean {
    return this.#open && this.#db.open;
  }

  async probe(): Promise<void> {
    this.#run('probe', () => {
      this.#file?.check();
      const at = this.#isoNow();
      this.#statements.upsert.run(PROBE_PARTITION, 'probe', toJson({ at }), randomUUID(), at);
      if (this.#statements.get.get(PROBE_PARTITION, 'probe')?.updated_at !== at) throw new AppError('internal', 'The probe record did not read back as written');
    });
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#db.close();
  }

  #updateNow(partition: string, key: string, json: string, expectedEtag: string): StoredRecord<string> {
    const etag = randomUUID();
    const updatedAt = this.#isoNow();
    const { changes } = this.#statements.update.run(json, etag, updatedAt, partition, key, expectedEtag);
    if (changes === 0) throw this.#explainMiss(partition, key, 'update');
    return { partition, key, value: json, etag, updatedAt };
  }

  #deleteNow(partition: string, key: string, expectedEtag: string): void {
    const { changes } = this.#statements.deleteIfEtag.run(partition, key, expectedEtag);
    if (changes === 0) throw this.#explainMiss(partition, key, 'delete');
  }

  /** A conditional write matched nothing: say whether the record changed under us or is gone. */
  #explainMiss(partition: string, key: string, verb: 'update' | 'delete'): AppError {
    const details = { partition, key };
    if (this.#statements.etagOf.get(partition, key) === undefined) {
      return new AppError('store.not-found', `Cannot ${verb} ${partition}/${key}: it does not exist`, {
        userMessage: { key: 'errors.store.gone' },
        details,
      });
    }
    return new AppError('store.conflict', `Cannot ${verb} ${partition}/${key}: it changed since it was read`, {
      userMessage: { key: 'errors.store.conflict' },
      details,
    });
  }

  #acquireNow(name: string, holder: string, durationMs: number): Lease | undefined {
    const now = this.#now();
    const current = this.#statements.getLease.get(name);
    if (current !== undefined && current.expires_at > now && current.holder !== holder) return undefined;
    return this.#writeLease(name, holder, now + durationMs);
  }

  #renewNow(lease: Lease, durationMs: number): Lease {
    const now = this.#now();
    const current = this.#statements.getLease.get(lease.name);
    if (current === undefined || current.token !== lease.token || current.expires_at <= now) {
      throw new AppError('store.lease-held', `Lease ${lease.name} is no longer held by ${lease.holder}`, {
        userMessage: { key: 'errors.store.leaseLost' },
        details: { name: lease.name, holder: lease.holder },
      });
    }
    return this.#writeLease(lease.name, current.holder, now + durationMs);
  }

  #writeLease(name: string, holder: string, expiresAtMs: number): Lease {
    const token = randomUUID();
    this.#statements.putLease.run(name, holder, token, expiresAtMs);
    return { name, holder, token, expiresAt: new Date(expiresAtMs).toISOString() };
  }

  #isoNow(): string {
    return new Date(this.#now()).toISOString();
  }

  /** Runs one operation: refuses after close, and turns driver errors into AppErrors that keep the cause. */
  /** Operations run against the database since it opened (see Store.requestCounts). */
  requestCounts(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#requests);
  }

  #run<R>(operation: string, body: () => R): R {
    this.#requests.set(operation, (this.#requests.get(operation) ?? 0) + 1);
    if (!this.isOpen()) {
      throw new AppError('internal', `The SQLite store is closed (${operation})`, { details: { operation } });
    }
    try {
      return body();
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError('internal', `SQLite store ${operation} failed: ${describe(error)}`, {
        cause: error,
        details: { operation },
      });
    }
  }
}

function toRecord<T>(partition: string, row: RecordRow): StoredRecord<T> {
  let value: T;
  try {
    value = JSON.parse(row.value) as T;
  } catch (error) {
    throw new AppError('internal', `Stored value of ${partition}/${row.key} is not valid JSON`, {
      cause: error,
      details: { partition, key: row.key },
    });
  }
  return { partition, key: row.key, value, etag: row.etag, updatedAt: row.updated_at };
}

/**
 * The smallest string greater than every string that starts with `prefix`, in SQLite's BINARY (UTF-8 byte,
 * i.e. code point) order. Appending '\uffff' is not enough: characters beyond U+FFFF sort after it.
 * Undefined when no such string exists (the prefix is all U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()?.codePointAt(0) ?? 0;
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    if (next <= 0x10ffff) return codePoints.join('') + String.fromCodePoint(next);
  }
  return undefined;
}
