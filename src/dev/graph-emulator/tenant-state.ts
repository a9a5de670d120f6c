// The emulated tenant's mutable state: people, groups and roles from the seed, and a timestamped history
// of authentication methods (so the registration report can lag), passes, app installs and revocations.

import { createHash, randomUUID } from 'node:crypto';
import type { RegisteredMethod, SeedGroup, SeedUser, TenantSeed } from '../tenant-seed.js';
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

export class TenantState {
  private readonly methods = new Map<string, MethodRecord[]>();
  private readonly installed = new Map<string, Installation>();
  private readonly revocationLog: Revocation[] = [];
  private readonly hasher = new PassHasher();
  private readonly usersById = new Map<string, SeedUser>();
  private readonly groupsById = new Map<string, SeedGroup>();

  constructor(
    readonly seed: TenantSeed,
    private readonly now: () => number,
    readonly botId: string,
  ) {
    for (const user of seed.users) {
      this.usersById.set(user.id, user);
      this.methods.set(
        user.id,
        user.methods.map((method) => ({ ...method, id: fixedIdFor(method.kind) ?? method.id ?? randomUUID(), addedAt: Number.NEGATIVE_INFINITY, ...seedPass(method.kind, method.createdDateTime, seed) })),
      );
      if (user.appInstalled) this.installFor(user.id, now());
    }
    for (const group of seed.groups) this.groupsById.set(group.id, group);
  }

  // --- people and groups

  users(): SeedUser[] {
    return this.seed.users;
  }

  findUser(idOrUpn: string): SeedUser | undefined {
    const byId = this.usersById.get(idOrUpn.toLowerCase());
    if (byId) return byId;
    const upn = idOrUpn.toLowerCase();
    return this.seed.users.find((user) => user.userPrincipalName.toLowerCase() === upn);
  }

  manager(user: SeedUser): SeedUser | undefined {
    return user.managerId ? this.usersById.get(user.managerId) : undefined;
  }

  group(id: string): SeedGroup | undefined {
    return this.groupsById.get(id.toLowerCase());
  }

  groups(): SeedGroup[] {
    return this.seed.groups;
  }

  /** Direct members of a group: users and groups, in seed order. */
  members(group: SeedGroup): Array<{ user: SeedUser } | { group: SeedGroup }> {
    const out: Array<{ user: SeedUser } | { group: SeedGroup }> = [];
    for (const id of group.members) {
      const user = this.usersById.get(id);
      if (user) out.push({ user });
      const nested = this.groupsById.get(id);
      if (nested) out.push({ group: nested });
    }
    return out;
  }

  /** Every group a principal belongs to, directly or through nested groups. */
  transitiveGroups(principalId: string): SeedGroup[] {
    const found = new Map<string, SeedGroup>();
    const queue = [principalId];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      for (const group of this.seed.groups) {
        if (group.members.includes(id) && !found.has(group.id)) {
          found.set(group.id, group);
          queue.push(group.id);
        }
      }
    }
    return [...found.values()];
  }

  /** The report's isAdmin: an active directory role, assigned to the user or to a group they are in. */
  isAdmin(userId: string): boolean {
    const principals = new Set([userId, ...this.transitiveGroups(userId).map((group) => group.id)]);
    return this.seed.directoryRoles.assignments.some((assignment) => principals.has(assignment.principalId));
  }

  // --- authentication methods

  activeMethods(userId: string): MethodRecord[] {
    return (this.methods.get(userId) ?? []).filter((method) => method.removedAt === undefined);
  }

  /** Methods registered at a past instant: what the lagging report sees. */
  methodsAt(userId: string, at: number): MethodRecord[] {
    return (this.methods.get(userId) ?? []).filter((method) => method.addedAt <= at && (method.removedAt === undefined || method.removedAt > at));
  }

  /** The last change to a user's methods at or before `at`, if any happened since the emulator started. */
  lastChangeAt(userId: string, at: number): number | undefined {
    let last: number | undefined;
    for (const method of this.methods.get(userId) ?? []) {
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
    this.recordsOf(userId).push(record);
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
    this.recordsOf(userId).push(record);
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
      lastUpdatedDateTime: new Date(updated).toISOString(),
      methodsRegistered: kinds,
      systemPreferredAuthenticationMethods: secondFactor ? [secondFactor] : [],
      userPreferredMethodForSecondaryAuthentication: secondFactor ?? 'none',
    };
  }

  // --- Teams app installs

  installation(userId: string): Installation | undefined {
    return this.installed.get(userId);
  }

  installations(): Installation[] {
    return [...this.installed.values()];
  }

  install(userId: string): Installation {
    return this.installFor(userId, this.now());
  }

  uninstall(userId: string): boolean {
    return this.installed.delete(userId);
  }

  private installFor(userId: string, at: number): Installation {
    const catalogId = this.seed.teamsApp.catalogId;
    const installation: Installation = {
      installationId: Buffer.from(`${userId}##${catalogId}`).toString('base64'),
      userId,
      chatId: `19:${this.botId}_${userId}@unq.gbl.spaces`,
      installedAt: at,
    };
    this.installed.set(userId, installation);
    return installation;
  }

  // --- sessions

  revoke(userId: string, reason: Revocation['reason']): void {
    this.revocationLog.push({ userId, at: this.now(), reason });
  }

  revocations(): Revocation[] {
    return [...this.revocationLog];
  }

  private recordsOf(userId: string): MethodRecord[] {
    let records = this.methods.get(userId);
    if (!records) {
      records = [];
      this.methods.set(userId, records);
    }
    return records;
  }
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

