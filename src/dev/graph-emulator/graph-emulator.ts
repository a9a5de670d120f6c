// Starts the local Microsoft Graph emulator: an Entra-like token service and Graph v1.0 over HTTPS on
// loopback (a self-signed certificate made at start), seeded from a demo tenant.

import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import selfsigned from 'selfsigned';
import { type RegisteredMethod, type SeedUser, seedSchema, type TenantSeed } from '../tenant-seed.js';
import { takingTurns } from './taking-turns.js';
import { type CallFilter, CallLog, type GraphCall } from './call-log.js';
import { handleEmulatorApi } from './emulator-api.js';
import type { AppInstalledEvent, AppUninstalledEvent, EmulatorContext } from './emulator-context.js';
import { type Fault, FaultInjector, type FaultSpec } from './faults.js';
import { errorBody, GraphHttpError } from './graph-errors.js';
import { GraphService, type InboundRequest, JSON_CONTENT_TYPE } from './graph-service.js';
import { AppThrottle, type WindowLimit } from './rate-limiter.js';
import type { ThrottleBucket } from './router.js';
import { deletedItemsRoutes } from './routes/deleted-items-routes.js';
import { directoryRoutes } from './routes/directory-routes.js';
import { methodRoutes } from './routes/method-routes.js';
import { peopleSettingsRoutes } from './routes/people-settings-routes.js';
import { pimGroupRoutes } from './routes/pim-group-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { roleRoutes } from './routes/role-routes.js';
import { servicePrincipalRoutes } from './routes/service-principal-routes.js';
import { teamworkRoutes } from './routes/teamwork-routes.js';
import { type EnrolInput, type Installation, type RedeemResult, type Revocation, TenantState } from './tenant-state.js';
import { type AppIdentity, TokenService } from './token-service.js';

export interface GraphEmulatorOptions {
  seed: TenantSeed;
  /** Graph's port (0, the default, picks a free one). */
  port?: number;
  /** The token service's port (default 0). */
  authorityPort?: number;
  /** The clock for tokens, throttles, passes and the report lag; tests pass `() => Date.now()` under fake timers. */
  now?: () => number;
  /** The identity-and-access-reports throttle (report and method reads): default 5 per 10 s per app. */
  reportsThrottle?: WindowLimit;
  /** Teams app installs: default 30 POSTs per second per app. */
  installThrottle?: WindowLimit;
  /** Overrides the seed's reportLagMinutes. */
  reportLagMinutes?: number;
  /** Rows per report page without $top (Graph: 1000). */
  reportPageSize?: number;
}

/** Read and change the tenant from a test, without going through Graph or its throttles. */
export interface EmulatorState {
  readonly tenantId: string;
  user(idOrUpn: string): SeedUser | undefined;
  /** Gives the user an active admin role (a role definition of the seed), as an admin would in Entra. */
  assignRole(userId: string, roleDefinitionId: string): void;
  /** Adds the user to a group (a role-assignable one passes its admin roles on), as an admin would in Entra. */
  addGroupMember(groupId: string, userId: string): void;
  /** Changes who the user's manager is (undefined: nobody), as an admin would in Entra. */
  setManager(userId: string, managerId: string | undefined): void;
  /** Disables the account (or enables it again), as an admin would in Entra: `accountEnabled` changes, nothing else. */
  setAccountEnabled(userId: string, enabled: boolean): void;
  /** Deletes the user as Entra does: a 404 at `/users/{id}`, in the recycle bin at `/directory/deletedItems`. */
  deleteUser(userId: string): void;
  /** The user's methods as `/authentication/methods` shows them now. */
  methods(userId: string): Record<string, unknown>[];
  /** The report's methodsRegistered for the user now (as of now minus the lag), before enum masking. */
  reportedMethods(userId: string): RegisteredMethod[];
  /** Registers a method at the current time, as if the person had just enrolled it; returns its Graph resource. */
  enrolMethod(userId: string, input: EnrolInput): Record<string, unknown>;
  removeMethod(userId: string, methodId: string): boolean;
  /** The user's pass as Graph's GET shows it (never the value), if any. */
  temporaryAccessPass(userId: string): Record<string, unknown> | undefined;
  /** The person signs in with a pass: true when the value matches a usable pass (a one-time pass is then spent). */
  redeemTemporaryAccessPass(userId: string, value: string): RedeemResult;
  installations(): Installation[];
  revocations(): Revocation[];
  /** The throttles in force: each bucket's limit and window. */
  throttles(): Record<ThrottleBucket, WindowLimit>;
  resetThrottles(): void;
  /** Replaces the tenant's passkey (FIDO2) policy (parsed as the seed's, so defaults apply). */
  setPasskeyPolicy(policy: unknown): void;
  /** Who may change profile photos, as an admin would set it (parsed as the seed's). */
  setPhotoUpdateSettings(settings: unknown): void;
}

export interface EmulatorFaults {
  add(spec: FaultSpec): Fault;
  remove(id: number): boolean;
  /** Clears every fault and the added latency. */
  clear(): void;
  list(): readonly Fault[];
  /** The latency added to every Graph request (0: none). */
  latency(): number;
  setLatency(ms: number): void;
  /** How many requests are waiting out a delay (a fault's or the latency) right now. */
  held(): number;
}

export interface EmulatorCalls {
  list(filter?: CallFilter): GraphCall[];
  clear(): void;
}

export interface GraphEmulator {
  /** `https://127.0.0.1:P`: pass as the Graph client's base URL (add `127.0.0.1` to customHosts). */
  graphUrl: string;
  /** `https://127.0.0.1:Q`: @azure/identity's authorityHost. */
  authorityHost: string;
  tenantId: string;
  /** PEM of the self-signed certificate both servers use, for `tlsOptions.ca` and the Graph HTTP handler. */
  caCertificate: string;
  state: EmulatorState;
  faults: EmulatorFaults;
  calls: EmulatorCalls;
  /** Checks an app token of the emulated tenant for another resource (Verified ID's emulator uses it); rejects otherwise. */
  verifyAppToken(authorization: string | undefined, audience: string): Promise<AppIdentity>;
  /** Called when the app is installed for a user through Graph (Teams would send the bot a conversationUpdate). */
  onAppInstalled(listener: Listener<AppInstalledEvent>): () => void;
  onAppUninstalled(listener: Listener<AppUninstalledEvent>): () => void;
  close(): Promise<void>;
}

/** A listener may be async; a failure is reported as a process warning and does not undo the install. */
export type Listener<T> = (event: T) => void | Promise<void>;

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function startGraphEmulator(options: GraphEmulatorOptions): Promise<GraphEmulator> {
  const { seed } = options;
  const now = options.now ?? (() => Date.now());
  const tls = await selfSignedCertificate();
  const tokens = await TokenService.create(seed, now);
  const state = new TenantState(seed, now, seed.teamsApp.botId ?? (seed.apps[0] as TenantSeed['apps'][number]).clientId);
  const faults = new FaultInjector();
  const calls = new CallLog();
  const limiters = {
    identityReports: new AppThrottle(options.reportsThrottle ?? { limit: 5, windowMs: 10_000 }, now),
    appInstalls: new AppThrottle(options.installThrottle ?? { limit: 30, windowMs: 1_000 }, now),
  };
  const installedListeners = new Set<Listener<AppInstalledEvent>>();
  const uninstalledListeners = new Set<Listener<AppUninstalledEvent>>();
  const notify = <T>(listeners: Set<Listener<T>>, event: T) => {
    const report = (error: unknown) => process.emitWarning(`Graph emulator: an app-install listener failed: ${error instanceof Error ? error.message : String(error)}`);
    for (const listener of listeners) {
      try {
        void Promise.resolve(listener(event)).catch(report);
      } catch (error) {
        report(error);
      }
    }
  };

  const context: EmulatorContext = {
    state,
    now,
    startedAt: now(),
    reportLagMinutes: options.reportLagMinutes ?? seed.reportLagMinutes,
    reportPageSize: options.reportPageSize ?? 1000,
    events: { installed: (event) => notify(installedListeners, event), uninstalled: (event) => notify(uninstalledListeners, event) },
  };
  const routes = [...deletedItemsRoutes(context), ...directoryRoutes(context), ...reportRoutes(context), ...methodRoutes(context), ...roleRoutes(context), ...pimGroupRoutes(context), ...teamworkRoutes(context), ...servicePrincipalRoutes(context), ...peopleSettingsRoutes(context)];

  let graphUrl = '';
  const service = new GraphService({ routes, tokens, faults, calls, limiters, now, baseUrl: () => graphUrl, takeTurn: takingTurns() });
  const emulatorState = publicState(state, context, limiters);

  const graphServer = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    serveGraph(req, res, graphUrl, service, { state: emulatorState, calls, faults }, now).catch((error: unknown) => writeCrash(res, error, now));
  });
  const authorityServer = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    tokens.handle(req, res, authorityHost).catch((error: unknown) => writeCrash(res, error, now));
  });
  const graphPort = await listen(graphServer, options.port ?? 0);
  const authorityPort = await listen(authorityServer, options.authorityPort ?? 0);
  graphUrl = `https://127.0.0.1:${graphPort}`;
  const authorityHost = `https://127.0.0.1:${authorityPort}`;

  return {
    graphUrl,
    authorityHost,
    tenantId: seed.tenant.id,
    caCertificate: tls.cert,
    state: emulatorState,
    faults,
    calls,
    verifyAppToken: (authorization, audience) => tokens.verify(authorization, [audience]),
    onAppInstalled(listener) {
      installedListeners.add(listener);
      return () => installedListeners.delete(listener);
    },
    onAppUninstalled(listener) {
      uninstalledListeners.add(listener);
      return () => uninstalledListeners.delete(listener);
    },
    close: async () => {
      await Promise.all([stop(graphServer), stop(authorityServer)]);
    },
  };
}

function publicState(state: TenantState, context: EmulatorContext, limiters: Record<ThrottleBucket, AppThrottle>): EmulatorState {
  const need = (userId: string): SeedUser => {
    const user = state.findUser(userId);
    if (!user) throw new Error(`The emulated tenant has no user ${userId}.`);
    return user;
  };
  return {
    tenantId: state.seed.tenant.id,
    user: (idOrUpn) => state.findUser(idOrUpn),
    assignRole: (userId, roleDefinitionId) => state.assignRole(need(userId).id, roleDefinitionId),
    addGroupMember: (groupId, userId) => state.addGroupMember(groupId.toLowerCase(), need(userId).id),
    setManager: (userId, managerId) => state.setManager(need(userId).id, managerId === undefined ? undefined : need(managerId).id),
    setAccountEnabled: (userId, enabled) => state.setAccountEnabled(need(userId).id, enabled),
    deleteUser: (userId) => state.deleteUser(need(userId).id),
    methods: (userId) => state.methodResources(need(userId)),
    reportedMethods: (userId) => [...new Set(state.methodsAt(need(userId).id, context.now() - context.reportLagMinutes * 60_000).map((method) => method.kind))],
    enrolMethod: (userId, input) => {
      const user = need(userId);
      const record = state.enrol(user.id, input);
      return state.methodResources(user).find((resource) => resource.id === record.id) as Record<string, unknown>;
    },
    removeMethod: (userId, methodId) => state.remove(need(userId).id, methodId).length > 0,
    temporaryAccessPass: (userId) => {
      const pass = state.currentPass(need(userId).id);
      return pass ? state.passResource(pass) : undefined;
    },
    redeemTemporaryAccessPass: (userId, value) => state.redeemPass(need(userId).id, value),
    installations: () => state.installations(),
    revocations: () => state.revocations(),
    throttles: () => ({ identityReports: { ...limiters.identityReports.rule }, appInstalls: { ...limiters.appInstalls.rule } }),
    setPasskeyPolicy: (policy) => {
      state.seed.passkeyPolicy = seedSchema.shape.passkeyPolicy.parse(policy);
    },
    setPhotoUpdateSettings: (settings) => {
      state.seed.photoUpdateSettings = seedSchema.shape.photoUpdateSettings.parse(settings);
    },
    resetThrottles: () => {
      for (const limiter of Object.values(limiters)) limiter.reset();
    },
  };
}

async function serveGraph(
  req: IncomingMessage,
  res: ServerResponse,
  graphUrl: string,
  service: GraphService,
  api: Parameters<typeof handleEmulatorApi>[4],
  now: () => number,
): Promise<void> {
  const url = new URL(req.url ?? '/', graphUrl);
  const raw = await readBody(req);
  if (raw === undefined) {
    writeJson(res, 413, errorBody(new GraphHttpError(413, 'RequestEntityTooLarge', 'The request body is larger than 4 MB.'), { requestId: '', clientRequestId: '', now: now() }), {});
    return;
  }
  let body: unknown;
  let bodyUnreadable = false;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      bodyUnreadable = true;
    }
  }
  if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) {
    if (bodyUnreadable) return writeJson(res, 400, { error: 'the body is not JSON' }, {});
    return handleEmulatorApi(req, res, url, body, api);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const request: InboundRequest = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, headers, body, bodyUnreadable };
  const response = await service.handle(request);
  if (response.reset) {
    req.socket.destroy();
    return;
  }
  writeJson(res, response.status, response.body, response.headers);
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (body === undefined) {
    res.writeHead(status, { ...headers, 'Content-Length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_CONTENT_TYPE, ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function writeCrash(res: ServerResponse, error: unknown, now: () => number): void {
  const message = error instanceof Error ? error.message : String(error);
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : new Error(message));
    return;
  }
  writeJson(res, 500, errorBody(new GraphHttpError(500, 'generalException', `The emulator failed: ${message}`), { requestId: '', clientRequestId: '', now: now() }), {});
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A certificate for 127.0.0.1 and localhost, dated by the real clock (TLS ignores faked Dates). */
async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const realNow = performance.timeOrigin + performance.now();
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(realNow - 24 * 3600_000),
    notAfterDate: new Date(realNow + 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
