// Exports the audit trail as JSON lines for a SIEM: seq order, personal fields joined back unless erased.

import type { Store, StoredRecord } from '../store/store-port.js';
import { AUDIT_ENTRIES, AUDIT_PERSONAL, type AuditEntry, type PartyRole, personalKey, personalRecordSchema } from './audit-entry.js';
import { type CheckedEntry, ChainChecker, mergeHeadReads, readAuditHead, requireKeys, type VerifyReport } from './audit-verify.js';

export interface AuditExportOptions {
  /** Only entries recorded at or after this instant. The whole chain is still verified. */
  since?: Date;
  keys: ReadonlyMap<string, string>;
  pageSize?: number;
}

export interface AuditExportSummary {
  /** Lines written. */
  exported: number;
  /** The verification of the whole chain, made while exporting. */
  report: VerifyReport;
}

type ExportedParty =
  | { kind: 'system'; name: string }
  | { kind: 'user'; ref: string; aadObjectId: string; displayName?: string; upn?: string }
  | { kind: 'user'; ref: string; erased: true }
  | { kind: 'user'; ref: string; personalDataMissing: true };

const PAGE_SIZE = 200;

/**
 * Writes one JSON line per entry. Each line says whether that entry verified (`verified`, and its
 * `problems` when not), so a SIEM never ingests a tampered entry unmarked.
 */
export async function exportAudit(
  store: Store,
  options: AuditExportOptions,
  write: (line: string) => void,
): Promise<AuditExportSummary> {
  requireKeys(options.keys);
  const since = options.since?.getTime();
  if (since !== undefined && Number.isNaN(since)) throw new TypeError('exportAudit: since is not a valid date');
  const headStart = await readAuditHead(store, options.keys);
  const checker = new ChainChecker(options.keys, headStart.head);
  let exported = 0;
  let continuationToken: string | undefined;
  do {
    const page: { records: StoredRecord<unknown>[]; continuationToken?: string } = await store.list<unknown>(AUDIT_ENTRIES, {
      limit: options.pageSize ?? PAGE_SIZE,
      continuationToken,
    });
    const wanted = page.records
      .map((record) => checker.check(record))
      .filter((checked) => since === undefined || checked.entry === undefined || Date.parse(checked.entry.at) >= since);
    const lines = await Promise.all(wanted.map((checked) => exportLine(store, checked)));
    for (const line of lines) write(line);
    exported += lines.length;
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  const headEnd = await readAuditHead(store, options.keys);
  return { exported, report: checker.finish(mergeHeadReads(headStart, headEnd)) };
}

async function exportLine(store: Store, checked: CheckedEntry): Promise<string> {
  const verdict =
    checked.problems.length === 0
      ? { verified: true }
      : { verified: false, problems: checked.problems.map(({ kind, message }) => ({ kind, message })) };
  const { entry } = checked;
  if (entry === undefined) return JSON.stringify({ seq: checked.seq, malformed: true, ...verdict });
  const actor = await exportedParty(store, entry, 'actor');
  const subject = await exportedParty(store, entry, 'subject');
  const erased = [actor, subject].some((party) => party !== undefined && 'erased' in party);
  return JSON.stringify({
    seq: entry.seq,
    at: entry.at,
    action: entry.action,
    outcome: entry.outcome,
    correlationId: entry.correlationId,
    actor,
    subject,
    ...(erased ? { erased: true } : {}),
    details: entry.details,
    keyId: entry.keyId,
    prevHash: entry.prevHash,
    hash: entry.hash,
    ...verdict,
  });
}

async function exportedParty(store: Store, entry: AuditEntry, role: PartyRole): Promise<ExportedParty | undefined> {
  const kind = role === 'actor' ? entry.actorKind : entry.subjectKind;
  const ref = role === 'actor' ? entry.actorRef : entry.subjectRef;
  if (kind === undefined || ref === undefined) return undefined;
  if (kind === 'system') return { kind, name: ref };
  const stored = await store.get<unknown>(AUDIT_PERSONAL, personalKey(entry.seq, role));
  const parsed = personalRecordSchema.safeParse(stored?.value);
  if (!parsed.success) return { kind, ref, personalDataMissing: true };
  const personal = parsed.data;
  if ('erased' in personal) return { kind, ref, erased: true };
  return { kind, ref, aadObjectId: personal.aadObjectId, displayName: personal.displayName, upn: personal.upn };
}
