// The append-only audit trail every feature writes to: hash-chained, MAC-sealed entries over the Store port.

import { z } from 'zod';
import { AppError, isAppError } from '../errors/app-error.js';
import type { Redactor } from '../logging/redact.js';
import type { Store, StoredRecord } from '../store/store-port.js';
import { lostRace } from '../store/cas-update.js';
import { type AuditKeyring, auditMac, entryHash, GENESIS_HASH, headMac, personNamesSeal, personRef, sameDigest } from './audit-crypto.js';
import {
  AUDIT_ENTRIES,
  AUDIT_HEAD_KEY,
  AUDIT_META,
  AUDIT_OUTCOMES,
  AUDIT_PERSON_INDEX,
  AUDIT_PERSONAL,
  type AuditEntry,
  type AuditHead,
  type AuditInput,
  auditEntrySchema,
  auditHeadSchema,
  type PartyRole,
  type PersonalRecord,
  personalKey,
  personIndexKey,
  seqKey,
} from './audit-entry.js';
import { erasePersonalRecords, personalRecordsOf } from './audit-erasure.js';
import { cleanDetails } from './audit-details.js';

export type { AuditEntry, AuditInput, AuditParty, AuditOutcome } from './audit-entry.js';

export interface AuditLog {
  record(input: AuditInput): Promise<AuditEntry>;
}

export interface StoreAuditLogOptions {
  store: Store;
  /** Shape of `AppConfig['audit']`: the current key id and every key by id. */
  keyring: AuditKeyring;
  /** The application's redactor, with TAP values and other live secrets registered on it. */
  redactor: Redactor;
  now?: () => Date;
  /** Reads of the head before giving up under contention from other processes; default 100. */
  maxAttempts?: number;
}

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

const partySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    aadObjectId: z.string().trim().min(1).max(128),
    displayName: z.string().max(256).optional(),
    upn: z.string().max(320).optional(),
  }),
  z.object({ kind: z.literal('system'), name: z.string().trim().min(1).max(128) }),
]);

const inputSchema = z.object({
  action: z.string().max(128).regex(ACTION, "must be a dotted lowercase verb such as 'tap.request.created'"),
  outcome: z.enum(AUDIT_OUTCOMES),
  actor: partySchema,
  subject: partySchema.optional(),
  details: z.record(z.unknown()).optional(),
  correlationId: z.string().min(1).max(256).optional(),
});

type Party = z.infer<typeof partySchema>;
type UserParty = Extract<Party, { kind: 'user' }>;

/** An entry ready to be sealed once its place in the chain is known. */
interface Draft {
  fields: Omit<AuditEntry, 'v' | 'seq' | 'at' | 'prevHash' | 'keyId' | 'hash' | 'mac'>;
  people: { role: PartyRole; party: UserParty; ref: string }[];
}

export class StoreAuditLog implements AuditLog {
  readonly #store: Store;
  readonly #keyring: AuditKeyring;
  readonly #key: string;
  readonly #redactor: Redactor;
  readonly #now: () => Date;
  readonly #maxAttempts: number;
  /** This process's appends run one at a time; the head's CAS arbitrates between processes. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: StoreAuditLogOptions) {
    const key = options.keyring.keys.get(options.keyring.keyId);
    if (key === undefined) {
      throw new AppError('config.invalid', `The audit key id '${options.keyring.keyId}' has no key`, {
        userMessage: { key: 'errors.audit.keyMissing' },
        userFault: true,
      });
    }
    this.#store = options.store;
    this.#keyring = options.keyring;
    this.#key = key;
    this.#redactor = options.redactor;
    this.#now = options.now ?? (() => new Date());
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 100);
  }

  /** Appends one entry and resolves once it is part of the chain. Invalid input throws before anything is written. */
  async record(input: AuditInput): Promise<AuditEntry> {
    const draft = this.#draft(input);
    const appended = this.#tail.then(() => this.#append(draft));
    // The queue only orders appends; each caller still receives its own failure through `appended`.
    this.#tail = appended.then(
      () => undefined,
      () => undefined,
    );
    return appended;
  }

  /**
   * Removes a person's names and object id from storage (right to erasure). Their entries keep the
   * pseudonymous refs, so the chain still verifies; exports show those parties as erased.
   */
  async erasePerson(aadObjectId: string): Promise<{ personalRecordsErased: number }> {
    const erased = await erasePersonalRecords(this.#store, aadObjectId, this.#refsOf(aadObjectId), this.#now);
    return { personalRecordsErased: erased };
  }

  /** The person's personal records still holding their names, and the action of each one's entry (what erasure reads first). */
  async personalRecordsOf(aadObjectId: string): Promise<{ seq: number; action: string | undefined; names: string[] }[]> {
    return personalRecordsOf(this.#store, aadObjectId, this.#refsOf(aadObjectId));
  }

  /** One ref per audit key: refs change when the key rotates. */
  #refsOf(aadObjectId: string): string[] {
    return [...new Set([...this.#keyring.keys.values()].map((key) => personRef(key, aadObjectId)))];
  }

  #draft(input: AuditInput): Draft {
    const parsed = inputSchema.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
      throw new AppError('internal', `Audit input is invalid (${problems.join('; ')})`, {
        details: { action: typeof input?.action === 'string' ? input.action : undefined },
      });
    }
    const { action, outcome, actor, subject, details, correlationId } = parsed.data;
    const people: Draft['people'] = [];
    const refOf = (role: PartyRole, party: Party): string => {
      if (party.kind === 'system') return party.name;
      const ref = personRef(this.#key, party.aadObjectId);
      people.push({ role, party, ref });
      return ref;
    };
    const namesOf = (party: Party | undefined): string | undefined => (party?.kind === 'user' ? personNamesSeal(this.#key, party) : undefined);
    return {
      fields: {
        action,
        outcome,
        correlationId: correlationId === undefined ? undefined : this.#redactor.redactText(correlationId),
        actorKind: actor.kind,
        actorRef: refOf('actor', actor),
        subjectKind: subject?.kind,
        subjectRef: subject === undefined ? undefined : refOf('subject', subject),
        actorNames: namesOf(actor),
        subjectNames: namesOf(subject),
        details: details === undefined ? undefined : cleanDetails(details, this.#redactor),
      },
      people,
    };
  }

  async #append(draft: Draft): Promise<AuditEntry> {
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      const headRecord = await this.#store.get<unknown>(AUDIT_META, AUDIT_HEAD_KEY);
      const head = readHead(headRecord);
      const entry = this.#seal(draft, head.seq + 1, head.hash);
      try {
        await this.#store.insert(AUDIT_ENTRIES, seqKey(entry.seq), entry);
      } catch (error) {
        if (!isAppError(error, 'store.already-exists')) throw error;
        await this.#adoptNext(headRecord, head);
        continue;
      }
      await this.#writePeople(entry.seq, draft.people);
      await this.#advanceHeadTo(entry);
      return entry;
    }
    throw contention(this.#maxAttempts);
  }

  #seal(draft: Draft, seq: number, prevHash: string): AuditEntry {
    const unsealed = {
      v: 1 as const,
      seq,
      at: this.#now().toISOString(),
      ...dropUndefined(draft.fields),
      prevHash,
      keyId: this.#keyring.keyId,
    };
    const hash = entryHash(unsealed);
    return { ...unsealed, hash, mac: auditMac(this.#key, hash) };
  }

  /**
   * The entry after the head already exists: another writer is between its insert and its head update,
   * or crashed there. Check that it really continues the chain, then move the head onto it.
   */
  async #adoptNext(headRecord: StoredRecord<unknown> | undefined, head: AuditHead): Promise<void> {
    const seq = head.seq + 1;
    const record = await this.#store.get<unknown>(AUDIT_ENTRIES, seqKey(seq));
    if (record === undefined) return;
    const parsed = auditEntrySchema.safeParse(record.value);
    const entry = parsed.success ? parsed.data : undefined;
    const key = entry === undefined ? undefined : this.#keyring.keys.get(entry.keyId);
    const continues =
      entry !== undefined &&
      key !== undefined &&
      entry.seq === seq &&
      entry.prevHash === head.hash &&
      sameDigest(entryHash(record.value as Record<string, unknown>), entry.hash) &&
      sameDigest(auditMac(key, entry.hash), entry.mac);
    if (!continues) {
      throw new AppError(
        'audit.broken-chain',
        `Audit entry ${seq} exists but does not continue the chain from the head; nothing more can be appended until 'passkey-coach audit verify' is clean`,
        { details: { seq } },
      );
    }
    await this.#tryWriteHead(headRecord, entry);
  }

  async #advanceHeadTo(entry: AuditEntry): Promise<void> {
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      const headRecord = await this.#store.get<unknown>(AUDIT_META, AUDIT_HEAD_KEY);
      const head = readHead(headRecord);
      // Someone adopted our entry (and perhaps more) while we were writing it: it is committed.
      if (head.seq >= entry.seq) return;
      if (head.seq !== entry.seq - 1) {
        throw new AppError('audit.broken-chain', `The audit head moved back to ${head.seq} while entry ${entry.seq} was appended`, {
          details: { seq: entry.seq, headSeq: head.seq },
        });
      }
      if (await this.#tryWriteHead(headRecord, entry)) return;
    }
    throw contention(this.#maxAttempts);
  }

  /** Moves the head onto `entry` unless the head changed since `headRecord` was read; says whether it did. */
  async #tryWriteHead(headRecord: StoredRecord<unknown> | undefined, entry: AuditEntry): Promise<boolean> {
    const head: AuditHead = {
      seq: entry.seq,
      hash: entry.hash,
      keyId: this.#keyring.keyId,
      mac: headMac(this.#key, entry.seq, entry.hash),
    };
    try {
      if (headRecord === undefined) await this.#store.insert(AUDIT_META, AUDIT_HEAD_KEY, head);
      else await this.#store.update(AUDIT_META, AUDIT_HEAD_KEY, head, headRecord.etag);
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  /** The index goes first, so every personal record stays findable for erasure even after a crash. */
  async #writePeople(seq: number, people: Draft['people']): Promise<void> {
    for (const { role, party, ref } of people) {
      await this.#store.put(AUDIT_PERSON_INDEX, personIndexKey(ref, seq, role), { seq, role });
      const personal: PersonalRecord = {
        seq,
        role,
        aadObjectId: party.aadObjectId,
        ...(party.displayName === undefined ? {} : { displayName: party.displayName }),
        ...(party.upn === undefined ? {} : { upn: party.upn }),
      };
      await this.#store.put(AUDIT_PERSONAL, personalKey(seq, role), personal);
    }
  }
}

function readHead(record: StoredRecord<unknown> | undefined): AuditHead {
  if (record === undefined) return { seq: 0, hash: GENESIS_HASH, keyId: '', mac: GENESIS_HASH };
  const parsed = auditHeadSchema.safeParse(record.value);
  if (!parsed.success) {
    throw new AppError('audit.broken-chain', "The audit head record is malformed; run 'passkey-coach audit verify'");
  }
  return parsed.data;
}

function contention(attempts: number): AppError {
  return new AppError('store.conflict', `Could not append to the audit log: other writers won ${attempts} times in a row`, {
    details: { attempts },
  });
}

/** Stored JSON drops undefined properties; the hash must be computed over exactly what is stored. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
