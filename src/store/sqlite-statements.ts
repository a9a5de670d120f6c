// The SQLite adapter's prepared statements: records by partition and key (compare-and-swap on the etag, paged
// lists by key range) and leases by name.

import type Database from 'better-sqlite3';

export interface RecordRow {
  key: string;
  value: string;
  etag: string;
  updated_at: string;
}

export interface LeaseRow {
  name: string;
  holder: string;
  token: string;
  expires_at: number;
}

export type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

export interface Statements {
  get: Statement<[string, string], RecordRow>;
  etagOf: Statement<[string, string], { etag: string }>;
  upsert: Statement<[string, string, string, string, string]>;
  insert: Statement<[string, string, string, string, string]>;
  update: Statement<[string, string, string, string, string, string]>;
  deleteAny: Statement<[string, string]>;
  deleteIfEtag: Statement<[string, string, string]>;
  /**
   * partition, lower bound, [upper bound (exclusive),] limit: `After` takes keys past the bound, `From` the bound too.
   * One lower bound each, so SQLite seeks to it in the (partition, key) index instead of scanning from the start.
   */
  listAfter: Statement<[string, string, number], RecordRow>;
  listFrom: Statement<[string, string, number], RecordRow>;
  listAfterBounded: Statement<[string, string, string, number], RecordRow>;
  listFromBounded: Statement<[string, string, string, number], RecordRow>;
  getLease: Statement<[string], LeaseRow>;
  putLease: Statement<[string, string, string, number]>;
  releaseLease: Statement<[string, string]>;
}

export function prepareStatements(db: Database.Database): Statements {
  const columns = 'key, value, etag, updated_at';
  // The row and parameter types come from the Statements field each statement is assigned to.
  const prepare = <P extends unknown[], R = unknown>(sql: string): Statement<P, R> => db.prepare<P, R>(sql);
  return {
    get: prepare(`SELECT ${columns} FROM records WHERE partition = ? AND key = ?`),
    etagOf: prepare('SELECT etag FROM records WHERE partition = ? AND key = ?'),
    upsert: prepare(
      `INSERT INTO records (partition, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (partition, key) DO UPDATE
       SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
    ),
    insert: prepare(
      `INSERT INTO records (partition, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (partition, key) DO NOTHING`,
    ),
    update: prepare(
      'UPDATE records SET value = ?, etag = ?, updated_at = ? WHERE partition = ? AND key = ? AND etag = ?',
    ),
    deleteAny: prepare('DELETE FROM records WHERE partition = ? AND key = ?'),
    deleteIfEtag: prepare('DELETE FROM records WHERE partition = ? AND key = ? AND etag = ?'),
    listAfter: prepare(`SELECT ${columns} FROM records WHERE partition = ? AND key > ? ORDER BY key LIMIT ?`),
    listFrom: prepare(`SELECT ${columns} FROM records WHERE partition = ? AND key >= ? ORDER BY key LIMIT ?`),
    listAfterBounded: prepare(`SELECT ${columns} FROM records WHERE partition = ? AND key > ? AND key < ? ORDER BY key LIMIT ?`),
    listFromBounded: prepare(`SELECT ${columns} FROM records WHERE partition = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?`),
    getLease: prepare('SELECT name, holder, token, expires_at FROM leases WHERE name = ?'),
    putLease: prepare(
      `INSERT INTO leases (name, holder, token, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = excluded.token, expires_at = excluded.expires_at`,
    ),
    releaseLease: prepare('DELETE FROM leases WHERE name = ? AND token = ?'),
  };
}
