// Who a campaign targets, rule by rule, against the Graph emulator through the real Graph SDK: everyone the report
// shows without a strong method, minus guests, disabled, unlicensed, shared and room accounts, break-glass accounts
// (by id or UPN), members of excluded groups (nested too), and, for a pilot, everyone outside the included groups; and
// who of them goes first (the first-wave group's members the rules still target).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitiveMembers } from '../support/seed-targets.js';
import { findTargets, type TargetingPolicy, type TargetPage } from '../../src/campaigns/targeting.js';
import { parseEnrolmentTiers } from '../../src/config/enrolment-tiers.js';
import { EnrolmentTierResolver } from '../../src/directory/enrolment-tier-resolver.js';
import { loadSeed } from '../../src/dev/demo-environment.js';
import { type GraphEmulator, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { SeedUser, TenantSeed } from '../../src/dev/tenant-seed.js';
import { GraphDirectory } from '../../src/directory/directory.js';
import { createGraphClient, createGraphCredential } from '../../src/directory/graph-client.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';

const STRONG = ['passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'passKeySynced', 'fido2SecurityKey', 'windowsHelloForBusiness'];
let seed: TenantSeed;
let emulator: GraphEmulator;
let directory: GraphDirectory;
/** Unenrolled people the test turns into exceptions. */
let breakGlassById: SeedUser;
let breakGlassByUpn: SeedUser;
let nestedExcluded: SeedUser;

const NESTED_GROUP = '0f9b9d7e-1111-4c2a-9e61-5b1f7a3c0001';
const OUTER_EXCLUDED = '0f9b9d7e-1111-4c2a-9e61-5b1f7a3c0002';
/** A group whose members' keys must be on an allow-list (enrolment tiers). */
const FINANCE_KEYS = '0f9b9d7e-1111-4c2a-9e61-5b1f7a3c0003';

function unenrolledPeople(s: TenantSeed): SeedUser[] {
  return s.users.filter((user) => user.accountKind === 'person' && user.userType === 'Member' && user.accountEnabled && user.teamsLicensed && !user.methods.some((method) => STRONG.includes(method.kind)));
}

beforeAll(async () => {
  seed = structuredClone(loadSeed('demo/tenant.json'));
  const candidates = unenrolledPeople(seed);
  [breakGlassById, breakGlassByUpn, nestedExcluded] = candidates.slice(-3) as [SeedUser, SeedUser, SeedUser];
  // An excluded group that contains another group: its members are excluded too.
  seed.groups.push({ id: NESTED_GROUP, displayName: 'Contractors (nested)', members: [nestedExcluded.id] } as TenantSeed['groups'][number]);
  seed.groups.push({ id: OUTER_EXCLUDED, displayName: 'Campaign exclusions (outer)', members: [NESTED_GROUP] } as TenantSeed['groups'][number]);
  seed.groups.push({ id: FINANCE_KEYS, displayName: 'Listed keys only', members: [seed.users.find((user) => user.displayName === 'Lena Hoffmann')!.id] } as TenantSeed['groups'][number]);
  // Small report pages, so every rule is also checked on the pages after the first (each page is its own request).
  emulator = await startGraphEmulator({ seed, reportPageSize: 9, reportsThrottle: { limit: 1_000, windowMs: 10_000 } });
  const app = seed.apps[0]!;
  const credential = createGraphCredential(
    { kind: 'client-secret', tenantId: seed.tenant.id, clientId: app.clientId, secret: app.clientSecret },
    { authorityHost: emulator.authorityHost, caCertificate: emulator.caCertificate },
  )!;
  directory = new GraphDirectory(
    createGraphClient({
      baseUrl: emulator.graphUrl,
      credential,
      caCertificate: emulator.caCertificate,
      logger: createLogger({ sink: new MemorySink(), level: 'error' }),
      limits: { reports: { limit: 1_000, windowMs: 10_000 } },
    }),
    { graphBaseUrl: emulator.graphUrl },
  );
}, 60_000);

afterAll(async () => {
  await emulator?.close();
});

function policy(overrides: Partial<TargetingPolicy> = {}): TargetingPolicy {
  return { strongMethods: STRONG, breakGlass: [], excludedGroupIds: [], includedGroupIds: [], defaultTimeZone: 'Europe/Berlin', ...overrides };
}

async function run(p: TargetingPolicy): Promise<{ ids: Set<string>; excluded: Record<string, number>; pages: TargetPage[] }> {
  const pages: TargetPage[] = [];
  for await (const page of findTargets(directory, p)) pages.push(page);
  const excluded: Record<string, number> = {};
  for (const page of pages) for (const [reason, count] of Object.entries(page.excluded)) excluded[reason] = (excluded[reason] ?? 0) + (count ?? 0);
  return { ids: new Set(pages.flatMap((page) => page.targets.map((target) => target.userId))), excluded, pages };
}

describe('targeting', () => {
  it('takes every unenrolled person and leaves out guests, unlicensed, shared and room accounts, and the enrolled', async () => {
    const { ids, excluded, pages } = await run(policy());
    expect(pages.length).toBeGreaterThan(3);
    expect(ids).toEqual(new Set(unenrolledPeople(seed).map((user) => user.id)));
    const guests = seed.users.filter((user) => user.userType === 'Guest' && user.accountEnabled).length;
    expect(excluded.guest).toBe(guests);
    expect(excluded['no-teams-licence']).toBeGreaterThan(0);
    expect(excluded['shared-or-resource-account']).toBeGreaterThan(0);
    expect(excluded.enrolled).toBe(seed.users.filter((user) => user.accountEnabled && user.methods.some((method) => STRONG.includes(method.kind))).length);
    // Disabled accounts are not in the report at all, so they are never targeted.
    for (const user of seed.users.filter((candidate) => !candidate.accountEnabled)) expect(ids.has(user.id)).toBe(false);
  });

  it('leaves out break-glass accounts named by object id or by UPN, in any case', async () => {
    const { ids, excluded } = await run(policy({ breakGlass: [breakGlassById.id.toUpperCase().toLowerCase(), breakGlassByUpn.userPrincipalName.toLowerCase()] }));
    expect(ids.has(breakGlassById.id)).toBe(false);
    expect(ids.has(breakGlassByUpn.id)).toBe(false);
    expect(excluded['break-glass']).toBe(2);
  });

  it('leaves out members of excluded groups, nested groups included', async () => {
    const { ids, excluded } = await run(policy({ excludedGroupIds: [OUTER_EXCLUDED] }));
    expect(ids.has(nestedExcluded.id)).toBe(false);
    expect(excluded['excluded-group']).toBe(1);
  });

  it('limits a pilot to the included groups', async () => {
    const pilot = seed.groups.find((group) => group.role === 'pilot');
    if (!pilot) throw new Error('the demo tenant has no pilot group');
    const { ids, excluded } = await run(policy({ includedGroupIds: [pilot.id] }));
    const members = transitiveMembers(seed, pilot.id);
    const expected = unenrolledPeople(seed).filter((user) => members.has(user.id));
    expect(ids).toEqual(new Set(expected.map((user) => user.id)));
    expect(excluded['not-in-included-group']).toBeGreaterThan(0);
  });

  it('marks the first-wave group’s targeted members (nested groups followed) and nobody the other rules leave out', async () => {
    const leadership = seed.groups.find((group) => group.role === 'leadership');
    const pilot = seed.groups.find((group) => group.role === 'pilot');
    const executive = seed.groups.find((group) => group.displayName === 'Dept - Executive');
    if (!leadership || !pilot || !executive) throw new Error('the demo tenant lacks the leadership, pilot or executive group');
    const leaders = transitiveMembers(seed, leadership.id);
    const firstWave = async (overrides: Partial<TargetingPolicy>) => {
      const { pages } = await run(policy({ firstWaveGroupId: leadership.id, ...overrides }));
      const targets = pages.flatMap((page) => page.targets);
      return { ids: new Set(targets.map((target) => target.userId)), first: new Set(targets.filter((target) => target.firstWave).map((target) => target.userId)) };
    };
    const all = await firstWave({});
    const expected = unenrolledPeople(seed).filter((user) => leaders.has(user.id));
    expect(all.first).toEqual(new Set(expected.map((user) => user.id)));
    // Never larger than the group: enrolled leaders are not targets, so not in it.
    expect(all.first.size).toBeLessThan(leaders.size);
    const nestedOnly = expected.find((user) => !leadership.members.includes(user.id));
    expect(nestedOnly && all.first.has(nestedOnly.id)).toBe(true);
    // Everyone else is targeted as before, just not first.
    expect(all.ids).toEqual(new Set(unenrolledPeople(seed).map((user) => user.id)));

    // A leader who is a break-glass account, or in an excluded group, is not targeted at all, so not first either.
    const [someLeader] = expected;
    const withBreakGlass = await firstWave({ breakGlass: [someLeader?.userPrincipalName.toLowerCase() ?? ''] });
    expect(withBreakGlass.ids.has(someLeader?.id ?? '')).toBe(false);
    expect(withBreakGlass.first).toEqual(new Set(expected.filter((user) => user !== someLeader).map((user) => user.id)));
    const withoutExecutives = await firstWave({ excludedGroupIds: [executive.id] });
    expect(withoutExecutives.first).toEqual(new Set(expected.filter((user) => !transitiveMembers(seed, executive.id).has(user.id)).map((user) => user.id)));
    // A pilot bounds the whole campaign, the first wave included.
    const inPilot = await firstWave({ includedGroupIds: [pilot.id] });
    for (const id of inPilot.first) expect(transitiveMembers(seed, pilot.id).has(id)).toBe(true);
    expect(inPilot.first.size).toBeLessThan(all.first.size);
    // Without the setting nobody is first.
    expect((await run(policy())).pages.flatMap((page) => page.targets).some((target) => target.firstWave)).toBe(false);
  });

  it('skips people the campaign already has (the daily refresh adds only joiners) and reports who enrolled', async () => {
    const everyone = unenrolledPeople(seed);
    const already = new Set(everyone.slice(0, 5).map((user) => user.id));
    const pages = [];
    for await (const page of findTargets(directory, policy(), { known: async (id) => already.has(id) })) pages.push(page);
    const ids = new Set(pages.flatMap((page) => page.targets.map((target) => target.userId)));
    expect(ids).toEqual(new Set(everyone.filter((user) => !already.has(user.id)).map((user) => user.id)));
    expect(pages.reduce((sum, page) => sum + page.known, 0)).toBe(5);
    const enrolled = new Set(pages.flatMap((page) => page.enrolledIds));
    expect(enrolled).toEqual(new Set(seed.users.filter((user) => user.accountEnabled && user.methods.some((method) => STRONG.includes(method.kind))).map((user) => user.id)));
  });

  it('notes who has the app installed already, when told which app', async () => {
    const catalogAppId = seed.teamsApp.catalogId;
    const { pages } = await run(policy({ catalogAppId }));
    const targets = pages.flatMap((page) => page.targets);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target.appInstalled, target.displayName).toBe(seed.users.find((user) => user.id === target.userId)?.appInstalled);
    expect(targets.some((target) => target.appInstalled)).toBe(true);
    expect(targets.some((target) => !target.appInstalled)).toBe(true);
    // Without the app's id nothing is asked.
    for (const target of (await run(policy())).pages.flatMap((page) => page.targets)) expect(target.appInstalled).toBeUndefined();
  });

  it('reads each person’s time zone from their mailbox (Windows names too), else the default', async () => {
    const { pages } = await run(policy());
    const targets = new Map(pages.flatMap((page) => page.targets).map((target) => [target.userId, target]));
    for (const user of unenrolledPeople(seed)) {
      const zone = targets.get(user.id)?.timeZone;
      if (user.mailboxTimeZone === 'Eastern Standard Time') expect(zone).toBe('America/New_York');
      if (user.mailboxTimeZone === 'W. Europe Standard Time') expect(zone).toBe('Europe/Berlin');
      if (user.mailboxTimeZone === 'Europe/Warsaw') expect(zone).toBe('Europe/Warsaw');
    }
  });
});

describe('with enrolment tiers', () => {
  const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
  const named = (name: string) => seed.users.find((user) => user.displayName === name)!.id;
  const tiered = (tiers: unknown) => {
    const parsed = parseEnrolmentTiers(JSON.stringify(tiers));
    if (!('tiers' in parsed)) throw new Error(parsed.problems.join('\n'));
    return policy({ tiers: new EnrolmentTierResolver(parsed.tiers, directory) });
  };
  const methodReads = () => emulator.calls.list().filter((call) => /\/authentication\/methods$/.test(call.path)).map((call) => call.path);

  it('still targets an admin whose only passkey is synced, and not someone with no role who has the same', async () => {
    const p = tiered([{ id: 'privileged', adminRoles: true, rule: { anyOf: ['authenticator-passkey', 'windows-hello', 'security-key'], deviceBound: true } }, { id: 'everyone', rule: { anyOf: ['synced-passkey', 'authenticator-passkey', 'windows-hello', 'security-key', 'device-passkey'] } }]);
    emulator.calls.clear();
    const { ids } = await run(p);
    // Stefan Novak may take up User Administrator through PIM and has only a synced passkey.
    expect(ids.has(named('Stefan Novak'))).toBe(true);
    expect(ids.has(named('Daniel Okafor'))).toBe(false);
    expect(ids.has(named('Katarzyna Zielińska'))).toBe(false);
    // The report tells device-bound from synced: no one's methods were read.
    expect(methodReads()).toEqual([]);
  });

  it('reads the methods of only the people whose key models the report cannot judge', async () => {
    // Lena Hoffmann's only passkey is a security key; the tier takes YubiKeys only, and hers is another model.
    const p = tiered([{ id: 'listed-keys', groups: [FINANCE_KEYS], rule: { anyOf: ['security-key'], deviceBound: true, aaguids: [YUBIKEY] } }, { id: 'everyone', rule: { anyOf: ['synced-passkey', 'authenticator-passkey', 'windows-hello', 'security-key', 'device-passkey'] } }]);
    emulator.calls.clear();
    const { ids } = await run(p);
    expect(ids.has(named('Lena Hoffmann'))).toBe(true);
    expect(methodReads()).toEqual([`/v1.0/users/${named('Lena Hoffmann')}/authentication/methods`]);
    const lenasKey = seed.users.find((user) => user.id === named('Lena Hoffmann'))!.methods.find((method) => method.kind === 'fido2SecurityKey')!.aaGuid!;
    const { ids: allowed } = await run(tiered([{ id: 'listed-keys', groups: [FINANCE_KEYS], rule: { anyOf: ['security-key'], deviceBound: true, aaguids: [YUBIKEY, lenasKey] } }, { id: 'everyone', rule: { anyOf: ['security-key'] } }]));
    expect(allowed.has(named('Lena Hoffmann'))).toBe(false);
  });
});
