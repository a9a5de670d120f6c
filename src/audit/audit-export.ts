// Exports the audit trail as JSON lines for a SIEM: seq order, personal fields joined back unless erased.

import type { Store, StoredRecord } from '../store/store-port.js';
import type { AnchorBook } from './anchor-check.js';
import { AUDIT_ENTRIES, seqKey } from './audit-entry.js';
import { type ExportedParty, judgeParties, PersonalRecordCursor } from './audit-identity.js';
import { type CheckedEntry, ChainChecker, type HeadRead, mergeHeadReads, readAuditHead, requireKeys, type VerifyReport, type WalkStart } from './audit-verify.js';

export type { ExportedParty } from './audit-identity.js';

export interface AuditExportOptions {
  /** Only entries recorded at or after this instant. The whole chain is still verified. */
  since?: Date;
  keys: ReadonlyMap<string, string>;
  pageSize?: number;
  /** The anchors the trail is held to (see anchor-check.ts); without them a rolled-back trail cannot be told. */
  anchors?: AnchorBook;
  /** Walk only the entries after this one (verified earlier: a checkpoint); absent, the whole chain. */
  start?: WalkStart;
  /** The head as the caller just read it (to choose `start`): not read a second time. */
  headStart?: HeadRead;
}

export interface AuditExportSummary {
  /** Lines written. */
  exported: number;
  /** The verification of the chain (from `start`), made while exporting. */
  report: VerifyReport;
  /** The head as it stood when the walk began (what a checkpoint may move to). */
  head?: { seq: number; hash: string };
}

const PAGE_SIZE = 200;

/**
 * Writes one JSON line per entry. Each line says whether that entry verified (`verified`, and its
 * `problems` when not), so a SIEM never ingests a tampered entry unmarked; who acted is checked against
 * what the entry sealed, and a name no seal covers says so (`unsealed`).
 */
export async function exportAudit(
  store: Store,
  options: AuditExportOptions,
  write: (line: string) => void,
): Promise<AuditExportSummary> {
  requireKeys(options.keys);
  const since = options.since?.getTime();
  if (since !== undefined && Number.isNaN(since)) throw new TypeError('exportAudit: since is not a valid date');
  const headStart = options.headStart ?? (await readAuditHead(store, options.keys));
  const checker = new ChainChecker(options.keys, headStart.head, options.anchors, options.start);
  const people = new PersonalRecordCursor(store, options.pageSize ?? PAGE_SIZE, options.start?.seq);
  const startAfter = options.start && options.start.seq > 0 ? seqKey(options.start.seq) : undefined;
  let exported = 0;
  let continuationToken: string | undefined;
  do {
    const page: { records: StoredRecord<unknown>[]; continuationToken?: string } = await store.list<unknown>(AUDIT_ENTRIES, {
      limit: options.pageSize ?? PAGE_SIZE,
      continuationToken,
      startAfter,
    });
    for (const record of page.records) {
      const checked = checker.check(record);
      const parties = checked.entry === undefined ? undefined : judgeParties(checked.entry, await people.forSeq(checked.seq), checker.keyOf(checked.entry));
      if (parties !== undefined) checker.flag(checked, parties.problems);
      if (since !== undefined && checked.entry !== undefined && Date.parse(checked.entry.at) < since) continue;
      write(exportLine(checked, parties));
      exported++;
    }
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  const headEnd = await readAuditHead(store, options.keys);
  return { exported, report: checker.finish(mergeHeadReads(headStart, headEnd)), head: headStart.head };
}

function exportLine(checked: CheckedEntry, parties: { actor?: ExportedParty; subject?: ExportedParty } | undefined): string {
  const verdict =
    checked.problems.length === 0
      ? { verified: true }
      : { verified: false, problems: checked.problems.map(({ kind, message }) => ({ kind, message })) };
  const { entry } = checked;
  if (entry === undefined || parties === undefined) return JSON.stringify({ seq: checked.seq, malformed: true, ...verdict });
  const { actor, subject } = parties;
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
