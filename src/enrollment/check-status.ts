// "Check my status": the person's own methods, read in real time, and an enrolment recorded (conversation/status-reply.ts
// explains the outcome in the person's language).

import type { AuditLog } from '../audit/audit-log.js';
import type { Directory } from '../directory/directory-port.js';
import type { Store } from '../store/store-port.js';
import { recordEnrolment } from './enrolments.js';
import { type PasskeyStatus, passkeyStatus } from '../directory/passkey-status.js';

export type StatusOutcome =
  | { kind: 'enrolled'; status: PasskeyStatus; firstTime: boolean }
  | { kind: 'not-enrolled'; status: PasskeyStatus }
  | { kind: 'unavailable' };

export async function checkStatus(deps: { directory: Directory | undefined; store: Store; audit: AuditLog }, userId: string, now = new Date()): Promise<StatusOutcome> {
  if (!deps.directory) return { kind: 'unavailable' };
  // The real-time methods, not the registration report: the report lags by hours.
  const status = passkeyStatus(await deps.directory.authenticationMethods(userId));
  if (!status.enrolled) return { kind: 'not-enrolled', status };
  const kinds = [...new Set(status.strong.map((method) => method.kind))];
  const { first } = await recordEnrolment(deps.store, { userId, kinds, confirmedAt: now.toISOString() });
  if (first) await deps.audit.record({ action: 'enrollment.confirmed', outcome: 'success', actor: { kind: 'user', aadObjectId: userId }, details: { kinds } });
  return { kind: 'enrolled', status, firstTime: first };
}
