// Every Microsoft Graph permission Passkey Coach asks for, and why. The README table, the Entra app
// manifest (infra/aad.manifest.json) and the directory module's operations are all checked against this list.

export interface GraphPermission {
  /** As Entra names it, e.g. `UserAuthenticationMethod.Read.All`. */
  name: string;
  /** Application (the bot acting as itself) or Delegated (on behalf of a signed-in person). */
  type: 'Application' | 'Delegated';
  /** One sentence an approving Global Administrator can check. */
  why: string;
}

export const GRAPH_PERMISSIONS: readonly GraphPermission[] = [
  { name: 'User.Read.All', type: 'Application', why: "Read people's names, departments, account state, managers and direct reports: whom to coach, whom to ask when someone refuses, and who is in a manager's team." },
  { name: 'GroupMember.Read.All', type: 'Application', why: 'Read group membership: the helpdesk, approver, security and admin groups that decide who may do what, and pilot or excluded groups.' },
  { name: 'AuditLog.Read.All', type: 'Application', why: 'Read the authentication-methods registration report: who has no passkey yet (needs Entra ID P1/P2).' },
  {
    name: 'UserAuthenticationMethod.ReadWrite.All',
    type: 'Application',
    why: "Read a person's real-time methods (\"check my status\") and create or remove Temporary Access Passes after a second person approves. Where your tenant offers them, the granular UserAuthMethod-Passkey.Read.All and UserAuthMethod-TAP.ReadWrite.All are narrower.",
  },
  {
    name: 'Policy.Read.AuthenticationMethod',
    type: 'Application',
    why: "Read the tenant's authentication methods policy: the Temporary Access Pass lifetimes a helpdesk request may offer, and the passkey policy, so the coach tells each person whether synced passkeys count for them.",
  },
  { name: 'User.RevokeSessions.All', type: 'Application', why: "Sign a person out everywhere when a pass was issued in error (the helpdesk's recovery step)." },
  {
    name: 'RoleManagement.Read.Directory',
    type: 'Application',
    why: "Tell privileged accounts apart (admin roles, active and eligible, a person's own and those of their role-assignable groups): passes for them are refused by default.",
  },
  {
    name: 'PrivilegedAssignmentSchedule.Read.AzureADGroup',
    type: 'Application',
    why: 'Read who holds a membership through PIM for Groups right now, so an admin role that comes with a group counts as privileged.',
  },
  {
    name: 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    type: 'Application',
    why: 'Read who may activate a group membership through PIM for Groups, so a role one activation away counts as privileged too.',
  },
  { name: 'MailboxSettings.Read', type: 'Application', why: "Read a person's time zone so campaign messages arrive in working hours, and whether a mailbox is a person's or a shared or room one (never targeted)." },
  {
    name: 'PeopleSettings.Read.All',
    type: 'Application',
    why: "Read whether people may change their own profile photo (`check-config`): Verified ID's Face Check compares a face with that photo, so it proves little when anyone can replace it.",
  },
  {
    name: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
    type: 'Application',
    why: 'Install Passkey Coach (and only it) for a person so it can start the personal chat, and find that chat.',
  },
];
