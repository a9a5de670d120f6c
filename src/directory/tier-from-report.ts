// Whether a person the registration report shows with a passkey meets their enrolment tier: the report decides
// device-bound against synced; a rule that checks key models or counts methods reads that person's methods in real time
// (those reads share Graph's reports bucket, through the directory's limiter).

import type { RegistrationDetails } from './graph-shapes.js';
import type { Directory } from './directory-port.js';
import type { EnrolmentTierResolver } from './enrolment-tier-resolver.js';
import { passkeyStatus } from './passkey-status.js';
import { evaluateRule, reportVerdict } from './tier-rule.js';

/**
 * Tiers in order: once the report meets every tier left, who the person is does not matter (no group or role read);
 * otherwise the first tier they are in decides. Rejects when Graph cannot say.
 */
export async function meetsTierFromReport(directory: Directory, tiers: EnrolmentTierResolver, row: Pick<RegistrationDetails, 'id' | 'methodsRegistered'>): Promise<boolean> {
  const verdicts = tiers.tiers.map((tier) => reportVerdict(tier.rule, row.methodsRegistered));
  for (const [index, tier] of tiers.tiers.entries()) {
    if (verdicts.slice(index).every((verdict) => verdict === 'met')) return true;
    if (!(await tiers.inTier(tier, row.id))) continue;
    const verdict = verdicts[index];
    if (verdict !== 'details') return verdict === 'met';
    return evaluateRule(tier.rule, passkeyStatus(await directory.authenticationMethods(row.id)).strong).met;
  }
  return false;
}
