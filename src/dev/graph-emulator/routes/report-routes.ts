// The authentication-methods registration report (userRegistrationDetails): paged, filtered, lagging
// behind real-time method changes, with newer method names hidden behind an evolvable-enum preference.

import type { RegisteredMethod, SeedUser } from '../../tenant-seed.js';
import { type EmulatorContext, requireUser } from '../emulator-context.js';
import { notFound } from '../graph-errors.js';
import { evaluateFilter, requiredEqualities } from '../odata-filter.js';
import { contextUrl, type ODataRequest, parseFilterOption, parseOrderBy, parseSelect, project, scanPage } from '../odata-query.js';
import { PERMISSIONS } from '../permissions.js';
import type { Route } from '../router.js';
import { collection } from './directory-routes.js';

/**
 * methodsRegistered values added after the report's first release. Graph hides such evolvable-enum
 * members behind `Prefer: include-unknown-enum-members`, answering `unknownFutureValue` without it.
 */
export const EVOLVABLE_METHOD_VALUES: ReadonlySet<RegisteredMethod> = new Set([
  'passKeyDeviceBound',
  'passKeyDeviceBoundAuthenticator',
  'passKeyDeviceBoundWindowsHello',
  'passKeySynced',
  'macOsSecureEnclaveKey',
  'fido2SecurityKey',
]);

const REPORT_FIELDS = [
  'id',
  'userPrincipalName',
  'userDisplayName',
  'userType',
  'isAdmin',
  'isSsprRegistered',
  'isSsprEnabled',
  'isSsprCapable',
  'isMfaRegistered',
  'isMfaCapable',
  'isPasswordlessCapable',
  'isSystemPreferredAuthenticationMethodEnabled',
  'lastUpdatedDateTime',
  'methodsRegistered',
  'systemPreferredAuthenticationMethods',
  'userPreferredMethodForSecondaryAuthentication',
];
/** Every field can be filtered on except the timestamp, as Graph documents for this report. */
const FILTERABLE = new Set(REPORT_FIELDS.filter((field) => field !== 'lastUpdatedDateTime'));
const SORTABLE = new Set(['userPrincipalName', 'userDisplayName']);
/** Row fields equal to an indexed user property, so `id eq '…'` is a look-up (see TenantState.listing). */
const INDEXED = new Set(['id', 'userPrincipalName']);
const PREFERENCE = 'include-unknown-enum-members';

export function reportRoutes(context: EmulatorContext): Route[] {
  const snapshotTime = () => context.now() - context.reportLagMinutes * 60_000;
  const record = (user: SeedUser, at = snapshotTime()) => context.state.registrationDetails(user, at, context.startedAt);

  const present = (request: ODataRequest, details: Record<string, unknown>, select: string[] | undefined, unknownMembers = wantsUnknownMembers(request)): Record<string, unknown> => {
    const shown = unknownMembers ? details : { ...details, methodsRegistered: hideEvolvable(details.methodsRegistered as RegisteredMethod[]) };
    return project(shown, select, REPORT_FIELDS);
  };

  const appliedHeaders = (request: ODataRequest) => (wantsUnknownMembers(request) ? { 'Preference-Applied': PREFERENCE } : undefined);

  return [
    {
      method: 'GET',
      pattern: '/reports/authenticationMethods/userRegistrationDetails',
      permissions: PERMISSIONS.readRegistrationReport,
      throttle: 'identityReports',
      handle: ({ request }) => {
        const filter = parseFilterOption(request, { filterable: FILTERABLE });
        const select = parseSelect(request, 'userRegistrationDetails', new Set(REPORT_FIELDS));
        const order = parseOrderBy(request, SORTABLE);
        const at = snapshotTime();
        const unknownMembers = wantsUnknownMembers(request);
        // Rows are built only for the users a page reaches (scanPage), in the order the listing gives them.
        const users = context.state.listing(
          filter && requiredEqualities(filter, INDEXED),
          order && { property: order.property === 'userDisplayName' ? 'displayName' : 'userPrincipalName', descending: order.descending },
        );
        const { value, nextLink } = scanPage(users, request, { defaultTop: context.reportPageSize, maxTop: 1000 }, (user) => {
          // Graph documents that the report leaves disabled accounts out.
          if (!user.accountEnabled) return undefined;
          const row = record(user, at);
          return !filter || evaluateFilter(filter, (path) => row[path.join('/')]) ? row : undefined;
        });
        const result = collection(
          request,
          'reports/authenticationMethods/userRegistrationDetails',
          nextLink,
          undefined,
          value.map((row) => present(request, row, select, unknownMembers)),
        );
        return { ...result, headers: appliedHeaders(request) };
      },
    },
    {
      method: 'GET',
      pattern: '/reports/authenticationMethods/userRegistrationDetails/{user}',
      permissions: PERMISSIONS.readRegistrationReport,
      throttle: 'identityReports',
      handle: ({ request, params }) => {
        const user = requireUser(context, params.user as string);
        if (!user.accountEnabled) throw notFound(user.id);
        const select = parseSelect(request, 'userRegistrationDetails', new Set(REPORT_FIELDS));
        return {
          status: 200,
          headers: appliedHeaders(request),
          body: { '@odata.context': contextUrl(request, 'reports/authenticationMethods/userRegistrationDetails/$entity'), ...present(request, record(user), select) },
        };
      },
    },
  ];
}

function wantsUnknownMembers(request: ODataRequest): boolean {
  return (request.headers.prefer ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .includes(PREFERENCE);
}

function hideEvolvable(methods: readonly RegisteredMethod[]): string[] {
  return [...new Set(methods.map((method) => (EVOLVABLE_METHOD_VALUES.has(method) ? 'unknownFutureValue' : method)))];
}
