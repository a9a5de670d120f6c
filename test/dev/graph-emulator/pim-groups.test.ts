// Roles through groups in the emulator: role-assignable groups, grants for an administrative unit, eligibility
// schedule instances, and PIM for Groups (eligible and active access), as Graph v1.0 serves them.

import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { failure, GROUPS, graphClient, PEOPLE, testSeed } from './graph-test-client.js';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const UNIT = '/administrativeUnits/5a1f2b6c-0d3e-4f70-8a9b-1c2d3e4f5a6b';
const OPERATORS = 'c0ffee00-1234-4abc-8def-0123456789ab';
const BASE = '/identityGovernance/privilegedAccess/group';

let emulator: GraphEmulator;
let seed: TenantSeed;
let client: Client;

beforeAll(async () => {
  seed = testSeed();
  seed.groups.push({ id: OPERATORS, displayName: 'Operators', mailNickname: 'operators', securityEnabled: true, members: [], isAssignableToRole: true });
  seed.directoryRoles.assignments.push({ principalId: OPERATORS, roleDefinitionId: HELPDESK_ADMINISTRATOR, directoryScopeId: UNIT });
  seed.directoryRoles.eligibilities.push({ principalId: OPERATORS, roleDefinitionId: GLOBAL_ADMINISTRATOR });
  seed.pimForGroups.eligibilities.push({ principalId: PEOPLE.sofia, groupId: OPERATORS, accessId: 'member' }, { principalId: PEOPLE.sofia, groupId: GROUPS.privilegedAdmins, accessId: 'owner' });
  seed.pimForGroups.assignments.push({ principalId: PEOPLE.jin, groupId: OPERATORS, accessId: 'member' });
  emulator = await startGraphEmulator({ seed });
  client = graphClient(emulator, seed, { retry: false });
});
afterAll(() => emulator.close());

describe('PIM for Groups', () => {
  it('lists a person’s eligible access, membership and ownership alike, narrowed by accessId', async () => {
    const all = await client.api(`${BASE}/eligibilityScheduleInstances`).filter(`principalId eq '${PEOPLE.sofia}'`).get();
    expect(all.value.map((row: { groupId: string; accessId: string }) => `${row.groupId} ${row.accessId}`).sort()).toEqual([`${GROUPS.privilegedAdmins} owner`, `${OPERATORS} member`].sort());
    const members = await client.api(`${BASE}/eligibilityScheduleInstances`).filter(`principalId eq '${PEOPLE.sofia}' and accessId eq 'member'`).get();
    expect(members.value).toEqual([
      expect.objectContaining({ id: expect.stringMatching(new RegExp(`^${OPERATORS}_member_`)), principalId: PEOPLE.sofia, groupId: OPERATORS, accessId: 'member', memberType: 'Direct', endDateTime: null }),
    ]);
    expect(members.value[0].eligibilityScheduleId).toEqual(expect.any(String));
  });

  it('lists active assignments by group too, and an active membership shows in memberOf and the group’s members', async () => {
    const byGroup = await client.api(`${BASE}/assignmentScheduleInstances`).filter(`groupId eq '${OPERATORS}'`).get();
    expect(byGroup.value).toEqual([expect.objectContaining({ principalId: PEOPLE.jin, accessId: 'member', assignmentType: 'assigned' })]);
    const groups = await client.api(`/users/${PEOPLE.jin}/memberOf/microsoft.graph.group`).select('id,displayName,isAssignableToRole').get();
    expect(groups.value).toContainEqual(expect.objectContaining({ id: OPERATORS, isAssignableToRole: true }));
    const members = await client.api(`/groups/${OPERATORS}/members`).select('id').get();
    expect(members.value.map((member: { id: string }) => member.id)).toEqual([PEOPLE.jin]);
  });

  it('refuses a list that is not scoped to a principal or a group, as Graph does', async () => {
    for (const list of ['eligibilityScheduleInstances', 'assignmentScheduleInstances']) {
      expect((await failure(client.api(`${BASE}/${list}`).get())).statusCode).toBe(400);
      expect((await failure(client.api(`${BASE}/${list}`).filter("accessId eq 'member'").get())).statusCode).toBe(400);
    }
  });

  it('needs the PIM for Groups read permissions', async () => {
    const limited = graphClient(emulator, seed, { app: 1, retry: false });
    expect((await failure(limited.api(`${BASE}/eligibilityScheduleInstances`).filter(`principalId eq '${PEOPLE.sofia}'`).get())).statusCode).toBe(403);
    expect((await failure(limited.api(`${BASE}/assignmentScheduleInstances`).filter(`principalId eq '${PEOPLE.sofia}'`).get())).statusCode).toBe(403);
  });
});

describe('roles of groups and for administrative units', () => {
  it('lists several principals’ assignments with one in filter, each with the scope it was granted for', async () => {
    const grants = await client.api('/roleManagement/directory/roleAssignments').filter(`principalId in ('${OPERATORS}','${GROUPS.privilegedAdmins}')`).expand('roleDefinition').get();
    const shown = grants.value.map((grant: { principalId: string; directoryScopeId: string; roleDefinition: { displayName: string } }) => `${grant.principalId} ${grant.directoryScopeId} ${grant.roleDefinition.displayName}`);
    expect(shown.sort()).toEqual([`${GROUPS.privilegedAdmins} / Global Administrator`, `${OPERATORS} ${UNIT} Helpdesk Administrator`].sort());
  });

  it('lists eligibility schedule instances, a group’s included', async () => {
    const instances = await client.api('/roleManagement/directory/roleEligibilityScheduleInstances').filter(`principalId eq '${OPERATORS}'`).expand('roleDefinition').get();
    expect(instances.value).toEqual([
      expect.objectContaining({ principalId: OPERATORS, directoryScopeId: '/', memberType: 'Direct', roleEligibilityScheduleId: expect.any(String), roleDefinition: expect.objectContaining({ displayName: 'Global Administrator' }) }),
    ]);
  });

  it('says which groups can hold roles, and finds them by that', async () => {
    const assignable = await client.api('/groups').filter('isAssignableToRole eq true').select('id').get();
    expect(assignable.value.map((group: { id: string }) => group.id).sort()).toEqual([GROUPS.privilegedAdmins, OPERATORS].sort());
  });

  it('passes a group’s active role to a member added later, in the registration report’s isAdmin too', async () => {
    const report = (id: string) => client.api(`/reports/authenticationMethods/userRegistrationDetails/${id}`).get();
    expect((await report(PEOPLE.grace)).isAdmin).toBe(false);
    emulator.state.addGroupMember(GROUPS.privilegedAdmins, PEOPLE.grace);
    expect((await report(PEOPLE.grace)).isAdmin).toBe(true);
    const groups = await client.api(`/users/${PEOPLE.grace}/memberOf/microsoft.graph.group`).select('id').get();
    expect(groups.value.map((group: { id: string }) => group.id)).toContain(GROUPS.privilegedAdmins);
  });
});
