// Directory roles (unified RBAC): definitions, active assignments, eligibility schedules and their instances, and
// revoking a user's sign-in sessions. Grants are returned as granted: to the user or to a group, tenant-wide (`/`) or
// for one administrative unit.

import { type EmulatorContext, requireUser } from '../emulator-context.js';
import { notFound } from '../graph-errors.js';
import { evaluateFilter } from '../odata-filter.js';
import { contextUrl, type ODataRequest, page, parseExpand, parseFilterOption, parseSelect, project } from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route } from '../router.js';
import { roleGrantId, stableGuid } from '../tenant-state.js';
import { collection } from './directory-routes.js';

type Definition = EmulatorContext['state']['seed']['directoryRoles']['definitions'][number];
type Grant = { principalId: string; roleDefinitionId: string; directoryScopeId?: string };

const GRANT_FILTERABLE = new Set(['principalId', 'roleDefinitionId', 'directoryScopeId', 'id']);
const DEFINITION_FILTERABLE = new Set(['id', 'displayName', 'templateId', 'isBuiltIn', 'isEnabled', 'isPrivileged']);
const PAGING = { defaultTop: 100, maxTop: 999 };

function definitionEntity(definition: Definition): Record<string, unknown> {
  return {
    id: definition.id,
    description: null,
    displayName: definition.displayName,
    isBuiltIn: true,
    isEnabled: true,
    isPrivileged: definition.isPrivileged,
    resourceScopes: ['/'],
    templateId: definition.id,
    version: '1',
    rolePermissions: [],
  };
}

const scopeOf = (grant: Grant): string => grant.directoryScopeId ?? '/';
const eligibilityId = (grant: Grant): string => stableGuid(`eligibility:${grant.roleDefinitionId}:${grant.principalId}${scopeOf(grant) === '/' ? '' : `:${scopeOf(grant)}`}`);

export function roleRoutes(context: EmulatorContext): Route[] {
  const roles = context.state.seed.directoryRoles;
  const definition = (id: string) => roles.definitions.find((candidate) => candidate.id === id);

  const grants = (request: ODataRequest, fragment: string, source: readonly Grant[], entity: (grant: Grant) => Record<string, unknown>) => {
    const filter = parseFilterOption(request, { filterable: GRANT_FILTERABLE });
    const expand = parseExpand(request, new Set(['roleDefinition', 'principal']));
    const rows = source.map(entity).filter((row) => !filter || evaluateFilter(filter, (path) => row[path.join('/')]));
    const { value, nextLink } = page(rows, request, PAGING);
    const expanded = value.map((row) => {
      const out = { ...row };
      for (const item of expand) {
        if (item.name === 'roleDefinition') {
          const found = definition(row.roleDefinitionId as string);
          out.roleDefinition = found ? project(definitionEntity(found), item.select, Object.keys(definitionEntity(found))) : null;
        } else {
          out.principal = principalOf(row.principalId as string);
        }
      }
      return out;
    });
    return collection(request, fragment, nextLink, undefined, expanded);
  };

  const principalOf = (id: string): Record<string, unknown> | null => {
    const user = context.state.findUser(id);
    if (user) return { '@odata.type': '#microsoft.graph.user', id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName };
    const group = context.state.group(id);
    return group ? { '@odata.type': '#microsoft.graph.group', id: group.id, displayName: group.displayName } : null;
  };

  return [
    {
      method: 'GET',
      pattern: '/roleManagement/directory/roleDefinitions',
      permissions: PERMISSIONS.readRoleAssignments,
      handle: ({ request }) => {
        const filter = parseFilterOption(request, { filterable: DEFINITION_FILTERABLE });
        const select = parseSelect(request, 'unifiedRoleDefinition', new Set(Object.keys(definitionEntity(roles.definitions[0] ?? { id: '', displayName: '', isPrivileged: true }))));
        const rows = roles.definitions.map(definitionEntity).filter((row) => !filter || evaluateFilter(filter, (path) => row[path.join('/')]));
        const { value, nextLink } = page(rows, request, PAGING);
        return collection(request, 'roleManagement/directory/roleDefinitions', nextLink, undefined, value.map((row) => project(row, select, Object.keys(row))));
      },
    },
    {
      method: 'GET',
      pattern: '/roleManagement/directory/roleDefinitions/{id}',
      permissions: PERMISSIONS.readRoleAssignments,
      handle: ({ request, params }) => {
        const found = definition((params.id as string).toLowerCase());
        if (!found) throw notFound(params.id as string);
        return { status: 200, body: { '@odata.context': contextUrl(request, 'roleManagement/directory/roleDefinitions/$entity'), ...definitionEntity(found) } };
      },
    },
    {
      method: 'GET',
      pattern: '/roleManagement/directory/roleAssignments',
      permissions: PERMISSIONS.readRoleAssignments,
      handle: ({ request }) =>
        grants(request, 'roleManagement/directory/roleAssignments', roles.assignments, (grant) => ({
          // Graph's id joins role and principal; a grant for an administrative unit also names the unit.
          id: roleGrantId(grant.roleDefinitionId, grant.principalId, scopeOf(grant) === '/' ? '1' : `1-${scopeOf(grant).split('/')[2]}`),
          principalId: grant.principalId,
          roleDefinitionId: grant.roleDefinitionId,
          directoryScopeId: scopeOf(grant),
          appScopeId: null,
        })),
    },
    {
      method: 'GET',
      pattern: '/roleManagement/directory/roleEligibilitySchedules',
      permissions: PERMISSIONS.readRoleEligibility,
      handle: ({ request }) =>
        grants(request, 'roleManagement/directory/roleEligibilitySchedules', roles.eligibilities, (grant) => ({
          id: eligibilityId(grant),
          principalId: grant.principalId,
          roleDefinitionId: grant.roleDefinitionId,
          directoryScopeId: scopeOf(grant),
          appScopeId: null,
          createdUsing: null,
          createdDateTime: new Date(context.startedAt).toISOString(),
          modifiedDateTime: null,
          status: 'Provisioned',
          memberType: 'Direct',
          scheduleInfo: { startDateTime: new Date(context.startedAt).toISOString(), recurrence: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } },
        })),
    },
    {
      method: 'GET',
      pattern: '/roleManagement/directory/roleEligibilityScheduleInstances',
      permissions: PERMISSIONS.readRoleEligibility,
      handle: ({ request }) =>
        grants(request, 'roleManagement/directory/roleEligibilityScheduleInstances', roles.eligibilities, (grant) => ({
          id: stableGuid(`eligibility-instance:${eligibilityId(grant)}`),
          principalId: grant.principalId,
          roleDefinitionId: grant.roleDefinitionId,
          directoryScopeId: scopeOf(grant),
          appScopeId: null,
          startDateTime: new Date(context.startedAt).toISOString(),
          endDateTime: null,
          memberType: 'Direct',
          roleEligibilityScheduleId: eligibilityId(grant),
        })),
    },
    {
      method: 'POST',
      pattern: '/users/{user}/revokeSignInSessions',
      permissions: PERMISSIONS.revokeSessions,
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        context.state.revoke(user.id, 'revokeSignInSessions');
        return { status: 200, body: { '@odata.context': contextUrl(request, 'Edm.Boolean'), value: true } };
      },
    },
  ];
}
