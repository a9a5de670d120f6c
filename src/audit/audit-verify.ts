// Walks the whole audit chain and reports every entry that was changed, removed, reordered or forged.

import { AppError } from '../errors/app-error.js';
import type { Store, StoredRecord } from '../store/store-port.js';
import type { AnchorBook, AnchorSummary } from './anchor-check.js';
import { type AuditKeyring, auditMac, entryHash, GENESIS_HASH, headMac, sameDigest } from './audit-crypto.js';
import {
  AUDIT_ENTRIES,
  AUDIT_HEAD_KEY,
  AUDIT_META,
  type AuditEntry,
  type AuditHead,
  auditEntrySchema,
  auditHeadSchema,
  seqFromKey,
  seqKey,
} from './audit-entry.js';
import { readCheckpoint, writeCheckpoint } from './audit-checkpoint.js';
import { judgeParties, PersonalRecordCursor } from './audit-identity.js';

export type AuditProblemKind =
  | 'changed'
  | 'removed'
  | 'reordered'
  | 'forged-mac'
  | 'unknown-key'
  | 'malformed'
  /** A personal record names someone other than the person the entry sealed, or names they did not seal. */
  | 'identity-mismatch'
  /** The trail is shorter than an anchor says it was: cut back or emptied. */
  | 'rolled-back'
  /** The entry at an anchored seq is not the one that was anchored. */
  | 'anchor-mismatch'
  | 'forged-anchor'
  | 'anchors-unreadable'
  /** The "verified up to here" record was not sealed with its key (the walk then starts from entry 1). */
  | 'forged-checkpoint';

export interface AuditProblem {
  /** The entry concerned; for a run of missing entries, the first of them; 0 for the head record itself. */
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Entry records read. */
  entries: number;
  /** Highest seq found, 0 when the log is empty. */
  lastSeq: number;
  /** The head's seq when the walk began, 0 when there was no head. */
  headSeq: number;
  headHash: string;
  /** An entry past the head is an append in flight (or interrupted by a crash); the next append adopts it. */
  pendingAfterHead: number;
  /** Every problem found; `problems` lists at most the first MAX_LISTED_PROBLEMS of them. */
  problemCount: number;
  problems: AuditProblem[];
  /** Key ids that sealed the entries read. */
  keyIds: string[];
  /** The anchors the trail was held to; absent when the caller gave none to check against. */
  anchors?: AnchorSummary;
  /** Where this walk began: entries up to `seq` were verified by an earlier walk (the checkpoint, at `at`). */
  from?: { seq: number; at?: string };
}

/** Where a walk starts: after entry `seq`, whose stored hash is `hash` (undefined: not known, the next link is not checked). */
export interface WalkStart {
  seq: number;
  hash?: string;
  /** When the entries up to `seq` were verified (a checkpoint's time), for the report. */
  at?: string;
}

export const MAX_LISTED_PROBLEMS = 1000;
const PAGE_SIZE = 500;

/** The verdict on one stored entry record. */
export interface CheckedEntry {
  seq: number;
  entry: AuditEntry | undefined;
  problems: AuditProblem[];
}

/**
 * Checks entries fed in key order, one page at a time, keeping only what the next entry needs.
 * Shared by verification and export so both judge an entry the same way.
 */
export class ChainChecker {
  readonly #keys: ReadonlyMap<string, string>;
  readonly #headStart: AuditHead | undefined;
  readonly #anchors: AnchorBook | undefined;
  #expectedSeq = 1;
  /** The stored hash of the previous entry; undefined when it could not be read or is missing. */
  #prevHash: string | undefined = GENESIS_HASH;
  #hashAtHead: string | undefined;
  #entries = 0;
  #lastSeq = 0;
  readonly #keyIds = new Set<string>();
  readonly #problems: AuditProblem[] = [];
  #problemCount = 0;

  readonly #start: WalkStart | undefined;

  constructor(keys: ReadonlyMap<string, string>, headStart: AuditHead | undefined, anchors?: AnchorBook, start?: WalkStart) {
    this.#keys = keys;
    this.#headStart = headStart;
    this.#anchors = anchors;
    if (start !== undefined && start.seq > 0) {
      this.#start = start;
      this.#expectedSeq = start.seq + 1;
      this.#lastSeq = start.seq;
      this.#prevHash = start.hash;
      if (headStart?.seq === start.seq) this.#hashAtHead = start.hash;
    }
  }

  /** The key that sealed an entry, when it is configured. */
  keyOf(entry: AuditEntry): string | undefined {
    return this.#keys.get(entry.keyId);
  }

  /** Adds problems found outside the chain itself (its personal records) to an entry already checked. */
  flag(checked: CheckedEntry, problems: readonly AuditProblem[]): void {
    for (const problem of problems) {
      checked.problems.push(problem);
      this.#add(problem);
    }
  }

  check(record: StoredRecord<unknown>): CheckedEntry {
    const problems: AuditProblem[] = [];
    const seq = seqFromKey(record.key);
    if (seq === undefined) {
      problems.push({ seq: this.#expectedSeq, kind: 'malformed', message: `record '${record.key}' is not an audit entry key` });
      this.#prevHash = undefined;
      return this.#done({ seq: this.#expectedSeq, entry: undefined, problems });
    }
    this.#entries++;
    this.#lastSeq = seq;
    if (seq > this.#expectedSeq) {
      const first = this.#expectedSeq;
      problems.push({
        seq: first,
        kind: 'removed',
        message: seq - first === 1 ? `entry ${first} is missing` : `entries ${first}–${seq - 1} are missing`,
      });
      this.#prevHash = undefined;
    }
    this.#expectedSeq = seq + 1;
    const raw = record.value;
    const parsed = auditEntrySchema.safeParse(raw);
    if (!parsed.success || !isRecord(raw)) {
      problems.push({ seq, kind: 'malformed', message: `entry ${seq} is not a readable audit entry` });
      this.#prevHash = undefined;
      return this.#done({ seq, entry: undefined, problems });
    }
    const entry = parsed.data;
    this.#keyIds.add(entry.keyId);
    const reordered: string[] = [];
    if (entry.seq !== seq) reordered.push(`entry stored as ${seq} says it is entry ${entry.seq}`);
    if (this.#prevHash !== undefined && entry.prevHash !== this.#prevHash) {
      reordered.push(seq === 1 ? 'entry 1 does not start the chain' : `entry ${seq} does not link to entry ${seq - 1}`);
    }
    if (reordered.length > 0) problems.push({ seq, kind: 'reordered', message: reordered.join('; ') });
    problems.push(...this.#seal(seq, raw, entry));
    if (this.#anchors !== undefined) problems.push(...this.#anchors.check(seq, entry.hash));
    this.#prevHash = entry.hash;
    if (seq === this.#headStart?.seq) this.#hashAtHead = entry.hash;
    return this.#done({ seq, entry, problems });
  }

  /** Problems visible only once every entry is read: a missing or rolled-back head, or a cut-off tail. */
  finish(headEnd: HeadRead): VerifyReport {
    const start = this.#headStart;
    if (start !== undefined) {
      if (start.seq > this.#lastSeq) {
        const first = this.#lastSeq + 1;
        this.#add({
          seq: first,
          kind: 'removed',
          message: `the head is at ${start.seq} but the chain ends at ${this.#lastSeq}: entries ${first}–${start.seq} are missing`,
        });
      } else if (start.seq > 0 && this.#hashAtHead !== undefined && this.#hashAtHead !== start.hash) {
        this.#add({ seq: start.seq, kind: 'changed', message: `entry ${start.seq} is not the entry the head recorded` });
      }
    }
    for (const problem of headEnd.problems) this.#add(problem);
    // Appends insert the next entry before moving the head, so one entry past the head is normal.
    const headEndSeq = headEnd.head?.seq ?? 0;
    const pastHead = Math.max(0, this.#lastSeq - headEndSeq);
    const headUnreadable = headEnd.head === undefined && headEnd.problems.length > 0;
    if (pastHead > 1 && !headUnreadable) {
      this.#add({
        seq: headEndSeq + 1,
        kind: 'removed',
        message:
          headEnd.head === undefined
            ? `the head record is missing although ${this.#lastSeq} entries exist`
            : `the head is at ${headEndSeq} but entries run to ${this.#lastSeq}: the head was rolled back or replaced`,
      });
    }
    for (const problem of this.#anchors?.finish(this.#lastSeq) ?? []) this.#add(problem);
    return {
      ok: this.#problemCount === 0,
      entries: this.#entries,
      lastSeq: this.#lastSeq,
      headSeq: start?.seq ?? 0,
      headHash: start?.hash ?? GENESIS_HASH,
      pendingAfterHead: pastHead === 1 ? 1 : 0,
      problemCount: this.#problemCount,
      problems: this.#problems,
      keyIds: [...this.#keyIds].sort(),
      ...(this.#anchors === undefined ? {} : { anchors: this.#anchors.summary() }),
      ...(this.#start === undefined ? {} : { from: { seq: this.#start.seq, ...(this.#start.at === undefined ? {} : { at: this.#start.at }) } }),
    };
  }

  #seal(seq: number, raw: Record<string, unknown>, entry: AuditEntry): AuditProblem[] {
    if (!sameDigest(entryHash(raw), entry.hash)) {
      return [{ seq, kind: 'changed', message: `entry ${seq} no longer matches its hash` }];
    }
    const key = this.#keys.get(entry.keyId);
    if (key === undefined) {
      return [{ seq, kind: 'unknown-key', message: `entry ${seq} is sealed with key '${entry.keyId}', which is not configured` }];
    }
    if (!sameDigest(auditMac(key, entry.hash), entry.mac)) {
      return [{ seq, kind: 'forged-mac', message: `entry ${seq} has a consistent hash but was not sealed with audit key '${entry.keyId}'` }];
    }
    return [];
  }

  #done(checked: CheckedEntry): CheckedEntry {
    for (const problem of checked.problems) this.#add(problem);
    return checked;
  }

  #add(problem: AuditProblem): void {
    this.#problemCount++;
    if (this.#problems.length < MAX_LISTED_PROBLEMS) this.#problems.push(problem);
  }
}

export interface HeadRead {
  head: AuditHead | undefined;
  problems: AuditProblem[];
}

/** Reads the head record and checks its own seal. */
export async function readAuditHead(store: Store, keys: ReadonlyMap<string, string>): Promise<HeadRead> {
  const record = await store.get<unknown>(AUDIT_META, AUDIT_HEAD_KEY);
  if (record === undefined) return { head: undefined, problems: [] };
  const parsed = auditHeadSchema.safeParse(record.value);
  if (!parsed.success) {
    return { head: undefined, problems: [{ seq: 0, kind: 'malformed', message: 'the head record is not readable' }] };
  }
  const head = parsed.data;
  const key = keys.get(head.keyId);
  if (key === undefined) {
    return { head, problems: [{ seq: head.seq, kind: 'unknown-key', message: `the head is sealed with key '${head.keyId}', which is not configured` }] };
  }
  if (!sameDigest(headMac(key, head.seq, head.hash), head.mac)) {
    return { head, problems: [{ seq: head.seq, kind: 'forged-mac', message: `the head record was not sealed with audit key '${head.keyId}'` }] };
  }
  return { head, problems: [] };
}

/** Pages through the stored entries in seq order (those after `afterSeq` only). */
export async function* auditEntryRecords(store: Store, pageSize = PAGE_SIZE, afterSeq = 0): AsyncGenerator<StoredRecord<unknown>> {
  let continuationToken: string | undefined;
  const startAfter = afterSeq > 0 ? seqKey(afterSeq) : undefined;
  do {
    const page = await store.list<unknown>(AUDIT_ENTRIES, { limit: pageSize, continuationToken, startAfter });
    yield* page.records;
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
}

/**
 * Verifies the chain, who each entry names, and (given anchors) that the trail still holds what was anchored. The
 * head is read before the walk (entries up to it must all be there) and after it (so appends made during the walk are
 * not mistaken for a rolled-back head). `from: 'checkpoint'` walks only what came after the sealed checkpoint (its own
 * entry is checked to be the one it sealed); `seal` moves the checkpoint to the head once a walk finds nothing wrong.
 */
export async function verifyAuditChain(
  store: Store,
  keys: ReadonlyMap<string, string>,
  options: { pageSize?: number; anchors?: AnchorBook; from?: 'checkpoint' | 'first'; seal?: AuditKeyring; now?: () => Date } = {},
): Promise<VerifyReport> {
  requireKeys(keys);
  const headStart = await readAuditHead(store, keys);
  const { start, problems } = options.from === 'checkpoint' ? await checkpointStart(store, keys) : { start: undefined, problems: [] };
  const checker = new ChainChecker(keys, headStart.head, options.anchors, start);
  for (const problem of problems) checker.flag({ seq: problem.seq, entry: undefined, problems: [] }, [problem]);
  const people = new PersonalRecordCursor(store, options.pageSize, start?.seq);
  for await (const record of auditEntryRecords(store, options.pageSize, start?.seq)) {
    const checked = checker.check(record);
    if (checked.entry !== undefined) checker.flag(checked, judgeParties(checked.entry, await people.forSeq(checked.seq), checker.keyOf(checked.entry)).problems);
  }
  const headEnd = await readAuditHead(store, keys);
  const report = checker.finish(mergeHeadReads(headStart, headEnd));
  if (options.seal && report.ok && headStart.head !== undefined) await writeCheckpoint(store, options.seal, headStart.head, options.now?.() ?? new Date());
  return report;
}

/** Where a walk from the checkpoint starts, and why it starts from entry 1 instead (no checkpoint is not a problem). */
export async function checkpointStart(store: Store, keys: ReadonlyMap<string, string>): Promise<{ start?: WalkStart; problems: AuditProblem[] }> {
  const { checkpoint, problems } = await readCheckpoint(store, keys);
  return checkpoint === undefined ? { problems } : { start: { seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at }, problems };
}

/** The head's own problems are reported once even when it was read twice. */
export function mergeHeadReads(start: HeadRead, end: HeadRead): HeadRead {
  const seen = new Set(end.problems.map((problem) => `${problem.kind}:${problem.seq}`));
  return { head: end.head, problems: [...start.problems.filter((problem) => !seen.has(`${problem.kind}:${problem.seq}`)), ...end.problems] };
}

export function requireKeys(keys: ReadonlyMap<string, string>): void {
  if (keys.size === 0) {
    throw new AppError('config.invalid', 'Verifying the audit trail needs the audit keys', {
      userMessage: { key: 'errors.audit.verifyNeedsKeys' },
      userFault: true,
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
