// Real-time authentication methods: list and get every kind, delete them, and create Temporary Access
// Passes under the tenant's policy. Every read counts against the identity-and-access-reports throttle.

import type { SeedUser } from '../../tenant-seed.js';
import { type EmulatorContext, requireUser } from '../emulator-context.js';
import { badRequest, forbidden, GraphHttpError, notFound } from '../graph-errors.js';
import { METHOD_SEGMENTS, type MethodSegment } from '../method-resources.js';
import { contextUrl, type ODataRequest } from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route } from '../router.js';

const TYPE_TO_SEGMENT = new Map<string, MethodSegment>(Object.entries(METHOD_SEGMENTS).map(([segment, type]) => [type, segment as MethodSegment]));

function readPermissions(segment: MethodSegment): readonly string[] {
  if (segment === 'fido2Methods') return PERMISSIONS.readPasskeys;
  if (segment === 'temporaryAccessPassMethods') return PERMISSIONS.readPasses;
  return PERMISSIONS.readMethods;
}

function writePermissions(segment: MethodSegment): readonly string[] {
  if (segment === 'fido2Methods') return PERMISSIONS.writePasskeys;
  if (segment === 'temporaryAccessPassMethods') return PERMISSIONS.writePasses;
  return PERMISSIONS.writeMethods;
}

export function methodRoutes(context: EmulatorContext): Route[] {
  const resourcesOf = (user: SeedUser, segment?: MethodSegment) =>
    context.state.methodResources(user).filter((resource) => segment === undefined || TYPE_TO_SEGMENT.get(resource['@odata.type'] as string) === segment);

  const list = (request: ODataRequest, user: SeedUser, segment: string, value: unknown[]) => ({
    status: 200,
    body: { '@odata.context': contextUrl(request, `users('${user.id}')/authentication/${segment}`), value },
  });

  const single = (request: ODataRequest, user: SeedUser, segment: string, resources: Record<string, unknown>[], id: string) => {
    const found = resources.find((resource) => String(resource.id).toLowerCase() === id.toLowerCase());
    if (!found) throw notFound(id);
    return { status: 200, body: { '@odata.context': contextUrl(request, `users('${user.id}')/authentication/${segment}/$entity`), ...found } };
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: '/users/{user}/authentication/methods',
      permissions: PERMISSIONS.readMethods,
      throttle: 'identityReports',
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        return list(request, user, 'methods', resourcesOf(user));
      },
    },
    {
      method: 'GET',
      pattern: '/users/{user}/authentication/methods/{methodId}',
      permissions: PERMISSIONS.readMethods,
      throttle: 'identityReports',
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        return single(request, user, 'methods', resourcesOf(user), params.methodId as string);
      },
    },
  ];

  for (const segment of Object.keys(METHOD_SEGMENTS) as MethodSegment[]) {
    routes.push(
      {
        method: 'GET',
        pattern: `/users/{user}/authentication/${segment}`,
        permissions: readPermissions(segment),
        throttle: 'identityReports',
        handle: ({ request, params }) => {
          const user = requireUser(context, params.user as string);
          return list(request, user, segment, resourcesOf(user, segment));
        },
      },
      {
        method: 'GET',
        pattern: `/users/{user}/authentication/${segment}/{methodId}`,
        permissions: readPermissions(segment),
        throttle: 'identityReports',
        handle: ({ request, params }) => {
          const user = requireUser(context, params.user as string);
          return single(request, user, segment, resourcesOf(user, segment), params.methodId as string);
        },
      },
    );
    if (segment === 'passwordMethods') continue;
    routes.push({
      method: 'DELETE',
      pattern: `/users/{user}/authentication/${segment}/{methodId}`,
      permissions: writePermissions(segment),
      handle: ({ params }) => {
        const user = requireUser(context, params.user as string);
        const methodId = params.methodId as string;
        const target = resourcesOf(user, segment).find((resource) => String(resource.id).toLowerCase() === methodId.toLowerCase());
        if (!target) throw notFound(methodId);
        const pass = segment === 'temporaryAccessPassMethods' ? context.state.currentPass(user.id) : undefined;
        // Deleting a pass that still works also ends the sessions signed in with it.
        if (pass && context.state.passIsUsable(pass)) context.state.revoke(user.id, 'temporaryAccessPassDeleted');
        context.state.remove(user.id, methodId);
        return { status: 204 };
      },
    });
  }

  routes.push({
    method: 'GET',
    pattern: '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{configuration}',
    permissions: PERMISSIONS.readAuthenticationPolicy,
    handle: ({ request, params }) => {
      // The Temporary Access Pass and passkey (FIDO2) configurations are emulated; Graph names the others the same way.
      const configuration = String(params.configuration).toLowerCase();
      if (configuration === 'fido2') return { status: 200, body: passkeyConfiguration(request, context.state.seed.passkeyPolicy) };
      if (configuration !== 'temporaryaccesspass') throw notFound(String(params.configuration));
      const policy = context.state.seed.tapPolicy;
      return {
        status: 200,
        body: {
          '@odata.context': contextUrl(request, 'policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity'),
          '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
          id: 'TemporaryAccessPass',
          state: policy.state,
          defaultLifetimeInMinutes: policy.defaultLifetimeInMinutes,
          defaultLength: policy.defaultLength,
          minimumLifetimeInMinutes: policy.minimumLifetimeInMinutes,
          maximumLifetimeInMinutes: policy.maximumLifetimeInMinutes,
          isUsableOnce: policy.isUsableOnce,
          includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
        },
      };
    },
  });
  routes.push({
    method: 'POST',
    pattern: '/users/{user}/authentication/temporaryAccessPassMethods',
    permissions: PERMISSIONS.writePasses,
    handle: ({ request, params, body }) => {
      const user = requireUser(context, params.user as string);
      const policy = context.state.seed.tapPolicy;
      if (policy.state !== 'enabled') throw forbidden('The Temporary Access Pass authentication method is disabled by the tenant policy.');
      const terms = passTerms(body, policy, context.now());
      const { record, value } = context.state.createPass(user.id, terms);
      return {
        status: 201,
        body: {
          '@odata.context': contextUrl(request, `users('${user.id}')/authentication/temporaryAccessPassMethods/$entity`),
          ...context.state.passResource(record, value),
        },
      };
    },
  });
  return routes;
}

function passTerms(
  body: unknown,
  policy: EmulatorContext['state']['seed']['tapPolicy'],
  now: number,
): { startAt: number; lifetimeInMinutes: number; isUsableOnce: boolean } {
  const input = body === undefined ? {} : body;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('The request body must be a temporaryAccessPassAuthenticationMethod object.');
  const fields = input as Record<string, unknown>;

  let lifetimeInMinutes = policy.defaultLifetimeInMinutes;
  if (fields.lifetimeInMinutes !== undefined && fields.lifetimeInMinutes !== null) {
    if (typeof fields.lifetimeInMinutes !== 'number' || !Number.isInteger(fields.lifetimeInMinutes)) {
      throw badRequest("Cannot convert the literal to the expected type 'Edm.Int32' for property 'lifetimeInMinutes'.");
    }
    lifetimeInMinutes = fields.lifetimeInMinutes;
  }
  const minimum = Math.max(10, policy.minimumLifetimeInMinutes);
  const maximum = Math.min(43200, policy.maximumLifetimeInMinutes);
  if (lifetimeInMinutes < minimum || lifetimeInMinutes > maximum) {
    throw new GraphHttpError(400, 'badRequest', `Invalid LifetimeInMinutes specified. The valid range between ${minimum} and ${maximum}.`, {}, true);
  }

  let isUsableOnce = policy.isUsableOnce;
  if (fields.isUsableOnce !== undefined && fields.isUsableOnce !== null) {
    if (typeof fields.isUsableOnce !== 'boolean') throw badRequest("Cannot convert the literal to the expected type 'Edm.Boolean' for property 'isUsableOnce'.");
    if (policy.isUsableOnce && !fields.isUsableOnce) {
      throw new GraphHttpError(400, 'badRequest', 'The Temporary Access Pass policy allows one-time passes only: isUsableOnce cannot be false.', {}, true);
    }
    isUsableOnce = fields.isUsableOnce;
  }

  let startAt = now;
  if (fields.startDateTime !== undefined && fields.startDateTime !== null) {
    const parsed = typeof fields.startDateTime === 'string' ? Date.parse(fields.startDateTime) : Number.NaN;
    if (Number.isNaN(parsed)) throw badRequest("Cannot convert the literal to the expected type 'Edm.DateTimeOffset' for property 'startDateTime'.");
    startAt = parsed;
  }
  return { startAt, lifetimeInMinutes, isUsableOnce };
}

/** The passkey (FIDO2) configuration as Graph v1.0 shows it: profiles and the default profile only once migrated. */
function passkeyConfiguration(request: Parameters<typeof contextUrl>[0], policy: EmulatorContext['state']['seed']['passkeyPolicy']): Record<string, unknown> {
  return {
    '@odata.context': contextUrl(request, 'policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity'),
    '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration',
    id: 'Fido2',
    state: policy.state,
    isSelfServiceRegistrationAllowed: policy.isSelfServiceRegistrationAllowed,
    isAttestationEnforced: policy.isAttestationEnforced,
    keyRestrictions: policy.keyRestrictions,
    includeTargets: policy.includeTargets,
    excludeTargets: policy.excludeTargets,
    ...(policy.passkeyProfiles ? { passkeyProfiles: policy.passkeyProfiles, defaultPasskeyProfile: policy.defaultPasskeyProfile ?? policy.passkeyProfiles[0]?.id ?? null } : {}),
  };
}
