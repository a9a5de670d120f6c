// What the tenant's passkey (FIDO2) policy means for one person: whether passkeys are on for them at all, whether
// synced passkeys (iCloud Keychain, Google Password Manager, a password manager) count, and whether only some
// authenticator models are accepted. With passkey profiles, the person's targets name the profiles they may use
// (several targets: the union); without, one policy applies to everyone it includes.

import type { Directory } from '../directory/directory-port.js';
import type { PasskeyPolicy, PasskeyProfile } from '../directory/passkey-policy.js';
import type { Logger } from '../logging/logger.js';
import { setBounded } from '../shared/bounded-map.js';

export type PasskeyRules =
  /** The method is off, or the person is not among its targets (or is excluded). */
  | { kind: 'not-enabled' }
  | {
      kind: 'rules';
      /** Synced passkeys count (a profile allows them, and does not enforce attestation, which they cannot give). */
      synced: boolean;
      /** Only the authenticator models an allow list names are accepted, or some models are blocked. */
      restricted: boolean;
    }
  /** Graph could not say: the coach answers in general terms. */
  | { kind: 'unknown' };

/** The policy changes rarely: read at most every five minutes per instance. */
const POLICY_CACHE_MS = 5 * 60_000;
/**
 * A person's rules, kept as long as the policy: a conversation about setting up asks several times in a few minutes.
 * Rules Graph could not give are kept a minute, so a person writing during an outage is answered at once.
 */
const PERSON_CACHE_MS = POLICY_CACHE_MS;
const UNKNOWN_CACHE_MS = 60_000;
/** People remembered at once; the oldest go first. */
const MAX_PEOPLE = 10_000;
const ALL_USERS = 'all_users';

export class PasskeyRulesReader {
  #cached: { policy: PasskeyPolicy; at: number } | undefined;
  readonly #people = new Map<string, { rules: PasskeyRules; at: number }>();

  constructor(
    private readonly directory: Directory | undefined,
    private readonly logger: Logger,
  ) {}

  async rulesFor(userId: string, now = Date.now()): Promise<PasskeyRules> {
    if (!this.directory) return { kind: 'unknown' };
    const kept = this.#people.get(userId);
    if (kept && now - kept.at < (kept.rules.kind === 'unknown' ? UNKNOWN_CACHE_MS : PERSON_CACHE_MS)) return kept.rules;
    const rules = await this.#read(userId, now);
    setBounded(this.#people, userId, { rules, at: now }, MAX_PEOPLE);
    return rules;
  }

  async #read(userId: string, now: number): Promise<PasskeyRules> {
    try {
      const policy = await this.#policy(now);
      const groups = policy.state === 'enabled' ? await (this.directory as Directory).transitiveGroupIds(userId) : new Set<string>();
      return rulesOf(policy, groups);
    } catch (error) {
      this.logger.warn('could not read the passkey policy; answering in general terms', { error });
      return { kind: 'unknown' };
    }
  }

  async #policy(now: number): Promise<PasskeyPolicy> {
    if (this.#cached && now - this.#cached.at < POLICY_CACHE_MS) return this.#cached.policy;
    const policy = await (this.directory as Directory).passkeyPolicy();
    this.#cached = { policy, at: now };
    return policy;
  }
}

/** The rules for someone in these groups (transitive membership). */
export function rulesOf(policy: PasskeyPolicy, groups: ReadonlySet<string>): PasskeyRules {
  const applies = (target: { id: string }) => target.id === ALL_USERS || groups.has(target.id);
  if (policy.state !== 'enabled' || policy.excludeTargets.some(applies)) return { kind: 'not-enabled' };
  const targets = policy.includeTargets.filter(applies);
  if (targets.length === 0) return { kind: 'not-enabled' };
  if (!policy.passkeyProfiles) {
    // The legacy policy: attestation enforced means device-bound only; one restriction for everyone.
    return { kind: 'rules', synced: !policy.isAttestationEnforced, restricted: policy.keyRestrictions?.isEnforced === true };
  }
  const allowed = new Set(targets.flatMap((target) => target.allowedPasskeyProfiles ?? (policy.defaultPasskeyProfile ? [policy.defaultPasskeyProfile] : [])));
  const profiles = policy.passkeyProfiles.filter((profile) => allowed.has(profile.id));
  if (profiles.length === 0) return { kind: 'not-enabled' };
  return { kind: 'rules', synced: profiles.some(allowsSynced), restricted: profiles.every((profile) => profile.keyRestrictions?.isEnforced === true) };
}

function allowsSynced(profile: PasskeyProfile): boolean {
  return profile.passkeyTypes.split(',').map((type) => type.trim()).includes('synced') && profile.attestationEnforcement !== 'registrationOnly';
}
