// Entra's recycle bin: users deleted in the last 30 days, as `/directory/deletedItems` shows them (their UPN prefixed
// with their object id without dashes, and `deletedDateTime`); `/users/{id}` answers 404 for them.

import type { SeedUser } from '../../tenant-seed.js';
import type { EmulatorContext } from '../emulator-context.js';
import { notFound } from '../graph-errors.js';
import { evaluateFilter } from '../odata-filter.js';
import { contextUrl, page, parseFilterOption, parseSelect, project } from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route } from '../router.js';
import { collection, USER_DEFAULT_PROPERTIES, USER_FILTERABLE, USER_SELECTABLE, userEntity } from './directory-routes.js';

const DELETED_PAGING = { defaultTop: 100, maxTop: 999 };
const DELETED_SELECTABLE = new Set([...USER_SELECTABLE, 'deletedDateTime']);

export function deletedItemsRoutes(context: EmulatorContext): Route[] {
  const company = context.state.seed.tenant.displayName;
  const entity = (user: SeedUser & { deletedDateTime: string }): Record<string, unknown> => ({
    ...userEntity(user, company),
    userPrincipalName: `${user.id.replace(/-/g, '')}${user.userPrincipalName}`,
    deletedDateTime: user.deletedDateTime,
  });
  return [
    {
      method: 'GET',
      pattern: '/directory/deletedItems/microsoft.graph.user',
      permissions: PERMISSIONS.readUsers,
      handle: ({ request }) => {
        const filter = parseFilterOption(request, { filterable: new Set([...USER_FILTERABLE, 'deletedDateTime']), advancedQueries: true });
        const select = parseSelect(request, 'user', DELETED_SELECTABLE);
        const matching = context.state
          .deletedUsers()
          .map(entity)
          .filter((item) => !filter || evaluateFilter(filter, (path) => item[path.join('/')]));
        const { value, nextLink } = page(matching, request, DELETED_PAGING);
        return collection(request, 'directoryObjects/microsoft.graph.user', nextLink, undefined, value.map((item) => project(item, select, [...USER_DEFAULT_PROPERTIES, 'deletedDateTime'])));
      },
    },
    {
      method: 'GET',
      pattern: '/directory/deletedItems/{id}',
      permissions: PERMISSIONS.readUsers,
      handle: ({ request, params }) => {
        const user = context.state.deletedUser(params.id as string);
        if (!user) throw notFound(params.id as string);
        const select = parseSelect(request, 'user', DELETED_SELECTABLE);
        return {
          status: 200,
          body: { '@odata.context': contextUrl(request, 'directory/deletedItems/$entity'), '@odata.type': '#microsoft.graph.user', ...project(entity(user), select, [...USER_DEFAULT_PROPERTIES, 'deletedDateTime']) },
        };
      },
    },
  ];
}
