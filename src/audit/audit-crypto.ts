// The cryptography of the audit chain: canonical JSON, entry hashes, MACs and pseudonymous person refs.

import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** The audit keys in force: `keyId` seals new entries; `keys` holds every key (current and earlier) by id. */
export interface AuditKeyring {
  keyId: string;
  keys: ReadonlyMap<string, string>;
}

/** The `prevHash` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

const PERSON_REF_INFO = 'audit-person-ref';
const PERSON_NAMES_INFO = 'audit-person-names';
const ANCHOR_INFO = 'audit-anchor';
const CHECKPOINT_INFO = 'audit-checkpoint';

/**
 * JSON with object keys sorted (by UTF-16 code unit, as Array.prototype.sort does) at every depth and
 * `undefined` properties left out, so the same value always hashes the same wherever it was serialized.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('Canonical JSON has no representation for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
  }
  throw new TypeError(`Canonical JSON cannot represent a ${typeof value}`);
}

/** SHA-256 (hex) over the canonical JSON of an entry without its `hash` and `mac`. */
export function entryHash(entry: Readonly<Record<string, unknown>>): string {
  const { hash: _hash, mac: _mac, ...hashed } = entry;
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}

/** HMAC-SHA256 (hex) of `text` under the audit key. */
export function auditMac(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

/** The head's MAC binds its seq to its hash, so the head cannot be moved back without the key. */
export function headMac(key: string, seq: number, hash: string): string {
  return auditMac(key, `audit-head\n${seq}\n${hash}`);
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Object ids arrive in either case from Teams and Graph; one person must always get one ref. */
export function normalizeObjectId(aadObjectId: string): string {
  return aadObjectId.trim().toLowerCase();
}

/**
 * The pseudonymous ref of a person under one audit key: HMAC-SHA256 keyed by HKDF-SHA256(audit key,
 * empty salt, info 'audit-person-ref'). Whoever holds the key can find a person's entries for erasure;
 * nobody reading the chain alone can tell who they are.
 */
export function personRef(auditKey: string, aadObjectId: string): string {
  return createHmac('sha256', derivedKey(auditKey, PERSON_REF_INFO)).update(normalizeObjectId(aadObjectId)).digest('hex');
}

/**
 * Seals the names shown for a person (display name and UPN, or their absence) to their object id, so a name in
 * the personal records cannot be changed unseen. Keyed like personRef, under its own derived key: the chain
 * holds a digest, never a name, and erasing the personal record leaves nothing readable behind.
 */
export function personNamesSeal(auditKey: string, party: { aadObjectId: string; displayName?: string; upn?: string }): string {
  const names = canonicalJson({ id: normalizeObjectId(party.aadObjectId), displayName: party.displayName ?? null, upn: party.upn ?? null });
  return createHmac('sha256', derivedKey(auditKey, PERSON_NAMES_INFO)).update(names).digest('hex');
}

/**
 * The MAC of an anchor (a checkpoint of the head written outside the database). Its own derived key, so no
 * anchor MAC can ever pass for an entry's or the head's, nor the other way round.
 */
export function anchorMac(auditKey: string, anchor: { seq: number; hash: string; keyId: string; at: string }): string {
  const text = `audit-anchor\n${anchor.seq}\n${anchor.hash}\n${anchor.keyId}\n${anchor.at}`;
  return createHmac('sha256', derivedKey(auditKey, ANCHOR_INFO)).update(text).digest('hex');
}

/** The MAC of a checkpoint ("verified up to here"): its own derived key, like an anchor's. */
export function checkpointMac(auditKey: string, checkpoint: { seq: number; hash: string; keyId: string; at: string }): string {
  const text = `audit-checkpoint\n${checkpoint.seq}\n${checkpoint.hash}\n${checkpoint.keyId}\n${checkpoint.at}`;
  return createHmac('sha256', derivedKey(auditKey, CHECKPOINT_INFO)).update(text).digest('hex');
}

/** HKDF-SHA256(audit key, empty salt, `info`): one key per purpose from the one configured secret. */
function derivedKey(auditKey: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', auditKey, Buffer.alloc(0), info, 32));
}
