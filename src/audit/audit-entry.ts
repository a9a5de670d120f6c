// What the audit trail stores and where: entry, head and personal-record shapes, partitions and keys.

import { z } from 'zod';

export const AUDIT_OUTCOMES = ['success', 'denied', 'failed', 'info'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who acted or was acted upon. A user's names stay outside the chain so they can be erased. */
export type AuditParty =
  | { kind: 'user'; aadObjectId: string; displayName?: string; upn?: string }
  | { kind: 'system'; name: string };

export interface AuditInput {
  /** A dotted verb constant, e.g. 'tap.request.created', 'card.action.denied'. */
  action: string;
  outcome: AuditOutcome;
  actor: AuditParty;
  subject?: AuditParty;
  /** Non-personal facts; secrets are redacted and personal-looking fields removed before storing. */
  details?: Record<string, unknown>;
  correlationId?: string;
}

/** Storage layout. Keys are zero-padded so that the store's key order is seq order. */
export const AUDIT_ENTRIES = 'audit-entries';
export const AUDIT_META = 'audit-meta';
export const AUDIT_HEAD_KEY = 'head';
/** Personal fields of user parties, keyed `<seq>.<role>`. */
export const AUDIT_PERSONAL = 'audit-personal';
/** Which personal records belong to whom, keyed `<person ref>.<seq>.<role>`, for erasure. */
export const AUDIT_PERSON_INDEX = 'audit-person-index';

const SEQ_DIGITS = 12;
const SEQ_KEY = /^\d{12}$/;
export const MAX_AUDIT_SEQ = 10 ** SEQ_DIGITS - 1;

export function seqKey(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, '0');
}

/** The seq a key stands for, or undefined when the key is not one this log writes. */
export function seqFromKey(key: string): number | undefined {
  return SEQ_KEY.test(key) ? Number(key) : undefined;
}

export type PartyRole = 'actor' | 'subject';

export function personalKey(seq: number, role: PartyRole): string {
  return `${seqKey(seq)}.${role}`;
}

export function personIndexKey(ref: string, seq: number, role: PartyRole): string {
  return `${ref}.${seqKey(seq)}.${role}`;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const partyKind = z.enum(['user', 'system']);

export const auditEntrySchema = z.object({
  v: z.literal(1),
  seq: z.number().int().min(1).max(MAX_AUDIT_SEQ),
  at: z.string().datetime({ offset: true }),
  action: z.string().min(1),
  outcome: z.enum(AUDIT_OUTCOMES),
  correlationId: z.string().optional(),
  actorKind: partyKind,
  /** For users the person ref (see personRef), for system parties their plain name. */
  actorRef: z.string().min(1),
  subjectKind: partyKind.optional(),
  subjectRef: z.string().min(1).optional(),
  /** For users, personNamesSeal of the names kept in the personal record; absent in entries written before names were sealed. */
  actorNames: hex64.optional(),
  subjectNames: hex64.optional(),
  details: z.record(z.unknown()).optional(),
  prevHash: hex64,
  keyId: z.string().min(1),
  hash: hex64,
  mac: hex64,
});

/** One sealed audit entry as stored. Everything but `hash` and `mac` is covered by `hash`. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditHeadSchema = z.object({
  seq: z.number().int().min(0).max(MAX_AUDIT_SEQ),
  hash: hex64,
  keyId: z.string().min(1),
  mac: hex64,
});

/** The last committed entry; appends move it forward by compare-and-swap. */
export type AuditHead = z.infer<typeof auditHeadSchema>;

export const personalRecordSchema = z.union([
  z.object({
    seq: z.number().int(),
    role: z.enum(['actor', 'subject']),
    aadObjectId: z.string(),
    displayName: z.string().optional(),
    upn: z.string().optional(),
  }),
  z.object({
    seq: z.number().int(),
    role: z.enum(['actor', 'subject']),
    erased: z.literal(true),
    erasedAt: z.string(),
  }),
]);

/** A user party's personal fields, or the tombstone left when they were erased. */
export type PersonalRecord = z.infer<typeof personalRecordSchema>;
