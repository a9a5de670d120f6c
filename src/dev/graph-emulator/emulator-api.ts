// The emulator's own HTTP API under /_emulator/ (no token needed; loopback only): change a user's
// methods, redeem a pass as a signing-in person, read the calls made, and inject or clear faults.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { REGISTERED_METHODS } from '../tenant-seed.js';
import type { CallLog } from './call-log.js';
import type { FaultInjector, FaultSpec } from './faults.js';
import type { EmulatorState } from './graph-emulator.js';

const enrolSchema = z
  .object({
    kind: z.enum(REGISTERED_METHODS).refine((kind) => kind !== 'temporaryAccessPass', 'create passes with POST /v1.0/users/{id}/authentication/temporaryAccessPassMethods'),
    id: z.string().uuid().optional(),
    displayName: z.string().min(1).max(200).optional(),
    createdDateTime: z.string().datetime({ offset: true }).optional(),
    model: z.string().max(200).optional(),
    aaGuid: z.string().uuid().optional(),
    attestationLevel: z.enum(['attested', 'notAttested']).optional(),
    phoneNumber: z.string().max(32).optional(),
    emailAddress: z.string().email().optional(),
    deviceTag: z.string().max(100).optional(),
    phoneAppVersion: z.string().max(50).optional(),
  })
  .strict();

const faultSchema = z
  .object({
    method: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    pathRegex: z.string().min(1).optional(),
    status: z.union([z.literal(412), z.literal(429), z.literal(500), z.literal(503), z.literal(504)]).optional(),
    reset: z.boolean().optional(),
    times: z.number().int().min(1).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict()
  .refine((fault) => (fault.path === undefined) !== (fault.pathRegex === undefined), 'give exactly one of path and pathRegex');

const redeemSchema = z.object({ temporaryAccessPass: z.string().min(1) }).strict();

export interface EmulatorApiDeps {
  state: EmulatorState;
  calls: CallLog;
  faults: FaultInjector;
}

const HELP = {
  endpoints: [
    'GET    /_emulator/calls[?method=GET&path=/v1.0/users]   Graph requests answered (no headers or bodies)',
    'DELETE /_emulator/calls',
    'GET    /_emulator/users/{id}/methods                   the user\'s methods as Graph shows them now',
    'POST   /_emulator/users/{id}/methods                   {"kind": "passKeyDeviceBoundAuthenticator", ...} enrols a method now',
    'DELETE /_emulator/users/{id}/methods/{methodId}        removes a method now',
    'POST   /_emulator/users/{id}/temporaryAccessPass/redeem {"temporaryAccessPass": "..."} signs in with a pass',
    'GET    /_emulator/installations                         users the app is installed for',
    'GET    /_emulator/revocations                           revoked sign-in sessions',
    'GET    /_emulator/faults | POST {path|pathRegex, method?, status?, reset?, times?, retryAfterSeconds?, delayMs?} | DELETE (clears faults and latency)',
    'DELETE /_emulator/faults/{id}',
    'PATCH  /_emulator/users/{id} {"accountEnabled": false}   disables (or enables) the account, as an admin in Entra',
    'DELETE /_emulator/users/{id}                             deletes the user: 404 at /users/{id}, in /directory/deletedItems',
    'GET    /_emulator/latency | PUT {"ms": 200}            the delay added to every Graph request',
    'GET    /_emulator/throttles                             each throttle\'s limit and window',
    'DELETE /_emulator/throttles                             forgets requests counted by the throttles',
  ],
};

export async function handleEmulatorApi(req: IncomingMessage, res: ServerResponse, url: URL, body: unknown, deps: EmulatorApiDeps): Promise<void> {
  const segments = url.pathname.split('/').filter((segment) => segment !== '').slice(1).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  const [first, second, third, fourth, fifth] = segments;

  if (segments.length === 0 && method === 'GET') return send(res, 200, HELP);
  if (first === 'calls' && segments.length === 1) {
    if (method === 'GET') {
      return send(res, 200, { value: deps.calls.list({ method: url.searchParams.get('method') ?? undefined, path: url.searchParams.get('path') ?? undefined }) });
    }
    if (method === 'DELETE') {
      deps.calls.clear();
      return send(res, 204);
    }
  }
  if (first === 'users' && second && third === 'methods') {
    if (!deps.state.user(second)) return send(res, 404, { error: `no user ${second}` });
    if (segments.length === 3 && method === 'GET') return send(res, 200, { value: deps.state.methods(second) });
    if (segments.length === 3 && method === 'POST') {
      const input = enrolSchema.safeParse(body);
      if (!input.success) return send(res, 400, { error: input.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ') });
      return send(res, 201, deps.state.enrolMethod(second, input.data));
    }
    if (segments.length === 4 && fourth && method === 'DELETE') return deps.state.removeMethod(second, fourth) ? send(res, 204) : send(res, 404, { error: `no method ${fourth}` });
  }
  if (first === 'users' && second && third === 'temporaryAccessPass' && fourth === 'redeem' && fifth === undefined && method === 'POST') {
    if (!deps.state.user(second)) return send(res, 404, { error: `no user ${second}` });
    const input = redeemSchema.safeParse(body);
    if (!input.success) return send(res, 400, { error: 'the body must be {"temporaryAccessPass": "..."}' });
    const result = deps.state.redeemTemporaryAccessPass(second, input.data.temporaryAccessPass);
    return send(res, result.redeemed ? 200 : 400, result);
  }
  if (first === 'users' && second && segments.length === 2 && (method === 'PATCH' || method === 'DELETE')) {
    if (!deps.state.user(second)) return send(res, 404, { error: `no user ${second}` });
    if (method === 'DELETE') {
      deps.state.deleteUser(second);
      return send(res, 204);
    }
    const enabled = typeof body === 'object' && body !== null ? (body as { accountEnabled?: unknown }).accountEnabled : undefined;
    if (typeof enabled !== 'boolean') return send(res, 400, { error: 'the body must be {"accountEnabled": true|false}' });
    deps.state.setAccountEnabled(second, enabled);
    return send(res, 204);
  }
  if (first === 'installations' && segments.length === 1 && method === 'GET') return send(res, 200, { value: deps.state.installations() });
  if (first === 'revocations' && segments.length === 1 && method === 'GET') return send(res, 200, { value: deps.state.revocations() });
  if (first === 'faults') {
    if (segments.length === 1 && method === 'GET') return send(res, 200, { value: deps.faults.list().map((fault) => ({ ...fault, path: String(fault.path) })) });
    if (segments.length === 1 && method === 'DELETE') {
      deps.faults.clear();
      return send(res, 204);
    }
    if (segments.length === 1 && method === 'POST') {
      const input = faultSchema.safeParse(body);
      if (!input.success) return send(res, 400, { error: input.error.issues.map((issue) => issue.message).join('; ') });
      const { pathRegex, path, ...rest } = input.data;
      const spec: FaultSpec = { ...rest, path: pathRegex ? new RegExp(pathRegex) : (path as string) };
      try {
        const fault = deps.faults.add(spec);
        return send(res, 201, { ...fault, path: String(fault.path) });
      } catch (error) {
        return send(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (segments.length === 2 && second && method === 'DELETE') return deps.faults.remove(Number(second)) ? send(res, 204) : send(res, 404, { error: `no fault ${second}` });
  }
  if (first === 'latency' && segments.length === 1 && method === 'GET') return send(res, 200, { ms: deps.faults.latency() });
  if (first === 'throttles' && segments.length === 1 && method === 'GET') return send(res, 200, deps.state.throttles());
  if (first === 'latency' && segments.length === 1 && method === 'PUT') {
    const ms = typeof body === 'object' && body !== null ? (body as { ms?: unknown }).ms : undefined;
    if (typeof ms !== 'number' || !(ms >= 0)) return send(res, 400, { error: 'the body must be {"ms": <zero or more>}' });
    deps.faults.setLatency(ms);
    return send(res, 204);
  }
  if (first === 'throttles' && segments.length === 1 && method === 'DELETE') {
    deps.state.resetThrottles();
    return send(res, 204);
  }
  send(res, 404, { error: `no emulator endpoint ${method} ${url.pathname}`, ...HELP });
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
