// The application permissions (app roles in the token) each emulated endpoint accepts, least privileged
// first, as Graph's permission tables list them. A token holding none of them gets 403.

const DIRECTORY_READ = ['Directory.Read.All', 'Directory.ReadWrite.All'];
const METHODS_READ = ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'];

export const PERMISSIONS = {
  readUsers: ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', ...DIRECTORY_READ],
  readUserManager: ['User.Read.All', 'User.ReadWrite.All', ...DIRECTORY_READ],
  readUserGroups: ['GroupMember.Read.All', 'Group.Read.All', 'User.Read.All', ...DIRECTORY_READ],
  readGroupMembers: ['GroupMember.Read.All', 'Group.Read.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All', ...DIRECTORY_READ],
  readMailboxSettings: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
  readRegistrationReport: ['AuditLog.Read.All'],
  readMethods: METHODS_READ,
  readPasskeys: ['UserAuthMethod-Passkey.Read.All', 'UserAuthMethod-Passkey.ReadWrite.All', ...METHODS_READ],
  writePasskeys: ['UserAuthMethod-Passkey.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All'],
  readPasses: ['UserAuthMethod-TAP.Read.All', 'UserAuthMethod-TAP.ReadWrite.All', ...METHODS_READ],
  writePasses: ['UserAuthMethod-TAP.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All'],
  writeMethods: ['UserAuthenticationMethod.ReadWrite.All'],
  readAuthenticationPolicy: ['Policy.Read.AuthenticationMethod', 'Policy.Read.All', 'Policy.ReadWrite.AuthenticationMethod'],
  revokeSessions: ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  readRoleAssignments: ['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'RoleManagement.ReadWrite.Directory', ...DIRECTORY_READ],
  readRoleEligibility: ['RoleEligibilitySchedule.Read.Directory', 'RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'RoleEligibilitySchedule.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'],
  readGroupEligibility: ['PrivilegedEligibilitySchedule.Read.AzureADGroup', 'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup'],
  readGroupAssignments: ['PrivilegedAssignmentSchedule.Read.AzureADGroup', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup'],
  readAppInstalls: ['TeamsAppInstallation.ReadForUser.All', 'TeamsAppInstallation.ReadWriteSelfForUser.All', 'TeamsAppInstallation.ReadWriteForUser.All'],
  writeAppInstalls: ['TeamsAppInstallation.ReadWriteSelfForUser.All', 'TeamsAppInstallation.ReadWriteForUser.All'],
  readPeopleSettings: ['PeopleSettings.Read.All', 'PeopleSettings.ReadWrite.All'],
  readServicePrincipals: ['Application.Read.All', 'Application.ReadWrite.All', ...DIRECTORY_READ],
} as const satisfies Record<string, readonly string[]>;

/** What a seeded app gets when the seed does not list its roles: every permission above. */
export const ALL_APPLICATION_PERMISSIONS: readonly string[] = [...new Set(Object.values(PERMISSIONS).flat())].sort();

/** Microsoft Graph's own app id: its service principal offers the permissions above as app roles. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
