// Checks every Store adapter applies the same way (names, etags, page sizes, lease arguments), the continuation
// tokens they issue, and the errors they answer bad input with: one definition, so the adapters cannot drift apart.

import { AppError } from '../errors/app-error.js';
import { type Lease, MAX_TRANSACTION_WRITES, type StoreWrite } from './store-port.js';

export const MAX_NAME_LENGTH = 512;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
const TOKEN_VERSION = 1;

export function toJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw malformed(`The value cannot be stored as JSON: ${describeError(error)}`, error);
  }
  if (json === undefined) throw malformed('The value cannot be stored as JSON (undefined, a function or a symbol)');
  return json;
}

// Lone surrogates would be replaced when encoded as UTF-8, so two different keys could collide.
const LONE_SURROGATE = /\p{Cs}/u;

export function checkName(what: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw malformed(`The ${what} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
  if (LONE_SURROGATE.test(name)) throw malformed(`The ${what} contains an unpaired surrogate character`);
}

export function checkEtag(etag: unknown): asserts etag is string {
  if (typeof etag !== 'string' || etag.length === 0) throw malformed('The expected etag must be a non-empty string');
}

export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw malformed(`The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}; got ${String(limit)}`);
  }
  return limit;
}

export function checkPrefix(prefix: string | undefined): string {
  if (prefix === undefined) return '';
  if (typeof prefix !== 'string' || prefix.length > MAX_NAME_LENGTH) {
    throw malformed(`The key prefix must be a string of at most ${MAX_NAME_LENGTH} characters`);
  }
  if (LONE_SURROGATE.test(prefix)) throw malformed('The key prefix contains an unpaired surrogate character');
  return prefix;
}

export function checkDuration(durationMs: number): void {
  if (!Number.isSafeInteger(durationMs) || durationMs <= 0) {
    throw malformed(`A lease duration must be a positive whole number of milliseconds; got ${String(durationMs)}`);
  }
}

export function checkLease(lease: Lease): void {
  if (typeof lease !== 'object' || lease === null) throw malformed('A lease object is required');
  checkName('lease name', lease.name);
  if (typeof lease.token !== 'string' || lease.token.length === 0) throw malformed('The lease has no token');
}

export function encodeToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, after: lastKey }), 'utf8').toString('base64url');
}

export function decodeToken(token: unknown): string {
  const invalid = () =>
    malformed('The continuation token is not one this store issued; start listing again from the first page');
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,4096}$/.test(token)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { v, after } = parsed as { v?: unknown; after?: unknown };
  if (v !== TOKEN_VERSION || typeof after !== 'string') throw invalid();
  if (after.length === 0 || after.length > MAX_NAME_LENGTH || LONE_SURROGATE.test(after)) throw invalid();
  // Base64 decoding is lenient; insisting on the canonical form rejects edited tokens.
  if (encodeToken(after) !== token) throw invalid();
  return after;
}

export function malformed(message: string, cause?: unknown): AppError {
  return new AppError('request.malformed', message, {
    userMessage: { key: 'errors.store.invalidRequest' },
    userFault: true,
    cause,
  });
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The records of an insertMany call: valid keys, no key twice, at most MAX_PAGE_SIZE. */
/** What an insert (alone or in a transaction) answers for a key that is there already, on every adapter. */
export function alreadyExists(partition: string, key: string): AppError {
  return new AppError('store.already-exists', `Record ${partition}/${key} already exists`, { userMessage: { key: 'errors.store.alreadyRecorded' }, details: { partition, key } });
}

/** A list's `startAfter`: absent, or a string no longer than a key (it need not be a key that exists). */
export function checkStartAfter(startAfter: unknown): string | undefined {
  if (startAfter === undefined) return undefined;
  if (typeof startAfter !== 'string' || startAfter.length > MAX_NAME_LENGTH) throw malformed(`startAfter must be a string of at most ${MAX_NAME_LENGTH} characters`);
  return startAfter;
}

/** Distinct valid keys, at most MAX_TRANSACTION_WRITES (getMany). */
export function checkKeys(keys: unknown): asserts keys is readonly string[] {
  if (!Array.isArray(keys) || keys.length > MAX_TRANSACTION_WRITES) throw malformed(`getMany takes an array of at most ${MAX_TRANSACTION_WRITES} keys`);
  const seen = new Set<string>();
  for (const key of keys as unknown[]) {
    checkName('key', key);
    if (seen.has(key)) throw malformed(`The key ${key} appears twice in one getMany`);
    seen.add(key);
  }
}

const WRITE_OPS = new Set(['insert', 'put', 'update', 'delete']);

/** One partition's writes for a transaction: known operations on distinct valid keys, etags where they are needed. */
export function checkWrites(writes: unknown): asserts writes is readonly StoreWrite[] {
  if (!Array.isArray(writes) || writes.length > MAX_TRANSACTION_WRITES) throw malformed(`A transaction holds an array of at most ${MAX_TRANSACTION_WRITES} writes`);
  const keys = new Set<string>();
  for (const write of writes as Partial<StoreWrite & { etag: unknown; value: unknown }>[]) {
    if (typeof write !== 'object' || write === null || !WRITE_OPS.has(write.op as string)) throw malformed('A transaction write is one of insert, put, update or delete');
    checkName('key', write.key);
    if (keys.has(write.key)) throw malformed(`The key ${write.key} appears twice in one transaction`);
    keys.add(write.key);
    if (write.op === 'update') checkEtag(write.etag);
    if (write.op !== 'delete') toJson(write.value);
  }
}

export function checkBatch(records: unknown): asserts records is readonly { key: string; value: unknown }[] {
  if (!Array.isArray(records) || records.length > MAX_PAGE_SIZE) throw malformed(`A batch holds an array of at most ${MAX_PAGE_SIZE} records`);
  const keys = new Set<string>();
  for (const record of records as { key?: unknown }[]) {
    checkName('key', record?.key);
    if (keys.has(record.key as string)) throw malformed(`The key ${String(record.key)} appears twice in one batch`);
    keys.add(record.key as string);
  }
}
