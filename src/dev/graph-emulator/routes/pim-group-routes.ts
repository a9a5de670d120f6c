// PIM for Groups: the current instances of eligible and active group access (membership or ownership), from the
// seed's pimForGroups. As in Graph, a list must be scoped by a principalId or groupId filter.

import type { EmulatorContext } from '../emulator-context.js';
import { badRequest } from '../graph-errors.js';
import { evaluateFilter, requiredEqualities } from '../odata-filter.js';
import { type ODataRequest, page, parseFilterOption } from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route } from '../router.js';
import { stableGuid } from '../tenant-state.js';
import { collection } from './directory-routes.js';

type Access = EmulatorContext['state']['seed']['pimForGroups']['eligibilities'][number];

const FILTERABLE = new Set(['principalId', 'groupId', 'accessId', 'memberType', 'id']);
const SCOPING = new Set(['principalId', 'groupId']);
const PAGING = { defaultTop: 100, maxTop: 999 };
const BASE = 'identityGovernance/privilegedAccess/group';

export function pimGroupRoutes(context: EmulatorContext): Route[] {
  const pim = context.state.seed.pimForGroups;
  const startDateTime = new Date(context.startedAt).toISOString();

  const instances = (request: ODataRequest, fragment: string, source: readonly Access[], entity: (access: Access) => Record<string, unknown>) => {
    const filter = parseFilterOption(request, { filterable: FILTERABLE });
    if (!filter || !requiredEqualities(filter, SCOPING)) throw badRequest('The request must filter on principalId or groupId.');
    const rows = source.map(entity).filter((row) => evaluateFilter(filter, (path) => row[path.join('/')]));
    const { value, nextLink } = page(rows, request, PAGING);
    return collection(request, fragment, nextLink, undefined, value);
  };
  const common = (access: Access, kind: string) => ({
    id: `${access.groupId}_${access.accessId}_${stableGuid(`${kind}:${access.groupId}:${access.accessId}:${access.principalId}`)}`,
    accessId: access.accessId,
    principalId: access.principalId,
    groupId: access.groupId,
    memberType: 'Direct',
    startDateTime,
    endDateTime: null,
  });

  return [
    {
      method: 'GET',
      pattern: `/${BASE}/eligibilityScheduleInstances`,
      permissions: PERMISSIONS.readGroupEligibility,
      handle: ({ request }) =>
        instances(request, `${BASE}/eligibilityScheduleInstances`, pim.eligibilities, (access) => ({
          ...common(access, 'eligibility'),
          eligibilityScheduleId: stableGuid(`eligibility-schedule:${access.groupId}:${access.accessId}:${access.principalId}`),
        })),
    },
    {
      method: 'GET',
      pattern: `/${BASE}/assignmentScheduleInstances`,
      permissions: PERMISSIONS.readGroupAssignments,
      handle: ({ request }) =>
        instances(request, `${BASE}/assignmentScheduleInstances`, pim.assignments, (access) => ({
          ...common(access, 'assignment'),
          assignmentType: 'assigned',
          assignmentScheduleId: stableGuid(`assignment-schedule:${access.groupId}:${access.accessId}:${access.principalId}`),
        })),
    },
  ];
}
