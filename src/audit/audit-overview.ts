// What the tab's audit view shows: the chain verified from its sealed checkpoint (or from the oldest of the entries
// shown, if those go further back), and the most recent entries with their people. A look costs the entries since the
// checkpoint plus those shown, whatever the length of the trail; a walk that finds nothing wrong moves the checkpoint.

import type { Store } from '../store/store-port.js';
import type { AnchorBook } from './anchor-check.js';
import { writeCheckpoint } from './audit-checkpoint.js';
import { exportAudit } from './audit-export.js';
import { type AuditProblem, checkpointStart, readAuditHead, type VerifyReport } from './audit-verify.js';

export interface AuditOverviewOptions {
  keys: ReadonlyMap<string, string>;
  /** The key that seals new records; without it the checkpoint is read but never moved. */
  keyId?: string;
  anchors?: AnchorBook;
  /** How many of the latest entries to return. */
  shown: number;
  /** Only entries recorded at or after this instant are returned (all after the start are verified). */
  since?: Date;
  now?: () => Date;
}

/** The verification and the latest `shown` entries (as export lines, oldest first). */
export async function auditOverview(store: Store, options: AuditOverviewOptions): Promise<{ report: VerifyReport; recent: string[] }> {
  const { keys, shown } = options;
  const checkpoint = await checkpointStart(store, keys);
  const headStart = await readAuditHead(store, keys);
  const headSeq = headStart.head?.seq ?? 0;
  const fromSeq = Math.max(0, Math.min(checkpoint.start?.seq ?? 0, headSeq - shown));
  const start = fromSeq === 0 ? undefined : fromSeq === checkpoint.start?.seq ? checkpoint.start : { seq: fromSeq, at: checkpoint.start?.at };
  const recent: string[] = [];
  const walked = await exportAudit(store, { keys, since: options.since, anchors: options.anchors, start, headStart }, (line) => {
    recent.push(line);
    if (recent.length > shown) recent.shift();
  });
  const report = withProblems(walked.report, checkpoint.problems);
  if (report.ok && walked.head && options.keyId) await writeCheckpoint(store, { keyId: options.keyId, keys }, walked.head, options.now?.() ?? new Date());
  return { report, recent };
}

/** A report with problems found before its walk (a checkpoint that does not verify) put first. */
function withProblems(report: VerifyReport, problems: readonly AuditProblem[]): VerifyReport {
  if (problems.length === 0) return report;
  return { ...report, ok: false, problemCount: report.problemCount + problems.length, problems: [...problems, ...report.problems] };
}
