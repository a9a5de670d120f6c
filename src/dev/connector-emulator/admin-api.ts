// The emulator's own API under /_emulator: read what the bot sent, register users, block them, inject faults.
// Not part of the Bot Connector; never authenticated (the emulator listens on loopback only).

import { ConnectorError, connectorErrors } from './errors.js';
import type { FaultRegistry, FaultSpec } from './faults.js';
import type { ConnectorLimits } from './limits.js';
import { addConversationSchema, describeZodError, faultBodySchema, latencyBodySchema, userInputListSchema } from './schemas.js';
import type { ActivityFilter, ActivityKind, EmulatorState } from './state.js';

export interface RequestRecord {
  readonly seq: number;
  readonly time: number;
  readonly method: string;
  /** Decoded path, without the query. */
  readonly path: string;
  readonly status: number;
  /** Set when an injected fault answered (or delayed) the call. */
  readonly faulted: boolean;
}

export interface AdminDeps {
  readonly state: EmulatorState;
  readonly faults: FaultRegistry;
  readonly limits: ConnectorLimits;
  readonly requests: () => RequestRecord[];
  readonly latency: { get(): number; set(ms: number): void };
}

export interface AdminRequest {
  readonly method: string;
  /** Decoded path segments after `_emulator`. */
  readonly segments: readonly string[];
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

const KINDS: readonly ActivityKind[] = ['send', 'reply', 'update', 'delete'];
const USER_ACTIONS = {
  block: { blocked: true },
  unblock: { blocked: false },
  uninstall: { installed: false },
  install: { installed: true },
} as const;

export function createAdminApi(deps: AdminDeps): (request: AdminRequest) => { status: number; body?: unknown } {
  const { state, faults } = deps;

  function activities(query: URLSearchParams): { status: number; body: unknown } {
    const filter: ActivityFilter = {};
    const conversationId = query.get('conversationId');
    const userId = query.get('userId');
    const kind = query.get('kind');
    if (conversationId) filter.conversationId = conversationId;
    if (userId) filter.userId = userId;
    if (kind) {
      if (!KINDS.includes(kind as ActivityKind)) throw connectorErrors.badArgument(`kind must be one of ${KINDS.join(', ')}`);
      filter.kind = kind as ActivityKind;
    }
    return { status: 200, body: { activities: state.activities(filter) } };
  }

  function addUsers(body: unknown): { status: number; body: unknown } {
    const parsed = userInputListSchema.safeParse(Array.isArray(body) ? body : [body]);
    if (!parsed.success) throw connectorErrors.badArgument(describeZodError(parsed.error));
    return { status: 201, body: { users: parsed.data.map((input) => guard(() => state.addUser(input))) } };
  }

  function addFault(body: unknown): { status: number; body: unknown } {
    const parsed = faultBodySchema.safeParse(body);
    if (!parsed.success) throw connectorErrors.badArgument(describeZodError(parsed.error));
    const { pathPattern, ...rest } = parsed.data;
    const spec: FaultSpec = { ...rest };
    if (pathPattern !== undefined) {
      spec.path = guard(() => new RegExp(pathPattern));
    }
    const id = faults.add(spec);
    return { status: 201, body: faults.list().find((fault) => fault.id === id) };
  }

  return function handle(request) {
    const { method, segments, query, body } = request;
    const [resource, id, action, subId, ...rest] = segments;
    const route = `${method} ${resource ?? ''}${id === undefined ? '' : '/:id'}${action === undefined ? '' : `/${action}`}${subId === undefined ? '' : '/:sub'}`;
    if (rest.length > 0) throw connectorErrors.notFound(method, request.path);
    switch (route) {
      case 'GET activities':
        return activities(query);
      case 'DELETE activities':
        state.clearActivities();
        return { status: 204 };
      case 'GET conversations':
        return { status: 200, body: { conversations: state.conversations() } };
      case 'POST conversations': {
        const parsed = addConversationSchema.safeParse(body);
        if (!parsed.success) throw connectorErrors.badArgument(describeZodError(parsed.error));
        const user = state.findUser(parsed.data.userId);
        if (!user) throw new ConnectorError(404, 'NotFound', `No registered user ${parsed.data.userId}.`);
        return { status: 201, body: guard(() => state.openPersonalConversation(user, parsed.data.id).conversation) };
      }
      case 'GET conversations/:id/activities/:sub': {
        const stored = id !== undefined && subId !== undefined ? state.storedActivity(id, subId) : undefined;
        if (!stored) throw connectorErrors.activityNotFound();
        return { status: 200, body: stored };
      }
      case 'GET requests':
        return { status: 200, body: { requests: deps.requests() } };
      case 'GET users':
        return { status: 200, body: { users: state.users() } };
      case 'POST users':
        return addUsers(body);
      case 'POST users/:id/block':
      case 'POST users/:id/unblock':
      case 'POST users/:id/uninstall':
      case 'POST users/:id/install': {
        const change = USER_ACTIONS[action as keyof typeof USER_ACTIONS];
        if (id === undefined || !state.findUser(id)) throw new ConnectorError(404, 'NotFound', `No registered user ${id ?? ''}.`);
        return { status: 200, body: state.updateUser(id, change) };
      }
      case 'GET faults':
        return { status: 200, body: { faults: faults.list() } };
      case 'POST faults':
        return addFault(body);
      case 'DELETE faults':
        faults.clear();
        return { status: 204 };
      case 'DELETE faults/:id':
        if (id === undefined || !faults.remove(id)) throw new ConnectorError(404, 'NotFound', `No fault ${id ?? ''}.`);
        return { status: 204 };
      case 'GET limits':
        return { status: 200, body: deps.limits };
      case 'GET latency':
        return { status: 200, body: { ms: deps.latency.get() } };
      case 'PUT latency': {
        const parsed = latencyBodySchema.safeParse(body);
        if (!parsed.success) throw connectorErrors.badArgument(describeZodError(parsed.error));
        deps.latency.set(parsed.data.ms);
        return { status: 200, body: { ms: deps.latency.get() } };
      }
      default:
        throw connectorErrors.notFound(method, request.path);
    }
  };
}

/** Turns a rejected input (bad regular expression, conflicting ids) into a 400 instead of a 500. */
function guard<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError) throw connectorErrors.badArgument(error.message);
    throw error;
  }
}
