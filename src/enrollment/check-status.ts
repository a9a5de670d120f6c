// "Check my status": the person's own methods, read in real time, held against their enrolment tier's rule, and an
// enrolment recorded when the rule holds (conversation/status-reply.ts explains the outcome in the person's language).

import type { AuditLog } from '../audit/audit-log.js';
import type { Directory } from '../directory/directory-port.js';
import type { EnrolmentTierResolver, TierReason } from '../directory/enrolment-tier-resolver.js';
import { evaluateRule, type MissingCode } from '../directory/tier-rule.js';
import type { Store } from '../store/store-port.js';
import { recordEnrolment } from './enrolments.js';
import { type PasskeyStatus, passkeyStatus } from '../directory/passkey-status.js';

export type StatusOutcome =
  | { kind: 'enrolled'; status: PasskeyStatus; firstTime: boolean }
  | { kind: 'not-enrolled'; status: PasskeyStatus }
  /** A passkey, but not what the person's tier asks for: `missing` says what, `because` why their tier is stricter. */
  | { kind: 'below-tier'; status: PasskeyStatus; tierId: string; because: TierReason; missing: MissingCode[] }
  | { kind: 'unavailable' };

export interface StatusDeps {
  directory: Directory | undefined;
  store: Store;
  audit: AuditLog;
  /** Absent: any passkey counts, as with ENROLMENT_TIERS unset. */
  tiers?: EnrolmentTierResolver;
}

export async function checkStatus(deps: StatusDeps, userId: string, now = new Date()): Promise<StatusOutcome> {
  if (!deps.directory) return { kind: 'unavailable' };
  // The real-time methods, not the registration report: the report lags by hours.
  const status = passkeyStatus(await deps.directory.authenticationMethods(userId));
  if (!status.enrolled) return { kind: 'not-enrolled', status };
  if (deps.tiers?.tiered) {
    const { tier, because } = await deps.tiers.tierOf(userId, now.getTime());
    const verdict = evaluateRule(tier.rule, status.strong);
    if (!verdict.met) return { kind: 'below-tier', status, tierId: tier.id, because, missing: verdict.missing };
  }
  const kinds = [...new Set(status.strong.map((method) => method.kind))];
  const { first } = await recordEnrolment(deps.store, { userId, kinds, confirmedAt: now.toISOString() });
  if (first) await deps.audit.record({ action: 'enrollment.confirmed', outcome: 'success', actor: { kind: 'user', aadObjectId: userId }, details: { kinds } });
  return { kind: 'enrolled', status, firstTime: first };
}
