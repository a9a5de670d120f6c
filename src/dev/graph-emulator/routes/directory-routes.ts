// Users, managers, groups and membership, and mailbox settings: the directory reads Passkey Coach makes.

import type { SeedContact, SeedGroup, SeedUser } from '../../tenant-seed.js';
import { type EmulatorContext, requireUser } from '../emulator-context.js';
import { GraphHttpError, notFound } from '../graph-errors.js';
import { evaluateFilter, requiredEqualities } from '../odata-filter.js';
import {
  checkSelect,
  contextUrl,
  type ODataRequest,
  page,
  parseExpand,
  parseFilterOption,
  parseOrderBy,
  parseSelect,
  project,
  scanPage,
  wantsCount,
} from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route, RouteResult } from '../router.js';
import type { DirectoryMember, DirectReport, UserSortKey } from '../tenant-state.js';

const DIRECTORY_PAGING = { defaultTop: 100, maxTop: 999 };

/** The properties Graph v1.0 returns for a user when no $select is given. */
export const USER_DEFAULT_PROPERTIES = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

/** Service plans the emulator assigns (ids as in Microsoft's licensing reference). */
export const SERVICE_PLANS = {
  /** TEAMS1: Microsoft Teams. */
  teams: { service: 'TeamsForBusiness', servicePlanId: '57ff2da0-773e-42df-b2af-ffb7a2317929' },
  /** EXCHANGE_S_ENTERPRISE: Exchange Online (Plan 2). */
  exchange: { service: 'exchange', servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0' },
} as const;

/** The licence every emulated user with a plan holds: Office 365 E3 (ENTERPRISEPACK). */
export const LICENSE_SKU_ID = '6fd2c87f-b296-42f0-b197-1e91e994b900';

/** Where real people have a mailbox: a mail address in this tenant (a guest's mail is their home address). */
export function hasMailbox(user: SeedUser): boolean {
  return user.mail !== undefined && user.userType !== 'Guest';
}

/**
 * `assignedPlans` and `assignedLicenses` as Graph shows them: a Teams-licensed user has the Teams plan enabled,
 * anyone with a mailbox the Exchange plan. Both come with one SKU, the plan a user lacks listed as disabled in it;
 * a user with neither has no licence at all.
 */
function licensing(user: SeedUser): { assignedPlans: Record<string, string>[]; assignedLicenses: Record<string, unknown>[] } {
  const assignedDateTime = user.createdDateTime ?? '2020-01-01T00:00:00Z';
  const enabled = { teams: user.teamsLicensed, exchange: hasMailbox(user) };
  const plans = (['teams', 'exchange'] as const).filter((plan) => enabled[plan]).map((plan) => SERVICE_PLANS[plan]);
  const disabledPlans = (['teams', 'exchange'] as const).filter((plan) => !enabled[plan]).map((plan) => SERVICE_PLANS[plan].servicePlanId);
  return {
    assignedPlans: plans.map((plan) => ({ assignedDateTime, capabilityStatus: 'Enabled', ...plan })),
    assignedLicenses: plans.length === 0 ? [] : [{ disabledPlans, skuId: LICENSE_SKU_ID }],
  };
}

export function userEntity(user: SeedUser, companyName: string): Record<string, unknown> {
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName ?? null,
    jobTitle: user.jobTitle ?? null,
    mail: user.mail ?? null,
    mobilePhone: null,
    officeLocation: user.officeLocation ?? null,
    preferredLanguage: user.preferredLanguage ?? null,
    surname: user.surname ?? null,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    department: user.department ?? null,
    userType: user.userType,
    usageLocation: user.usageLocation ?? null,
    createdDateTime: user.createdDateTime ?? null,
    mailNickname: user.userPrincipalName.split('@')[0] ?? null,
    companyName,
    employeeId: null,
    employeeType: null,
    onPremisesSyncEnabled: null,
    ...licensing(user),
  };
}

export const USER_SELECTABLE = new Set([
  ...USER_DEFAULT_PROPERTIES,
  'accountEnabled',
  'department',
  'userType',
  'usageLocation',
  'createdDateTime',
  'mailNickname',
  'companyName',
  'employeeId',
  'employeeType',
  'onPremisesSyncEnabled',
  'assignedPlans',
  'assignedLicenses',
  'manager',
]);
export const USER_FILTERABLE = new Set([
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'jobTitle',
  'department',
  'officeLocation',
  'usageLocation',
  'accountEnabled',
  'userType',
  'createdDateTime',
  'mailNickname',
  'companyName',
  'employeeId',
]);
const USER_SORTABLE = new Set(['displayName', 'userPrincipalName']);
/** Properties the tenant state indexes: a filter requiring one of their values is answered by look-up, not a scan. */
const INDEXED_USER_PROPERTIES = new Set(['id', 'userPrincipalName', 'mail']);

export function groupEntity(group: SeedGroup): Record<string, unknown> {
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: null,
    description: group.description ?? null,
    displayName: group.displayName,
    groupTypes: [],
    isAssignableToRole: group.isAssignableToRole ?? null,
    mail: null,
    mailEnabled: false,
    mailNickname: group.mailNickname,
    securityEnabled: group.securityEnabled,
    visibility: null,
  };
}

const GROUP_SELECTABLE = new Set(Object.keys(groupEntity({ id: '', displayName: '', mailNickname: '', securityEnabled: true, members: [] })));

export function contactEntity(contact: SeedContact): Record<string, unknown> {
  return {
    id: contact.id,
    deletedDateTime: null,
    companyName: contact.companyName ?? null,
    department: null,
    displayName: contact.displayName,
    givenName: null,
    jobTitle: contact.jobTitle ?? null,
    mail: contact.mail ?? null,
    mailNickname: null,
    surname: null,
  };
}

const CONTACT_PROPERTIES = Object.keys(contactEntity({ id: '', displayName: '' }));
const GROUP_FILTERABLE = new Set(['id', 'displayName', 'mailNickname', 'securityEnabled', 'mailEnabled', 'description', 'isAssignableToRole']);

export function directoryRoutes(context: EmulatorContext): Route[] {
  const company = context.state.seed.tenant.displayName;

  const userWithExpand = (request: ODataRequest, user: SeedUser, select: string[] | undefined): Record<string, unknown> => {
    const expand = parseExpand(request, new Set(['manager']));
    const entity = project(userEntity(user, company), select?.filter((name) => name !== 'manager'), USER_DEFAULT_PROPERTIES);
    for (const item of expand) {
      const manager = context.state.manager(user);
      const managerSelect = item.select ? checkSelect(item.select, 'user', USER_SELECTABLE) : undefined;
      if (manager) entity.manager = { '@odata.type': '#microsoft.graph.user', ...project(userEntity(manager, company), managerSelect, USER_DEFAULT_PROPERTIES) };
    }
    return entity;
  };

  const directoryObjects = (request: ODataRequest, objects: ReadonlyArray<DirectoryMember | DirectReport>, cast?: 'user' | 'group'): RouteResult => {
    const filtered = cast === undefined ? objects : objects.filter((object) => (cast === 'user' ? 'user' in object : 'group' in object));
    const selectable = cast === 'group' ? GROUP_SELECTABLE : cast === 'user' ? USER_SELECTABLE : new Set([...USER_SELECTABLE, ...GROUP_SELECTABLE, ...CONTACT_PROPERTIES]);
    const select = parseSelect(request, cast ?? 'directoryObject', selectable);
    const { value, nextLink } = page(filtered, request, DIRECTORY_PAGING);
    const fragment = cast ? `directoryObjects/microsoft.graph.${cast}` : 'directoryObjects';
    return collection(request, fragment, nextLink, undefined, value.map((object) => directoryObject(object, select)));
  };

  // A contact shows only the selected properties it has (it has no userPrincipalName or accountEnabled).
  const directoryObject = (object: DirectoryMember | DirectReport, select: string[] | undefined): Record<string, unknown> => {
    if ('user' in object) return { '@odata.type': '#microsoft.graph.user', ...project(userEntity(object.user, company), select, USER_DEFAULT_PROPERTIES) };
    if ('group' in object) return { '@odata.type': '#microsoft.graph.group', ...project(groupEntity(object.group), select, Object.keys(groupEntity(object.group))) };
    return { '@odata.type': '#microsoft.graph.orgContact', ...project(contactEntity(object.contact), select?.filter((name) => CONTACT_PROPERTIES.includes(name)), CONTACT_PROPERTIES) };
  };

  // How many users a filter matches changes only with the directory (a user disabled or deleted): counted once per
  // filter and version.
  const counts = new Map<string, number>();
  const countOf = (request: ODataRequest, users: readonly SeedUser[], matches: (user: SeedUser) => boolean): number => {
    const key = `${context.state.directoryVersion} ${request.query.get('$filter') ?? ''}`;
    let total = counts.get(key);
    if (total === undefined) {
      total = users.reduce((sum, user) => sum + (matches(user) ? 1 : 0), 0);
      if (counts.size >= 1000) counts.clear();
      counts.set(key, total);
    }
    return total;
  };

  const requireGroup = (id: string): SeedGroup => {
    const group = context.state.group(id);
    if (!group) throw notFound(id);
    return group;
  };

  return [
    {
      method: 'GET',
      pattern: '/users',
      permissions: PERMISSIONS.readUsers,
      handle: ({ request }) => {
        const filter = parseFilterOption(request, { filterable: USER_FILTERABLE, advancedQueries: true });
        const select = parseSelect(request, 'user', USER_SELECTABLE);
        const count = wantsCount(request);
        const order = parseOrderBy(request, USER_SORTABLE);
        const users = context.state.listing(filter && requiredEqualities(filter, INDEXED_USER_PROPERTIES), order && { property: order.property as UserSortKey, descending: order.descending });
        const matches = (user: SeedUser) => {
          if (!filter) return true;
          const entity = userEntity(user, company);
          return evaluateFilter(filter, (path) => entity[path.join('/')]);
        };
        const { value, nextLink } = scanPage(users, request, DIRECTORY_PAGING, (user) => (matches(user) ? user : undefined));
        const fragment = select ? `users(${select.join(',')})` : 'users';
        return collection(request, fragment, nextLink, count ? countOf(request, users, matches) : undefined, value.map((user) => userWithExpand(request, user, select)));
      },
    },
    {
      method: 'GET',
      pattern: '/users/{user}',
      permissions: PERMISSIONS.readUsers,
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        const select = parseSelect(request, 'user', USER_SELECTABLE);
        const fragment = select ? `users(${select.join(',')})/$entity` : 'users/$entity';
        return { status: 200, body: { '@odata.context': contextUrl(request, fragment), ...userWithExpand(request, user, select) } };
      },
    },
    {
      method: 'GET',
      pattern: '/users/{user}/manager',
      permissions: PERMISSIONS.readUserManager,
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        const manager = context.state.manager(user);
        if (!manager) throw notFound('manager');
        const select = parseSelect(request, 'user', USER_SELECTABLE);
        return {
          status: 200,
          body: { '@odata.context': contextUrl(request, 'directoryObjects/$entity'), '@odata.type': '#microsoft.graph.user', ...project(userEntity(manager, company), select, USER_DEFAULT_PROPERTIES) },
        };
      },
    },
    // Graph lists users and organisational contacts among a manager's reports; the cast to users leaves contacts out.
    ...([undefined, 'user'] as const).map(
      (cast): Route => ({
        method: 'GET',
        pattern: cast ? '/users/{user}/directReports/microsoft.graph.user' : '/users/{user}/directReports',
        permissions: PERMISSIONS.readUserManager,
        handle: ({ request, params }) => directoryObjects(request, context.state.directReports(requireUser(context, params.user as string)), cast),
      }),
    ),
    ...(['transitiveMemberOf', 'memberOf'] as const).flatMap((relation): Route[] => {
      const groupsOf = (userId: string): readonly SeedGroup[] => (relation === 'memberOf' ? context.state.directGroups(userId) : context.state.transitiveGroups(userId));
      return [
        {
          method: 'GET',
          pattern: `/users/{user}/${relation}`,
          permissions: PERMISSIONS.readUserGroups,
          handle: ({ request, params }) =>
            directoryObjects(
              request,
              groupsOf(requireUser(context, params.user as string).id).map((group) => ({ group })),
            ),
        },
        {
          method: 'GET',
          pattern: `/users/{user}/${relation}/microsoft.graph.group`,
          permissions: PERMISSIONS.readUserGroups,
          handle: ({ request, params }) =>
            directoryObjects(
              request,
              groupsOf(requireUser(context, params.user as string).id).map((group) => ({ group })),
              'group',
            ),
        },
      ];
    }),
    {
      method: 'GET',
      pattern: '/groups',
      permissions: PERMISSIONS.readGroupMembers,
      handle: ({ request }) => {
        const filter = parseFilterOption(request, { filterable: GROUP_FILTERABLE, advancedQueries: true });
        const select = parseSelect(request, 'group', GROUP_SELECTABLE);
        const groups = context.state.groups().filter((group) => {
          if (!filter) return true;
          const entity = groupEntity(group);
          return evaluateFilter(filter, (path) => entity[path.join('/')]);
        });
        const { value, nextLink } = page(groups, request, DIRECTORY_PAGING);
        return collection(
          request,
          select ? `groups(${select.join(',')})` : 'groups',
          nextLink,
          undefined,
          value.map((group) => project(groupEntity(group), select, Object.keys(groupEntity(group)))),
        );
      },
    },
    {
      method: 'GET',
      pattern: '/groups/{group}',
      permissions: PERMISSIONS.readGroupMembers,
      handle: ({ request, params }) => {
        const group = requireGroup(params.group as string);
        const select = parseSelect(request, 'group', GROUP_SELECTABLE);
        return { status: 200, body: { '@odata.context': contextUrl(request, 'groups/$entity'), ...project(groupEntity(group), select, Object.keys(groupEntity(group))) } };
      },
    },
    ...(['members', 'transitiveMembers'] as const).flatMap((relation): Route[] => {
      const membersOf = (group: SeedGroup) => (relation === 'members' ? context.state.members(group) : context.state.transitiveMembers(group));
      return [
        {
          method: 'GET',
          pattern: `/groups/{group}/${relation}`,
          permissions: PERMISSIONS.readGroupMembers,
          handle: ({ request, params }) => directoryObjects(request, membersOf(requireGroup(params.group as string))),
        },
        {
          method: 'GET',
          pattern: `/groups/{group}/${relation}/microsoft.graph.user`,
          permissions: PERMISSIONS.readGroupMembers,
          handle: ({ request, params }) => directoryObjects(request, membersOf(requireGroup(params.group as string)), 'user'),
        },
      ];
    }),
    {
      method: 'GET',
      pattern: '/users/{user}/mailboxSettings',
      permissions: PERMISSIONS.readMailboxSettings,
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        if (!user.mail || user.userType === 'Guest') {
          throw new GraphHttpError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
        }
        const timeZone = user.mailboxTimeZone ?? context.state.seed.tenant.defaultTimeZone;
        const locale = user.preferredLanguage ?? 'en-US';
        return {
          status: 200,
          body: {
            '@odata.context': contextUrl(request, `users('${user.id}')/mailboxSettings`),
            archiveFolder: null,
            timeZone,
            delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
            dateFormat: 'yyyy-MM-dd',
            timeFormat: 'HH:mm',
            userPurpose: user.accountKind === 'person' ? 'user' : user.accountKind === 'shared' ? 'shared' : 'room',
            automaticRepliesSetting: { status: 'disabled', externalAudience: 'all', internalReplyMessage: '', externalReplyMessage: '' },
            language: { locale, displayName: locale },
            workingHours: {
              daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
              startTime: '09:00:00.0000000',
              endTime: '17:00:00.0000000',
              timeZone: { name: timeZone },
            },
          },
        };
      },
    },
  ];
}

export function collection(request: ODataRequest, fragment: string, nextLink: string | undefined, count: number | undefined, value: unknown[]): RouteResult {
  return {
    status: 200,
    body: {
      '@odata.context': contextUrl(request, fragment),
      ...(count === undefined ? {} : { '@odata.count': count }),
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      value,
    },
  };
}
