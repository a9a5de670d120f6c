// Who did it: joins each entry's personal records back in and checks them against what the entry sealed.

import type { Store, StoredRecord } from '../store/store-port.js';
import { personNamesSeal, personRef, sameDigest } from './audit-crypto.js';
import { AUDIT_PERSONAL, type AuditEntry, type PartyRole, personalRecordSchema, seqKey } from './audit-entry.js';
import type { AuditProblem } from './audit-verify.js';

/**
 * A party as an export shows it. `matchesRef`: whether the object id gives the sealed ref again (absent when the
 * sealing key is not configured); `unsealed` lists the names no seal covers (entries older than name seals).
 */
export type ExportedParty =
  | { kind: 'system'; name: string }
  | { kind: 'user'; ref: string; aadObjectId: string; displayName?: string; upn?: string; matchesRef?: boolean; unsealed?: ('displayName' | 'upn')[] }
  | { kind: 'user'; ref: string; erased: true }
  | { kind: 'user'; ref: string; personalDataMissing: true };

export interface JudgedParties {
  actor: ExportedParty | undefined;
  subject: ExportedParty | undefined;
  problems: AuditProblem[];
}

const PAGE_SIZE = 500;
const ROLES: readonly PartyRole[] = ['actor', 'subject'];

/**
 * Reads the personal partition alongside the entries, in the same key order (`<seq>.<role>`), a page at a time:
 * one list call per page instead of two reads per entry. Ask for seqs in rising order.
 */
export class PersonalRecordCursor {
  readonly #store: Store;
  readonly #pageSize: number;
  #buffer: StoredRecord<unknown>[] = [];
  #token: string | undefined;
  #started = false;

  /** `afterSeq`: the walk starts after that entry (from a checkpoint), so its records and earlier ones are not read. */
  constructor(store: Store, pageSize = PAGE_SIZE, afterSeq = 0) {
    this.#store = store;
    this.#pageSize = pageSize;
    this.#startAfter = afterSeq > 0 ? `${seqKey(afterSeq)}/` : undefined;
  }

  /** '/' sorts after '.', so every `<seq>.<role>` key of that seq is passed over. */
  readonly #startAfter: string | undefined;

  /** The stored values for `seq`, by role (records of earlier seqs are passed over). */
  async forSeq(seq: number): Promise<Partial<Record<PartyRole, unknown>>> {
    const prefix = `${seqKey(seq)}.`;
    const found: Partial<Record<PartyRole, unknown>> = {};
    for (;;) {
      while (this.#buffer.length > 0 && (this.#buffer[0]?.key ?? '') < prefix) this.#buffer.shift();
      const next = this.#buffer[0];
      if (next?.key.startsWith(prefix)) {
        this.#buffer.shift();
        const role = next.key.slice(prefix.length);
        if (role === 'actor' || role === 'subject') found[role] = next.value;
        continue;
      }
      if (next !== undefined || !(await this.#fill())) return found;
    }
  }

  async #fill(): Promise<boolean> {
    if (this.#started && this.#token === undefined) return false;
    this.#started = true;
    const page = await this.#store.list<unknown>(AUDIT_PERSONAL, { limit: this.#pageSize, continuationToken: this.#token, startAfter: this.#startAfter });
    this.#buffer.push(...page.records);
    this.#token = page.continuationToken;
    return page.records.length > 0 || this.#token !== undefined;
  }
}

/**
 * Judges both parties of an entry whose seal verified: the object id in a personal record must give the sealed
 * ref again, and the names must match the names seal when the entry has one. A tombstone reads as erased, which
 * is no failure: erasure is allowed.
 */
export function judgeParties(entry: AuditEntry, stored: Partial<Record<PartyRole, unknown>>, key: string | undefined): JudgedParties {
  const problems: AuditProblem[] = [];
  const [actor, subject] = ROLES.map((role) => judgeParty(entry, role, stored[role], key, problems));
  return { actor, subject, problems };
}

function judgeParty(entry: AuditEntry, role: PartyRole, stored: unknown, key: string | undefined, problems: AuditProblem[]): ExportedParty | undefined {
  const kind = role === 'actor' ? entry.actorKind : entry.subjectKind;
  const ref = role === 'actor' ? entry.actorRef : entry.subjectRef;
  const namesSeal = role === 'actor' ? entry.actorNames : entry.subjectNames;
  if (kind === undefined || ref === undefined) return undefined;
  if (kind === 'system') return { kind, name: ref };
  const parsed = personalRecordSchema.safeParse(stored);
  if (!parsed.success) return { kind, ref, personalDataMissing: true };
  const personal = parsed.data;
  if ('erased' in personal) return { kind, ref, erased: true };
  const shown = { aadObjectId: personal.aadObjectId, displayName: personal.displayName, upn: personal.upn };
  // Without the key that sealed the entry nothing can be checked; the chain already reports that key as unknown.
  if (key === undefined) return { kind, ref, ...shown, ...unsealedNames(personal) };
  const matchesRef = sameDigest(personRef(key, personal.aadObjectId), ref);
  if (!matchesRef) {
    problems.push({ seq: entry.seq, kind: 'identity-mismatch', message: `the ${role} of entry ${entry.seq} is not the person the entry sealed: their object id was changed` });
  }
  if (namesSeal === undefined) return { kind, ref, ...shown, matchesRef, ...unsealedNames(personal) };
  if (matchesRef && !sameDigest(personNamesSeal(key, personal), namesSeal)) {
    problems.push({ seq: entry.seq, kind: 'identity-mismatch', message: `the ${role}'s name or UPN in entry ${entry.seq} was changed after it was sealed` });
  }
  return { kind, ref, ...shown, matchesRef };
}

function unsealedNames(personal: { displayName?: string; upn?: string }): { unsealed?: ('displayName' | 'upn')[] } {
  const unsealed = (['displayName', 'upn'] as const).filter((field) => personal[field] !== undefined);
  return unsealed.length > 0 ? { unsealed } : {};
}
