// The demo tenant (demo/tenant.json) parses and holds every kind of person, method, group and role the product's stories need.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTenantSeed, type RegisteredMethod, type SeedUser, type TenantSeed } from '../../src/dev/tenant-seed.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const raw: unknown = JSON.parse(readFileSync(path.join(root, 'demo', 'tenant.json'), 'utf8'));

let parsed: TenantSeed | undefined;
/** Parsed lazily so a schema failure shows up as one clear failing test per story, not as a file that will not load. */
function seed(): TenantSeed {
  parsed ??= parseTenantSeed(raw);
  return parsed;
}

const TODAY = Date.parse('2026-11-25T00:00:00Z');
const EIGHTEEN_MONTHS_AGO = Date.parse('2025-05-25T00:00:00Z');
const V4_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** An authenticator's AAGUID: any GUID (vendors' are not all version 4). */
const GUID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;
const FICTIONAL_PHONE = /^(\+1\d{3}55501\d{2}|\+447700900\d{3})$/;

const AUTHENTICATOR_IOS = '90a3ccdf-635c-4729-a248-9b709135078f';
const AUTHENTICATOR_ANDROID = 'de1e552d-db1d-4423-a619-566b625cdc84';
const ROLE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
} as const;
const PHISHING_RESISTANT: readonly RegisteredMethod[] = [
  'fido2SecurityKey',
  'passKeyDeviceBound',
  'passKeyDeviceBoundAuthenticator',
  'passKeyDeviceBoundWindowsHello',
  'passKeySynced',
  'windowsHelloForBusiness',
];
const GROUP_ROLES = ['helpdesk', 'tap-approvers', 'security', 'campaign-admins', 'escalation', 'security-key-requests', 'excluded', 'pilot', 'leadership', 'privileged', 'department', 'leadership-digest'] as const;

const kinds = (user: SeedUser): Set<RegisteredMethod> => new Set(user.methods.map((m) => m.kind));
const isEnrolled = (user: SeedUser): boolean => user.methods.some((m) => PHISHING_RESISTANT.includes(m.kind));
const people = (): SeedUser[] => seed().users.filter((u) => u.accountKind === 'person');
/** Enabled member people who are not break-glass accounts: the campaign's audience before group exclusions. */
const employees = (): SeedUser[] => people().filter((u) => u.userType === 'Member' && u.accountEnabled && !seed().breakGlassUserIds.includes(u.id));
const userById = (id: string): SeedUser => {
  const user = seed().users.find((u) => u.id === id);
  if (!user) throw new Error(`no user ${id}`);
  return user;
};
const withKind = (kind: RegisteredMethod): SeedUser[] => employees().filter((u) => kinds(u).has(kind));

/** Users in a group, following nested groups (as transitiveMemberOf does). */
function transitiveMembers(groupId: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(groupId)) return out;
  seen.add(groupId);
  const group = seed().groups.find((g) => g.id === groupId);
  for (const member of group?.members ?? []) {
    if (seed().groups.some((g) => g.id === member)) for (const nested of transitiveMembers(member, seen)) out.add(nested);
    else out.add(member);
  }
  return out;
}
function groupWithRole(role: (typeof GROUP_ROLES)[number]): Set<string> {
  const groups = seed().groups.filter((g) => g.role === role);
  expect(groups.length, `a group with role ${role}`).toBeGreaterThan(0);
  return new Set(groups.flatMap((g) => [...transitiveMembers(g.id)]));
}

/** The manager chain from a user upwards; throws on a cycle. */
function chain(user: SeedUser): SeedUser[] {
  const path: SeedUser[] = [user];
  let current = user;
  while (current.managerId) {
    const manager = userById(current.managerId);
    if (path.includes(manager)) throw new Error(`management cycle through ${manager.userPrincipalName}`);
    path.push(manager);
    current = manager;
  }
  return path;
}

describe('the demo tenant seed', () => {
  it('parses and passes the cross-checks', () => {
    expect(() => parseTenantSeed(raw)).not.toThrow();
  });

  it('is a fictional organisation under .example with about 60 people', () => {
    expect(seed().tenant.defaultDomain).toMatch(/\.example$/);
    expect(people().length).toBeGreaterThanOrEqual(55);
    expect(people().length).toBeLessThanOrEqual(65);
    expect(seed().users.length).toBeLessThanOrEqual(65);
    for (const user of seed().users) expect(user.userPrincipalName, user.displayName).toMatch(/@northwind\.example$/);
  });

  it('uses unique, lower-case, v4-looking GUIDs for its own objects', () => {
    const ids = [
      seed().tenant.id,
      ...seed().apps.map((a) => a.clientId),
      seed().teamsApp.catalogId,
      seed().teamsApp.externalId,
      ...seed().users.map((u) => u.id),
      ...seed().users.flatMap((u) => u.methods.map((m) => m.id ?? '')),
      ...seed().groups.map((g) => g.id),
    ];
    for (const id of ids) expect(id).toMatch(V4_GUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has unique user principal names and mail addresses', () => {
    const upns = seed().users.map((u) => u.userPrincipalName.toLowerCase());
    expect(new Set(upns).size).toBe(upns.length);
    const mails = seed().users.flatMap((u) => (u.mail ? [u.mail.toLowerCase()] : []));
    expect(new Set(mails).size).toBe(mails.length);
  });
});

describe('organisation', () => {
  const departments = () => [...new Set(employees().flatMap((u) => (u.department ? [u.department] : [])))];

  it('has several departments, each with people in them', () => {
    expect(departments().length).toBeGreaterThanOrEqual(6);
    for (const department of departments()) expect(employees().filter((u) => u.department === department).length, department).toBeGreaterThanOrEqual(2);
  });

  it('leads every member (enabled or not) up one acyclic manager chain to the one CEO, at least three levels deep', () => {
    const members = people().filter((u) => u.userType === 'Member' && !seed().breakGlassUserIds.includes(u.id));
    const tops = members.filter((u) => !u.managerId);
    expect(tops).toHaveLength(1);
    const ceo = tops[0]!;
    expect(ceo.jobTitle).toMatch(/Chief Executive Officer/);
    let deepest = 0;
    for (const user of members) {
      const path = chain(user);
      expect(path.at(-1)?.id, `${user.userPrincipalName} reaches the CEO`).toBe(ceo.id);
      deepest = Math.max(deepest, path.length - 1);
    }
    expect(deepest).toBeGreaterThanOrEqual(3);
    for (const department of departments()) {
      const inDepartment = members.filter((u) => u.department === department);
      expect(inDepartment.some((u) => chain(u).length >= 2), `${department} has a chain`).toBe(true);
    }
  });

  it('mixes European and US offices, languages and mailbox time zones', () => {
    const usage = new Set(employees().map((u) => u.usageLocation));
    expect(usage).toContain('US');
    expect(usage).toContain('GB');
    expect(usage).toContain('CH');
    const zones = new Set(employees().map((u) => u.mailboxTimeZone));
    expect(zones).toContain('Eastern Standard Time');
    expect(zones).toContain('Pacific Standard Time');
    expect(zones).toContain('W. Europe Standard Time');
    expect(zones).toContain('GMT Standard Time');
    for (const user of employees()) expect(user.officeLocation, user.userPrincipalName).toBeTruthy();
  });
});

describe('registered methods', () => {
  it('were created during the last 18 months', () => {
    for (const user of seed().users) {
      for (const method of user.methods) {
        const at = Date.parse(method.createdDateTime);
        expect(at, `${user.userPrincipalName} ${method.kind}`).toBeGreaterThanOrEqual(EIGHTEEN_MONTHS_AGO);
        expect(at, `${user.userPrincipalName} ${method.kind}`).toBeLessThan(TODAY);
      }
    }
  });

  it('include Authenticator passkeys on iOS and Android, attested, with model and AAGUID', () => {
    const methods = withKind('passKeyDeviceBoundAuthenticator').flatMap((u) => u.methods.filter((m) => m.kind === 'passKeyDeviceBoundAuthenticator'));
    expect(methods.length).toBeGreaterThanOrEqual(3);
    for (const method of methods) {
      expect(method.attestationLevel).toBe('attested');
      expect(method.model).toMatch(/^Microsoft Authenticator - (iOS|Android)$/);
      expect(method.aaGuid).toBe(method.model?.endsWith('iOS') ? AUTHENTICATOR_IOS : AUTHENTICATOR_ANDROID);
    }
    expect(new Set(methods.map((m) => m.aaGuid))).toEqual(new Set([AUTHENTICATOR_IOS, AUTHENTICATOR_ANDROID]));
  });

  it('include attested security keys, Windows Hello passkeys and unattested synced passkeys', () => {
    const of = (kind: RegisteredMethod) => seed().users.flatMap((u) => u.methods.filter((m) => m.kind === kind));
    expect(withKind('fido2SecurityKey').length).toBeGreaterThanOrEqual(3);
    for (const key of of('fido2SecurityKey')) {
      expect(key.attestationLevel).toBe('attested');
      expect(key.aaGuid).toMatch(GUID);
      expect(key.model).toBeTruthy();
    }
    expect(withKind('passKeyDeviceBoundWindowsHello').length).toBeGreaterThanOrEqual(2);
    for (const passkey of of('passKeyDeviceBoundWindowsHello')) expect(passkey.aaGuid).toMatch(GUID);
    expect(withKind('passKeySynced').length).toBeGreaterThanOrEqual(3);
    for (const passkey of of('passKeySynced')) expect(passkey.attestationLevel).toBe('notAttested');
    expect(new Set(of('passKeySynced').map((m) => m.model))).toEqual(new Set(['iCloud Keychain', 'Google Password Manager']));
  });

  it('include Windows Hello for Business, for some people as their only strong method', () => {
    expect(withKind('windowsHelloForBusiness').length).toBeGreaterThanOrEqual(3);
    const onlyHello = employees().filter((u) => PHISHING_RESISTANT.filter((k) => kinds(u).has(k)).join() === 'windowsHelloForBusiness');
    expect(onlyHello.length).toBeGreaterThanOrEqual(2);
  });

  it('leave several people with weak methods only: phone, push, one-time codes, email', () => {
    const weakOnly = employees().filter((u) => u.methods.length > 0 && !isEnrolled(u));
    expect(weakOnly.length).toBeGreaterThanOrEqual(8);
    const weakKinds = new Set(weakOnly.flatMap((u) => [...kinds(u)]));
    for (const kind of ['mobilePhone', 'sms', 'microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'email'] as const) expect(weakKinds, kind).toContain(kind);
  });

  it('give phone methods fictional numbers and email methods an address', () => {
    for (const user of seed().users) {
      for (const method of user.methods) {
        if (method.kind === 'mobilePhone' || method.kind === 'sms' || method.kind === 'alternateMobilePhone') expect(method.phoneNumber).toMatch(FICTIONAL_PHONE);
        if (method.kind === 'email') expect(method.emailAddress).toMatch(/\.example$/);
      }
    }
  });

  it('leave several people with nothing but a password', () => {
    const nothing = employees().filter((u) => u.methods.length === 0 && !u.passwordless);
    expect(nothing.length).toBeGreaterThanOrEqual(5);
  });
});

describe('accounts the product must treat differently', () => {
  it('has two or three guests with #EXT# user principal names', () => {
    const guests = seed().users.filter((u) => u.userType === 'Guest');
    expect(guests.length).toBeGreaterThanOrEqual(2);
    expect(guests.length).toBeLessThanOrEqual(3);
    for (const guest of guests) {
      expect(guest.userPrincipalName).toMatch(/^[a-z.]+_[a-z.]+\.example#EXT#@northwind\.example$/);
      expect(guest.managerId).toBeUndefined();
    }
  });

  it('has one or two disabled people, a meeting room and a shared mailbox', () => {
    const disabled = people().filter((u) => u.userType === 'Member' && !u.accountEnabled);
    expect(disabled.length).toBeGreaterThanOrEqual(1);
    expect(disabled.length).toBeLessThanOrEqual(2);
    expect(seed().users.filter((u) => u.accountKind === 'resource').length).toBeGreaterThanOrEqual(1);
    expect(seed().users.filter((u) => u.accountKind === 'shared').length).toBeGreaterThanOrEqual(1);
  });

  it('has employees without a Teams licence', () => {
    const excluded = groupWithRole('excluded');
    const unlicensed = employees().filter((u) => !u.teamsLicensed && !excluded.has(u.id));
    expect(unlicensed.length).toBeGreaterThanOrEqual(1);
    expect(unlicensed.length).toBeLessThanOrEqual(2);
  });

  it('has break-glass Global Administrators with no manager that sign in with a security key only', () => {
    expect(seed().breakGlassUserIds.length).toBeGreaterThanOrEqual(1);
    expect(seed().breakGlassUserIds.some((id) => userById(id).passwordless)).toBe(true);
    for (const id of seed().breakGlassUserIds) {
      const account = userById(id);
      expect(account.managerId).toBeUndefined();
      expect(account.accountEnabled).toBe(true);
      expect([...kinds(account)]).toEqual(['fido2SecurityKey']);
      expect(seed().directoryRoles.assignments).toContainEqual({ principalId: id, roleDefinitionId: ROLE.globalAdministrator });
    }
  });
});

describe('groups', () => {
  it('have every role the product refers to, none of them empty', () => {
    for (const role of GROUP_ROLES) expect(groupWithRole(role).size, role).toBeGreaterThan(0);
  });

  it('size the helpdesk, approver, security and campaign-admin groups like a real IT team', () => {
    const helpdesk = groupWithRole('helpdesk');
    const approvers = groupWithRole('tap-approvers');
    expect(helpdesk.size).toBeGreaterThanOrEqual(3);
    expect(helpdesk.size).toBeLessThanOrEqual(4);
    expect(approvers.size).toBeGreaterThanOrEqual(2);
    expect(approvers.size).toBeLessThanOrEqual(3);
    expect([...approvers].some((id) => !helpdesk.has(id)), 'an approver outside the helpdesk').toBe(true);
    expect(groupWithRole('security').size).toBe(2);
    expect(groupWithRole('campaign-admins').size).toBe(2);
    for (const id of groupWithRole('escalation')) expect(['Human Resources', 'IT']).toContain(userById(id).department);
    for (const id of groupWithRole('security-key-requests')) expect(userById(id).department).toBe('IT');
  });

  it('have a leadership group for a first wave: the CEO, her direct reports and the site leaders (nested), some still without a passkey', () => {
    const leadership = groupWithRole('leadership');
    const ceo = seed().users.find((u) => !u.managerId && u.userType === 'Member' && u.accountKind === 'person' && !seed().breakGlassUserIds.includes(u.id));
    expect(ceo && leadership.has(ceo.id)).toBe(true);
    for (const report of seed().users.filter((u) => u.managerId === ceo?.id)) expect(leadership.has(report.id), report.displayName).toBe(true);
    // Reached through a nested group, so resolving the first wave must follow nesting.
    const direct = new Set(seed().groups.filter((g) => g.role === 'leadership').flatMap((g) => g.members));
    expect([...leadership].some((id) => !direct.has(id))).toBe(true);
    expect([...leadership].map(userById).filter((u) => !isEnrolled(u)).length).toBeGreaterThanOrEqual(3);
  });

  it('nest at least one group in another', () => {
    const groupIds = new Set(seed().groups.map((g) => g.id));
    expect(seed().groups.some((g) => g.members.some((m) => groupIds.has(m)))).toBe(true);
  });

  it('have a department group for every department', () => {
    const departmentGroups = seed().groups.filter((g) => g.role === 'department');
    const departments = new Set(employees().flatMap((u) => (u.department ? [u.department] : [])));
    expect(departmentGroups.length).toBe(departments.size);
    for (const group of departmentGroups) {
      const members = [...transitiveMembers(group.id)].map(userById);
      expect(new Set(members.map((u) => u.department)).size, group.displayName).toBe(1);
    }
  });
});

describe('directory roles', () => {
  const grants = () => [...seed().directoryRoles.assignments, ...seed().directoryRoles.eligibilities];

  it('define the privileged roles with their real template ids', () => {
    const definitions = new Map(seed().directoryRoles.definitions.map((d) => [d.id, d]));
    for (const id of Object.values(ROLE)) expect(definitions.get(id)?.isPrivileged, id).toBe(true);
    expect(definitions.get(ROLE.globalAdministrator)?.displayName).toBe('Global Administrator');
    expect(definitions.get(ROLE.helpdeskAdministrator)?.displayName).toBe('Helpdesk Administrator');
  });

  it('grant each privileged role, both actively and through PIM eligibility', () => {
    for (const id of Object.values(ROLE)) expect(grants().some((g) => g.roleDefinitionId === id), id).toBe(true);
    const privileged = new Set(seed().directoryRoles.definitions.filter((d) => d.isPrivileged).map((d) => d.id));
    const nonBreakGlass = (g: { principalId: string; roleDefinitionId: string }) => privileged.has(g.roleDefinitionId) && !seed().breakGlassUserIds.includes(g.principalId);
    expect(seed().directoryRoles.assignments.filter(nonBreakGlass).length).toBeGreaterThanOrEqual(3);
    expect(seed().directoryRoles.eligibilities.filter(nonBreakGlass).length).toBeGreaterThanOrEqual(3);
  });

  it('include privileged admins who are not enrolled yet, and the privileged group holds everyone with a privileged role of their own', () => {
    const privileged = new Set(seed().directoryRoles.definitions.filter((d) => d.isPrivileged).map((d) => d.id));
    const userIds = new Set(seed().users.map((u) => u.id));
    const admins = new Set(grants().filter((g) => privileged.has(g.roleDefinitionId) && userIds.has(g.principalId)).map((g) => g.principalId));
    expect([...admins].filter((id) => !isEnrolled(userById(id))).length).toBeGreaterThanOrEqual(2);
    expect(groupWithRole('privileged')).toEqual(admins);
  });

  it('also grant roles to role-assignable groups, whose holders the privileged group leaves out: an active role, one for an administrative unit, and an eligible one reached through PIM for Groups', () => {
    const groupById = new Map(seed().groups.map((g) => [g.id, g]));
    const listed = groupWithRole('privileged');
    const holders = (grant: { principalId: string }) => groupById.get(grant.principalId);
    const activeThroughGroup = seed().directoryRoles.assignments.filter((g) => holders(g) && (g.directoryScopeId ?? '/') === '/');
    const scoped = seed().directoryRoles.assignments.filter((g) => holders(g) && g.directoryScopeId?.startsWith('/administrativeUnits/'));
    expect(activeThroughGroup.some((g) => g.roleDefinitionId === ROLE.globalAdministrator)).toBe(true);
    expect(scoped.length).toBeGreaterThanOrEqual(1);
    for (const grant of [...activeThroughGroup, ...scoped]) {
      const group = holders(grant);
      expect(group?.isAssignableToRole, group?.displayName).toBe(true);
      expect(group?.members.length, group?.displayName).toBeGreaterThan(0);
      for (const member of group?.members ?? []) expect(listed.has(member), userById(member).displayName).toBe(false);
    }
    const eligibleGroups = new Set(seed().directoryRoles.eligibilities.filter((g) => holders(g)).map((g) => g.principalId));
    const pimEligible = seed().pimForGroups.eligibilities.filter((access) => access.accessId === 'member' && eligibleGroups.has(access.groupId));
    expect(pimEligible.length).toBeGreaterThanOrEqual(1);
    for (const access of pimEligible) {
      expect(groupById.get(access.groupId)?.members).not.toContain(access.principalId);
      expect(listed.has(access.principalId), userById(access.principalId).displayName).toBe(false);
    }
  });
});

describe('edge cases', () => {
  it('someone reports to a disabled manager', () => {
    expect(employees().some((u) => u.managerId && !userById(u.managerId).accountEnabled)).toBe(true);
  });

  it('a manager has exactly one report', () => {
    const reportCounts = new Map<string, number>();
    for (const user of people()) if (user.managerId) reportCounts.set(user.managerId, (reportCounts.get(user.managerId) ?? 0) + 1);
    expect([...reportCounts.values()]).toContain(1);
  });

  it('a manager has several reports and none of them is enrolled', () => {
    const managers = new Set(employees().flatMap((u) => (u.managerId ? [u.managerId] : [])));
    const unenrolledTeams = [...managers].filter((id) => {
      const reports = employees().filter((u) => u.managerId === id);
      return reports.length >= 2 && reports.every((u) => !isEnrolled(u));
    });
    expect(unenrolledTeams.length).toBeGreaterThanOrEqual(1);
  });

  it('some people already have the app installed and others do not', () => {
    expect(employees().some((u) => u.appInstalled)).toBe(true);
    expect(employees().some((u) => !u.appInstalled)).toBe(true);
  });

  it('some people prefer a language other than English', () => {
    const languages = new Set(employees().map((u) => u.preferredLanguage?.slice(0, 2)));
    expect(languages).toContain('fr');
    expect(languages).toContain('de');
    expect([...languages].filter((l) => l && l !== 'en').length).toBeGreaterThanOrEqual(3);
  });
});

describe('tenant settings', () => {
  it("use Entra's TAP policy defaults and a realistic report lag", () => {
    expect(seed().tapPolicy).toEqual({
      state: 'enabled',
      defaultLifetimeInMinutes: 60,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      defaultLength: 8,
      isUsableOnce: false,
    });
    expect(seed().reportLagMinutes).toBe(180);
  });

  it('register the bot with an obviously demo-only secret and the Teams app as Passkey Coach', () => {
    for (const app of seed().apps) expect(app.clientSecret).toMatch(/^demo-secret-not-for-production-/);
    expect(seed().teamsApp.displayName).toBe('Passkey Coach');
  });
});

describe('demo personas', () => {
  const personas = () => {
    const value = seed().personas;
    if (!value) throw new Error('the demo tenant names its personas');
    return value;
  };

  it('are six different enabled, licensed members', () => {
    const ids = Object.values(personas());
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    for (const id of ids) {
      const user = userById(id);
      expect(user.userType, user.userPrincipalName).toBe('Member');
      expect(user.accountKind).toBe('person');
      expect(user.accountEnabled).toBe(true);
      expect(user.teamsLicensed).toBe(true);
      expect(seed().breakGlassUserIds).not.toContain(id);
    }
  });

  it('tell one story: an unenrolled employee, their manager, and the people who help them', () => {
    const { employee, manager, helpdesk, approver, security, admin } = personas();
    expect(isEnrolled(userById(employee))).toBe(false);
    expect(userById(employee).managerId).toBe(manager);
    expect(groupWithRole('helpdesk')).toContain(helpdesk);
    expect(groupWithRole('tap-approvers')).toContain(approver);
    expect(groupWithRole('helpdesk')).not.toContain(approver);
    expect(groupWithRole('security')).toContain(security);
    expect(groupWithRole('campaign-admins')).toContain(admin);
    expect(groupWithRole('excluded')).not.toContain(employee);
  });

  it('are listed in docs/demo-tenant.md with their ids and user principal names', () => {
    const doc = readFileSync(path.join(root, 'docs', 'demo-tenant.md'), 'utf8');
    for (const [persona, id] of Object.entries(personas())) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${persona}\` |`));
      expect(row, persona).toContain(id);
      expect(row, persona).toContain(userById(id).userPrincipalName);
    }
  });
});
