import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSyntheticTenantCommand } from '../../src/dev/synthetic-tenant-cli.js';
import { syntheticTenant } from '../../src/dev/synthetic-tenant.js';
import { parseTenantSeed, type SeedUser, type TenantSeed } from '../../src/dev/tenant-seed.js';

const demo = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../demo/tenant.json'), 'utf8')) as TenantSeed;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STRONG = new Set(['fido2SecurityKey', 'passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'passKeySynced', 'windowsHelloForBusiness']);

/** Member people who are employees: not guests, rooms, shared mailboxes or break-glass accounts. */
function employees(seed: TenantSeed): SeedUser[] {
  const breakGlass = new Set(seed.breakGlassUserIds);
  return seed.users.filter((user) => user.accountKind === 'person' && user.userType === 'Member' && !breakGlass.has(user.id));
}

const share = (part: number, whole: number) => part / whole;

describe('synthetic tenants', () => {
  it('are deterministic: the same options give the same tenant, another seed another one', () => {
    const a = JSON.stringify(syntheticTenant({ users: 500, seed: 42 }));
    expect(JSON.stringify(syntheticTenant({ users: 500, seed: 42 }))).toBe(a);
    const other = syntheticTenant({ users: 500, seed: 43 });
    expect(JSON.stringify(other)).not.toBe(a);
    expect(other.users.map((user) => user.id)).not.toEqual(JSON.parse(a).users.map((user: SeedUser) => user.id));
  });

  it('pass parseTenantSeed at 1 000 accounts, unchanged by it', () => {
    const seed = syntheticTenant({ users: 1000 });
    const parsed = parseTenantSeed(JSON.parse(JSON.stringify(seed)));
    expect(parsed).toEqual(seed);
    expect(parsed.users).toHaveLength(1000);
  });

  it('have the documented mix of people, methods, licences and installs, within tolerance', () => {
    const seed = syntheticTenant({ users: 1000, seed: 5 });
    const people = employees(seed);
    const enabledLicensed = people.filter((user) => user.accountEnabled && user.teamsLicensed);
    const strong = people.filter((user) => user.methods.some((method) => STRONG.has(method.kind)));
    const weakOnly = people.filter((user) => user.methods.length > 0 && !user.methods.some((method) => STRONG.has(method.kind)));
    expect(seed.users).toHaveLength(1000);
    expect(share(seed.users.filter((user) => user.userType === 'Guest').length, 1000)).toBeCloseTo(0.02, 2);
    expect(share(strong.length, people.length)).toBeCloseTo(0.25, 1);
    expect(share(weakOnly.length, people.length)).toBeCloseTo(0.6, 1);
    expect(share(people.filter((user) => !user.accountEnabled).length, people.length)).toBeCloseTo(0.01, 2);
    expect(share(people.filter((user) => !user.teamsLicensed).length, people.length)).toBeCloseTo(0.02, 2);
    expect(share(people.filter((user) => user.appInstalled).length, enabledLicensed.length)).toBeCloseTo(0.3, 1);
    expect(people.filter((user) => user.appInstalled && !(user.accountEnabled && user.teamsLicensed))).toEqual([]);
    expect(seed.users.filter((user) => user.accountKind === 'resource').length).toBeGreaterThanOrEqual(1);
    expect(seed.users.filter((user) => user.accountKind === 'shared').length).toBeGreaterThanOrEqual(1);
  });

  it('take other shares when asked', () => {
    const seed = syntheticTenant({ users: 2000, enrolledShare: 0.5, weakOnlyShare: 0.3, appInstalledShare: 0.8, guestShare: 0, disabledShare: 0 });
    const people = employees(seed);
    expect(share(people.filter((user) => user.methods.some((method) => STRONG.has(method.kind))).length, people.length)).toBeCloseTo(0.5, 1);
    expect(share(people.filter((user) => user.appInstalled).length, people.filter((user) => user.teamsLicensed).length)).toBeCloseTo(0.8, 1);
    expect(seed.users.some((user) => user.userType === 'Guest' || !user.accountEnabled && user.accountKind === 'person')).toBe(false);
  });

  it('give unique GUIDs and user principal names, and a mix of IANA and Windows mailbox time zones', () => {
    const seed = syntheticTenant({ users: 3000, seed: 9 });
    const ids = [...seed.users.map((user) => user.id), ...seed.groups.map((group) => group.id)];
    expect(ids.every((id) => GUID.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(seed.users.map((user) => user.userPrincipalName.toLowerCase())).size).toBe(seed.users.length);
    const zones = seed.users.map((user) => user.mailboxTimeZone).filter((zone): zone is string => zone !== undefined);
    expect(zones.filter((zone) => zone.includes('/')).length).toBeGreaterThan(zones.length * 0.05);
    expect(zones.filter((zone) => zone.endsWith('Standard Time')).length).toBeGreaterThan(zones.length * 0.6);
    expect(seed.users.some((user) => user.accountKind === 'person' && user.mailboxTimeZone === undefined)).toBe(true);
  });

  it('give every person but the chief executive a manager, in one tree without cycles', () => {
    const seed = syntheticTenant({ users: 3000, seed: 11 });
    const byId = new Map(seed.users.map((user) => [user.id, user]));
    const people = employees(seed);
    expect(people.filter((user) => user.managerId === undefined).map((user) => user.jobTitle)).toEqual(['Chief Executive Officer']);
    // A cycle would never reach the top: cap the walk and check that every chain ends at the chief executive.
    const chainTops = people.map((person) => {
      let current: SeedUser | undefined = person;
      for (let hops = 0; current?.managerId && hops < 50; hops += 1) current = byId.get(current.managerId);
      return current?.jobTitle;
    });
    expect(new Set(chainTops)).toEqual(new Set(['Chief Executive Officer']));
    const reports = new Map<string, number>();
    for (const person of people) if (person.managerId) reports.set(person.managerId, (reports.get(person.managerId) ?? 0) + 1);
    expect(Math.max(...[...reports.entries()].filter(([id]) => byId.get(id)?.jobTitle !== 'Chief Executive Officer').map(([, count]) => count))).toBeLessThanOrEqual(7);
  });

  it('have the groups, roles, break-glass accounts and personas the product needs, and the demo app registration', () => {
    const seed = syntheticTenant({ users: 1000 });
    const roles = new Map(seed.groups.filter((group) => group.role).map((group) => [group.role, group]));
    for (const role of ['campaign-admins', 'excluded', 'helpdesk', 'tap-approvers', 'security', 'escalation', 'privileged', 'pilot']) {
      expect(roles.get(role as NonNullable<TenantSeed['groups'][number]['role']>)?.members.length, role).toBeGreaterThan(0);
    }
    const excluded = roles.get('excluded')?.members ?? [];
    expect(seed.groups.some((group) => excluded.includes(group.id))).toBe(true);
    expect(seed.breakGlassUserIds).toHaveLength(2);
    const globalAdmins = seed.directoryRoles.assignments.filter((grant) => grant.roleDefinitionId === '62e90394-69f5-4237-9190-012177145e10').map((grant) => grant.principalId);
    expect(globalAdmins).toEqual(seed.breakGlassUserIds);
    expect(Object.values(seed.personas ?? {})).toHaveLength(6);
    expect(seed.apps).toEqual(demo.apps);
    expect(seed.teamsApp).toEqual(demo.teamsApp);
  });

  it('refuse sizes and shares out of range', () => {
    expect(() => syntheticTenant({ users: 5 })).toThrow(RangeError);
    expect(() => syntheticTenant({ users: 100.5 })).toThrow(/whole number/);
    expect(() => syntheticTenant({ users: 100, enrolledShare: 0.6, weakOnlyShare: 0.6 })).toThrow(/cannot exceed 1/);
    expect(() => syntheticTenant({ users: 100, guestShare: -0.1 })).toThrow(/guestShare/);
  });
});

describe('passkey-coach synthetic-tenant', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const capture = () => {
    let text = '';
    return {
      stream: {
        write: (chunk: string) => {
          text += chunk;
          return true;
        },
      } as unknown as NodeJS.WritableStream,
      text: () => text,
    };
  };

  it('writes the tenant for --users and --seed to --out, or to stdout', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'synthetic-tenant-'));
    dirs.push(dir);
    const file = path.join(dir, 'tenant.json');
    const out = capture();
    expect(runSyntheticTenantCommand(['--users', '250', '--seed', '3', '--out', file], out.stream)).toBe(0);
    expect(out.text()).toContain('250 accounts');
    expect(parseTenantSeed(JSON.parse(readFileSync(file, 'utf8')))).toEqual(syntheticTenant({ users: 250, seed: 3 }));
    const stdout = capture();
    expect(runSyntheticTenantCommand(['--users', '250', '--seed', '3', '--app-installed-share', '0.5'], stdout.stream)).toBe(0);
    expect(JSON.parse(stdout.text())).toEqual(syntheticTenant({ users: 250, seed: 3, appInstalledShare: 0.5 }));
  });

  it('refuses a missing or bad --users, saying why', () => {
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(runSyntheticTenantCommand([], capture().stream)).toBe(2);
    expect(runSyntheticTenantCommand(['--users', 'many'], capture().stream)).toBe(2);
    expect(runSyntheticTenantCommand(['--users', '3'], capture().stream)).toBe(2);
    expect(errors.mock.calls.map((call) => String(call[0])).join('')).toMatch(/--users is required[\s\S]*--users must be a number[\s\S]*users must be a whole number from 20/);
  });
});
