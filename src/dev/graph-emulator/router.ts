// The route table's shape: a method, a path pattern under the version segment, the permissions it needs,
// the throttle bucket it counts against, and a handler that returns status and body.

import type { ODataRequest } from './odata-query.js';
import type { AppIdentity } from './token-service.js';

export type ThrottleBucket = 'identityReports' | 'appInstalls';

export interface RouteContext {
  request: ODataRequest;
  params: Readonly<Record<string, string>>;
  body: unknown;
  app: AppIdentity;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** e.g. `/users/{user}/authentication/fido2Methods/{methodId}`; literal segments match case-insensitively. */
  pattern: string;
  permissions: readonly string[];
  throttle?: ThrottleBucket;
  handle(context: RouteContext): RouteResult | Promise<RouteResult>;
}

export type RouteMatch = { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | { unknownSegment: string };

export function matchRoute(routes: readonly Route[], method: string, resourcePath: string): RouteMatch {
  const segments = resourcePath.split('/').filter((segment) => segment !== '');
  let pathMatched = false;
  let deepest = 0;
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter((segment) => segment !== '');
    const params = matchSegments(pattern, segments);
    if (params === undefined) {
      deepest = Math.max(deepest, commonPrefix(pattern, segments));
      continue;
    }
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  if (pathMatched) return { methodNotAllowed: true };
  return { unknownSegment: segments[deepest] ?? segments[segments.length - 1] ?? '' };
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] as string;
    const actual = segments[i] as string;
    if (expected.startsWith('{') && expected.endsWith('}')) {
      params[expected.slice(1, -1)] = decodeURIComponent(actual);
    } else if (expected.toLowerCase() !== actual.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

function commonPrefix(pattern: string[], segments: string[]): number {
  let i = 0;
  while (i < pattern.length && i < segments.length) {
    const expected = pattern[i] as string;
    if (!(expected.startsWith('{') || expected.toLowerCase() === (segments[i] as string).toLowerCase())) break;
    i += 1;
  }
  return i;
}
