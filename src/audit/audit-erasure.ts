// Right to erasure: replaces a person's personal records with tombstones, leaving the sealed chain intact.

import { AppError } from '../errors/app-error.js';
import type { Store } from '../store/store-port.js';
import { normalizeObjectId } from './audit-crypto.js';
import {
  AUDIT_ENTRIES,
  AUDIT_PERSON_INDEX,
  AUDIT_PERSONAL,
  type PartyRole,
  type PersonalRecord,
  personalKey,
  personalRecordSchema,
  seqKey,
} from './audit-entry.js';

const INDEX_TAIL = /^\.(\d{12})\.(actor|subject)$/;

/**
 * Erases every personal record indexed under any of `refs` (one per audit key, since refs change when
 * the key rotates) and returns how many were erased. Index records are deleted once handled, so the
 * first page is always the next batch whatever the adapter's paging does with deletions.
 */
export async function erasePersonalRecords(
  store: Store,
  aadObjectId: string,
  refs: readonly string[],
  now: () => Date,
): Promise<number> {
  const person = normalizeObjectId(aadObjectId);
  if (person === '') throw new AppError('internal', 'erasePerson needs an object id');
  let erased = 0;
  for (const ref of refs) {
    for (;;) {
      const page = await store.list<unknown>(AUDIT_PERSON_INDEX, { keyPrefix: `${ref}.`, limit: 100 });
      if (page.records.length === 0) break;
      for (const record of page.records) {
        const match = INDEX_TAIL.exec(record.key.slice(ref.length));
        if (match !== null && (await eraseOne(store, person, Number(match[1]), roleOf(match[2]), now))) erased++;
        await store.delete(AUDIT_PERSON_INDEX, record.key);
      }
    }
  }
  return erased;
}

/** A person's personal records not erased yet, with the action of the entry each belongs to (read, never changed). */
export async function personalRecordsOf(store: Store, aadObjectId: string, refs: readonly string[]): Promise<{ seq: number; action: string | undefined; names: string[] }[]> {
  const person = normalizeObjectId(aadObjectId);
  const found: { seq: number; action: string | undefined; names: string[] }[] = [];
  for (const ref of refs) {
    let continuationToken: string | undefined;
    do {
      const page = await store.list<unknown>(AUDIT_PERSON_INDEX, { keyPrefix: `${ref}.`, limit: 500, continuationToken });
      continuationToken = page.continuationToken;
      for (const record of page.records) {
        const match = INDEX_TAIL.exec(record.key.slice(ref.length));
        if (match === null) continue;
        const seq = Number(match[1]);
        const personal = personalRecordSchema.safeParse((await store.get<unknown>(AUDIT_PERSONAL, personalKey(seq, roleOf(match[2]))))?.value);
        if (!personal.success || !('aadObjectId' in personal.data) || normalizeObjectId(personal.data.aadObjectId) !== person) continue;
        const entry = (await store.get<{ action?: unknown }>(AUDIT_ENTRIES, seqKey(seq)))?.value;
        const names = [personal.data.displayName, personal.data.upn].filter((name): name is string => typeof name === 'string' && name !== '');
        found.push({ seq, action: typeof entry?.action === 'string' ? entry.action : undefined, names });
      }
    } while (continuationToken);
  }
  return found;
}

function roleOf(text: string | undefined): PartyRole {
  return text === 'actor' ? 'actor' : 'subject';
}

async function eraseOne(store: Store, person: string, seq: number, role: PartyRole, now: () => Date): Promise<boolean> {
  const key = personalKey(seq, role);
  const stored = await store.get<unknown>(AUDIT_PERSONAL, key);
  const parsed = personalRecordSchema.safeParse(stored?.value);
  // A record that belongs to someone else (a corrupted index) is left alone; only theirs is touched.
  if (parsed.success && 'aadObjectId' in parsed.data && normalizeObjectId(parsed.data.aadObjectId) !== person) return false;
  if (parsed.success && 'erased' in parsed.data) return false;
  const tombstone: PersonalRecord = { seq, role, erased: true, erasedAt: now().toISOString() };
  await store.put(AUDIT_PERSONAL, key, tombstone);
  return true;
}
