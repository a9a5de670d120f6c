import { describe, expect, it } from 'vitest';
import { syntheticTenant } from '../../src/dev/synthetic-tenant.js';
import { parseTenantSeed } from '../../src/dev/tenant-seed.js';

/** A small valid seed as plain JSON, to break in one place per test. */
function seedJson(): ReturnType<typeof syntheticTenant> {
  return JSON.parse(JSON.stringify(syntheticTenant({ users: 40, seed: 2 })));
}

describe('parseTenantSeed cross-checks', () => {
  it('refuses a user principal name used twice, whatever its case', () => {
    const seed = seedJson();
    const [first, second] = seed.users as [(typeof seed.users)[number], (typeof seed.users)[number]];
    second.userPrincipalName = first.userPrincipalName.toUpperCase();
    expect(() => parseTenantSeed(seed)).toThrow(`duplicate userPrincipalName ${second.userPrincipalName}`);
  });

  it('refuses a group whose id is already a user or another group', () => {
    const seed = seedJson();
    const [group, other] = seed.groups as [(typeof seed.groups)[number], (typeof seed.groups)[number]];
    group.id = (seed.users[0] as (typeof seed.users)[number]).id;
    other.id = (seed.groups[2] as (typeof seed.groups)[number]).id;
    expect(() => parseTenantSeed(seed)).toThrow(new RegExp(`duplicate id ${group.id} \\(group ${group.displayName}\\)[\\s\\S]*duplicate id ${other.id}`));
  });

  it('lists every problem at once: duplicate ids, unknown managers and members', () => {
    const seed = seedJson();
    const users = seed.users as Array<(typeof seed.users)[number]>;
    (users[3] as (typeof users)[number]).id = (users[2] as (typeof users)[number]).id;
    (users[4] as (typeof users)[number]).managerId = '00000000-0000-4000-8000-000000000000';
    (seed.groups[0] as (typeof seed.groups)[number]).members.push('00000000-0000-4000-8000-000000000001');
    expect(() => parseTenantSeed(seed)).toThrow(/duplicate user id[\s\S]*manager 00000000-0000-4000-8000-000000000000 is not a user[\s\S]*member 00000000-0000-4000-8000-000000000001 is unknown/);
  });

  it('refuses a contact whose id is already taken or whose manager is not a user', () => {
    const seed = seedJson();
    const user = seed.users[0] as (typeof seed.users)[number];
    const contact = { id: '2f9e8d7c-6b5a-4e3d-9c2b-1a0f9e8d7c6b', displayName: 'A Vendor', managerId: user.id };
    seed.contacts.push(contact, { ...contact, displayName: 'The same vendor again' }, { id: user.id, displayName: 'Not a user', managerId: '00000000-0000-4000-8000-000000000000' });
    expect(() => parseTenantSeed(seed)).toThrow(/duplicate id 2f9e8d7c[\s\S]*duplicate id [\s\S]*contact Not a user: manager 00000000-0000-4000-8000-000000000000 is not a user/);
    seed.contacts.splice(1);
    expect(parseTenantSeed(seed).contacts).toEqual([contact]);
  });

  it('holds role-assignable groups to Entra’s rules: only they take roles, and they contain no groups', () => {
    const seed = seedJson();
    const [plain, assignable] = seed.groups as [(typeof seed.groups)[number], (typeof seed.groups)[number]];
    const role = (seed.directoryRoles.definitions[0] as (typeof seed.directoryRoles.definitions)[number]).id;
    seed.directoryRoles.assignments.push({ principalId: plain.id, roleDefinitionId: role });
    assignable.isAssignableToRole = true;
    assignable.members.push(plain.id);
    seed.directoryRoles.eligibilities.push({ principalId: assignable.id, roleDefinitionId: role, directoryScopeId: '/administrativeUnits/5a1f2b6c-0d3e-4f70-8a9b-1c2d3e4f5a6b' });
    expect(() => parseTenantSeed(seed)).toThrow(new RegExp(`${assignable.displayName}: a role-assignable group cannot contain groups[\\s\\S]*role grant to group ${plain.id}, which is not role-assignable`));
    assignable.members.pop();
    seed.directoryRoles.assignments.pop();
    expect(parseTenantSeed(seed).directoryRoles.eligibilities.at(-1)?.directoryScopeId).toMatch(/^\/administrativeUnits\//);
  });

  it('refuses a role scope that is neither the tenant nor an administrative unit, and PIM for Groups access to an unknown group', () => {
    const seed = seedJson();
    const grant = seed.directoryRoles.assignments[0] as (typeof seed.directoryRoles.assignments)[number];
    grant.directoryScopeId = '/applications/5a1f2b6c-0d3e-4f70-8a9b-1c2d3e4f5a6b';
    expect(() => parseTenantSeed(seed)).toThrow('/ or /administrativeUnits/{lower-case GUID}');
    grant.directoryScopeId = '/';
    seed.pimForGroups.eligibilities.push({ principalId: (seed.users[0] as (typeof seed.users)[number]).id, groupId: '00000000-0000-4000-8000-000000000002', accessId: 'member' });
    expect(() => parseTenantSeed(seed)).toThrow('PIM for Groups access to unknown group 00000000-0000-4000-8000-000000000002');
  });
});
