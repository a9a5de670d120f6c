// "Verified up to here": the head of the chain as it stood when a walk found every entry up to it intact, sealed with
// the audit key, so the next look at the trail verifies only what came after. It lives beside the head in the store,
// so a restored backup brings back its own older checkpoint, which agrees with the older chain: a rollback is still
// caught by the external anchors (anchor-check.ts), which the trail must reach whatever the checkpoint says.

import { z } from 'zod';
import { lostRace } from '../store/cas-update.js';
import type { Store } from '../store/store-port.js';
import { type AuditKeyring, checkpointMac, entryHash, sameDigest } from './audit-crypto.js';
import { AUDIT_ENTRIES, AUDIT_META, seqKey } from './audit-entry.js';
import type { AuditProblem } from './audit-verify.js';

export const AUDIT_CHECKPOINT_KEY = 'checkpoint';

const checkpointSchema = z.object({ seq: z.number().int().min(1), hash: z.string().regex(/^[0-9a-f]{64}$/), keyId: z.string().min(1), at: z.string(), mac: z.string() });

export type AuditCheckpoint = z.infer<typeof checkpointSchema>;

export interface CheckpointRead {
  /** A checkpoint whose seal verified and whose entry is still the one it names; absent otherwise. */
  checkpoint?: AuditCheckpoint;
  /** Why a stored checkpoint cannot be used (the walk then starts from the first entry). */
  problems: AuditProblem[];
}

/** The stored checkpoint, if its seal verifies and the entry it names is still there with the hash it sealed. */
export async function readCheckpoint(store: Store, keys: ReadonlyMap<string, string>): Promise<CheckpointRead> {
  const record = await store.get<unknown>(AUDIT_META, AUDIT_CHECKPOINT_KEY);
  if (record === undefined) return { problems: [] };
  const parsed = checkpointSchema.safeParse(record.value);
  if (!parsed.success) return { problems: [{ seq: 0, kind: 'forged-checkpoint', message: 'the verification checkpoint is not readable' }] };
  const checkpoint = parsed.data;
  if (!keys.has(checkpoint.keyId)) return { problems: [{ seq: checkpoint.seq, kind: 'unknown-key', message: `the verification checkpoint is sealed with key '${checkpoint.keyId}', which is not configured` }] };
  if (!isSealed(checkpoint, keys)) {
    return { problems: [{ seq: checkpoint.seq, kind: 'forged-checkpoint', message: `the verification checkpoint at entry ${checkpoint.seq} was not sealed with audit key '${checkpoint.keyId}'` }] };
  }
  // The entry must still be the one sealed: its stored hash, and the hash of what it now says.
  const entry = await store.get<Record<string, unknown>>(AUDIT_ENTRIES, seqKey(checkpoint.seq));
  const value = entry?.value;
  if (typeof value?.hash !== 'string' || !sameDigest(value.hash, checkpoint.hash) || !sameDigest(entryHash(value), checkpoint.hash)) {
    return { problems: [{ seq: checkpoint.seq, kind: 'changed', message: `entry ${checkpoint.seq} is not the entry verified at ${checkpoint.at}: the chain was rewritten since` }] };
  }
  return { checkpoint, problems: [] };
}

/**
 * Moves the checkpoint forward to `head`, sealed with the current key: never back over a genuine one, but over one
 * that does not verify (a walk that found nothing wrong knows better). Compared-and-swapped: two walks finishing at
 * once (two people opening the tab) leave the later head, whichever writes last.
 */
export async function writeCheckpoint(store: Store, keyring: AuditKeyring, head: { seq: number; hash: string }, at: Date): Promise<void> {
  const key = keyring.keys.get(keyring.keyId);
  if (key === undefined || head.seq < 1) return;
  const unsealed = { seq: head.seq, hash: head.hash, keyId: keyring.keyId, at: at.toISOString() };
  const value = { ...unsealed, mac: checkpointMac(key, unsealed) };
  for (let attempt = 0; attempt < 10; attempt++) {
    const record = await store.get<unknown>(AUDIT_META, AUDIT_CHECKPOINT_KEY);
    const stored = checkpointSchema.safeParse(record?.value);
    if (stored.success && isSealed(stored.data, keyring.keys) && stored.data.seq >= head.seq) return;
    try {
      await (record ? store.update(AUDIT_META, AUDIT_CHECKPOINT_KEY, value, record.etag) : store.insert(AUDIT_META, AUDIT_CHECKPOINT_KEY, value));
      return;
    } catch (error) {
      // Another walk moved it meanwhile: look again.
      if (!lostRace(error)) throw error;
    }
  }
}

/** The checkpoint's MAC verifies under the key it names (false when that key is not configured). */
function isSealed(checkpoint: AuditCheckpoint, keys: ReadonlyMap<string, string>): boolean {
  const key = keys.get(checkpoint.keyId);
  return key !== undefined && sameDigest(checkpointMac(key, checkpoint), checkpoint.mac);
}
