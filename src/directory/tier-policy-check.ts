// What `check-config` says about ENROLMENT_TIERS against the tenant's passkey (FIDO2) policy: a tier that asks for what
// the policy does not let its people register (passkeys off, synced passkeys allowed where only device-bound count,
// key models the tier lists but the key restrictions refuse, or not verified without attestation). Warnings, not
// failures: the policy may be about to change, and the coach still works. Admin-facing English, like config problems.

import type { EnrolmentTier } from '../config/enrolment-tiers.js';
import type { KeyRestrictions, PasskeyPolicy } from './passkey-policy.js';

const ALL_USERS = 'all_users';

/** What one set of profiles lets someone register: the legacy policy is one profile for everyone it includes. */
interface Allowed {
  name: string;
  synced: boolean;
  attested: boolean;
  restrictions?: KeyRestrictions;
}

/** The profiles that apply to someone in `groups` (and in all users); undefined when passkeys are off for them. */
function allowedFor(policy: PasskeyPolicy, groups: ReadonlySet<string>): Allowed[] | undefined {
  const applies = (target: { id: string }) => target.id === ALL_USERS || groups.has(target.id.toLowerCase());
  if (policy.state !== 'enabled' || policy.excludeTargets.some(applies)) return undefined;
  const targets = policy.includeTargets.filter(applies);
  if (targets.length === 0) return undefined;
  if (!policy.passkeyProfiles) {
    return [{ name: 'the passkey (FIDO2) policy', synced: !policy.isAttestationEnforced, attested: policy.isAttestationEnforced, restrictions: policy.keyRestrictions }];
  }
  const ids = new Set(targets.flatMap((target) => target.allowedPasskeyProfiles ?? (policy.defaultPasskeyProfile ? [policy.defaultPasskeyProfile] : [])));
  const profiles = policy.passkeyProfiles.filter((profile) => ids.has(profile.id));
  if (profiles.length === 0) return undefined;
  return profiles.map((profile) => {
    const attested = profile.attestationEnforcement === 'registrationOnly';
    const types = profile.passkeyTypes.split(',').map((type) => type.trim());
    return { name: `passkey profile "${profile.name || profile.id}"`, synced: types.includes('synced') && !attested, attested, restrictions: profile.keyRestrictions };
  });
}

/** Whether a key model may be registered under these restrictions. */
function allows(restrictions: KeyRestrictions | undefined, aaguid: string): boolean {
  if (!restrictions?.isEnforced) return true;
  const listed = restrictions.aaGuids.some((id) => id.toLowerCase() === aaguid);
  return restrictions.enforcementType === 'allow' ? listed : !listed;
}

/** Whether the rule can only be met with methods the FIDO2 policy governs (Windows Hello for Business is not one). */
function needsFido2(tier: EnrolmentTier): boolean {
  const fido2 = (kind: string) => kind !== 'windows-hello';
  return tier.rule.anyOf.every(fido2) || (tier.rule.allOf ?? []).some(fido2);
}

/**
 * One line per conflict. A tier with groups is checked for each of its groups; a tier without (admin roles, everyone
 * else) only where the policy includes all users, since who holds a role is not known here.
 */
export function tierPolicyWarnings(tiers: readonly EnrolmentTier[], policy: PasskeyPolicy): string[] {
  const warnings: string[] = [];
  const includesAll = policy.includeTargets.some((target) => target.id === ALL_USERS);
  for (const tier of tiers) {
    const scopes = tier.groups ? tier.groups.map((id) => ({ who: `members of group ${id}`, groups: new Set([id]) })) : includesAll ? [{ who: 'all users', groups: new Set<string>() }] : [];
    for (const { who, groups } of scopes) {
      const say = (text: string) => warnings.push(`ENROLMENT_TIERS tier ${tier.id}: ${text}`);
      const allowed = allowedFor(policy, groups);
      if (!allowed) {
        if (needsFido2(tier)) say(`${who} cannot register what the tier asks for: passkeys are not enabled for them in the passkey (FIDO2) policy.`);
        continue;
      }
      for (const profile of allowed) {
        if (tier.rule.deviceBound && profile.synced) say(`only device-bound passkeys count, but ${profile.name} lets ${who} register synced passkeys (attestation is not enforced): those will not count.`);
        const aaguids = tier.rule.aaguids ?? [];
        const refused = aaguids.filter((aaguid) => !allows(profile.restrictions, aaguid));
        if (refused.length > 0) say(`${who} cannot register ${refused.join(', ')}, which the tier lists: the key restrictions of ${profile.name} do not allow them.`);
        if (aaguids.length > 0 && !profile.attested) say(`the tier accepts only listed key models, but ${profile.name} for ${who} does not enforce attestation, so a key's model is not verified when it is registered.`);
      }
    }
  }
  return warnings;
}
