// The emulator's HTTP server (plain node:http on loopback): authenticates /v3 calls, applies injected faults,
// dispatches to the connector and /_emulator APIs, and logs each call without its headers.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminApi, type RequestRecord } from './admin-api.js';
import { createConnectorApi } from './connector-api.js';
import { ConnectorError, connectorErrors, UNAUTHORIZED_BODY } from './errors.js';
import { FaultRegistry } from './faults.js';
import { ActivityIds } from './ids.js';
import { SlidingWindowCounter } from '../../shared/sliding-window.js';
import { type ConnectorLimits, resolveLimits } from './limits.js';
import type { UserInput } from './schemas.js';
import {
  type ActivityFilter,
  type ConversationRecord,
  EmulatorState,
  type EmulatorUser,
  type RecordedActivity,
  type StoredActivity,
} from './state.js';

/** The tenant users belong to when neither the user nor the options name one. */
export const DEFAULT_EMULATOR_TENANT_ID = '00000000-0000-4000-8000-00000000c0de';

/** Bodies above this are refused before parsing (Teams' own message limit is far lower and checked separately). */
const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_REQUEST_LOG = 10_000;

export interface ConnectorEmulatorOptions {
  /** 0 (any free port) by default. The emulator always listens on 127.0.0.1. */
  port?: number;
  /** The clock for rate limits, timestamps and activity ids; `Date.now` by default, so fake timers drive it. */
  now?: () => number;
  limits?: Partial<ConnectorLimits>;
  /** When given, /v3 calls whose Authorization header it rejects get 401. Without it (demo mode) every call is accepted. */
  verifyToken?: (authorizationHeader: string | undefined) => boolean | Promise<boolean>;
  /** The tenant of users registered without one. */
  tenantId?: string;
  /** The bot's app id: makes `29:` ids bot-specific, and create requests naming another bot get 400. */
  botId?: string;
  /** Users known from the start (the demo tenant's people, say). */
  users?: UserInput[];
  /** Accept conversations and message ids the emulator never saw instead of answering 404 as Teams does. */
  lenient?: boolean;
  /** Milliseconds added before answering every /v3 call (a global `setTimeout`, so fake timers can release it). Default 0. */
  latencyMs?: number;
  onActivity?: (activity: RecordedActivity) => void | Promise<void>;
  onConversationCreated?: (conversation: ConversationRecord) => void | Promise<void>;
}

export interface ConnectorEmulator {
  /** The bot's `serviceUrl`, e.g. `http://127.0.0.1:53117/`. */
  readonly serviceUrl: string;
  readonly port: number;
  readonly limits: ConnectorLimits;
  readonly faults: FaultRegistry;
  /** Every activity received, in order of arrival, optionally for one conversation and/or one user (29: or object id). */
  activities(filter?: ActivityFilter): RecordedActivity[];
  /** The same records, not copied: for a reader that polls a long list and keeps its place in it (read-only). */
  allActivities(): readonly RecordedActivity[];
  clearActivities(): void;
  conversations(): ConversationRecord[];
  /** A message as the chat holds it, with every version and whether it was deleted. */
  storedActivity(conversationId: string, activityId: string): StoredActivity | undefined;
  /** Every connector call answered (method, decoded path, status, time); headers are never kept. */
  requests(): RequestRecord[];
  /** The delay added before answering every /v3 call: `latencyMs` at start, 0 to turn it off. */
  readonly latencyMs: number;
  setLatency(ms: number): void;
  users(): EmulatorUser[];
  addUser(user: UserInput): EmulatorUser;
  /** Registers an existing 1:1 conversation (e.g. the id of an inbound test activity) for a registered user. */
  addConversation(input: { id?: string; userId: string }): ConversationRecord;
  blockUser(userId: string): EmulatorUser;
  unblockUser(userId: string): EmulatorUser;
  uninstallApp(userId: string): EmulatorUser;
  installApp(userId: string): EmulatorUser;
  /** Resolves with the first recorded activity (already recorded or yet to come) that satisfies `predicate`. */
  waitFor(predicate: (activity: RecordedActivity, all: readonly RecordedActivity[]) => boolean, timeoutMs?: number): Promise<RecordedActivity>;
  onActivity(listener: (activity: RecordedActivity) => void | Promise<void>): () => void;
  onConversationCreated(listener: (conversation: ConversationRecord) => void | Promise<void>): () => void;
  close(): Promise<void>;
}

export async function startConnectorEmulator(options: ConnectorEmulatorOptions = {}): Promise<ConnectorEmulator> {
  const now = options.now ?? (() => Date.now());
  const limits = resolveLimits(options.limits);
  let latencyMs = checkLatency(options.latencyMs ?? 0);
  const state = new EmulatorState(options.botId ?? 'passkey-coach-emulated-bot', (options.tenantId ?? DEFAULT_EMULATOR_TENANT_ID).toLowerCase(), now);
  for (const user of options.users ?? []) state.addUser(user);
  if (options.onActivity) state.onActivity(options.onActivity);
  if (options.onConversationCreated) state.onConversationCreated(options.onConversationCreated);
  const faults = new FaultRegistry();
  const requestLog: RequestRecord[] = [];
  let requestSeq = 0;
  const connectorApi = createConnectorApi({
    state,
    limiter: new SlidingWindowCounter(now),
    limits,
    ids: new ActivityIds(now),
    botId: options.botId,
    lenient: options.lenient ?? false,
  });
  const latency = {
    get: () => latencyMs,
    set: (ms: number) => {
      latencyMs = checkLatency(ms);
    },
  };
  const adminApi = createAdminApi({ state, faults, limits, latency, requests: () => requestLog.slice() });
  const waiters = new Set<{ reject: (error: Error) => void; timer: NodeJS.Timeout }>();

  async function answer(req: IncomingMessage, body: Buffer | undefined, log: { faulted: boolean; drop?: 'request' | 'answer' }): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const segments = url.pathname.split('/').filter((segment) => segment !== '').map(decodeSegment);
    const path = `/${segments.join('/')}`;
    if (body === undefined) throw connectorErrors.requestTooLarge();
    const [root, ...rest] = segments;
    if (root === '_emulator') return adminApi({ method, segments: rest, path, query: url.searchParams, body: parseJson(body) });
    if (root !== 'v3') throw connectorErrors.notFound(method, path);
    // The global timer, so a test's fake timers can release the delay; no timer at all when there is none.
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (options.verifyToken && !(await verified(options.verifyToken, req.headers.authorization))) return { status: 401, body: UNAUTHORIZED_BODY };
    const fault = faults.take(method, path);
    if (fault) {
      log.faulted = true;
      // The global timer, so a test's fake timers can release the delay.
      if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.error) throw fault.error;
      log.drop = fault.drop;
      if (fault.drop === 'request') return { status: 0 };
    }
    return connectorApi({ method, segments: rest, path, body: parseJson(body) });
  }

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const log: { faulted: boolean; drop?: 'request' | 'answer' } = { faulted: false };
        const result = await answer(req, body, log).catch((error: unknown) => errorResult(error));
        // A reset: the bot's request fails without an answer (for `answer`, after the call took effect).
        if (log.drop) req.socket.destroy();
        else writeResult(res, result);
        if (!(req.url ?? '').startsWith('/_emulator')) {
          requestLog.push({ seq: ++requestSeq, time: now(), method: req.method ?? 'GET', path: safePath(req.url), status: log.drop ? 0 : result.status, faulted: log.faulted });
          if (requestLog.length > MAX_REQUEST_LOG) requestLog.splice(0, requestLog.length - MAX_REQUEST_LOG);
        }
      })
      .catch((error: unknown) => {
        console.error(`connector emulator: could not answer ${req.method} ${safePath(req.url)}: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) writeResult(res, errorResult(error));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    port,
    limits,
    faults,
    activities: (filter) => state.activities(filter),
    allActivities: () => state.allActivities(),
    clearActivities: () => state.clearActivities(),
    conversations: () => state.conversations(),
    storedActivity: (conversationId, activityId) => state.storedActivity(conversationId, activityId),
    requests: () => requestLog.slice(),
    get latencyMs() {
      return latencyMs;
    },
    setLatency: latency.set,
    users: () => state.users(),
    addUser: (user) => state.addUser(user),
    addConversation: ({ id, userId }) => state.openPersonalConversation(state.requireUser(userId), id).conversation,
    blockUser: (userId) => state.updateUser(userId, { blocked: true }),
    unblockUser: (userId) => state.updateUser(userId, { blocked: false }),
    uninstallApp: (userId) => state.updateUser(userId, { installed: false }),
    installApp: (userId) => state.updateUser(userId, { installed: true }),
    onActivity: (listener) => state.onActivity(listener),
    onConversationCreated: (listener) => state.onConversationCreated(listener),
    waitFor(predicate, timeoutMs = 5000) {
      const all = state.allActivities();
      const already = all.find((activity) => predicate(activity, all));
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        let unsubscribe = () => {};
        const waiter = {
          reject,
          timer: setTimeout(() => {
            unsubscribe();
            waiters.delete(waiter);
            reject(new Error(`connector emulator: no matching activity within ${timeoutMs} ms (${state.activities().length} recorded)`));
          }, timeoutMs),
        };
        waiters.add(waiter);
        unsubscribe = state.onActivity((activity) => {
          if (!waiters.has(waiter) || !predicate(activity, state.allActivities())) return;
          clearTimeout(waiter.timer);
          unsubscribe();
          waiters.delete(waiter);
          resolve(activity);
        });
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const waiter of waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error('connector emulator closed'));
        }
        waiters.clear();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function checkLatency(ms: number): number {
  if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`connector emulator: latency must be zero or more milliseconds, got ${ms}`);
  return ms;
}

/** Fails closed: a verifier that throws denies the call, as an invalid token would be denied. */
async function verified(verify: NonNullable<ConnectorEmulatorOptions['verifyToken']>, header: string | undefined): Promise<boolean> {
  try {
    return (await verify(header)) === true;
  } catch (error) {
    console.error(`connector emulator: the token verifier failed, the call is refused: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** The body, or undefined when it is over the limit (the rest is drained so the client still gets its answer). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw connectorErrors.badArgument('The request body is not valid JSON.');
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw connectorErrors.badArgument(`The path segment ${segment} is not valid percent-encoding.`);
  }
}

function safePath(url: string | undefined): string {
  const pathname = (url ?? '/').split('?')[0] ?? '/';
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function errorResult(error: unknown): { status: number; body: unknown; headers?: Record<string, string> } {
  if (error instanceof ConnectorError) {
    const headers = error.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(error.retryAfterSeconds) };
    return { status: error.status, body: error.body, headers };
  }
  console.error(`connector emulator: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const failure = connectorErrors.serviceError();
  return { status: failure.status, body: failure.body };
}

function writeResult(res: ServerResponse, result: { status: number; body?: unknown; headers?: Record<string, string> }): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  res.statusCode = result.status;
  if (result.body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(result.body));
}
