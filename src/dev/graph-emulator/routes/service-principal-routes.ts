// Service principals and their app role assignments: each seeded app's principal holds its roles (the permissions an
// admin granted it), as assignments of Microsoft Graph's app roles, so a service can ask Graph what it was granted.

import type { EmulatorContext } from '../emulator-context.js';
import { notFound } from '../graph-errors.js';
import { evaluateFilter } from '../odata-filter.js';
import { page, parseFilterOption, parseSelect, project } from '../odata-query.js';
import { ALL_APPLICATION_PERMISSIONS, GRAPH_APP_ID, PERMISSIONS } from '../permissions.js';
import type { Route } from '../router.js';
import { stableGuid } from '../tenant-state.js';
import { collection } from './directory-routes.js';

const FILTERABLE = new Set(['id', 'appId', 'displayName']);
const SELECTABLE = new Set(['id', 'appId', 'displayName', 'servicePrincipalType', 'accountEnabled', 'appRoles']);
const PAGING = { defaultTop: 100, maxTop: 999 };

/** The principal's object id, as the token service writes it into the `oid` claim. */
export const servicePrincipalId = (appId: string): string => stableGuid(`service-principal:${appId}`);
const appRoleId = (permission: string): string => stableGuid(`graph-app-role:${permission}`);

export function servicePrincipalRoutes(context: EmulatorContext): Route[] {
  const graphId = servicePrincipalId(GRAPH_APP_ID);
  const graph = {
    id: graphId,
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    servicePrincipalType: 'Application',
    accountEnabled: true,
    appRoles: ALL_APPLICATION_PERMISSIONS.map((permission) => ({ id: appRoleId(permission), value: permission, displayName: permission, description: permission, allowedMemberTypes: ['Application'], isEnabled: true, origin: 'Application' })),
  };
  const principals = (): Record<string, unknown>[] => [
    graph,
    ...context.state.seed.apps.map((app) => ({ id: servicePrincipalId(app.clientId), appId: app.clientId, displayName: app.displayName, servicePrincipalType: 'Application', accountEnabled: true, appRoles: [] })),
  ];

  return [
    {
      method: 'GET',
      pattern: '/servicePrincipals',
      permissions: PERMISSIONS.readServicePrincipals,
      handle: ({ request }) => {
        const filter = parseFilterOption(request, { filterable: FILTERABLE });
        const select = parseSelect(request, 'servicePrincipal', SELECTABLE);
        const rows = principals().filter((row) => !filter || evaluateFilter(filter, (path) => row[path.join('/')]));
        const { value, nextLink } = page(rows, request, PAGING);
        return collection(request, 'servicePrincipals', nextLink, undefined, value.map((row) => project(row, select, Object.keys(row))));
      },
    },
    {
      method: 'GET',
      pattern: '/servicePrincipals/{id}/appRoleAssignments',
      permissions: PERMISSIONS.readServicePrincipals,
      handle: ({ request, params }) => {
        const id = (params.id as string).toLowerCase();
        const app = context.state.seed.apps.find((candidate) => servicePrincipalId(candidate.clientId) === id);
        if (!app && id !== graphId) throw notFound(params.id as string);
        const roles = app ? (app.roles ?? ALL_APPLICATION_PERMISSIONS) : [];
        const rows = roles.map((permission) => ({
          id: stableGuid(`app-role-assignment:${id}:${permission}`),
          appRoleId: appRoleId(permission),
          principalId: id,
          principalType: 'ServicePrincipal',
          principalDisplayName: app?.displayName ?? null,
          resourceId: graphId,
          resourceDisplayName: 'Microsoft Graph',
          createdDateTime: new Date(context.startedAt).toISOString(),
          deletedDateTime: null,
        }));
        const { value, nextLink } = page(rows, request, PAGING);
        return collection(request, `servicePrincipals('${id}')/appRoleAssignments`, nextLink, undefined, value);
      },
    },
  ];
}
