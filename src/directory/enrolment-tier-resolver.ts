// Which enrolment tier a person is in: the first tier whose groups (direct or nested) or admin roles (active or
// eligible, through role-assignable groups and PIM: the same check as the helpdesk's privileged accounts) hold them.

import type { EnrolmentTier } from '../config/enrolment-tiers.js';
import { setBounded } from '../shared/bounded-map.js';
import type { Directory } from './directory-port.js';

/** Why a person is in their tier: the sentence that explains a stricter rule depends on it. */
export type TierReason = 'admin-role' | 'group' | 'everyone';

export interface PersonTier {
  tier: EnrolmentTier;
  because: TierReason;
}

/** Groups and roles change rarely, and a status check may follow a click: a minute per person, like group checks. */
const CACHE_MS = 60_000;
/** People remembered at once; the oldest go first. */
const MAX_PEOPLE = 10_000;

export class EnrolmentTierResolver {
  readonly #groups = new Map<string, { at: number; ids: ReadonlySet<string> }>();
  readonly #roles = new Map<string, { at: number; names: readonly string[] }>();

  constructor(
    readonly tiers: readonly EnrolmentTier[],
    private readonly directory: Directory | undefined,
  ) {}

  /** Whether any tier asks for more than the last (everyone's): without one, nobody needs resolving. */
  get tiered(): boolean {
    return this.tiers.length > 1;
  }

  /** The person's tier; rejects when Graph cannot say (a status check then answers that it cannot check now). */
  async tierOf(userId: string, now = Date.now()): Promise<PersonTier> {
    for (const tier of this.tiers) {
      const because = await this.inTier(tier, userId, now);
      if (because) return { tier, because };
    }
    // The schema keeps the last tier for everyone: only an empty list gets here, which it refuses too.
    throw new Error('ENROLMENT_TIERS has no tier for everyone');
  }

  /** Why the person is in this tier, or undefined when they are not. */
  async inTier(tier: EnrolmentTier, userId: string, now = Date.now()): Promise<TierReason | undefined> {
    if (!tier.groups && !tier.adminRoles) return 'everyone';
    if (!this.directory) return undefined;
    if (tier.groups) {
      const groups = await this.#groupsOf(userId, now);
      if (tier.groups.some((id) => groups.has(id))) return 'group';
    }
    if (tier.adminRoles) {
      const roles = await this.#rolesOf(userId, now);
      const wanted = tier.adminRoles === true ? undefined : new Set(tier.adminRoles.map((name) => name.toLowerCase()));
      if (roles.some((name) => !wanted || wanted.has(name))) return 'admin-role';
    }
    return undefined;
  }

  async #groupsOf(userId: string, now: number): Promise<ReadonlySet<string>> {
    const kept = this.#groups.get(userId);
    if (kept && now - kept.at < CACHE_MS) return kept.ids;
    const ids = new Set([...(await (this.directory as Directory).transitiveGroupIds(userId))].map((id) => id.toLowerCase()));
    setBounded(this.#groups, userId, { at: now, ids }, MAX_PEOPLE);
    return ids;
  }

  /** Role names, lower-case, without how the person comes by them ("Global Administrator (through the group …)"). */
  async #rolesOf(userId: string, now: number): Promise<readonly string[]> {
    const kept = this.#roles.get(userId);
    if (kept && now - kept.at < CACHE_MS) return kept.names;
    const { active, eligible } = await (this.directory as Directory).directoryRoles(userId);
    const names = [...active, ...eligible].map((label) => label.replace(/ \(.*\)$/, '').toLowerCase());
    setBounded(this.#roles, userId, { at: now, names }, MAX_PEOPLE);
    return names;
  }
}
