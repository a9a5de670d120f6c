// Shared set-up for the audit tests: real SQLite stores, keys, and an attacker's view of the chain.

import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreAuditLog, type StoreAuditLogOptions } from '../../src/audit/audit-log.js';
import { Redactor } from '../../src/logging/redact.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

export const KEY_1 = 'first-audit-key-0123456789-abcdefghijklmnop';
export const KEY_2 = 'second-audit-key-9876543210-qrstuvwxyzabcd';
export const ATTACKER_KEY = 'attacker-key-who-never-saw-the-real-one-000';

export const keysOf = (entries: Record<string, string>): ReadonlyMap<string, string> => new Map(Object.entries(entries));
export const K1_ONLY = keysOf({ k1: KEY_1 });

export const alice = { kind: 'user', aadObjectId: '5F0C2A9E-1111-4B7A-9C55-0A1B2C3D4E5F', displayName: 'Alice Lindqvist', upn: 'alice.lindqvist@contoso.example' } as const;
export const bob = { kind: 'user', aadObjectId: '7d2e4f60-2222-4c8b-8d66-1b2c3d4e5f60', displayName: 'Bob Okafor', upn: 'bob.okafor@contoso.example' } as const;
export const scheduler = { kind: 'system', name: 'campaign-scheduler' } as const;

export function memoryStore(): SqliteStore {
  return SqliteStore.open({ path: ':memory:' });
}

/** A store in a temporary file, so tests can read every row (and every byte) that reached disk. */
export function fileStore(): { store: SqliteStore; path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
  const path = join(dir, 'store.db');
  return { store: SqliteStore.open({ path }), path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every row in the store file, whatever its partition, as the JSON the store keeps. */
export function everyStoredRow(path: string): { partition: string; key: string; value: string }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare<[], { partition: string; key: string; value: string }>('SELECT partition, key, value FROM records').all();
  } finally {
    db.close();
  }
}

export function auditLog(store: SqliteStore, overrides: Partial<StoreAuditLogOptions> = {}): StoreAuditLog {
  return new StoreAuditLog({ store, keyring: { keyId: 'k1', keys: K1_ONLY }, redactor: new Redactor(), ...overrides });
}

/** Records `count` ordinary entries one after another. */
export async function recordMany(log: StoreAuditLog, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await log.record({
      action: 'tap.request.created',
      outcome: 'success',
      actor: i % 2 === 0 ? alice : scheduler,
      subject: bob,
      details: { requestNumber: i, lifetimeMinutes: 60 },
      correlationId: `corr-${i}`,
    });
  }
}

export const entryKey = (seq: number): string => String(seq).padStart(12, '0');

/** The attacker's own implementation of the documented hash: SHA-256 over sorted-key JSON without hash and mac. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedJson(object[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256OfEntry(entry: Record<string, unknown>): string {
  const { hash: _hash, mac: _mac, ...hashed } = entry;
  return createHash('sha256').update(sortedJson(hashed)).digest('hex');
}

export function hmacHex(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}
