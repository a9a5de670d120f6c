// The emulated tenant's mutable state: people, groups and roles from the seed, and a timestamped history
// of authentication methods (so the registration report can lag), passes, app installs and revocations.

import { createHash, randomUUID } from 'node:crypto';
import type { RegisteredMethod, SeedContact, SeedGroup, SeedUser, TenantSeed } from '../tenant-seed.js';
import { FIXED_METHOD_IDS, fixedIdFor, type MethodDetails, methodResource } from './method-resources.js';
import { generatePass, type PassDigest, PassHasher, type PassTerms, usability } from './temporary-access-pass.js';

export interface MethodRecord extends MethodDetails {
  id: string;
  kind: RegisteredMethod;
  /** When it became registered on the emulator's clock; -Infinity for seeded methods (always in the report). */
  addedAt: number;
  removedAt?: number;
  pass?: PassTerms & { secret?: PassDigest };
}

/** A member of a group as the directory lists it. */
export type DirectoryMember = { user: SeedUser } | { group: SeedGroup };
/** Someone reporting to a manager as the directory lists them: a user or an organisational contact. */
export type DirectReport = { user: SeedUser } | { contact: SeedContact };

export interface EnrolInput extends Partial<MethodDetails> {
  kind: RegisteredMethod;
  id?: string;
}

export interface Installation {
  installationId: string;
  userId: string;
  chatId: string;
  installedAt: number;
}

export interface Revocation {
  userId: string;
  at: number;
  reason: 'revokeSignInSessions' | 'temporaryAccessPassDeleted';
}

export type RedeemResult =
  | { redeemed: true; methodId: string; isUsableOnce: boolean }
  | { redeemed: false; reason: 'NoPass' | 'WrongValue' | 'DisabledByPolicy' | 'Expired' | 'NotYetValid' | 'OneTimeUsed' };

const PASSWORDLESS: ReadonlySet<RegisteredMethod> = new Set([
  'fido2SecurityKey',
  'passKeyDeviceBound',
  'passKeyDeviceBoundAuthenticator',
  'passKeyDeviceBoundWindowsHello',
  'passKeySynced',
  'windowsHelloForBusiness',
  'microsoftAuthenticatorPasswordless',
  'macOsSecureEnclaveKey',
]);
const NOT_MFA: ReadonlySet<RegisteredMethod> = new Set(['email', 'temporaryAccessPass']);
const SSPR: ReadonlySet<RegisteredMethod> = new Set(['mobilePhone', 'alternateMobilePhone', 'sms', 'email', 'microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'hardwareOneTimePasscode']);

/** The user properties the directory can sort by. */
export type UserSortKey = 'displayName' | 'userPrincipalName';

export class TenantState {
  /** Method histories by user id, made from the seed on first use (see records). */
  private readonly methods = new Map<string, MethodRecord[]>();
  /** When the app was installed, by user id. */
  private readonly installed = new Map<string, number>();
  private readonly revocationLog: Revocation[] = [];
  private readonly hasher = new PassHasher();
  // People, groups and roles never change after the seed, so every index below is built once, at start or on first
  // use, and a request costs what it returns, not the size of the tenant.
  private readonly usersById = new Map<string, SeedUser>();
  private readonly usersByUpn = new Map<string, SeedUser>();
  private readonly groupsById = new Map<string, SeedGroup>();
  private readonly directGroupsOf = new Map<string, SeedGroup[]>();
  private readonly lazy: { positions?: Map<string, number>; usersByMail?: Map<string, SeedUser[]>; reportsOf?: Map<string, DirectReport[]> } = {};
  private readonly activeRolePrincipals: Set<string>;
  private readonly adminMemo = new Map<string, boolean>();
  private readonly sorted = new Map<string, readonly SeedUser[]>();
  private readonly collator = new Intl.Collator();
  private lastIso: { ms: number; text: string } | undefined;
  private readonly memberLists = new Map<string, ReadonlyArray<DirectoryMember>>();
  /** Users deleted in Entra (soft-deleted: in the recycle bin), by id, with when. */
  private readonly deletedById = new Map<string, SeedUser & { deletedDateTime: string }>();
  /** Goes up with every change to users, so what routes remember about listings (counts) is asked again. */
  directoryVersion = 0;

  constructor(
    readonly seed: TenantSeed,
    private readonly now: () => number,
    readonly botId: string,
  ) {
    const startedAt = now();
    // A seed may hold people already deleted: they live in the recycle bin only, as in Entra.
    for (const user of seed.users) if (user.deletedDateTime) this.deletedById.set(user.id, { ...user, deletedDateTime: user.deletedDateTime });
    if (this.deletedById.size > 0) seed.users = seed.users.filter((user) => !user.deletedDateTime);
    for (const group of seed.groups) group.members = group.members.filter((member) => !this.deletedById.has(member));
    for (const user of seed.users) {
      this.usersById.set(user.id, user);
      const upn = user.userPrincipalName.toLowerCase();
      if (!this.usersByUpn.has(upn)) this.usersByUpn.set(upn, user);
      if (user.appInstalled) this.installed.set(user.id, startedAt);
    }
    for (const group of seed.groups) this.groupsById.set(group.id, group);
    // An active PIM for Groups member assignment is a membership while it lasts, as Entra shows it in memberOf.
    for (const access of seed.pimForGroups.assignments) {
      const group = this.groupsById.get(access.groupId);
      if (access.accessId === 'member' && group && !group.members.includes(access.principalId)) group.members.push(access.principalId);
    }
    for (const group of seed.groups) for (const member of new Set(group.members)) pushTo(this.directGroupsOf, member, group);
    this.activeRolePrincipals = new Set(seed.directoryRoles.assignments.map((assignment) => assignment.principalId));
  }

  // --- people and groups

  users(): SeedUser[] {
    return this.seed.users;
  }

  findUser(idOrUpn: string): SeedUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.usersById.get(key) ?? this.usersByUpn.get(key);
  }

  /** Users whose id, userPrincipalName or mail equals `value` (case-insensitive), in seed order. */
  usersWhere(property: 'id' | 'userPrincipalName' | 'mail', value: string): SeedUser[] {
    const key = value.toLowerCase();
    if (property === 'mail') {
      this.lazy.usersByMail ??= groupBy(this.seed.users, (user) => user.mail?.toLowerCase());
      return this.lazy.usersByMail.get(key) ?? [];
    }
    const user = property === 'id' ? this.usersById.get(key) : this.usersByUpn.get(key);
    return user ? [user] : [];
  }

  /** Every user ordered by a property as `$orderby` sorts it (locale-aware, ties in seed order); sorted once, then kept. */
  usersSortedBy(property: UserSortKey, descending: boolean): readonly SeedUser[] {
    const key = `${property} ${descending ? 'desc' : 'asc'}`;
    let sorted = this.sorted.get(key);
    if (!sorted) {
      sorted = [...this.seed.users].sort(this.comparator(property, descending));
      this.sorted.set(key, sorted);
    }
    return sorted;
  }

  /** As `a[property].localeCompare(b[property])`, with one collator instead of one per comparison. */
  private comparator(property: UserSortKey, descending: boolean): (a: SeedUser, b: SeedUser) => number {
    return (a, b) => this.collator.compare(a[property], b[property]) * (descending ? -1 : 1);
  }

  /**
   * The users a listing has to look at, in the order it lists them: when its filter requires one of a few values of
   * id, userPrincipalName or mail (see requiredEqualities), just the users holding them; otherwise everyone.
   */
  listing(equalities: ReadonlyArray<{ property: string; value: string }> | undefined, order?: { property: UserSortKey; descending: boolean }): readonly SeedUser[] {
    if (!equalities) return order ? this.usersSortedBy(order.property, order.descending) : this.seed.users;
    const found = new Set<SeedUser>();
    for (const { property, value } of equalities) {
      if (property === 'id' || property === 'userPrincipalName' || property === 'mail') for (const user of this.usersWhere(property, value)) found.add(user);
    }
    this.lazy.positions ??= new Map(this.seed.users.map((user, position) => [user.id, position]));
    const positions = this.lazy.positions;
    const inSeedOrder = [...found].sort((a, b) => (positions.get(a.id) ?? 0) - (positions.get(b.id) ?? 0));
    return order ? inSeedOrder.sort(this.comparator(order.property, order.descending)) : inSeedOrder;
  }

  manager(user: SeedUser): SeedUser | undefined {
    return user.managerId ? this.usersById.get(user.managerId) : undefined;
  }

  /** A change in the directory: the user gets an active admin role (as an admin would assign it in Entra). */
  assignRole(userId: string, roleDefinitionId: string): void {
    if (!this.usersById.has(userId)) throw new Error(`The emulated tenant has no user ${userId}.`);
    if (!this.seed.directoryRoles.definitions.some((definition) => definition.id === roleDefinitionId)) throw new Error(`The emulated tenant has no role ${roleDefinitionId}.`);
    this.seed.directoryRoles.assignments.push({ principalId: userId, roleDefinitionId });
    this.activeRolePrincipals.add(userId);
  }

  /** A change in the directory: the user joins a group (as an admin would add them in Entra). */
  addGroupMember(groupId: string, userId: string): void {
    const group = this.groupsById.get(groupId);
    if (!group) throw new Error(`The emulated tenant has no group ${groupId}.`);
    if (!this.usersById.has(userId)) throw new Error(`The emulated tenant has no user ${userId}.`);
    if (group.members.includes(userId)) return;
    group.members.push(userId);
    pushTo(this.directGroupsOf, userId, group);
    this.memberLists.clear();
    this.adminMemo.clear();
  }

  /** A change in the directory: `managerId` becomes the user's manager (undefined: none). */
  setManager(userId: string, managerId: string | undefined): void {
    const user = this.usersById.get(userId);
    if (!user) throw new Error(`The emulated tenant has no user ${userId}.`);
    if (managerId !== undefined && !this.usersById.has(managerId)) throw new Error(`The emulated tenant has no user ${managerId}.`);
    user.managerId = managerId;
    this.lazy.reportsOf = undefined;
  }

  /** A change in the directory: the account is disabled (or enabled again), as an admin would in Entra. */
  setAccountEnabled(userId: string, enabled: boolean): void {
    const user = this.usersById.get(userId.toLowerCase());
    if (!user) throw new Error(`The emulated tenant has no user ${userId}.`);
    user.accountEnabled = enabled;
    this.directoryVersion += 1;
  }

  /**
   * A change in the directory: the user is deleted, as in Entra: gone from `/users` and from every group, kept in the
   * recycle bin (`/directory/deletedItems`) with `deletedDateTime`. Their reports keep no manager.
   */
  deleteUser(userId: string): void {
    const user = this.usersById.get(userId.toLowerCase());
    if (!user) throw new Error(`The emulated tenant has no user ${userId}.`);
    this.deletedById.set(user.id, { ...user, deletedDateTime: this.isoTime(this.now()) });
    this.seed.users.splice(this.seed.users.indexOf(user), 1);
    this.usersById.delete(user.id);
    this.usersByUpn.delete(user.userPrincipalName.toLowerCase());
    for (const group of this.directGroupsOf.get(user.id) ?? []) group.members = group.members.filter((member) => member !== user.id);
    this.directGroupsOf.delete(user.id);
    for (const report of [...this.seed.users, ...this.seed.contacts]) if (report.managerId === user.id) report.managerId = undefined;
    this.installed.delete(user.id);
    this.lazy.positions = undefined;
    this.lazy.usersByMail = undefined;
    this.lazy.reportsOf = undefined;
    this.sorted.clear();
    this.memberLists.clear();
    this.adminMemo.clear();
    this.directoryVersion += 1;
  }

  /** Users in the recycle bin, in the order they were deleted. */
  deletedUsers(): ReadonlyArray<SeedUser & { deletedDateTime: string }> {
    return [...this.deletedById.values()];
  }

  deletedUser(id: string): (SeedUser & { deletedDateTime: string }) | undefined {
    return this.deletedById.get(id.toLowerCase());
  }

  /** The users reporting to this user, then the contacts (Graph lists both under directReports). */
  directReports(user: SeedUser): readonly DirectReport[] {
    this.lazy.reportsOf ??= groupBy<DirectReport>([...this.seed.users.map((report) => ({ user: report })), ...this.seed.contacts.map((contact) => ({ contact }))], (report) =>
      'user' in report ? report.user.managerId : report.contact.managerId,
    );
    return this.lazy.reportsOf.get(user.id) ?? [];
  }

  group(id: string): SeedGroup | undefined {
    return this.groupsById.get(id.toLowerCase());
  }

  groups(): SeedGroup[] {
    return this.seed.groups;
  }

  /** Groups a principal is a direct member of, in seed order. */
  directGroups(principalId: string): readonly SeedGroup[] {
    return this.directGroupsOf.get(principalId) ?? [];
  }

  /** Direct members of a group: users and groups, in seed order. */
  members(group: SeedGroup): ReadonlyArray<DirectoryMember> {
    return this.memberList(`members ${group.id}`, () => {
      const out: DirectoryMember[] = [];
      for (const id of group.members) {
        const user = this.usersById.get(id);
        if (user) out.push({ user });
        const nested = this.groupsById.get(id);
        if (nested) out.push({ group: nested });
      }
      return out;
    });
  }

  /** Members of a group and of the groups nested in it, each once, depth first in seed order. */
  transitiveMembers(group: SeedGroup): ReadonlyArray<DirectoryMember> {
    return this.memberList(`transitiveMembers ${group.id}`, () => {
      const seen = new Map<string, DirectoryMember>();
      const walk = (current: SeedGroup) => {
        for (const member of this.members(current)) {
          const id = 'user' in member ? member.user.id : member.group.id;
          if (seen.has(id)) continue;
          seen.set(id, member);
          if ('group' in member) walk(member.group);
        }
      };
      walk(group);
      return [...seen.values()];
    });
  }

  /** Every group a principal belongs to, directly or through nested groups. */
  transitiveGroups(principalId: string): SeedGroup[] {
    const found = new Map<string, SeedGroup>();
    const queue = [principalId];
    for (let next = 0; next < queue.length; next += 1) {
      for (const group of this.directGroups(queue[next] as string)) {
        if (found.has(group.id)) continue;
        found.set(group.id, group);
        queue.push(group.id);
      }
    }
    return [...found.values()];
  }

  /** The report's isAdmin: an active directory role, assigned to the user or to a group they are in. */
  isAdmin(userId: string): boolean {
    let admin = this.adminMemo.get(userId);
    if (admin === undefined) {
      admin = this.activeRolePrincipals.has(userId) || this.transitiveGroups(userId).some((group) => this.activeRolePrincipals.has(group.id));
      this.adminMemo.set(userId, admin);
    }
    return admin;
  }

  private memberList(key: string, build: () => DirectoryMember[]): ReadonlyArray<DirectoryMember> {
    let list = this.memberLists.get(key);
    if (!list) {
      list = build();
      this.memberLists.set(key, list);
    }
    return list;
  }

  // --- authentication methods

  activeMethods(userId: string): MethodRecord[] {
    return this.records(userId).filter((method) => method.removedAt === undefined);
  }

  /** Methods registered at a past instant: what the lagging report sees. */
  methodsAt(userId: string, at: number): MethodRecord[] {
    return this.records(userId).filter((method) => method.addedAt <= at && (method.removedAt === undefined || method.removedAt > at));
  }

  /** The last change to a user's methods at or before `at`, if any happened since the emulator started. */
  lastChangeAt(userId: string, at: number): number | undefined {
    let last: number | undefined;
    for (const method of this.records(userId)) {
      for (const when of [method.addedAt, method.removedAt]) {
        if (when !== undefined && Number.isFinite(when) && when <= at && (last === undefined || when > last)) last = when;
      }
    }
    return last;
  }

  enrol(userId: string, input: EnrolInput): MethodRecord {
    if (input.kind === 'temporaryAccessPass') throw new Error('A Temporary Access Pass is created with createPass (POST .../temporaryAccessPassMethods), not enrolled.');
    const now = this.now();
    const fixedId = fixedIdFor(input.kind);
    const id = fixedId ?? input.id ?? randomUUID();
    // One resource per fixed id: a new mobile number replaces the old one, as Graph's phone methods do.
    for (const method of this.activeMethods(userId)) if (method.id === id) method.removedAt = now;
    const record: MethodRecord = { ...input, id, kind: input.kind, createdDateTime: input.createdDateTime ?? new Date(now).toISOString(), addedAt: now };
    this.records(userId).push(record);
    return record;
  }

  /** Removes every active record behind a method id (a phone id can stand for both mobilePhone and sms). */
  remove(userId: string, methodId: string): MethodRecord[] {
    const now = this.now();
    const removed = this.activeMethods(userId).filter((method) => method.id.toLowerCase() === methodId.toLowerCase());
    for (const method of removed) method.removedAt = now;
    return removed;
  }

  /** The Graph resources for a user's current methods, phone records merged by phone type. */
  methodResources(user: SeedUser): Record<string, unknown>[] {
    const active = this.activeMethods(user.id);
    const resources: Record<string, unknown>[] = [];
    if (!user.passwordless) {
      resources.push({ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: FIXED_METHOD_IDS.password, password: null, createdDateTime: user.createdDateTime ?? null });
    }
    const seen = new Set<string>();
    for (const method of active) {
      if (seen.has(method.id)) continue;
      seen.add(method.id);
      if (method.kind === 'temporaryAccessPass') {
        resources.push(this.passResource(method));
        continue;
      }
      const smsReady = active.some((other) => other.id === method.id && other.kind === 'sms');
      resources.push(methodResource(method.id, method.kind, method, smsReady));
    }
    return resources;
  }

  // --- Temporary Access Pass

  currentPass(userId: string): MethodRecord | undefined {
    return this.activeMethods(userId).find((method) => method.kind === 'temporaryAccessPass');
  }

  /** Creates a pass, replacing any existing one; the value is returned once and only its hash is kept. */
  createPass(userId: string, terms: { startAt: number; lifetimeInMinutes: number; isUsableOnce: boolean }): { record: MethodRecord; value: string } {
    const existing = this.currentPass(userId);
    if (existing) this.remove(userId, existing.id);
    const value = generatePass(this.seed.tapPolicy.defaultLength);
    const now = this.now();
    const record: MethodRecord = {
      id: randomUUID(),
      kind: 'temporaryAccessPass',
      createdDateTime: new Date(now).toISOString(),
      addedAt: now,
      pass: { ...terms, used: false, secret: this.hasher.digest(value) },
    };
    this.records(userId).push(record);
    return { record, value };
  }

  passResource(record: MethodRecord, value: string | null = null): Record<string, unknown> {
    const pass = record.pass as PassTerms;
    return {
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      id: record.id,
      temporaryAccessPass: value,
      createdDateTime: record.createdDateTime,
      startDateTime: new Date(pass.startAt).toISOString(),
      lifetimeInMinutes: pass.lifetimeInMinutes,
      isUsableOnce: pass.isUsableOnce,
      ...usability(pass, this.seed.tapPolicy.state === 'enabled', this.now()),
    };
  }

  /** A person signing in with a pass: checks the value and its usability; a one-time pass is then spent. */
  redeemPass(userId: string, value: string): RedeemResult {
    const record = this.currentPass(userId);
    if (!record?.pass?.secret) return { redeemed: false, reason: 'NoPass' };
    if (!this.hasher.matches(record.pass.secret, value)) return { redeemed: false, reason: 'WrongValue' };
    const state = usability(record.pass, this.seed.tapPolicy.state === 'enabled', this.now());
    if (!state.isUsable) return { redeemed: false, reason: state.methodUsabilityReason as Exclude<typeof state.methodUsabilityReason, 'EnabledByPolicy'> };
    if (record.pass.isUsableOnce) record.pass.used = true;
    return { redeemed: true, methodId: record.id, isUsableOnce: record.pass.isUsableOnce };
  }

  passIsUsable(record: MethodRecord): boolean {
    return record.pass !== undefined && usability(record.pass, this.seed.tapPolicy.state === 'enabled', this.now()).isUsable;
  }

  // --- the registration report

  registrationDetails(user: SeedUser, at: number, startedAt: number): Record<string, unknown> {
    const kinds = [...new Set(this.methodsAt(user.id, at).map((method) => method.kind))];
    const has = (set: ReadonlySet<RegisteredMethod>) => kinds.some((kind) => set.has(kind));
    const mfa = kinds.some((kind) => !NOT_MFA.has(kind));
    const sspr = has(SSPR);
    const member = user.userType === 'Member';
    const secondFactor = kinds.includes('microsoftAuthenticatorPush')
      ? 'push'
      : kinds.includes('softwareOneTimePasscode') || kinds.includes('hardwareOneTimePasscode')
        ? 'oath'
        : kinds.includes('sms') || kinds.includes('mobilePhone')
          ? 'sms'
          : kinds.includes('alternateMobilePhone')
            ? 'voiceAlternateMobile'
            : undefined;
    const updated = this.lastChangeAt(user.id, at) ?? Math.min(at, startedAt);
    return {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      userDisplayName: user.displayName,
      userType: member ? 'member' : 'guest',
      isAdmin: this.isAdmin(user.id),
      isSsprRegistered: sspr,
      isSsprEnabled: member,
      isSsprCapable: member && sspr,
      isMfaRegistered: mfa,
      isMfaCapable: mfa,
      isPasswordlessCapable: has(PASSWORDLESS),
      isSystemPreferredAuthenticationMethodEnabled: true,
      lastUpdatedDateTime: this.isoTime(updated),
      methodsRegistered: kinds,
      systemPreferredAuthenticationMethods: secondFactor ? [secondFactor] : [],
      userPreferredMethodForSecondaryAuthentication: secondFactor ?? 'none',
    };
  }

  /** Most report rows share one timestamp (the start, or the snapshot), so the last one formatted is kept. */
  private isoTime(ms: number): string {
    if (this.lastIso?.ms !== ms) this.lastIso = { ms, text: new Date(ms).toISOString() };
    return this.lastIso.text;
  }

  // --- Teams app installs

  installation(userId: string): Installation | undefined {
    const at = this.installed.get(userId);
    return at === undefined ? undefined : this.installationOf(userId, at);
  }

  installations(): Installation[] {
    return [...this.installed].map(([userId, at]) => this.installationOf(userId, at));
  }

  install(userId: string): Installation {
    const at = this.now();
    this.installed.set(userId, at);
    return this.installationOf(userId, at);
  }

  uninstall(userId: string): boolean {
    return this.installed.delete(userId);
  }

  private installationOf(userId: string, at: number): Installation {
    return {
      installationId: Buffer.from(`${userId}##${this.seed.teamsApp.catalogId}`).toString('base64'),
      userId,
      chatId: `19:${this.botId}_${userId}@unq.gbl.spaces`,
      installedAt: at,
    };
  }

  // --- sessions

  revoke(userId: string, reason: Revocation['reason']): void {
    this.revocationLog.push({ userId, at: this.now(), reason });
  }

  revocations(): Revocation[] {
    return [...this.revocationLog];
  }

  /** A user's method history. Seeded methods become records on first use: at 100 000 users, doing it at start costs seconds. */
  private records(userId: string): MethodRecord[] {
    let records = this.methods.get(userId);
    if (!records) {
      const seeded = this.usersById.get(userId)?.methods ?? [];
      records = seeded.map((method) => ({
        ...method,
        id: fixedIdFor(method.kind) ?? method.id ?? randomUUID(),
        addedAt: Number.NEGATIVE_INFINITY,
        ...seedPass(method.kind, method.createdDateTime, this.seed),
      }));
      this.methods.set(userId, records);
    }
    return records;
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined) pushTo(groups, key, item);
  }
  return groups;
}

/** A seeded pass has no known value: it shows in Graph with the policy's defaults and cannot be redeemed. */
function seedPass(kind: RegisteredMethod, createdDateTime: string, seed: TenantSeed): Pick<MethodRecord, 'pass'> {
  if (kind !== 'temporaryAccessPass') return {};
  return { pass: { startAt: Date.parse(createdDateTime), lifetimeInMinutes: seed.tapPolicy.defaultLifetimeInMinutes, isUsableOnce: seed.tapPolicy.isUsableOnce, used: false } };
}

/** A stable id in Graph's unified-RBAC style for a role grant (role and principal GUID bytes, base64url). */
export function roleGrantId(roleDefinitionId: string, principalId: string, suffix: string): string {
  const bytes = Buffer.concat([guidBytes(roleDefinitionId), guidBytes(principalId)]);
  return `${bytes.toString('base64url')}-${suffix}`;
}

function guidBytes(guid: string): Buffer {
  return Buffer.from(guid.replace(/-/g, ''), 'hex');
}

/** A deterministic GUID from some text, for ids the seed does not give. */
export function stableGuid(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

