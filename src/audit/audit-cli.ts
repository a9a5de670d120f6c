// The `passkey-coach audit verify|export` commands, free of argv and process so they can be tested directly.

import { AppError } from '../errors/app-error.js';
import type { Store } from '../store/store-port.js';
import { loadAnchorBook } from './anchor-check.js';
import type { AnchorSource } from './audit-anchor.js';
import { exportAudit } from './audit-export.js';
import type { AuditKeyring } from './audit-crypto.js';
import { type AuditProblem, type VerifyReport, verifyAuditChain } from './audit-verify.js';

export interface AuditVerifyCommand {
  store: Store;
  /** keyId → key: `AppConfig['audit'].keys`. */
  keys: ReadonlyMap<string, string>;
  /** Receives one line at a time, without its newline. */
  out: (line: string) => void;
  /** Where the anchors are read from: those the service writes, or copies kept elsewhere (`--anchors FILE`). */
  anchorSources: readonly AnchorSource[];
  /** Walk only the entries after the sealed checkpoint (`--from-checkpoint`), as the tab's view does; by default every one. */
  fromCheckpoint?: boolean;
  /** The keys in force: a walk that finds nothing wrong moves the checkpoint to the head, sealed with the current one. */
  seal?: AuditKeyring;
}

export interface AuditExportCommand extends AuditVerifyCommand {
  since?: Date;
  /** Where the closing summary goes, so `out` carries nothing but entry lines; omitted, no summary. */
  err?: (line: string) => void;
}

/**
 * Exit codes: 0 when the chain verifies (and reaches its newest anchor, when there is one; with none yet the
 * report says so), 1 when anything is wrong with it, a trail shorter than an anchor or empty after one included.
 */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;

const PROBLEMS_SHOWN = 20;

/** Prints a summary a person can read, then the full report as one JSON line for machines. */
export async function runAuditVerify({ store, keys, out, anchorSources, fromCheckpoint, seal }: AuditVerifyCommand): Promise<number> {
  const report = await verifyAuditChain(store, keys, { anchors: await loadAnchorBook(anchorSources, keys), from: fromCheckpoint ? 'checkpoint' : 'first', seal });
  for (const line of describeReport(report)) out(line);
  out(JSON.stringify({ command: 'audit.verify', ...report }));
  return report.ok ? EXIT_OK : EXIT_PROBLEMS;
}

/** Writes the entries as JSON lines to `out`; returns 1 when any part of the chain failed verification. */
export async function runAuditExport({ store, keys, since, out, err, anchorSources }: AuditExportCommand): Promise<number> {
  const anchors = await loadAnchorBook(anchorSources, keys);
  const { exported, report } = await exportAudit(store, { keys, since, anchors }, out);
  if (err !== undefined) {
    const scope = since === undefined ? '' : ` since ${since.toISOString()}`;
    err(`Exported ${exported} audit ${exported === 1 ? 'entry' : 'entries'}${scope}.`);
    if (!report.ok) for (const line of describeReport(report)) err(line);
  }
  return report.ok ? EXIT_OK : EXIT_PROBLEMS;
}

/** Parses `--since`: an ISO date (midnight UTC) or date-time with an offset or Z. */
export function parseAuditSince(text: string): Date {
  const value = text.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value);
  const date = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if ((!dateOnly && !dateTime) || Number.isNaN(date.getTime()) || !isCalendarDate(value.slice(0, 10))) {
    throw new AppError('request.malformed', `--since must be a date such as 2025-01-31 or 2025-01-31T09:00:00Z, not '${value}'`, {
      userMessage: { key: 'errors.audit.badSince', params: { value } },
      userFault: true,
    });
  }
  return date;
}

/** Date parsing rolls 2025-02-30 over to March; a typo should be refused instead. */
function isCalendarDate(ymd: string): boolean {
  const [year, month, day] = ymd.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function describeReport(report: VerifyReport): string[] {
  const newest = report.anchors?.newest;
  const sources = report.anchors?.sources.length ? report.anchors.sources.join(', ') : 'no anchor source configured';
  const skipped = report.anchors?.ignoredLines ? [`  (${report.anchors.ignoredLines} ${report.anchors.ignoredLines === 1 ? 'line' : 'lines'} in the anchor sources were not anchors and were skipped.)`] : [];
  if (report.ok) {
    if (report.lastSeq === 0) return ['Audit trail is empty and no anchor was ever written: a new installation, nothing to verify yet.', ...skipped];
    const keys = report.keyIds.length === 1 ? `key ${report.keyIds[0]}` : `keys ${report.keyIds.join(', ')}`;
    const pending = report.pendingAfterHead > 0 ? ` (entry ${report.lastSeq} is past the head: an append in flight or interrupted; the next append completes it)` : '';
    const from = report.from;
    const verified =
      from === undefined
        ? `Audit trail verified: ${report.entries} ${report.entries === 1 ? 'entry' : 'entries'}, seq 1–${report.lastSeq}, sealed with ${keys}.${pending}`
        : `Audit trail verified: seq 1–${report.lastSeq}; entries 1–${from.seq} in full ${from.at ? `at ${from.at} ` : ''}(the sealed checkpoint; without --from-checkpoint every entry is walked), the ${report.entries} since now${report.keyIds.length > 0 ? `, sealed with ${keys}` : ''}.${pending}`;
    const anchored =
      newest === undefined
        ? `No anchor yet (read ${sources}): a trail that was cut back or emptied would look the same. The running service writes one every AUDIT_ANCHOR_INTERVAL_MINUTES.`
        : `It reaches its newest anchor: entry ${newest.seq}, written ${newest.at} (${newest.source}; ${report.anchors?.valid} anchors checked).`;
    return [verified, anchored, ...skipped];
  }
  const lines = [
    `Audit trail FAILED verification: ${report.problemCount} ${report.problemCount === 1 ? 'problem' : 'problems'} in ${report.entries} ${report.entries === 1 ? 'entry' : 'entries'} (head at ${report.headSeq}).`,
    ...report.problems.slice(0, PROBLEMS_SHOWN).map(describeProblem),
  ];
  if (report.problemCount > PROBLEMS_SHOWN) lines.push(`  … and ${report.problemCount - PROBLEMS_SHOWN} more (see the JSON line).`);
  lines.push(newest === undefined ? `  No anchor to hold the trail to (read ${sources}).` : `  Newest anchor: entry ${newest.seq}, written ${newest.at} (${newest.source}).`, ...skipped);
  return lines;
}

function describeProblem(problem: AuditProblem): string {
  return `  seq ${problem.seq}: ${problem.kind} — ${problem.message}`;
}
