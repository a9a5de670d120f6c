// Installing the Teams app in a user's personal scope (what makes proactive 1:1 messages possible),
// listing installs, the bot's 1:1 chat id, and uninstalling.

import type { SeedUser } from '../../tenant-seed.js';
import { type EmulatorContext, requireUser } from '../emulator-context.js';
import { badRequest, GraphHttpError } from '../graph-errors.js';
import { evaluateFilter } from '../odata-filter.js';
import { contextUrl, type ODataRequest, parseExpand, parseFilterOption } from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route } from '../router.js';
import type { Installation } from '../tenant-state.js';
import { collection } from './directory-routes.js';

const FILTERABLE = new Set(['id', 'teamsApp/id', 'teamsApp/externalId', 'teamsApp/displayName', 'teamsApp/distributionMethod', 'teamsAppDefinition/teamsAppId', 'teamsAppDefinition/displayName']);

export function teamworkRoutes(context: EmulatorContext): Route[] {
  const app = context.state.seed.teamsApp;
  const version = app.version ?? '1.0.0';
  const teamsApp = { id: app.catalogId, externalId: app.externalId, displayName: app.displayName, distributionMethod: 'organization' };
  const teamsAppDefinition = {
    id: Buffer.from(`${app.catalogId}##${version}`).toString('base64'),
    teamsAppId: app.catalogId,
    azureADAppId: context.state.botId,
    displayName: app.displayName,
    version,
    publishingState: 'published',
    shortDescription: null,
    description: null,
    lastModifiedDateTime: null,
    createdBy: null,
  };

  const full = (installation: Installation) => ({ id: installation.installationId, teamsApp, teamsAppDefinition });

  const installationFor = (user: SeedUser, installationId: string): Installation => {
    const installation = context.state.installation(user.id);
    if (!installation || installation.installationId !== installationId) {
      throw new GraphHttpError(404, 'NotFound', `The app installation '${installationId}' was not found for user '${user.id}'.`);
    }
    return installation;
  };

  const shape = (request: ODataRequest, installation: Installation) => {
    const expand = parseExpand(request, new Set(['teamsApp', 'teamsAppDefinition']));
    const entity: Record<string, unknown> = { id: installation.installationId };
    for (const item of expand) entity[item.name] = item.name === 'teamsApp' ? teamsApp : teamsAppDefinition;
    return entity;
  };

  return [
    {
      method: 'POST',
      pattern: '/users/{user}/teamwork/installedApps',
      permissions: PERMISSIONS.writeAppInstalls,
      throttle: 'appInstalls',
      handle: ({ params, body }) => {
        const user = requireUser(context, params.user as string);
        const bind = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['teamsApp@odata.bind'] : undefined;
        if (typeof bind !== 'string') throw badRequest("The request body must bind 'teamsApp@odata.bind' to an app in the catalog.");
        const catalogId = /\/appCatalogs\/teamsApps\/([^/?#]+)$/i.exec(bind)?.[1];
        if (!catalogId) throw badRequest(`'${bind}' is not a link to an app in the catalog (…/appCatalogs/teamsApps/{id}).`);
        if (catalogId.toLowerCase() !== app.catalogId) throw new GraphHttpError(404, 'NotFound', `The app '${catalogId}' was not found in the app catalog.`);
        if (!user.teamsLicensed) throw new GraphHttpError(403, 'Forbidden', `User '${user.id}' is not licensed for Microsoft Teams.`);
        if (context.state.installation(user.id)) throw new GraphHttpError(409, 'Conflict', 'App is already installed.');
        const installation = context.state.install(user.id);
        context.events.installed({
          tenantId: context.state.seed.tenant.id,
          userId: user.id,
          userPrincipalName: user.userPrincipalName,
          installationId: installation.installationId,
          chatId: installation.chatId,
          teamsAppId: app.catalogId,
          botId: context.state.botId,
        });
        return { status: 201 };
      },
    },
    {
      method: 'GET',
      pattern: '/users/{user}/teamwork/installedApps',
      permissions: PERMISSIONS.readAppInstalls,
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        const filter = parseFilterOption(request, { filterable: FILTERABLE });
        const installation = context.state.installation(user.id);
        const rows = (installation ? [installation] : []).filter((candidate) => {
          if (!filter) return true;
          const entity = full(candidate);
          return evaluateFilter(filter, (path) => path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], entity));
        });
        return collection(
          request,
          `users('${user.id}')/teamwork/installedApps`,
          undefined,
          undefined,
          rows.map((row) => shape(request, row)),
        );
      },
    },
    {
      method: 'GET',
      pattern: '/users/{user}/teamwork/installedApps/{installationId}',
      permissions: PERMISSIONS.readAppInstalls,
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        const installation = installationFor(user, params.installationId as string);
        return { status: 200, body: { '@odata.context': contextUrl(request, `users('${user.id}')/teamwork/installedApps/$entity`), ...shape(request, installation) } };
      },
    },
    {
      method: 'GET',
      pattern: '/users/{user}/teamwork/installedApps/{installationId}/chat',
      permissions: PERMISSIONS.readAppInstalls,
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        const installation = installationFor(user, params.installationId as string);
        const created = new Date(installation.installedAt).toISOString();
        return {
          status: 200,
          body: {
            '@odata.context': contextUrl(request, 'chats/$entity'),
            id: installation.chatId,
            topic: null,
            createdDateTime: created,
            lastUpdatedDateTime: created,
            chatType: 'oneOnOne',
            webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(installation.chatId)}/0?tenantId=${context.state.seed.tenant.id}`,
            tenantId: context.state.seed.tenant.id,
            onlineMeetingInfo: null,
            viewpoint: null,
          },
        };
      },
    },
    {
      method: 'DELETE',
      pattern: '/users/{user}/teamwork/installedApps/{installationId}',
      permissions: PERMISSIONS.writeAppInstalls,
      handle: ({ params }) => {
        const user = requireUser(context, params.user as string);
        const installation = installationFor(user, params.installationId as string);
        context.state.uninstall(user.id);
        context.events.uninstalled({ tenantId: context.state.seed.tenant.id, userId: user.id, installationId: installation.installationId });
        return { status: 204 };
      },
    },
  ];
}
