// Right to erasure: everything the coach keeps about one person, removed or de-personalised in an order a crash can
// resume from (records that name them beside others first, their own next, the audit trail's names last, since they
// are where a rerun finds the names again), and then one audit entry that says so without naming them.

import type { AuditParty, StoreAuditLog } from '../audit/audit-log.js';
import { normalizeObjectId } from '../audit/audit-crypto.js';
import { eraseFromCampaigns } from '../campaigns/erase-campaigns.js';
import { DIALOGS_PARTITION } from '../conversation/dialog-store.js';
import type { Directory } from '../directory/directory-port.js';
import { ENROLMENTS_PARTITION } from '../enrollment/enrolments.js';
import { eraseFromEscalations } from '../escalation/erase-escalations.js';
import { AppError } from '../errors/app-error.js';
import { eraseFromHelpdesk } from '../helpdesk/erase-helpdesk.js';
import { eraseMessaging } from '../messaging/erase-messaging.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import { ADMIN_NOTICES_PARTITION } from '../outbox/admin-notices.js';
import { eraseOutbox } from '../outbox/erase-outbox.js';
import { eraseFromManagerNudges } from '../managers/erase-managers.js';
import { NUDGE_SUBJECT } from '../managers/manager-nudges.js';
import { eraseFromDigest } from '../digest/erase-digest.js';
import { DIGEST_SUBJECT } from '../digest/digest-schedule.js';
import { addCounts, type ErasureCounts, type ErasureSubject } from '../shared/erased.js';
import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';
import { namesOf } from './person-names.js';

/** The one audit action of an erasure; its subject is the erased person, whose names are erased right after. */
export const ERASURE_ACTION = 'privacy.personal-data.erased';
/** Accounts the scheduled check is watching (disabled, or not found), keyed by object id: see erasure-schedule.ts. */
export const ERASURE_WATCH_PARTITION = 'erasure-watch';

export type ErasureReason = { kind: 'deleted-in-entra' } | { kind: 'disabled'; days: number } | { kind: 'on-request'; reference?: string };

export interface ErasureDeps {
  store: Store;
  audit: StoreAuditLog;
  objections: ObjectionLog;
  /** To learn the person's names from Entra while it still has them; erasure works without it. */
  directory: Directory | undefined;
  now?: () => Date;
}

export interface ErasureResult {
  /** Records removed or de-personalised, by kind; empty when there was nothing left (a rerun). */
  erased: ErasureCounts;
  /** The audit entry's sequence number; undefined when nothing was erased and nothing audited. */
  auditSeq?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isObjectId(value: string): boolean {
  return GUID.test(normalizeObjectId(value));
}

export async function erasePerson(deps: ErasureDeps, objectId: string, reason: ErasureReason, actor: AuditParty): Promise<ErasureResult> {
  const id = normalizeObjectId(objectId);
  if (!GUID.test(id)) throw new AppError('request.malformed', `"${objectId}" is not an Entra object id`, { userFault: true });
  const { store, audit } = deps;
  const now = deps.now?.() ?? new Date();
  const subject: ErasureSubject = { id, names: await namesOf(store, audit, deps.directory, id) };
  const erased: ErasureCounts = {};
  // Records about others that name them, with free text among them (alerts), while every name is still known.
  const helpdesk = await eraseFromHelpdesk(store, subject, now);
  addCounts(erased, helpdesk.counts);
  const escalations = await eraseFromEscalations(store, subject, now);
  addCounts(erased, escalations.counts);
  const campaigns = await eraseFromCampaigns(store, subject);
  addCounts(erased, campaigns.counts);
  addCounts(erased, await eraseFromManagerNudges(store, subject));
  addCounts(erased, await eraseFromDigest(store, subject));
  const notices: string[] = [];
  for await (const page of pagesOf(store, ADMIN_NOTICES_PARTITION, 500)) notices.push(...page.map((row) => row.key));
  const otherSubjects = [...campaigns.campaignIds, ...escalations.others, ...helpdesk.subjects, ...notices, NUDGE_SUBJECT, DIGEST_SUBJECT];
  addCounts(erased, await eraseOutbox(store, subject, { ownSubjects: new Set(escalations.own), otherSubjects }));
  addCounts(erased, await eraseMessaging(store, subject));
  addCounts(erased, { objectionEvents: await deps.objections.forgetPerson(id) });
  for (const [partition, kind] of [
    [DIALOGS_PARTITION, 'conversationState'],
    [ENROLMENTS_PARTITION, 'enrolment'],
    [ERASURE_WATCH_PARTITION, 'accountWatch'],
  ] as const) {
    if (!(await store.get(partition, id))) continue;
    await store.delete(partition, id);
    erased[kind] = 1;
  }
  // Last: the audit trail's names. A rerun after a crash before the entry audits the erasure then; a crash after it
  // leaves only that entry's own names, which are erased without a second entry.
  const pending = await audit.personalRecordsOf(id);
  const auditNames = pending.filter((record) => record.action !== ERASURE_ACTION).length;
  if (Object.keys(erased).length === 0 && auditNames === 0) {
    if (pending.length > 0) await audit.erasePerson(id);
    return { erased };
  }
  if (auditNames > 0) erased.auditNames = auditNames;
  const entry = await audit.record({
    action: ERASURE_ACTION,
    outcome: 'success',
    actor,
    // By object id only: the entry keeps the pseudonymous reference, and its personal record is erased below.
    subject: { kind: 'user', aadObjectId: id },
    details: { reason: reasonText(reason), ...(reason.kind === 'on-request' && reason.reference ? { request: reason.reference } : {}), erased },
  });
  await audit.erasePerson(id);
  return { erased, auditSeq: entry.seq };
}

export function reasonText(reason: ErasureReason): string {
  return reason.kind === 'disabled' ? `disabled-${reason.days}-days` : reason.kind;
}
