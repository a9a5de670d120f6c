// Who a campaign reaches: everyone the registration report shows without a strong method, minus the people a
// passkey campaign must leave alone. Streams the report a page at a time, so 100 000 people never sit in memory, and
// hands each page's targets on slice by slice as their profiles come, so the first invitations need not wait for a
// whole page of look-ups (seconds when Graph answers slowly).

import type { RegistrationDetails } from '../directory/graph-shapes.js';
import { type Directory, profilesPerCall, type UserProfile } from '../directory/directory-port.js';
import type { EnrolmentTierResolver } from '../directory/enrolment-tier-resolver.js';
import { meetsTierFromReport } from '../directory/tier-from-report.js';
import type { Logger } from '../logging/logger.js';
import { notAPersonsAccount } from '../directory/person-account.js';
import { inStoreBatches } from './let-io-through.js';
import { mapLimited } from '../shared/map-limited.js';
import type { KnownLanguages } from '../shared/person-language.js';
import { resolveTimeZone } from '../shared/time-zones.js';

export interface TargetingPolicy {
  /** Report method names that count as enrolled. */
  strongMethods: readonly string[];
  /** Object ids and user principal names, lower-case. */
  breakGlass: readonly string[];
  excludedGroupIds: readonly string[];
  /** When not empty, only members of these groups are targeted. */
  includedGroupIds: readonly string[];
  /** Members of this group who are targeted go first (`Target.firstWave`); it adds nobody the rules leave out. */
  firstWaveGroupId?: string;
  /** IANA or Windows zone for people whose mailbox settings cannot be read. */
  defaultTimeZone: string;
  /** The app's id in the org catalog: targeting notes who has it installed already (no install call needed). */
  catalogAppId?: string;
  /** ENROLMENT_TIERS: someone with a passkey that does not meet their tier's rule is still targeted. */
  tiers?: EnrolmentTierResolver;
  /** Told when a person's tier cannot be read (they are targeted). */
  logger?: Logger;
}

export interface Target {
  userId: string;
  upn: string;
  displayName: string;
  department: string;
  /** IANA time zone. */
  timeZone: string;
  /** Whether the app was installed for them when targeted (undefined: not known). */
  appInstalled?: boolean;
  /** Their languages as the directory gave them while targeting: the invitation is written in them without asking again. */
  languages?: KnownLanguages;
  /** A member (direct or nested) of the policy's first-wave group. */
  firstWave?: true;
  /** Their enrolment tier's id, with more than one tier configured (absent when Graph could not tell). */
  tier?: string;
}

/** Why someone in the report is not targeted, in the order the rules are checked. */
export const EXCLUSION_REASONS = [
  'enrolled',
  'guest',
  'break-glass',
  'excluded-group',
  'not-in-included-group',
  'disabled',
  'no-teams-licence',
  'shared-or-resource-account',
  'not-found',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/**
 * A part of a report page: its first part carries what the report itself says (exclusions by report, the enrolled,
 * `known`), each part the targets of one slice of profiles and their exclusions, and the last part the `nextLink`.
 */
export interface TargetPage {
  targets: Target[];
  excluded: Partial<Record<ExclusionReason, number>>;
  /** Ids on this page that have a strong method (the refresh before a reminder wave marks them enrolled). */
  enrolledIds: string[];
  /** Of those, the ones the report shows with two kinds of strong method or more (a backup: campaign-figures.ts). */
  backedUpIds: string[];
  /** Candidates `known` said are already handled: not looked up again, not counted. */
  known: number;
  /**
   * On a page's last part: where the report goes on after it (absent after the report's last page). A walk that stops
   * here resumes from it; one that stops before a page's last part walks that page again (its people are `known`).
   */
  nextLink?: string;
}

export interface FindTargetsOptions {
  /** People already in the campaign: their profiles are not read again (the daily refresh only adds joiners). */
  known?: (userId: string) => Promise<boolean>;
  /** A page's nextLink from an earlier walk: start there instead of at the beginning. */
  from?: string;
}

export const UNKNOWN_DEPARTMENT = '(no department)';
/**
 * Targets are handed on in slices of this many profile calls (one `$batch` call each, 6 people at three reads a
 * person): each slice becomes one part of the page (its members written together, its invitations queued).
 */
const CALLS_PER_SLICE = 8;
/**
 * A page's first slices are smaller (one call, then two, then four): the sender starts after one round trip to Graph
 * instead of eight while the full slices are read beside them.
 */
const FIRST_SLICES = [1, 2, 4] as const;
/**
 * Profile calls under way at once, taken in the page's order, so slices are read one after another in about a round
 * trip each (a slice's calls one after another made a slow Graph hand on eight slices at once, then nothing for eight
 * round trips). 12 calls of 6 people read 72 people per round trip: at a second a `$batch` call, half again Teams'
 * documented 50 a second (8 read 48, and set the pace there: bench:outreach --tenant-rps 50 --latency-ms 1000). With
 * 4 in flight targeting fell behind a sender at full rate even on loopback. The report's own throttle (5 pages of 1000
 * per 10 s) still bounds the reads overall.
 */
const PROFILE_CONCURRENCY = 12;
/** Graph look-ups for people's enrolment tiers under way at once (group and role reads, one person each). */
const TIER_CONCURRENCY = 8;

/** The report's rows as they come, turned into targets page by page (the report is refreshed by reading it again). */
export async function* findTargets(directory: Directory, policy: TargetingPolicy, options: FindTargetsOptions = {}): AsyncIterable<TargetPage> {
  const groups = await groupRules(directory, policy);
  const strong = new Set(policy.strongMethods.map((method) => method.toLowerCase()));
  const breakGlass = new Set(policy.breakGlass.map((id) => id.toLowerCase()));
  for await (const { rows, nextLink } of aheadByOne(directory.registrationDetails({ from: options.from }))) {
    const excluded: Partial<Record<ExclusionReason, number>> = {};
    const unexcluded: RegistrationDetails[] = [];
    const enrolled: string[] = [];
    const backedUp: string[] = [];
    const belowTier = await rowsBelowTier(directory, policy, rows.filter((row) => hasStrongMethod(row, strong)));
    for (const row of rows) {
      const reason = reportExclusion(row, belowTier.has(row.id) ? new Set() : strong, breakGlass, groups);
      if (reason === 'enrolled') enrolled.push(row.id);
      if (reason === 'enrolled' && strongKinds(row, strong) >= 2) backedUp.push(row.id);
      if (reason) countIn(excluded, reason);
      else unexcluded.push(row);
    }
    // Asked for the whole page at once: the store reads them together.
    const { known: isKnown } = options;
    const alreadyKnown = isKnown ? await inStoreBatches(unexcluded, (row) => isKnown(row.id)) : [];
    const candidates = unexcluded.filter((_, index) => alreadyKnown[index] !== true);
    const known = unexcluded.length - candidates.length;
    // The page's own findings go with its first part; its targets follow slice by slice; its nextLink with the last.
    let part: TargetPage = { targets: [], excluded, enrolledIds: enrolled, backedUpIds: backedUp, known };
    const perCall = profilesPerCall({ catalogAppId: policy.catalogAppId });
    const slices = sliced(candidates, perCall);
    for await (const profiles of readProfiles(directory, slices.map((slice) => slice.map((row) => row.id)), perCall, policy.catalogAppId)) {
      const slice = slices.shift() ?? [];
      const readAt = new Date().toISOString();
      for (const row of slice) {
        const profile = profiles.get(row.id);
        const reason = profileExclusion(profile, breakGlass);
        if (reason || !profile) {
          countIn(part.excluded, reason ?? 'not-found');
          continue;
        }
        part.targets.push({
          userId: row.id,
          upn: profile.user.userPrincipalName,
          displayName: profile.user.displayName ?? row.userDisplayName ?? profile.user.userPrincipalName,
          department: profile.user.department?.trim() || UNKNOWN_DEPARTMENT,
          timeZone: resolveTimeZone(profile.mailbox?.timeZone, policy.defaultTimeZone),
          ...(profile.appInstalled === undefined ? {} : { appInstalled: profile.appInstalled }),
          languages: knownLanguages(profile, readAt),
          ...(groups.firstWave?.has(row.id) ? { firstWave: true as const } : {}),
        });
      }
      await noteTiers(part.targets, policy);
      if (slices.length === 0) break;
      yield part;
      part = { targets: [], excluded: {}, enrolledIds: [], backedUpIds: [], known: 0 };
    }
    yield { ...part, ...(nextLink ? { nextLink } : {}) };
  }
}

function countIn(excluded: TargetPage['excluded'], reason: ExclusionReason): void {
  excluded[reason] = (excluded[reason] ?? 0) + 1;
}

/**
 * The report's pages, the next one asked for as soon as this one arrives: a page is a round trip to Graph (a second or
 * more under load), and without it the sender waited for it at every page's end. Left early (a pause, an abort, a
 * failure), the page read ahead is dropped: one report read of the 5 per 10 seconds Graph allows. A read ahead that
 * fails fails the walk when it is reached, after the page before it is done (and its place saved).
 */
async function* aheadByOne<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = iterator.next();
      // Not awaited until the caller is done with this page: its rejection is handled there, not unhandled meanwhile.
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    // Closing waits for the read under way, so the source is left closed, not half-read; nothing waits on that here.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/** The page's candidates in slices of whole profile calls (`perCall` people each): small ones first. */
function sliced<T>(rows: readonly T[], perCall: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < rows.length; ) {
    const size = (FIRST_SLICES[slices.length] ?? CALLS_PER_SLICE) * perCall;
    slices.push(rows.slice(start, start + size));
    start += size;
  }
  return slices;
}

/** The report names kinds, not devices: two passkeys of one kind count once here (the live check sees both). */
function strongKinds(row: Pick<RegistrationDetails, 'methodsRegistered'>, strong: ReadonlySet<string>): number {
  return new Set(row.methodsRegistered.map((method) => method.toLowerCase()).filter((method) => strong.has(method))).size;
}

export function hasStrongMethod(row: Pick<RegistrationDetails, 'methodsRegistered'>, strong: ReadonlySet<string>): boolean {
  return row.methodsRegistered.some((method) => strong.has(method.toLowerCase()));
}

/** People whose passkey does not meet their tier; one whose tier Graph cannot tell is counted in (better asked twice). */
async function rowsBelowTier(directory: Directory, { tiers, logger }: TargetingPolicy, withPasskey: RegistrationDetails[]): Promise<Set<string>> {
  const below = new Set<string>();
  if (!tiers?.tiered) return below;
  const meets = await mapLimited(withPasskey, TIER_CONCURRENCY, (row) =>
    meetsTierFromReport(directory, tiers, row).catch((error: unknown) => {
      logger?.warn("could not tell a person's enrolment tier; targeting them", { error });
      return false;
    }),
  );
  withPasskey.forEach((row, index) => {
    if (!meets[index]) below.add(row.id);
  });
  return below;
}

/** Each target's tier, for the figures per tier and the CSV; one Graph cannot place is targeted without one (logged). */
async function noteTiers(targets: Target[], { tiers, logger }: TargetingPolicy): Promise<void> {
  if (!tiers?.tiered) return;
  const placed = await mapLimited(targets, TIER_CONCURRENCY, (target) =>
    tiers.tierOf(target.userId).catch((error: unknown) => {
      logger?.warn("could not tell a targeted person's enrolment tier; their tier is left blank", { error });
      return undefined;
    }),
  );
  targets.forEach((target, index) => {
    const tier = placed[index]?.tier.id;
    if (tier) target.tier = tier;
  });
}

interface GroupRules {
  excluded: ReadonlySet<string>;
  /** Undefined: no pilot restriction. */
  included?: ReadonlySet<string>;
  /** Undefined: no first wave. */
  firstWave?: ReadonlySet<string>;
}

async function groupRules(directory: Directory, policy: TargetingPolicy): Promise<GroupRules> {
  const members = async (groupIds: readonly string[]) => {
    const ids = new Set<string>();
    for (const groupId of groupIds) for (const id of await directory.groupMemberIds(groupId)) ids.add(id);
    return ids;
  };
  return {
    excluded: await members(policy.excludedGroupIds),
    included: policy.includedGroupIds.length > 0 ? await members(policy.includedGroupIds) : undefined,
    firstWave: policy.firstWaveGroupId ? await members([policy.firstWaveGroupId]) : undefined,
  };
}

function reportExclusion(row: RegistrationDetails, strong: ReadonlySet<string>, breakGlass: ReadonlySet<string>, groups: GroupRules): ExclusionReason | undefined {
  if (hasStrongMethod(row, strong)) return 'enrolled';
  if (row.userType?.toLowerCase() === 'guest') return 'guest';
  if (breakGlass.has(row.id.toLowerCase()) || breakGlass.has(row.userPrincipalName.toLowerCase())) return 'break-glass';
  if (groups.excluded.has(row.id)) return 'excluded-group';
  if (groups.included && !groups.included.has(row.id)) return 'not-in-included-group';
  return undefined;
}

function profileExclusion(profile: UserProfile | undefined, breakGlass: ReadonlySet<string>): ExclusionReason | undefined {
  if (!profile) return 'not-found';
  if (breakGlass.has(profile.user.userPrincipalName.toLowerCase())) return 'break-glass';
  // The report leaves disabled accounts out, but it lags by hours: an account disabled since is skipped here.
  const notAPerson = notAPersonsAccount(profile.user, profile.mailbox);
  if (notAPerson) return notAPerson;
  if (!profile.teamsLicensed) return 'no-teams-licence';
  return undefined;
}

function knownLanguages(profile: UserProfile, readAt: string): KnownLanguages {
  const preferred = profile.user.preferredLanguage ?? undefined;
  const mailbox = profile.mailbox?.language;
  return { ...(preferred ? { preferred } : {}), ...(mailbox ? { mailbox } : {}), readAt };
}

/**
 * Each slice's profiles, in the slices' order, as soon as that slice and the ones before it are read. The slices are
 * read a call (`perCall` people) at a time, up to PROFILE_CONCURRENCY calls at once in the page's order, so the
 * slice to hand on next always has the first calls. A failed call fails the walk at its slice at once, and a walk
 * left early stops too: no call starts after either (those under way end on their own, their answers dropped).
 */
async function* readProfiles(directory: Directory, slices: readonly string[][], perCall: number, catalogAppId: string | undefined): AsyncIterable<Map<string, UserProfile>> {
  const calls: { ids: string[]; read: ReturnType<typeof deferred<Map<string, UserProfile>>> }[] = [];
  const callsOf = slices.map((slice) => {
    const own: typeof calls = [];
    for (let start = 0; start < slice.length; start += perCall) own.push({ ids: slice.slice(start, start + perCall), read: deferred() });
    calls.push(...own);
    return own;
  });
  // A read nobody awaits (after a failure, or a walk left early) is not an unhandled rejection.
  for (const call of calls) call.read.promise.catch(() => undefined);
  const left = new AbortController();
  // Each call's answer or failure goes to its slice; the run's own rejection (the first failure) is handled there.
  mapLimited(
    calls,
    PROFILE_CONCURRENCY,
    (call) =>
      directory.userProfiles(call.ids, { catalogAppId }).then(call.read.resolve, (error: unknown) => {
        call.read.reject(error);
        throw error;
      }),
    { signal: left.signal },
  ).catch(() => undefined);
  try {
    for (const own of callsOf) {
      const profiles = new Map<string, UserProfile>();
      for (const call of own) for (const [id, profile] of await call.read.promise) profiles.set(id, profile);
      yield profiles;
    }
  } finally {
    left.abort();
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}
