// The seed format of a local demo tenant (demo/tenant.json): people, groups, roles, methods and policy
// that the Graph emulator serves. Documented for people in docs/demo-tenant.md.

import { datetimeRegex, z } from 'zod';

/** `methodsRegistered` values of Graph's userRegistrationDetails report; a seeded method names one of them. */
export const REGISTERED_METHODS = [
  'fido2SecurityKey',
  'passKeyDeviceBound',
  'passKeyDeviceBoundAuthenticator',
  'passKeyDeviceBoundWindowsHello',
  'passKeySynced',
  'windowsHelloForBusiness',
  'microsoftAuthenticatorPush',
  'microsoftAuthenticatorPasswordless',
  'softwareOneTimePasscode',
  'hardwareOneTimePasscode',
  'temporaryAccessPass',
  'macOsSecureEnclaveKey',
  'mobilePhone',
  'alternateMobilePhone',
  'sms',
  'email',
] as const;
export type RegisteredMethod = (typeof REGISTERED_METHODS)[number];

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a lower-case GUID');
// What z.string().datetime({ offset: true }) checks, compiled once: zod 3 builds that pattern anew for every value,
// which costs seconds on a 100 000-user seed.
const isoDateTime = z.string().regex(datetimeRegex({ offset: true, local: false, precision: null }), 'Invalid datetime');

export const seedMethodSchema = z.object({
  /** Also decides the Graph resource: fido2SecurityKey and passKey… → fido2AuthenticationMethod, windowsHelloForBusiness → windowsHelloForBusinessAuthenticationMethod, microsoftAuthenticator* → microsoftAuthenticatorAuthenticationMethod, mobilePhone/alternateMobilePhone/sms → phoneAuthenticationMethod, email → emailAuthenticationMethod, softwareOneTimePasscode → softwareOathAuthenticationMethod. */
  kind: z.enum(REGISTERED_METHODS),
  id: guid.optional(),
  displayName: z.string().min(1).max(200).optional(),
  createdDateTime: isoDateTime,
  /** FIDO2 / passkeys: authenticator model, AAGUID and attestation level. */
  model: z.string().max(200).optional(),
  aaGuid: guid.optional(),
  attestationLevel: z.enum(['attested', 'notAttested']).optional(),
  /** Phone methods: the number (E.164, shown masked by the emulator where Graph masks it). */
  phoneNumber: z.string().max(32).optional(),
  /** Email method. */
  emailAddress: z.string().email().optional(),
  /** Authenticator / Windows Hello: device name and OS. */
  deviceTag: z.string().max(100).optional(),
  phoneAppVersion: z.string().max(50).optional(),
});
export type SeedMethod = z.infer<typeof seedMethodSchema>;

export const seedUserSchema = z.object({
  id: guid,
  /** Guests look like `jane.doe_contoso.example#EXT#@northwind.example`, which a strict e-mail check refuses. */
  userPrincipalName: z.string().regex(/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i, 'a user principal name such as name@domain.example'),
  displayName: z.string().min(1).max(256),
  givenName: z.string().max(64).optional(),
  surname: z.string().max(64).optional(),
  mail: z.string().email().optional(),
  jobTitle: z.string().max(128).optional(),
  department: z.string().max(64).optional(),
  officeLocation: z.string().max(128).optional(),
  usageLocation: z.string().length(2).optional(),
  preferredLanguage: z.string().max(16).optional(),
  accountEnabled: z.boolean().default(true),
  userType: z.enum(['Member', 'Guest']).default('Member'),
  /** Id of the manager; absent for the top of the chain. */
  managerId: guid.optional(),
  /** Resource and shared mailboxes (rooms, shared inboxes): real accounts nobody enrols. */
  accountKind: z.enum(['person', 'resource', 'shared']).default('person'),
  /** Whether the user holds a licence that includes Teams. */
  teamsLicensed: z.boolean().default(true),
  mailboxTimeZone: z.string().max(64).optional(),
  /** Whether Passkey Coach is already installed for the user (personal scope). */
  appInstalled: z.boolean().default(false),
  /** Registered methods besides the password (every user has a password unless `passwordless`). */
  methods: z.array(seedMethodSchema).default([]),
  passwordless: z.boolean().default(false),
  createdDateTime: isoDateTime.optional(),
  /** Deleted in Entra at this instant: only in the recycle bin (`/directory/deletedItems`), a 404 at `/users/{id}`. */
  deletedDateTime: isoDateTime.optional(),
});
export type SeedUser = z.infer<typeof seedUserSchema>;

/** An organisational contact (someone outside the tenant, often synced from on-premises): no account, but a manager. */
export const seedContactSchema = z.object({
  id: guid,
  displayName: z.string().min(1).max(256),
  mail: z.string().email().optional(),
  companyName: z.string().max(64).optional(),
  jobTitle: z.string().max(128).optional(),
  /** Id of the user they report to: Graph lists them among that user's direct reports. */
  managerId: guid.optional(),
});
export type SeedContact = z.infer<typeof seedContactSchema>;

export const seedGroupSchema = z.object({
  id: guid,
  displayName: z.string().min(1).max(256),
  mailNickname: z.string().min(1).max(64),
  description: z.string().max(1024).optional(),
  securityEnabled: z.boolean().default(true),
  /** A short name the product's configuration refers to (e.g. HELPDESK_GROUP_ID in demo mode). */
  role: z.enum(['helpdesk', 'tap-approvers', 'security', 'campaign-admins', 'escalation', 'security-key-requests', 'excluded', 'pilot', 'leadership', 'privileged', 'department', 'leadership-digest']).optional(),
  /** User ids and group ids (nested groups are resolved by transitiveMemberOf). */
  members: z.array(guid).default([]),
  /** Whether admin roles can be granted to the group (Entra's isAssignableToRole); such a group holds users only. */
  isAssignableToRole: z.boolean().optional(),
});
export type SeedGroup = z.infer<typeof seedGroupSchema>;

const roleGrantSchema = z.object({
  principalId: guid,
  roleDefinitionId: guid,
  /** Where the role applies: absent or `/` for the whole tenant, `/administrativeUnits/{id}` for one administrative unit. */
  directoryScopeId: z
    .string()
    .regex(/^\/(administrativeUnits\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/, '/ or /administrativeUnits/{lower-case GUID}')
    .optional(),
});

const groupAccessSchema = z.object({ principalId: guid, groupId: guid, accessId: z.enum(['member', 'owner']).default('member') });

const keyRestrictionsSchema = z.object({
  isEnforced: z.boolean().default(false),
  enforcementType: z.enum(['allow', 'block']).default('block'),
  /** Authenticator Attestation GUIDs: which authenticator models (Microsoft Authenticator, a YubiKey 5, …). */
  aaGuids: z.array(z.string()).default([]),
});

export const seedSchema = z.object({
  tenant: z.object({
    id: guid,
    displayName: z.string().min(1),
    defaultDomain: z.string().min(3),
    defaultTimeZone: z.string().default('UTC'),
  }),
  /** The app registrations the token endpoint knows (client credentials). Demo secrets only. */
  apps: z
    .array(
      z.object({
        clientId: guid,
        clientSecret: z.string().min(16),
        displayName: z.string().min(1),
        /** Application permissions granted (the token's `roles`); absent: every permission the Graph emulator knows. */
        roles: z.array(z.string().min(1)).optional(),
      }),
    )
    .min(1),
  /** The Teams app in the org catalog (its catalog id is what installedApps binds to). */
  teamsApp: z.object({
    catalogId: guid,
    externalId: guid,
    displayName: z.string().min(1),
    /** The bot's app id (the 1:1 chat id is built from it); absent: the first app's clientId. */
    botId: guid.optional(),
    /** The manifest version shown in teamsAppDefinition. */
    version: z.string().min(1).optional(),
  }),
  /** Entra's Temporary Access Pass policy. */
  tapPolicy: z.object({
    state: z.enum(['enabled', 'disabled']).default('enabled'),
    defaultLifetimeInMinutes: z.number().int().min(10).max(43200).default(60),
    minimumLifetimeInMinutes: z.number().int().min(10).max(43200).default(60),
    maximumLifetimeInMinutes: z.number().int().min(10).max(43200).default(480),
    defaultLength: z.number().int().min(8).max(48).default(8),
    isUsableOnce: z.boolean().default(false),
  }),
  /**
   * Entra's passkey (FIDO2) policy, as Graph shows it: the legacy shape (one attestation flag and key restriction for
   * everyone included) or, with `passkeyProfiles`, the profiles each target allows. Default: enabled for all users,
   * no attestation, no restriction (the legacy shape).
   */
  passkeyPolicy: z
    .object({
      state: z.enum(['enabled', 'disabled']).default('enabled'),
      isSelfServiceRegistrationAllowed: z.boolean().default(true),
      isAttestationEnforced: z.boolean().default(false),
      keyRestrictions: keyRestrictionsSchema.default({ isEnforced: false, enforcementType: 'block', aaGuids: [] }),
      includeTargets: z
        .array(z.object({ targetType: z.literal('group').default('group'), id: z.union([z.literal('all_users'), guid]), isRegistrationRequired: z.boolean().default(false), allowedPasskeyProfiles: z.array(z.string()).optional() }))
        .default([{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }]),
      excludeTargets: z.array(z.object({ targetType: z.literal('group').default('group'), id: guid })).default([]),
      passkeyProfiles: z
        .array(
          z.object({
            id: z.string().min(1),
            name: z.string().min(1),
            passkeyTypes: z.enum(['deviceBound', 'synced', 'deviceBound,synced']),
            attestationEnforcement: z.enum(['disabled', 'registrationOnly']).default('disabled'),
            keyRestrictions: keyRestrictionsSchema.default({ isEnforced: false, enforcementType: 'allow', aaGuids: [] }),
          }),
        )
        .optional(),
      defaultPasskeyProfile: z.string().optional(),
    })
    .default({}),
  /**
   * Who may change profile photos (Graph beta's photoUpdateSettings). Default: only Global Administrators, so Face
   * Check's photo is one people cannot replace themselves; `allowedRoles: []` lets everyone change their own.
   */
  photoUpdateSettings: z
    .object({ source: z.enum(['cloud', 'onPremises']).default('cloud'), allowedRoles: z.array(z.string()).default(['62e90394-69f5-4237-9190-012177145e10']) })
    .default({}),
  /** How far the registration-details report lags behind real-time method changes. */
  reportLagMinutes: z.number().int().min(0).max(24 * 60).default(180),
  users: z.array(seedUserSchema).min(1),
  groups: z.array(seedGroupSchema).default([]),
  contacts: z.array(seedContactSchema).default([]),
  directoryRoles: z
    .object({
      /** roleDefinitionId → display name, e.g. 62e90394-69f5-4237-9190-012177145e10 → Global Administrator. */
      definitions: z.array(z.object({ id: guid, displayName: z.string().min(1), isPrivileged: z.boolean().default(true) })),
      assignments: z.array(roleGrantSchema).default([]),
      eligibilities: z.array(roleGrantSchema).default([]),
    })
    .default({ definitions: [], assignments: [], eligibilities: [] }),
  /** PIM for Groups: who may activate (eligibilities) or holds for now (assignments) a group's membership or ownership. */
  pimForGroups: z
    .object({
      eligibilities: z.array(groupAccessSchema).default([]),
      /** An active member assignment makes the principal a member of the group while it lasts, as in Entra. */
      assignments: z.array(groupAccessSchema).default([]),
    })
    .default({ eligibilities: [], assignments: [] }),
  /** Accounts the organisation keeps for emergencies: never targeted, never sent a pass. */
  breakGlassUserIds: z.array(guid).default([]),
  /**
   * The people a demo visitor talks as (Microsoft 365 Agents Playground takes the current user plus exactly five):
   * user ids of an unenrolled employee (the current user), their manager, a helpdesk agent, a TAP approver,
   * a security officer and a campaign admin. Optional for other seeds.
   */
  personas: z
    .object({ employee: guid, manager: guid, helpdesk: guid, approver: guid, security: guid, admin: guid })
    .optional(),
});
export type TenantSeed = z.infer<typeof seedSchema>;

/**
 * Parses and cross-checks a seed: ids and user principal names are unique, and every reference (manager, member,
 * role principal) exists. Every check is one pass with hashed look-ups, so a 100 000-user seed costs no more than
 * its schema.
 */
export function parseTenantSeed(json: unknown): TenantSeed {
  const seed = seedSchema.parse(json);
  const users = new Set<string>();
  const groups = new Set<string>();
  const principalNames = new Set<string>();
  const problems: string[] = [];
  for (const user of seed.users) {
    if (users.has(user.id)) problems.push(`duplicate user id ${user.id}`);
    users.add(user.id);
    const upn = user.userPrincipalName.toLowerCase();
    if (principalNames.has(upn)) problems.push(`duplicate userPrincipalName ${user.userPrincipalName}`);
    principalNames.add(upn);
  }
  for (const group of seed.groups) {
    if (groups.has(group.id) || users.has(group.id)) problems.push(`duplicate id ${group.id} (group ${group.displayName})`);
    groups.add(group.id);
  }
  for (const user of seed.users) {
    if (user.managerId && !users.has(user.managerId)) problems.push(`${user.userPrincipalName}: manager ${user.managerId} is not a user`);
  }
  const contacts = new Set<string>();
  for (const contact of seed.contacts) {
    if (users.has(contact.id) || groups.has(contact.id) || contacts.has(contact.id)) problems.push(`duplicate id ${contact.id} (contact ${contact.displayName})`);
    contacts.add(contact.id);
    if (contact.managerId && !users.has(contact.managerId)) problems.push(`contact ${contact.displayName}: manager ${contact.managerId} is not a user`);
  }
  for (const group of seed.groups) {
    for (const member of group.members) if (!users.has(member) && !groups.has(member)) problems.push(`${group.displayName}: member ${member} is unknown`);
    // As in Entra: a role-assignable group cannot have groups in it, so one level of membership is all there is.
    if (group.isAssignableToRole && group.members.some((member) => groups.has(member))) problems.push(`${group.displayName}: a role-assignable group cannot contain groups`);
  }
  const roleAssignable = new Set(seed.groups.filter((group) => group.isAssignableToRole).map((group) => group.id));
  const roles = new Set(seed.directoryRoles.definitions.map((d) => d.id));
  for (const grant of [...seed.directoryRoles.assignments, ...seed.directoryRoles.eligibilities]) {
    if (!users.has(grant.principalId) && !groups.has(grant.principalId)) problems.push(`role grant to unknown principal ${grant.principalId}`);
    else if (groups.has(grant.principalId) && !roleAssignable.has(grant.principalId)) problems.push(`role grant to group ${grant.principalId}, which is not role-assignable`);
    if (!roles.has(grant.roleDefinitionId)) problems.push(`role grant of unknown role ${grant.roleDefinitionId}`);
  }
  for (const access of [...seed.pimForGroups.eligibilities, ...seed.pimForGroups.assignments]) {
    if (!users.has(access.principalId) && !groups.has(access.principalId)) problems.push(`PIM for Groups access for unknown principal ${access.principalId}`);
    if (!groups.has(access.groupId)) problems.push(`PIM for Groups access to unknown group ${access.groupId}`);
  }
  for (const id of seed.breakGlassUserIds) if (!users.has(id)) problems.push(`break-glass account ${id} is not a user`);
  for (const [persona, id] of Object.entries(seed.personas ?? {})) if (!users.has(id)) problems.push(`persona ${persona} (${id}) is not a user`);
  if (problems.length > 0) throw new Error(`Tenant seed is inconsistent:\n- ${problems.join('\n- ')}`);
  return seed;
}

/** What the bot itself needs from a demo tenant when the emulators run elsewhere: no people, no consistency checks. */
export const seedIdentitySchema = seedSchema.pick({ tenant: true, apps: true, teamsApp: true, groups: true, breakGlassUserIds: true });
export type SeedIdentity = z.infer<typeof seedIdentitySchema>;
