// The organisation's people settings: who may change profile photos (Graph has it in beta only).

import type { EmulatorContext } from '../emulator-context.js';
import { badRequest } from '../graph-errors.js';
import { contextUrl } from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route } from '../router.js';

export function peopleSettingsRoutes(context: EmulatorContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/admin/people/photoUpdateSettings',
      permissions: PERMISSIONS.readPeopleSettings,
      handle: ({ request }) => {
        if (request.version !== 'beta') throw badRequest("Resource not found for the segment 'photoUpdateSettings'.");
        const settings = context.state.seed.photoUpdateSettings;
        return { status: 200, body: { '@odata.context': contextUrl(request, 'admin/people/photoUpdateSettings/$entity'), source: settings.source, allowedRoles: [...settings.allowedRoles] } };
      },
    },
  ];
}
