// The directory port: what features need from the people directory, and the Graph permission each operation needs.

import type { PasskeyPolicy } from './passkey-policy.js';
import type { PhotoUpdateSettings } from './photo-settings-check.js';
import type { RoleSummary } from './admin-roles.js';
import type { AuthenticationMethod, DirectoryUser, RegistrationDetails, TemporaryAccessPassMethod, TemporaryAccessPassPolicy } from './graph-shapes.js';

export interface UserProfile {
  user: DirectoryUser;
  /** Whether an enabled plan of the user's licences includes Teams. */
  teamsLicensed: boolean;
  mailbox?: { timeZone?: string; userPurpose?: string; language?: string };
  /**
   * Graph refused the mailbox settings (an access policy, a permission missing), as opposed to there being no mailbox
   * (a 404, which says nothing): what the account is for cannot be told.
   */
  mailboxUnreadable?: true;
  /** Whether the Teams app asked about is installed for the user; undefined when not asked, or Graph would not say. */
  appInstalled?: boolean;
}

export type InstallOutcome = 'installed' | 'already-installed';

/**
 * What Entra says of an account: enabled, disabled, deleted (in the recycle bin, where it stays 30 days), or gone (no
 * such object: deleted and purged, or never there). Graph does not say since when an account is disabled.
 */
export type AccountState = 'enabled' | 'disabled' | 'deleted' | 'gone';

/** A deleted user as the recycle bin shows them (Entra prefixes the UPN of a deleted user with its object id). */
export interface DeletedUser {
  id: string;
  userPrincipalName: string;
  deletedDateTime?: string;
}

export interface TapRequest {
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  startDateTime?: string;
}

/** What features need from the directory. Implemented by GraphDirectory; features never see Graph. */
export interface Directory {
  getUser(idOrUpn: string): Promise<DirectoryUser | undefined>;
  getManager(userId: string): Promise<DirectoryUser | undefined>;
  /**
   * The people whose manager is this user: users only (an organisational contact can have a manager too), disabled
   * accounts included, every page. An id not in the directory fails with `directory.not-found`.
   */
  directReports(userId: string, options?: { pageSize?: number }): Promise<DirectoryUser[]>;
  /** Many people at once, 20 per Graph `$batch` call; ids that do not exist are absent from the map. */
  getUsers(ids: readonly string[]): Promise<Map<string, DirectoryUser>>;
  listUsers(options?: { filter?: string; pageSize?: number }): AsyncIterable<DirectoryUser[]>;
  /** Each account's state, 20 reads per `$batch` call; an id not in `/users` is looked for in the recycle bin. */
  accountStates(ids: readonly string[]): Promise<Map<string, AccountState>>;
  /** The deleted user (still in the recycle bin) who had this UPN, if any. */
  deletedUserByUpn(upn: string): Promise<DeletedUser | undefined>;
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
  /** The tenant's passkey (FIDO2) method policy, profiles and targets included. */
  passkeyPolicy(): Promise<PasskeyPolicy>;
  /** Who may change people's profile photos (Graph beta's photoUpdateSettings): the source of Face Check's photo. */
  photoUpdateSettings(): Promise<PhotoUpdateSettings>;
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

/** Reads one Graph `$batch` call carries (Graph's limit). */
export const GRAPH_BATCH_READS = 20;

/** Graph reads behind one person's profile (userProfiles): the user and their mailbox settings, with a catalog app its install too. */
export function readsPerProfile(catalogAppId: string | undefined): number {
  return catalogAppId ? 3 : 2;
}

/** How many people's profiles one round trip to Graph reads: userProfiles with more ids makes more calls, one after another. */
export function profilesPerCall(options: { catalogAppId?: string } = {}): number {
  return Math.floor(GRAPH_BATCH_READS / readsPerProfile(options.catalogAppId));
}

/** One page of the registration report and the link to the next (absent on the last page). */
export interface RegistrationPage {
  rows: RegistrationDetails[];
  nextLink?: string;
}

/**
 * The Graph application permission (or all of the permissions) each directory operation needs. A test keeps these
 * equal to GRAPH_PERMISSIONS, the README table and the Entra app manifest.
 */
export const DIRECTORY_PERMISSIONS: Record<keyof Directory, string | readonly string[]> = {
  getUser: 'User.Read.All',
  getManager: 'User.Read.All',
  directReports: 'User.Read.All',
  getUsers: 'User.Read.All',
  listUsers: 'User.Read.All',
  accountStates: 'User.Read.All',
  deletedUserByUpn: 'User.Read.All',
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
  temporaryAccessPassPolicy: 'Policy.Read.AuthenticationMethod',
  passkeyPolicy: 'Policy.Read.AuthenticationMethod',
  photoUpdateSettings: 'PeopleSettings.Read.All',
  directoryRoles: ['RoleManagement.Read.Directory', 'GroupMember.Read.All', 'PrivilegedAssignmentSchedule.Read.AzureADGroup', 'PrivilegedEligibilitySchedule.Read.AzureADGroup'],
  mailboxTimeZone: 'MailboxSettings.Read',
  installAppForUser: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
  installedAppChatId: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
};
