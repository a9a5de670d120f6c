// A local Microsoft Entra Verified ID Request Service for demo mode and tests: createPresentationRequest (an app token
// of the demo tenant for the Request Service's scope, the body checked as the service documents it), requests held
// until they expire, and the callbacks sent to the verifier with the headers it asked for. Wallet holders are driven
// through an admin API (/_emulator/...): who opens the link, how well their face matches, a refusal, a revoked
// credential, or a service that breaks its own rules. Plain HTTP on 127.0.0.1 only.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { VERIFIED_ID_RESOURCE } from '../../directory/verified-id-client.js';
import { placeholderQrCode } from './placeholder-image.js';
import { type Credential, credentialFor, type HeldRequest, type PresentInput, present, type WalletPerson } from './wallet.js';

export type { PresentInput, WalletPerson } from './wallet.js';

/** The app roles of the Verifiable Credentials Service Request API that allow asking for a presentation. */
const PRESENT_ROLES = ['VerifiableCredential.Create.All', 'VerifiableCredential.Create.PresentRequest'];

export interface VerifiedIdEmulatorOptions {
  tenantId: string;
  /** The tenant's verified domain: its DID is did:web:verifiedid.<domain>. */
  domain: string;
  people: readonly WalletPerson[];
  /** Checks a bearer token for the Request Service (the Graph emulator's token service); rejects otherwise. */
  verifyToken: (authorization: string | undefined, audience: string) => Promise<{ appId: string; roles: readonly string[] }>;
  now?: () => number;
  port?: number;
  /** How long a presentation request stays open (default 300 s). */
  requestLifetimeSeconds?: number;
}

export interface PresentResult {
  outcome: 'presented' | 'no-matching-credential' | 'expired' | 'unknown-request';
  /** Each callback sent, in order, with the verifier's answer. */
  callbacks: { requestStatus: string; status: number }[];
}

export interface VerifiedIdEmulator {
  endpoint: string;
  authorityDid: string;
  /** The requests held, without their callback headers. */
  requests(): Omit<HeldRequest, 'callbackHeaders'>[];
  present(requestId: string, input: PresentInput): Promise<PresentResult>;
  /** Sends `body` to the request's callback URL, with its headers or without (forged, replayed or stripped callbacks). */
  sendCallback(requestId: string, body: unknown, options?: { withHeaders?: boolean }): Promise<number>;
  /** Sends the request's last callback again, headers and all. */
  replay(requestId: string): Promise<number>;
  revoke(holder: string): void;
  /** The next `count` createPresentationRequest calls answer `status`. */
  failCreate(status: number, count?: number): void;
  close(): Promise<void>;
}

const bodySchema = z.object({
  authority: z.string().min(1),
  includeQRCode: z.boolean().optional(),
  includeReceipt: z.boolean().optional(),
  registration: z.object({ clientName: z.string().min(1).max(200), purpose: z.string().max(500).optional() }),
  callback: z.object({ url: z.string().url(), state: z.string().min(1).max(500), headers: z.record(z.string()).optional() }),
  requestedCredentials: z
    .array(
      z.object({
        type: z.string().min(1),
        purpose: z.string().max(500).optional(),
        acceptedIssuers: z.array(z.string().min(1)).min(1),
        constraints: z.array(z.object({ claimName: z.string().min(1), values: z.array(z.string()).min(1) })).optional(),
        configuration: z
          .object({
            validation: z
              .object({
                allowRevoked: z.boolean().optional(),
                validateLinkedDomain: z.boolean().optional(),
                faceCheck: z.object({ sourcePhotoClaimName: z.string().min(1), matchConfidenceThreshold: z.number().int().min(50).max(100).optional() }).optional(),
              })
              .optional(),
          })
          .optional(),
      }),
    )
    .length(1, 'one requested credential'),
});

export async function startVerifiedIdEmulator(options: VerifiedIdEmulatorOptions): Promise<VerifiedIdEmulator> {
  const now = options.now ?? (() => Date.now());
  const authorityDid = `did:web:verifiedid.${options.domain}`;
  const lifetimeMs = (options.requestLifetimeSeconds ?? 300) * 1000;
  const wallets = new Map<string, Credential>();
  for (const person of options.people) {
    const credential = credentialFor(person);
    wallets.set(person.id.toLowerCase(), credential);
    wallets.set(person.userPrincipalName.toLowerCase(), credential);
  }
  const held = new Map<string, HeldRequest>();
  const lastCallback = new Map<string, unknown>();
  let createFaults: { status: number; count: number } | undefined;
  let endpoint = '';

  const post = async (request: HeldRequest, body: unknown, withHeaders = true): Promise<number> => {
    lastCallback.set(request.requestId, body);
    const response = await fetch(request.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(withHeaders ? request.callbackHeaders : {}) }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    return response.status;
  };

  const create = async (req: IncomingMessage, body: unknown): Promise<[number, unknown]> => {
    const id = randomUUID();
    const fail = (status: number, code: string, message: string, target?: string): [number, unknown] => [status, { requestId: id, date: new Date(now()).toUTCString(), mscv: 'emulator', error: { code, message, innererror: { code, message, ...(target ? { target } : {}) } } }];
    try {
      const identity = await options.verifyToken(req.headers.authorization, VERIFIED_ID_RESOURCE);
      if (!identity.roles.some((role) => PRESENT_ROLES.includes(role))) return fail(403, 'unauthorized', 'The app has no permission to create presentation requests (VerifiableCredential.Create.All).');
    } catch {
      return fail(401, 'unauthorized', 'The access token is missing, invalid or for another resource or tenant.');
    }
    if (createFaults && createFaults.count > 0) {
      createFaults.count -= 1;
      return fail(createFaults.status, 'serviceUnavailable', 'An injected fault.');
    }
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(400, 'badOrMissingField', issue?.message ?? 'The request is not valid.', issue?.path.join('.'));
    }
    const ask = parsed.data;
    if (ask.authority !== authorityDid) return fail(400, 'badOrMissingField', `The authority must be the tenant's DID (${authorityDid}).`, 'authority');
    const callbackUrl = new URL(ask.callback.url);
    if (callbackUrl.protocol !== 'https:' && callbackUrl.hostname !== '127.0.0.1' && callbackUrl.hostname !== 'localhost') return fail(400, 'badOrMissingField', 'The callback URL must be https.', 'callback.url');
    const credential = ask.requestedCredentials[0] as (typeof ask.requestedCredentials)[number];
    const validation = credential.configuration?.validation;
    if (validation?.faceCheck && validation.faceCheck.sourcePhotoClaimName !== 'photo') return fail(400, 'badOrMissingField', `The credential type ${credential.type} has no claim ${validation.faceCheck.sourcePhotoClaimName}.`, 'requestedCredentials.configuration.validation.faceCheck.sourcePhotoClaimName');
    const expiresAt = now() + lifetimeMs;
    held.set(id, {
      requestId: id,
      state: ask.callback.state,
      callbackUrl: ask.callback.url,
      callbackHeaders: ask.callback.headers ?? {},
      authority: ask.authority,
      type: credential.type,
      acceptedIssuers: credential.acceptedIssuers,
      constraints: credential.constraints ?? [],
      faceCheck: validation?.faceCheck ? { sourcePhotoClaimName: validation.faceCheck.sourcePhotoClaimName, matchConfidenceThreshold: validation.faceCheck.matchConfidenceThreshold ?? 70 } : undefined,
      allowRevoked: validation?.allowRevoked ?? false,
      expiresAt,
      status: 'created',
    });
    const url = `openid-vc://?request_uri=${encodeURIComponent(`${endpoint}/v1.0/tenants/${options.tenantId}/verifiableCredentials/presentationRequests/${id}`)}`;
    return [201, { requestId: id, url, expiry: Math.floor(expiresAt / 1000), ...(ask.includeQRCode ? { qrCode: placeholderQrCode() } : {}) }];
  };

  const emulator: Omit<VerifiedIdEmulator, 'endpoint' | 'close'> = {
    authorityDid,
    requests: () => [...held.values()].map(({ callbackHeaders: _headers, ...rest }) => rest),
    async present(requestId, input) {
      const request = held.get(requestId);
      if (!request) return { outcome: 'unknown-request', callbacks: [] };
      if (now() > request.expiresAt) return { outcome: 'expired', callbacks: [] };
      const credential = wallets.get(input.holder.toLowerCase());
      const presentation = present(request, credential, input, request.acceptedIssuers.includes(authorityDid) ? authorityDid : (request.acceptedIssuers[0] as string), options.domain);
      if (presentation.outcome !== 'presented') return { outcome: presentation.outcome, callbacks: [] };
      const callbacks: PresentResult['callbacks'] = [];
      for (const body of presentation.callbacks) {
        const status = String(body.requestStatus);
        request.status = status === 'request_retrieved' ? 'retrieved' : status === 'presentation_verified' ? 'verified' : 'error';
        callbacks.push({ requestStatus: status, status: await post(request, body) });
      }
      return { outcome: 'presented', callbacks };
    },
    async sendCallback(requestId, body, sendOptions = {}) {
      const request = held.get(requestId);
      if (!request) throw new Error(`no presentation request ${requestId}`);
      return post(request, body, sendOptions.withHeaders ?? true);
    },
    async replay(requestId) {
      const request = held.get(requestId);
      if (!request || !lastCallback.has(requestId)) throw new Error(`nothing to replay for ${requestId}`);
      return post(request, lastCallback.get(requestId));
    },
    revoke(holder) {
      const credential = wallets.get(holder.toLowerCase());
      if (!credential) throw new Error(`no wallet for ${holder}`);
      credential.revoked = true;
    },
    failCreate(status, count = 1) {
      createFaults = { status, count };
    },
  };

  const server = createServer((req, res) => {
    handle(req, res, emulator, create).catch((error: unknown) => send(res, 500, { error: { code: 'internalError', message: error instanceof Error ? error.message : String(error) } }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  endpoint = `http://127.0.0.1:${port}`;
  return { ...emulator, endpoint, close: () => stop(server) };
}

const presentSchema = z.object({
  holder: z.string().min(1),
  faceMatch: z.number().min(0).max(100).optional(),
  decline: z.boolean().optional(),
  misbehave: z.enum(['ignore-constraints', 'ignore-threshold']).optional(),
});

async function handle(req: IncomingMessage, res: ServerResponse, emulator: Omit<VerifiedIdEmulator, 'endpoint' | 'close'>, create: (req: IncomingMessage, body: unknown) => Promise<[number, unknown]>): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const text = await readBody(req);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    return send(res, 400, { error: { code: 'badRequest', message: 'The body is not JSON.' } });
  }
  if (req.method === 'POST' && path === '/v1.0/verifiableCredentials/createPresentationRequest') {
    const [status, answer] = await create(req, body);
    return send(res, status, answer);
  }
  if (req.method === 'GET' && path === '/_emulator/requests') return send(res, 200, { requests: emulator.requests() });
  const admin = /^\/_emulator\/requests\/([^/]+)\/(present|callback|replay)$/.exec(path);
  if (req.method === 'POST' && admin) {
    const [, id = '', verb] = admin;
    if (verb === 'present') {
      const input = presentSchema.safeParse(body);
      if (!input.success) return send(res, 400, { error: input.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
      return send(res, 200, await emulator.present(decodeURIComponent(id), input.data));
    }
    if (!emulator.requests().some((request) => request.requestId === decodeURIComponent(id))) return send(res, 404, { error: 'no such presentation request' });
    if (verb === 'replay') return send(res, 200, { status: await emulator.replay(decodeURIComponent(id)) });
    const forged = z.object({ body: z.unknown(), withHeaders: z.boolean().default(true) }).safeParse(body);
    if (!forged.success) return send(res, 400, { error: 'send { "body": {...}, "withHeaders": true|false }' });
    return send(res, 200, { status: await emulator.sendCallback(decodeURIComponent(id), forged.data.body, { withHeaders: forged.data.withHeaders }) });
  }
  const revoke = /^\/_emulator\/credentials\/([^/]+)\/revoke$/.exec(path);
  if (req.method === 'POST' && revoke) {
    emulator.revoke(decodeURIComponent(revoke[1] ?? ''));
    return send(res, 204, undefined);
  }
  if (req.method === 'POST' && path === '/_emulator/faults') {
    const fault = z.object({ status: z.number().int().min(400).max(599), count: z.number().int().min(1).max(100).default(1) }).safeParse(body);
    if (!fault.success) return send(res, 400, { error: 'send { "status": 503, "count": 1 }' });
    emulator.failCreate(fault.data.status, fault.data.count);
    return send(res, 204, undefined);
  }
  send(res, 404, { error: { code: 'notFound', message: `No such endpoint on the Verified ID emulator: ${req.method} ${path}` } });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 256 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
