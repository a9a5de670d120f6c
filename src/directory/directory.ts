// The directory port and its Microsoft Graph adapter: the only code in the product that calls Graph.

import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { AppError, isAppError } from '../errors/app-error.js';
import { readAdminRoles, type RoleSummary } from './admin-roles.js';

const userSchema = z
  .object({
    id: z.string(),
    displayName: z.string().nullable().optional(),
    givenName: z.string().nullable().optional(),
    surname: z.string().nullable().optional(),
    userPrincipalName: z.string(),
    mail: z.string().nullable().optional(),
    jobTitle: z.string().nullable().optional(),
    department: z.string().nullable().optional(),
    accountEnabled: z.boolean().nullable().optional(),
    userType: z.string().nullable().optional(),
    preferredLanguage: z.string().nullable().optional(),
  })
  .passthrough();
export type DirectoryUser = z.infer<typeof userSchema>;
export const USER_FIELDS = 'id,displayName,givenName,surname,userPrincipalName,mail,jobTitle,department,accountEnabled,userType,preferredLanguage';

const registrationSchema = z
  .object({
    id: z.string(),
    userPrincipalName: z.string(),
    userDisplayName: z.string().nullable().optional(),
    userType: z.string().nullable().optional(),
    isAdmin: z.boolean().nullable().optional(),
    isMfaRegistered: z.boolean().nullable().optional(),
    isPasswordlessCapable: z.boolean().nullable().optional(),
    methodsRegistered: z.array(z.string()).default([]),
    lastUpdatedDateTime: z.string().nullable().optional(),
  })
  .passthrough();
export type RegistrationDetails = z.infer<typeof registrationSchema>;

const methodSchema = z
  .object({
    '@odata.type': z.string(),
    id: z.string(),
    displayName: z.string().nullable().optional(),
    createdDateTime: z.string().nullable().optional(),
    model: z.string().nullable().optional(),
    aaGuid: z.string().nullable().optional(),
    attestationLevel: z.string().nullable().optional(),
  })
  .passthrough();
export type AuthenticationMethod = z.infer<typeof methodSchema>;

const tapSchema = z
  .object({
    id: z.string(),
    temporaryAccessPass: z.string().nullable().optional(),
    createdDateTime: z.string().nullable().optional(),
    startDateTime: z.string().nullable().optional(),
    lifetimeInMinutes: z.number(),
    isUsableOnce: z.boolean(),
    isUsable: z.boolean().nullable().optional(),
    methodUsabilityReason: z.string().nullable().optional(),
  })
  .passthrough();
export type TemporaryAccessPassMethod = z.infer<typeof tapSchema>;

const tapPolicySchema = z
  .object({
    state: z.enum(['enabled', 'disabled']).catch('disabled'),
    defaultLifetimeInMinutes: z.number().int(),
    minimumLifetimeInMinutes: z.number().int(),
    maximumLifetimeInMinutes: z.number().int(),
    isUsableOnce: z.boolean(),
  })
  .passthrough();
export type TemporaryAccessPassPolicy = z.infer<typeof tapPolicySchema>;

/** Where each kind of method lives under /users/{id}/authentication (the password cannot be removed). */
const METHOD_SEGMENT_BY_TYPE: Record<string, string> = {
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2Methods',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusinessMethods',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticatorMethods',
  '#microsoft.graph.phoneAuthenticationMethod': 'phoneMethods',
  '#microsoft.graph.emailAuthenticationMethod': 'emailMethods',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOathMethods',
  '#microsoft.graph.hardwareOathAuthenticationMethod': 'hardwareOathMethods',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPassMethods',
  '#microsoft.graph.platformCredentialAuthenticationMethod': 'platformCredentialMethods',
};

const idOnlySchema = z.object({ id: z.string(), '@odata.type': z.string().optional() }).passthrough();
const BATCH_SIZE = 20;
const batchSchema = z
  .object({
    responses: z.array(z.object({ id: z.string(), status: z.number(), headers: z.record(z.string()).optional(), body: z.unknown().optional() }).passthrough()),
  })
  .passthrough();

function retryAfterOfItem(headers: Record<string, string> | undefined): number | undefined {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const seconds = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
const pageSchema = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() }).passthrough();

export type { RoleSummary } from './admin-roles.js';

const planSchema = z.object({ service: z.string().nullable().optional(), servicePlanId: z.string().nullable().optional(), capabilityStatus: z.string().nullable().optional() }).passthrough();
const profileUserSchema = userSchema.extend({ assignedPlans: z.array(planSchema).nullable().optional() });
const mailboxSchema = z.object({ timeZone: z.string().nullable().optional(), userPurpose: z.string().nullable().optional() }).passthrough();

/** The Teams service plan (TEAMS1) of Microsoft 365 licences; other Teams SKUs name the same service. */
export const TEAMS_SERVICE_PLAN_ID = '57ff2da0-773e-42df-b2af-ffb7a2317929';

export interface UserProfile {
  user: DirectoryUser;
  /** Whether an enabled plan of the user's licences includes Teams. */
  teamsLicensed: boolean;
  mailbox?: { timeZone?: string; userPurpose?: string };
  /** Whether the Teams app asked about is installed for the user; undefined when not asked, or Graph would not say. */
  appInstalled?: boolean;
}

export type InstallOutcome = 'installed' | 'already-installed';

export interface TapRequest {
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  startDateTime?: string;
}

/** What features need from the directory. Implemented by GraphDirectory; features never see Graph. */
export interface Directory {
  getUser(idOrUpn: string): Promise<DirectoryUser | undefined>;
  getManager(userId: string): Promise<DirectoryUser | undefined>;
  /** Many people at once, 20 per Graph `$batch` call; ids that do not exist are absent from the map. */
  getUsers(ids: readonly string[]): Promise<Map<string, DirectoryUser>>;
  listUsers(options?: { filter?: string; pageSize?: number }): AsyncIterable<DirectoryUser[]>;
  transitiveGroupIds(userId: string): Promise<Set<string>>;
  /** Members of the group and of the groups nested in it (users only). */
  groupMemberIds(groupId: string): Promise<string[]>;
  /**
   * For each id: the user with licences (assignedPlans) and their mailbox settings (time zone, what the mailbox is
   * for: a person's, shared, a room), two requests per person in Graph `$batch` calls; with `catalogAppId` a third,
   * whether that Teams app is installed for them. Missing users are absent; unreadable mailbox settings (no mailbox,
   * a guest) leave `mailbox` undefined, an unreadable install list `appInstalled`.
   */
  userProfiles(ids: readonly string[], options?: { catalogAppId?: string }): Promise<Map<string, UserProfile>>;
  /**
   * The registration report a page at a time, each with the link to the page after it: `from` (a link an earlier
   * walk stopped at) resumes there. A link Graph no longer accepts fails with `directory.failed`.
   */
  registrationDetails(options?: { filter?: string; from?: string }): AsyncIterable<RegistrationPage>;
  authenticationMethods(userId: string): Promise<AuthenticationMethod[]>;
  /** The created pass, with its value: the only time Graph returns it. The caller must not store or log it. */
  createTemporaryAccessPass(userId: string, request: TapRequest): Promise<TemporaryAccessPassMethod>;
  temporaryAccessPasses(userId: string): Promise<TemporaryAccessPassMethod[]>;
  deleteTemporaryAccessPass(userId: string, methodId: string): Promise<void>;
  revokeSignInSessions(userId: string): Promise<void>;
  /** Removes one method (any kind but the password) by its resource type and id; one already gone is no error. */
  deleteAuthenticationMethod(userId: string, method: Pick<AuthenticationMethod, '@odata.type' | 'id'>): Promise<void>;
  /** The tenant's Temporary Access Pass policy (state, lifetimes, one-time default). */
  temporaryAccessPassPolicy(): Promise<TemporaryAccessPassPolicy>;
  /**
   * The person's admin roles, active and eligible: their own, and those of the role-assignable groups they are in or
   * may join through PIM for Groups, tenant-wide or for an administrative unit. Rejects when any read fails.
   */
  directoryRoles(userId: string): Promise<RoleSummary>;
  mailboxTimeZone(userId: string): Promise<string | undefined>;
  installAppForUser(userId: string, catalogAppId: string): Promise<InstallOutcome>;
  /** The id of the personal chat between the user and the installed app. */
  installedAppChatId(userId: string, catalogAppId: string): Promise<string | undefined>;
}

export interface GraphDirectoryOptions {
  /** Graph's root (`https://graph.microsoft.com`, a national cloud's, or the emulator's): `@odata.bind` links point into it. */
  graphBaseUrl?: string;
  /** Called with every secret Graph hands back (a pass value) before anything else sees it: register it with the log redactor. */
  onSecret?: (value: string) => void;
  /** Waits between rounds of a batch whose items were throttled; injected for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** One page of the registration report and the link to the next (absent on the last page). */
export interface RegistrationPage {
  rows: RegistrationDetails[];
  nextLink?: string;
}

export class GraphDirectory implements Directory {
  readonly #client: Client;
  readonly #graphBaseUrl: string;
  readonly #onSecret: (value: string) => void;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(client: Client, options: GraphDirectoryOptions = {}) {
    this.#client = client;
    this.#graphBaseUrl = (options.graphBaseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
    this.#onSecret = options.onSecret ?? (() => undefined);
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async getUser(idOrUpn: string): Promise<DirectoryUser | undefined> {
    return this.#maybe(async () => userSchema.parse(await this.#client.api(`/users/${encodeURIComponent(idOrUpn)}`).select(USER_FIELDS).get()));
  }

  async getManager(userId: string): Promise<DirectoryUser | undefined> {
    return this.#maybe(async () => userSchema.parse(await this.#client.api(`/users/${encodeURIComponent(userId)}/manager`).select(USER_FIELDS).get()));
  }

  async getUsers(ids: readonly string[]): Promise<Map<string, DirectoryUser>> {
    const found = new Map<string, DirectoryUser>();
    const answers = await this.#batchGet([...new Set(ids)].map((id) => `/users/${encodeURIComponent(id)}?$select=${USER_FIELDS}`));
    [...new Set(ids)].forEach((id, index) => {
      const answer = answers[index];
      if (answer !== undefined) found.set(id, userSchema.parse(answer));
    });
    return found;
  }

  async userProfiles(ids: readonly string[], options: { catalogAppId?: string } = {}): Promise<Map<string, UserProfile>> {
    const unique = [...new Set(ids)];
    const { catalogAppId } = options;
    const perUser = catalogAppId ? 3 : 2;
    const urls = unique.flatMap((id) => [
      `/users/${encodeURIComponent(id)}?$select=${USER_FIELDS},assignedPlans`,
      `/users/${encodeURIComponent(id)}/mailboxSettings?$select=timeZone,userPurpose`,
      // Whether the app is there already: a campaign then opens the chat without an install call that answers 409.
      ...(catalogAppId ? [`/users/${encodeURIComponent(id)}/teamwork/installedApps?$filter=teamsApp/id eq '${odataString(catalogAppId)}'`] : []),
    ]);
    const optional = (url: string) => url.includes('/mailboxSettings') || url.includes('/teamwork/installedApps');
    const answers = await this.#batchGet(urls, { optional });
    const profiles = new Map<string, UserProfile>();
    unique.forEach((id, index) => {
      const userAnswer = answers[perUser * index];
      if (userAnswer === undefined) return;
      const user = profileUserSchema.parse(userAnswer);
      const mailbox = mailboxSchema.safeParse(answers[perUser * index + 1]);
      const installs = catalogAppId ? pageSchema.safeParse(answers[perUser * index + 2]) : undefined;
      const teamsLicensed = (user.assignedPlans ?? []).some(
        (plan) => (plan.servicePlanId?.toLowerCase() === TEAMS_SERVICE_PLAN_ID || plan.service === 'TeamsForBusiness') && plan.capabilityStatus === 'Enabled',
      );
      const { assignedPlans: _plans, ...plain } = user;
      profiles.set(id, {
        user: plain,
        teamsLicensed,
        mailbox: mailbox.success ? { timeZone: mailbox.data.timeZone ?? undefined, userPurpose: mailbox.data.userPurpose ?? undefined } : undefined,
        ...(installs?.success ? { appInstalled: installs.data.value.length > 0 } : {}),
      });
    });
    return profiles;
  }

  /**
   * GETs through `$batch`, 20 a call: the answers' bodies in the order asked, undefined for a 404 (and for any
   * failure of a request `optional` accepts). Requests a batch answers 429 or 5xx for are asked again.
   */
  async #batchGet(urls: readonly string[], options: { optional?: (url: string) => boolean } = {}): Promise<unknown[]> {
    const bodies: unknown[] = new Array(urls.length).fill(undefined);
    for (let start = 0; start < urls.length; start += BATCH_SIZE) {
      let pending = urls.slice(start, start + BATCH_SIZE).map((url, offset) => ({ url, index: start + offset }));
      for (let round = 0; pending.length > 0 && round < 5; round++) {
        const body = { requests: pending.map(({ url }, index) => ({ id: String(index), method: 'GET', url })) };
        const answer = batchSchema.parse(await this.#call(() => this.#client.api('/$batch').post(body)));
        const retry: typeof pending = [];
        let waitMs = 0;
        for (const response of answer.responses) {
          const item = pending[Number(response.id)];
          if (item === undefined) continue;
          if (response.status >= 200 && response.status < 300) bodies[item.index] = response.body;
          else if (response.status === 429 || response.status >= 500) {
            retry.push(item);
            waitMs = Math.max(waitMs, retryAfterOfItem(response.headers) ?? 1_000 * 2 ** round);
          } else if (response.status !== 404 && !options.optional?.(item.url)) {
            throw toAppError({ statusCode: response.status, code: 'batchItemFailed', message: `a read in a batch answered ${response.status}` });
          }
        }
        pending = retry;
        if (pending.length > 0) await this.#sleep(Math.min(waitMs, 60_000));
      }
      if (pending.length > 0) throw new AppError('directory.throttled', `Graph kept throttling ${pending.length} reads in a batch`);
    }
    return bodies;
  }

  async *listUsers(options: { filter?: string; pageSize?: number } = {}): AsyncIterable<DirectoryUser[]> {
    let request = this.#client.api('/users').select(USER_FIELDS).top(options.pageSize ?? 999);
    if (options.filter) request = request.filter(options.filter);
    yield* this.#pages(await this.#call(() => request.get()), userSchema);
  }

  async transitiveGroupIds(userId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const first = await this.#call(() => this.#client.api(`/users/${encodeURIComponent(userId)}/transitiveMemberOf`).select('id').top(999).get());
    for await (const page of this.#pages(first, idOnlySchema)) {
      for (const item of page) if (!item['@odata.type'] || item['@odata.type'] === '#microsoft.graph.group') ids.add(item.id);
    }
    return ids;
  }

  async groupMemberIds(groupId: string): Promise<string[]> {
    const ids: string[] = [];
    const first = await this.#call(() => this.#client.api(`/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user`).select('id').top(999).get());
    for await (const page of this.#pages(first, idOnlySchema)) for (const item of page) ids.push(item.id);
    return ids;
  }

  async *registrationDetails(options: { filter?: string; from?: string } = {}): AsyncIterable<RegistrationPage> {
    // Without this preference Graph shows every passkey kind as unknownFutureValue: on the first page and every next one.
    const headers = { Prefer: 'include-unknown-enum-members' };
    let request = this.#client.api('/reports/authenticationMethods/userRegistrationDetails').headers(headers);
    if (options.from !== undefined) {
      // A link this product stored itself, still checked: it must lead to the same report on the configured Graph.
      if (!options.from.startsWith(`${this.#graphBaseUrl}/`) || !options.from.includes('/reports/authenticationMethods/userRegistrationDetails')) {
        throw new AppError('directory.failed', 'The stored place in the registration report is not a link into it', { details: { statusCode: 400 } });
      }
      request = this.#client.api(options.from).headers(headers);
    } else if (options.filter) request = request.filter(options.filter);
    for await (const { items, nextLink } of this.#linkedPages(await this.#call(() => request.get()), registrationSchema, headers)) yield { rows: items, nextLink };
  }

  async authenticationMethods(userId: string): Promise<AuthenticationMethod[]> {
    const first = await this.#call(() => this.#client.api(`/users/${encodeURIComponent(userId)}/authentication/methods`).get());
    const all: AuthenticationMethod[] = [];
    for await (const page of this.#pages(first, methodSchema)) all.push(...page);
    return all;
  }

  async createTemporaryAccessPass(userId: string, request: TapRequest): Promise<TemporaryAccessPassMethod> {
    const body = { lifetimeInMinutes: request.lifetimeInMinutes, isUsableOnce: request.isUsableOnce, ...(request.startDateTime ? { startDateTime: request.startDateTime } : {}) };
    const created = tapSchema.parse(await this.#call(() => this.#client.api(`/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`).post(body)));
    if (created.temporaryAccessPass) this.#onSecret(created.temporaryAccessPass);
    return created;
  }

  async temporaryAccessPasses(userId: string): Promise<TemporaryAccessPassMethod[]> {
    const page = pageSchema.parse(await this.#call(() => this.#client.api(`/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`).get()));
    return page.value.map((item) => tapSchema.parse(item));
  }

  async deleteTemporaryAccessPass(userId: string, methodId: string): Promise<void> {
    // Gone already (deleted by a retried DELETE, expired and cleaned up) is what the caller wanted.
    await this.#maybe(() =>
      this.#client.api(`/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods/${encodeURIComponent(methodId)}`).delete(),
    );
  }

  async revokeSignInSessions(userId: string): Promise<void> {
    await this.#call(() => this.#client.api(`/users/${encodeURIComponent(userId)}/revokeSignInSessions`).post({}));
  }

  async deleteAuthenticationMethod(userId: string, method: Pick<AuthenticationMethod, '@odata.type' | 'id'>): Promise<void> {
    const segment = METHOD_SEGMENT_BY_TYPE[method['@odata.type']];
    if (!segment) throw new AppError('directory.failed', `Methods of type ${method['@odata.type']} cannot be removed through Graph.`);
    await this.#maybe(() => this.#client.api(`/users/${encodeURIComponent(userId)}/authentication/${segment}/${encodeURIComponent(method.id)}`).delete());
  }

  async temporaryAccessPassPolicy(): Promise<TemporaryAccessPassPolicy> {
    return tapPolicySchema.parse(await this.#call(() => this.#client.api('/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass').get()));
  }

  async directoryRoles(userId: string): Promise<RoleSummary> {
    return this.#call(() => readAdminRoles(userId, (path, query = {}) => this.#client.api(path).query(query).get()));
  }

  async mailboxTimeZone(userId: string): Promise<string | undefined> {
    const settings = await this.#maybe(() => this.#client.api(`/users/${encodeURIComponent(userId)}/mailboxSettings`).select('timeZone').get());
    const parsed = z.object({ timeZone: z.string().nullable().optional() }).passthrough().safeParse(settings);
    return parsed.success ? (parsed.data.timeZone ?? undefined) : undefined;
  }

  async installAppForUser(userId: string, catalogAppId: string): Promise<InstallOutcome> {
    try {
      await this.#call(() =>
        this.#client
          .api(`/users/${encodeURIComponent(userId)}/teamwork/installedApps`)
          .post({ 'teamsApp@odata.bind': `${this.#graphBaseUrl}/v1.0/appCatalogs/teamsApps/${encodeURIComponent(catalogAppId)}` }),
      );
      return 'installed';
    } catch (error) {
      // 409 Conflict: the app is already installed for this user (Company Communicator treats it the same).
      if (isAppError(error) && error.details?.statusCode === 409) return 'already-installed';
      throw error;
    }
  }

  async installedAppChatId(userId: string, catalogAppId: string): Promise<string | undefined> {
    const installs = pageSchema.parse(
      await this.#call(() =>
        this.#client
          .api(`/users/${encodeURIComponent(userId)}/teamwork/installedApps`)
          .filter(`teamsApp/id eq '${odataString(catalogAppId)}'`)
          .get(),
      ),
    );
    const install = installs.value.map((item) => idOnlySchema.parse(item))[0];
    if (!install) return undefined;
    const chat = z
      .object({ id: z.string() })
      .passthrough()
      .parse(await this.#call(() => this.#client.api(`/users/${encodeURIComponent(userId)}/teamwork/installedApps/${encodeURIComponent(install.id)}/chat`).get()));
    return chat.id;
  }

  /** Follows `@odata.nextLink`, a page's items at a time. */
  async *#pages<T>(first: unknown, schema: z.ZodType<T, z.ZodTypeDef, unknown>): AsyncIterable<T[]> {
    for await (const { items } of this.#linkedPages(first, schema)) yield items;
  }

  /** Each page's items with the link to the next; `headers` go with every page (Graph answers each request on its own headers). */
  async *#linkedPages<T>(first: unknown, schema: z.ZodType<T, z.ZodTypeDef, unknown>, headers: Record<string, string> = {}): AsyncIterable<{ items: T[]; nextLink?: string }> {
    let page = pageSchema.parse(first);
    for (;;) {
      const nextLink = page['@odata.nextLink'];
      yield { items: page.value.map((item) => schema.parse(item)), nextLink };
      if (!nextLink) return;
      page = pageSchema.parse(await this.#call(() => this.#client.api(nextLink).headers(headers).get()));
    }
  }

  async #maybe<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.#call(call);
    } catch (error) {
      if (isAppError(error, 'directory.not-found')) return undefined;
      throw error;
    }
  }

  async #call<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toAppError(error);
    }
  }
}

/** Graph failures as the product's one error type; the message never carries a token or a pass. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    return new AppError('directory.failed', `Graph answered in an unexpected shape: ${error.issues[0]?.message ?? 'invalid'}`, { cause: error });
  }
  const graph = error as Partial<GraphError> & { message?: string };
  const statusCode = typeof graph.statusCode === 'number' ? graph.statusCode : undefined;
  const details = { statusCode, graphCode: graph.code, requestId: graph.requestId };
  // Graph's own message often quotes the UPN or id asked for; the code and request id are enough to trace it.
  const answered = statusCode !== undefined && statusCode > 0;
  const message = answered
    ? `Graph call failed with ${statusCode}${graph.code ? ` (${graph.code})` : ''}`
    : `Graph call got no answer${graph.code ? ` (${graph.code})` : `: ${graph.name ?? 'network error'}`}`;
  if (statusCode === 404) return new AppError('directory.not-found', message, { details, userMessage: 'That person or object was not found in the directory.', userFault: true });
  if (statusCode === 401 || statusCode === 403) return new AppError('directory.denied', message, { details, userMessage: 'Passkey Coach is not allowed to do that in your directory.' });
  if (statusCode === 429) return new AppError('directory.throttled', message, { details, userMessage: 'Microsoft Graph is busy; please try again in a minute.' });
  // The SDK reports a request that got no answer (a network error, a timeout's abort) with status -1.
  if (statusCode === undefined || statusCode <= 0 || statusCode >= 500) return new AppError('directory.unavailable', message, { details, userMessage: 'Microsoft Graph is not answering right now; please try again shortly.' });
  return new AppError('directory.failed', message, { details, cause: error });
}

function odataString(value: string): string {
  return value.replace(/'/g, "''");
}

/**
 * The Graph application permission (or all of the permissions) each directory operation needs. A test keeps these
 * equal to GRAPH_PERMISSIONS, the README table and the Entra app manifest.
 */
export const DIRECTORY_PERMISSIONS: Record<keyof Directory, string | readonly string[]> = {
  getUser: 'User.Read.All',
  getManager: 'User.Read.All',
  getUsers: 'User.Read.All',
  listUsers: 'User.Read.All',
  transitiveGroupIds: 'GroupMember.Read.All',
  groupMemberIds: 'GroupMember.Read.All',
  userProfiles: 'MailboxSettings.Read',
  registrationDetails: 'AuditLog.Read.All',
  authenticationMethods: 'UserAuthenticationMethod.ReadWrite.All',
  createTemporaryAccessPass: 'UserAuthenticationMethod.ReadWrite.All',
  temporaryAccessPasses: 'UserAuthenticationMethod.ReadWrite.All',
  deleteTemporaryAccessPass: 'UserAuthenticationMethod.ReadWrite.All',
  revokeSignInSessions: 'User.RevokeSessions.All',
  deleteAuthenticationMethod: 'UserAuthenticationMethod.ReadWrite.All',
  temporaryAccessPassPolicy: 'Policy.Read.All',
  directoryRoles: ['RoleManagement.Read.Directory', 'GroupMember.Read.All', 'PrivilegedAssignmentSchedule.Read.AzureADGroup', 'PrivilegedEligibilitySchedule.Read.AzureADGroup'],
  mailboxTimeZone: 'MailboxSettings.Read',
  installAppForUser: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
  installedAppChatId: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
};
