// The directory's Microsoft Graph adapter: the only code in the product that calls Graph.

import { PASSKEY_POLICY_PATH, type PasskeyPolicy, passkeyPolicySchema } from './passkey-policy.js';
import { PHOTO_UPDATE_SETTINGS_PATH, type PhotoUpdateSettings, photoUpdateSettingsSchema } from './photo-settings-check.js';
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { AppError, isAppError } from '../errors/app-error.js';
import { readAdminRoles, type RoleSummary } from './admin-roles.js';
import { type AccountState, type DeletedUser, type Directory, type InstallOutcome, type RegistrationPage, readsPerProfile, type TapRequest, type UserProfile } from './directory-port.js';
import { batchGet, UNREADABLE } from './graph-batch.js';
import { toAppError } from './graph-errors.js';
import {
  type AuthenticationMethod,
  type DirectoryUser,
  idOnlySchema,
  mailboxSchema,
  METHOD_SEGMENT_BY_TYPE,
  methodSchema,
  pageSchema,
  profileUserSchema,
  registrationSchema,
  TEAMS_SERVICE_PLAN_ID,
  type TemporaryAccessPassMethod,
  type TemporaryAccessPassPolicy,
  tapPolicySchema,
  tapSchema,
  USER_FIELDS,
  userSchema,
} from './graph-shapes.js';

export interface GraphDirectoryOptions {
  /** Graph's root (`https://graph.microsoft.com`, a national cloud's, or the emulator's): `@odata.bind` links point into it. */
  graphBaseUrl?: string;
  /** Called with every secret Graph hands back (a pass value) before anything else sees it: register it with the log redactor. */
  onSecret?: (value: string) => void;
  /** Waits between rounds of a batch whose items were throttled; injected for tests. */
  sleep?: (ms: number) => Promise<void>;
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

  async directReports(userId: string, options: { pageSize?: number } = {}): Promise<DirectoryUser[]> {
    // The cast leaves out the organisational contacts Graph lists among a manager's reports; the type check below
    // holds if a Graph ever answers the cast with other objects all the same.
    const request = this.#client.api(`/users/${encodeURIComponent(userId)}/directReports/microsoft.graph.user`).select(USER_FIELDS).top(options.pageSize ?? 999);
    return this.#call(async () => {
      const reports: DirectoryUser[] = [];
      for await (const page of this.#pages(await request.get(), idOnlySchema)) {
        for (const item of page) if (item['@odata.type'] === undefined || item['@odata.type'] === '#microsoft.graph.user') reports.push(userSchema.parse(item));
      }
      return reports;
    });
  }

  async getUsers(ids: readonly string[]): Promise<Map<string, DirectoryUser>> {
    const found = new Map<string, DirectoryUser>();
    const answers = await this.#batchGet([...new Set(ids)].map((id) => `/users/${encodeURIComponent(id)}?$select=${USER_FIELDS}`), {});
    [...new Set(ids)].forEach((id, index) => {
      const answer = answers[index];
      if (answer !== undefined) found.set(id, userSchema.parse(answer));
    });
    return found;
  }

  async accountStates(ids: readonly string[]): Promise<Map<string, AccountState>> {
    const unique = [...new Set(ids)];
    const states = new Map<string, AccountState>();
    const answers = await this.#batchGet(unique.map((id) => `/users/${encodeURIComponent(id)}?$select=id,accountEnabled`), {});
    const missing: string[] = [];
    unique.forEach((id, index) => {
      const answer = accountSchema.safeParse(answers[index]);
      if (answer.success) states.set(id, answer.data.accountEnabled === false ? 'disabled' : 'enabled');
      else if (answers[index] === undefined) missing.push(id);
      else throw new AppError('directory.failed', `Graph answered a user read with something that is not a user (${id})`);
    });
    // Not in /users: deleted (the recycle bin has them for 30 days) or gone for good.
    const deleted = await this.#batchGet(missing.map((id) => `/directory/deletedItems/${encodeURIComponent(id)}?$select=id`), {});
    missing.forEach((id, index) => {
      states.set(id, deleted[index] === undefined ? 'gone' : 'deleted');
    });
    return states;
  }

  async deletedUserByUpn(upn: string): Promise<DeletedUser | undefined> {
    const wanted = upn.trim().toLowerCase();
    const first = await this.#call(() => this.#client.api('/directory/deletedItems/microsoft.graph.user').select('id,userPrincipalName,deletedDateTime').top(999).get());
    // Entra renames a deleted user to `<object id without dashes><UPN>`: the UPN they had is what follows the id.
    for await (const page of this.#pages(first, deletedUserSchema)) {
      const found = page.find((user) => user.userPrincipalName.toLowerCase() === `${user.id.replace(/-/g, '').toLowerCase()}${wanted}`);
      if (found) return { id: found.id, userPrincipalName: found.userPrincipalName, ...(found.deletedDateTime ? { deletedDateTime: found.deletedDateTime } : {}) };
    }
    return undefined;
  }

  async userProfiles(ids: readonly string[], options: { catalogAppId?: string } = {}): Promise<Map<string, UserProfile>> {
    const unique = [...new Set(ids)];
    const { catalogAppId } = options;
    const perUser = readsPerProfile(catalogAppId);
    const urls = unique.flatMap((id) => [
      `/users/${encodeURIComponent(id)}?$select=${USER_FIELDS},assignedPlans`,
      `/users/${encodeURIComponent(id)}/mailboxSettings?$select=timeZone,userPurpose,language`,
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
      const mailboxAnswer = answers[perUser * index + 1];
      const mailbox = mailboxSchema.safeParse(mailboxAnswer);
      const installAnswer = catalogAppId ? answers[perUser * index + 2] : undefined;
      const installs = catalogAppId && installAnswer !== UNREADABLE ? pageSchema.safeParse(installAnswer) : undefined;
      const teamsLicensed = (user.assignedPlans ?? []).some(
        (plan) => (plan.servicePlanId?.toLowerCase() === TEAMS_SERVICE_PLAN_ID || plan.service === 'TeamsForBusiness') && plan.capabilityStatus === 'Enabled',
      );
      const { assignedPlans: _plans, ...plain } = user;
      profiles.set(id, {
        user: plain,
        teamsLicensed,
        mailbox: mailbox.success ? { timeZone: mailbox.data.timeZone ?? undefined, userPurpose: mailbox.data.userPurpose ?? undefined, language: mailbox.data.language?.locale ?? undefined } : undefined,
        ...(mailboxAnswer === UNREADABLE ? { mailboxUnreadable: true as const } : {}),
        ...(installs?.success ? { appInstalled: installs.data.value.length > 0 } : {}),
      });
    });
    return profiles;
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

  async passkeyPolicy(): Promise<PasskeyPolicy> {
    return passkeyPolicySchema.parse(await this.#call(() => this.#client.api(PASSKEY_POLICY_PATH).get()));
  }

  async photoUpdateSettings(): Promise<PhotoUpdateSettings> {
    return photoUpdateSettingsSchema.parse(await this.#call(() => this.#client.api(PHOTO_UPDATE_SETTINGS_PATH).version('beta').get()));
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

  /** GETs through `$batch`: the answers' bodies in the order asked, undefined for a 404 (see batchGet). */
  #batchGet(urls: readonly string[], options: { optional?: (url: string) => boolean }): Promise<unknown[]> {
    return batchGet((body) => this.#call(() => this.#client.api('/$batch').post(body)), urls, { ...options, sleep: this.#sleep });
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

const accountSchema = z.object({ id: z.string(), accountEnabled: z.boolean().nullable().optional() }).passthrough();
const deletedUserSchema = z.object({ id: z.string(), userPrincipalName: z.string(), deletedDateTime: z.string().nullable().optional() }).passthrough();

function odataString(value: string): string {
  return value.replace(/'/g, "''");
}
