// The Graph request pipeline, free of HTTP: token check, injected faults, routing, permissions,
// throttles, the handler, Graph's error body, and one call-log entry per request (batch steps included).

import { randomUUID } from 'node:crypto';
import { type BatchStep, parseBatch, runBatch } from './batch.js';
import type { CallLog } from './call-log.js';
import { badRequest, errorBody, forbidden, GraphHttpError, methodNotAllowed, tooManyRequests } from './graph-errors.js';
import { ConnectionResetFault, type FaultInjector } from './faults.js';
import type { ODataRequest } from './odata-query.js';
import type { AppThrottle } from './rate-limiter.js';
import { matchRoute, type Route, type ThrottleBucket } from './router.js';
import type { TakeTurn } from './taking-turns.js';
import type { AppIdentity, TokenService } from './token-service.js';

export interface InboundRequest {
  method: string;
  /** As received, e.g. `/v1.0/users/{id}`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: unknown;
  /** Set when the body was present but not JSON. */
  bodyUnreadable?: boolean;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  /** Drop the connection instead of answering (an injected reset). */
  reset?: boolean;
}

export const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const VERSIONS = new Set(['v1.0', 'beta']);

export interface GraphServiceDeps {
  routes: readonly Route[];
  tokens: TokenService;
  faults: FaultInjector;
  calls: CallLog;
  limiters: Record<ThrottleBucket, AppThrottle>;
  now: () => number;
  baseUrl: () => string;
  /** Requests take turns at the work itself (after any latency they were given), so a burst cannot hog the process. */
  takeTurn?: TakeTurn;
}

interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

export class GraphService {
  constructor(private readonly deps: GraphServiceDeps) {}

  /** A request from the network: authenticates it, then runs it. */
  async handle(request: InboundRequest): Promise<OutboundResponse> {
    const ids = this.idsFor(request);
    let app: AppIdentity | undefined;
    let response: OutboundResponse;
    try {
      app = await this.deps.tokens.verify(request.headers.authorization);
      response = await this.execute(request, app, ids);
    } catch (error) {
      response = error instanceof ConnectionResetFault ? { status: 0, headers: {}, reset: true } : this.failure(error, ids);
    }
    this.record(request, response, ids, app);
    return response;
  }

  /** `inBatch`: a step of a $batch, whose latency is the batch request's own (Graph runs independent steps side by side). */
  private async execute(request: InboundRequest, app: AppIdentity, ids: RequestIds, inBatch = false): Promise<OutboundResponse> {
    const [, version = '', ...rest] = request.path.split('/');
    if (!VERSIONS.has(version)) throw badRequest(`Invalid version: ${version}`);
    const resourcePath = `/${rest.join('/')}`;
    if (request.bodyUnreadable) {
      throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
    }
    const fault = this.deps.faults.take(request.method, request.path);
    const delayMs = inBatch ? fault.delayMs - this.deps.faults.latency() : fault.delayMs;
    await this.deps.faults.hold(delayMs);
    if (fault.error) throw fault.error;
    if (fault.reset) throw inBatch ? new GraphHttpError(500, 'generalException', 'The connection to the service was reset.') : new ConnectionResetFault();
    // A $batch's steps run inside their batch's turn.
    const done = inBatch ? undefined : await this.deps.takeTurn?.();
    try {
      return await this.run(request, app, ids, version, resourcePath);
    } finally {
      done?.();
    }
  }

  private async run(request: InboundRequest, app: AppIdentity, ids: RequestIds, version: string, resourcePath: string): Promise<OutboundResponse> {
    const odata: ODataRequest = { baseUrl: this.deps.baseUrl(), version, resourcePath, query: request.query, headers: request.headers };
    if (resourcePath.toLowerCase() === '/$batch') {
      if (request.method !== 'POST') throw methodNotAllowed();
      return this.batch(request, odata, app, ids);
    }
    if (/^\/me(\/|$)/i.test(resourcePath)) throw badRequest('/me request is only valid with delegated authentication flow.');
    const match = matchRoute(this.deps.routes, request.method, resourcePath);
    if ('methodNotAllowed' in match) throw methodNotAllowed();
    if ('unknownSegment' in match) throw badRequest(`Resource not found for the segment '${match.unknownSegment}'.`);
    const { route, params } = match;
    if (!route.permissions.some((permission) => app.roles.includes(permission))) throw forbidden();
    if (route.throttle) {
      const wait = this.deps.limiters[route.throttle].take(app.appId);
      if (wait > 0) throw tooManyRequests(wait);
    }
    const result = await route.handle({ request: odata, params, body: request.body, app });
    return this.success(result.status, result.body, ids, result.headers);
  }

  private async batch(request: InboundRequest, odata: ODataRequest, app: AppIdentity, ids: RequestIds): Promise<OutboundResponse> {
    const steps = parseBatch(request.body);
    if (steps.some((step) => /^\/?\$batch\b/i.test(step.url))) throw badRequest('A batch cannot contain another $batch request.');
    const responses = await runBatch(steps, (step) => this.runStep(step, odata.version, app, ids), { ...ids, now: this.deps.now });
    return this.success(200, { responses }, ids);
  }

  private async runStep(step: BatchStep, version: string, app: AppIdentity, outer: RequestIds): Promise<OutboundResponse> {
    const url = new URL(step.url.startsWith('/') ? step.url : `/${step.url}`, 'https://graph.invalid');
    const inner: InboundRequest = { method: step.method, path: `/${version}${url.pathname}`, query: url.searchParams, headers: { ...step.headers }, body: step.body };
    const ids = { requestId: randomUUID(), clientRequestId: outer.clientRequestId };
    let response: OutboundResponse;
    try {
      response = await this.execute(inner, app, ids, true);
    } catch (error) {
      response = this.failure(error, ids);
    }
    this.record(inner, response, ids, app, step.id);
    return response;
  }

  private success(status: number, body: unknown, ids: RequestIds, headers: Record<string, string> = {}): OutboundResponse {
    const out: Record<string, string> = { 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId, ...headers };
    if (body !== undefined) {
      out['Content-Type'] = JSON_CONTENT_TYPE;
      out['OData-Version'] = '4.0';
    }
    return { status, headers: out, body };
  }

  private failure(error: unknown, ids: RequestIds): OutboundResponse {
    const graphError =
      error instanceof GraphHttpError ? error : new GraphHttpError(500, 'generalException', `The emulator failed: ${error instanceof Error ? error.message : String(error)}`);
    return {
      status: graphError.status,
      headers: { 'Content-Type': 'application/json', 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId, ...graphError.headers },
      body: errorBody(graphError, { ...ids, now: this.deps.now() }),
    };
  }

  private idsFor(request: InboundRequest): RequestIds {
    const requestId = randomUUID();
    return { requestId, clientRequestId: request.headers['client-request-id'] ?? requestId };
  }

  private record(request: InboundRequest, response: OutboundResponse, ids: RequestIds, app: AppIdentity | undefined, batchRequestId?: string): void {
    this.deps.calls.record({
      method: request.method,
      path: request.path,
      query: [...request.query].map(([key, value]) => `${key}=${value}`).join('&'),
      status: response.status,
      time: new Date(this.deps.now()).toISOString(),
      requestId: ids.requestId,
      ...(app ? { appId: app.appId } : {}),
      ...(batchRequestId ? { batchRequestId } : {}),
    });
  }
}
