// Users, managers, groups and membership, and mailbox settings: the directory reads Passkey Coach makes.

import type { SeedGroup, SeedUser } from '../../tenant-seed.js';
import { type EmulatorContext, requireUser } from '../emulator-context.js';
import { GraphHttpError, notFound } from '../graph-errors.js';
import { evaluateFilter } from '../odata-filter.js';
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
  wantsCount,
} from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route, RouteResult } from '../router.js';

const DIRECTORY_PAGING = { defaultTop: 100, maxTop: 999 };

/** The properties Graph v1.0 returns for a user when no $select is given. */
export const USER_DEFAULT_PROPERTIES = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

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
  };
}

const USER_SELECTABLE = new Set([
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
  'manager',
]);
const USER_FILTERABLE = new Set([
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

export function groupEntity(group: SeedGroup): Record<string, unknown> {
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: null,
    description: group.description ?? null,
    displayName: group.displayName,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: false,
    mailNickname: group.mailNickname,
    securityEnabled: group.securityEnabled,
    visibility: null,
  };
}

const GROUP_SELECTABLE = new Set(Object.keys(groupEntity({ id: '', displayName: '', mailNickname: '', securityEnabled: true, members: [] })));
const GROUP_FILTERABLE = new Set(['id', 'displayName', 'mailNickname', 'securityEnabled', 'mailEnabled', 'description']);

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

  const directoryObjects = (request: ODataRequest, objects: Array<{ user: SeedUser } | { group: SeedGroup }>, cast?: 'user' | 'group'): RouteResult => {
    const filtered = objects.filter((object) => cast === undefined || (cast === 'user' ? 'user' in object : 'group' in object));
    const selectable = cast === 'group' ? GROUP_SELECTABLE : cast === 'user' ? USER_SELECTABLE : new Set([...USER_SELECTABLE, ...GROUP_SELECTABLE]);
    const select = parseSelect(request, cast ?? 'directoryObject', selectable);
    const { value, nextLink } = page(filtered, request, DIRECTORY_PAGING);
    const fragment = cast ? `directoryObjects/microsoft.graph.${cast}` : 'directoryObjects';
    return collection(request, fragment, nextLink, undefined, value.map((object) => directoryObject(object, select)));
  };

  const directoryObject = (object: { user: SeedUser } | { group: SeedGroup }, select: string[] | undefined): Record<string, unknown> =>
    'user' in object
      ? { '@odata.type': '#microsoft.graph.user', ...project(userEntity(object.user, company), select, USER_DEFAULT_PROPERTIES) }
      : { '@odata.type': '#microsoft.graph.group', ...project(groupEntity(object.group), select, Object.keys(groupEntity(object.group))) };

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
        let users = context.state.users().filter((user) => {
          if (!filter) return true;
          const entity = userEntity(user, company);
          return evaluateFilter(filter, (path) => entity[path.join('/')]);
        });
        if (order) {
          const key = order.property as 'displayName' | 'userPrincipalName';
          users = [...users].sort((a, b) => a[key].localeCompare(b[key]) * (order.descending ? -1 : 1));
        }
        const { value, nextLink } = page(users, request, DIRECTORY_PAGING);
        const fragment = select ? `users(${select.join(',')})` : 'users';
        return collection(request, fragment, nextLink, count ? users.length : undefined, value.map((user) => userWithExpand(request, user, select)));
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
    {
      method: 'GET',
      pattern: '/users/{user}/directReports',
      permissions: PERMISSIONS.readUserManager,
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        const reports = context.state.users().filter((candidate) => candidate.managerId === user.id);
        return directoryObjects(
          request,
          reports.map((report) => ({ user: report })),
        );
      },
    },
    ...(['transitiveMemberOf', 'memberOf'] as const).flatMap((relation): Route[] => {
      const groupsOf = (userId: string) =>
        relation === 'memberOf' ? context.state.groups().filter((group) => group.members.includes(userId)) : context.state.transitiveGroups(userId);
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
      const membersOf = (group: SeedGroup): Array<{ user: SeedUser } | { group: SeedGroup }> => {
        if (relation === 'members') return context.state.members(group);
        const seen = new Map<string, { user: SeedUser } | { group: SeedGroup }>();
        const walk = (current: SeedGroup) => {
          for (const member of context.state.members(current)) {
            const id = 'user' in member ? member.user.id : member.group.id;
            if (seen.has(id)) continue;
            seen.set(id, member);
            if ('group' in member) walk(member.group);
          }
        };
        walk(group);
        return [...seen.values()];
      };
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
