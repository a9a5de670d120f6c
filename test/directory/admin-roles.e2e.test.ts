// The directory's admin-role read over the real Graph SDK against the Graph emulator: a person's own roles, and
// those that come with role-assignable groups (membership, PIM for Groups active or eligible), at any scope; the
// filters it sends, paging, and failing when any read fails.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphDirectory } from '../../src/directory/directory.js';
import { createGraphClient } from '../../src/directory/graph-client.js';
import { type GraphEmulator, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { SeedGroup, TenantSeed } from '../../src/dev/tenant-seed.js';
import { isAppError } from '../../src/errors/app-error.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { credentialFor, PEOPLE, testSeed } from '../dev/graph-emulator/graph-test-client.js';

const ROLE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
} as const;
const AU = `/administrativeUnits/${randomUUID()}`;
const PIM = '/v1.0/identityGovernance/privilegedAccess/group';

function group(displayName: string, members: string[], isAssignableToRole = true): SeedGroup {
  return { id: randomUUID(), displayName, mailNickname: displayName.toLowerCase().replace(/\W+/g, '-'), securityEnabled: true, members, isAssignableToRole };
}

const tier0 = group('Tier 0', [PEOPLE.dana]);
const secOps = group('Security Operations', []);
const plantAdmins = group('Plant Admins', [PEOPLE.tom]);
const appOwners = group('App Owners', [], false);
/** Lee may join 120 role-assignable groups (more than a page) and is in 20 (more than one `in` filter holds). */
const sites = Array.from({ length: 120 }, (_, n) => group(`Site ${n + 1}`, []));
const desks = Array.from({ length: 20 }, (_, n) => group(`Desk ${n + 1}`, [PEOPLE.lee]));

function seedWithGroups(): TenantSeed {
  const seed = testSeed();
  seed.groups.push(tier0, secOps, plantAdmins, appOwners, ...sites, ...desks);
  const { assignments, eligibilities } = seed.directoryRoles;
  assignments.push(
    { principalId: tier0.id, roleDefinitionId: ROLE.globalAdministrator },
    { principalId: plantAdmins.id, roleDefinitionId: ROLE.helpdeskAdministrator, directoryScopeId: AU },
    { principalId: (sites.at(-1) as SeedGroup).id, roleDefinitionId: ROLE.globalAdministrator },
    { principalId: (desks.at(-1) as SeedGroup).id, roleDefinitionId: ROLE.helpdeskAdministrator },
  );
  eligibilities.push({ principalId: secOps.id, roleDefinitionId: ROLE.authenticationAdministrator }, { principalId: PEOPLE.sofia, roleDefinitionId: ROLE.helpdeskAdministrator, directoryScopeId: AU });
  seed.pimForGroups.eligibilities.push(
    { principalId: PEOPLE.ben, groupId: tier0.id, accessId: 'member' },
    { principalId: PEOPLE.grace, groupId: secOps.id, accessId: 'member' },
    // Ownership is not membership: it does not pass the group's roles on.
    { principalId: PEOPLE.tom, groupId: tier0.id, accessId: 'owner' },
    { principalId: PEOPLE.lee, groupId: appOwners.id, accessId: 'member' },
    ...sites.map((site) => ({ principalId: PEOPLE.lee, groupId: site.id, accessId: 'member' as const })),
  );
  seed.pimForGroups.assignments.push({ principalId: PEOPLE.jin, groupId: tier0.id, accessId: 'member' });
  // An app granted what the role check needed before PIM for Groups counted.
  seed.apps.push({ clientId: randomUUID(), clientSecret: 'test-secret-without-pim-for-groups', displayName: 'No PIM for Groups', roles: ['User.Read.All', 'GroupMember.Read.All', 'RoleManagement.Read.Directory'] });
  return seed;
}

let emulator: GraphEmulator;
let seed: TenantSeed;
const directoryFor = (app = 0) =>
  new GraphDirectory(
    createGraphClient({ baseUrl: emulator.graphUrl, credential: credentialFor(emulator, seed, app), caCertificate: emulator.caCertificate, logger: createLogger({ sink: new MemorySink(), level: 'error' }) }),
  );

beforeAll(async () => {
  seed = seedWithGroups();
  emulator = await startGraphEmulator({ seed });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  emulator.calls.clear();
});

describe('admin roles through role-assignable groups', () => {
  it('counts the active role of a group the person is a member of as their own', async () => {
    expect(await directoryFor().directoryRoles(PEOPLE.dana)).toEqual({ active: ['Global Administrator (through the group Tier 0)'], eligible: [] });
  });

  it('counts an active PIM for Groups membership as membership', async () => {
    expect(await directoryFor().directoryRoles(PEOPLE.jin)).toEqual({ active: ['Global Administrator (through the group Tier 0)'], eligible: [] });
  });

  it('counts every role of a group the person may join through PIM for Groups as eligible, the group’s active roles included', async () => {
    expect(await directoryFor().directoryRoles(PEOPLE.ben)).toEqual({ active: [], eligible: ['Global Administrator (through PIM for Groups, group Tier 0)'] });
    expect(await directoryFor().directoryRoles(PEOPLE.grace)).toEqual({ active: [], eligible: ['Authentication Administrator (through PIM for Groups, group Security Operations)'] });
  });

  it('counts roles for an administrative unit, the person’s own and a group’s', async () => {
    expect(await directoryFor().directoryRoles(PEOPLE.sofia)).toEqual({ active: [], eligible: ['Helpdesk Administrator (in an administrative unit)'] });
    expect(await directoryFor().directoryRoles(PEOPLE.tom)).toEqual({ active: ['Helpdesk Administrator (in an administrative unit, through the group Plant Admins)'], eligible: [] });
  });

  it('keeps the direct roles as before, and makes only the five first reads for someone in no role-assignable group', async () => {
    expect(await directoryFor().directoryRoles(PEOPLE.lukas)).toEqual({ active: [], eligible: ['Authentication Administrator'] });
    expect(await directoryFor().directoryRoles(PEOPLE.omar)).toEqual({ active: ['Privileged Authentication Administrator'], eligible: [] });
    emulator.calls.clear();
    expect(await directoryFor().directoryRoles(PEOPLE.amara)).toEqual({ active: [], eligible: [] });
    const calls = emulator.calls.list().filter((call) => !call.path.endsWith('/token'));
    expect(calls.map((call) => `${call.path}?${call.query}`).sort()).toEqual(
      [
        `/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=principalId eq '${PEOPLE.amara}' and accessId eq 'member'`,
        `/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=principalId eq '${PEOPLE.amara}' and accessId eq 'member'`,
        `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${PEOPLE.amara}'&$expand=roleDefinition`,
        `/v1.0/roleManagement/directory/roleEligibilitySchedules?$filter=principalId eq '${PEOPLE.amara}'&$expand=roleDefinition`,
        `/v1.0/users/${PEOPLE.amara}/memberOf/microsoft.graph.group?$select=id,displayName,isAssignableToRole&$top=999`,
      ].sort(),
    );
  });

  it('asks for the roles of role-assignable groups only, active ones 15 groups a filter, and pages through PIM for Groups', async () => {
    const roles = await directoryFor().directoryRoles(PEOPLE.lee);
    expect(roles).toEqual({ active: ['Helpdesk Administrator (through the group Desk 20)'], eligible: ['Global Administrator (through PIM for Groups, group Site 120)'] });
    const eligiblePages = emulator.calls.list({ path: `${PIM}/eligibilityScheduleInstances` });
    expect(eligiblePages).toHaveLength(2);
    expect(eligiblePages[1]?.query).toContain('$skiptoken=');
    const inFilters = emulator.calls.list({ path: '/v1.0/roleManagement/directory/roleAssignments' }).filter((call) => call.query.includes(' in ('));
    expect(inFilters).toHaveLength(Math.ceil(140 / 15));
    for (const call of inFilters) expect((call.query.match(/'/g) ?? []).length / 2).toBeLessThanOrEqual(15);
    const eligibilityReads = emulator.calls.list({ path: '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances' });
    expect(eligibilityReads).toHaveLength(140);
    // The group that cannot hold roles was looked up, never asked for roles.
    expect(emulator.calls.list({ path: '/v1.0/groups' }).some((call) => call.query.includes(appOwners.id))).toBe(true);
    const askedForRoles = emulator.calls.list({ path: /\/roleManagement\// }).some((call) => call.query.includes(appOwners.id));
    expect(askedForRoles).toBe(false);
  });

  it('sees a membership added after the person was last checked', async () => {
    // Someone no other test here checks: the membership stays for the rest of the file.
    const before = await directoryFor().directoryRoles(PEOPLE.priya);
    emulator.state.addGroupMember(tier0.id, PEOPLE.priya);
    const after = await directoryFor().directoryRoles(PEOPLE.priya);
    expect(before.active).toEqual(['Helpdesk Administrator']);
    expect([...after.active].sort()).toEqual(['Global Administrator (through the group Tier 0)', 'Helpdesk Administrator']);
  });
});

describe('when Graph cannot answer', () => {
  const reads = [
    `${PIM}/eligibilityScheduleInstances`,
    `${PIM}/assignmentScheduleInstances`,
    `/v1.0/users/${PEOPLE.ben}/memberOf/microsoft.graph.group`,
    '/v1.0/roleManagement/directory/roleAssignments',
    '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances',
    '/v1.0/groups',
  ];
  for (const path of reads) {
    it(`rejects, rather than answering with fewer roles, when ${path.replace('/v1.0', '')} fails`, async () => {
      // Ben reaches Tier 0 through PIM only: every one of these reads is on his way (the group lookup included).
      const fault = emulator.faults.add({ method: 'GET', path, status: 500 });
      const error = await directoryFor()
        .directoryRoles(PEOPLE.ben)
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(isAppError(error, 'directory.unavailable'), String(error)).toBe(true);
      expect(fault.hits).toBeGreaterThan(0);
    });
  }

  it('rejects when the app lacks the PIM for Groups permissions', async () => {
    const error = await directoryFor(seed.apps.length - 1)
      .directoryRoles(PEOPLE.ben)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(isAppError(error, 'directory.denied'), String(error)).toBe(true);
  });
});
