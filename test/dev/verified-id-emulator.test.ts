// The local Verified ID Request Service: only the demo tenant's app tokens for its scope, the request body checked as
// Microsoft documents it, requests that expire, and the wallet holder's answers sent to the callback with its headers.

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphCredential } from '../../src/directory/graph-client.js';
import { presentationBody, VERIFIED_ID_SCOPE } from '../../src/directory/verified-id-client.js';
import { type GraphEmulator, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import { startVerifiedIdEmulator, type VerifiedIdEmulator } from '../../src/dev/verified-id-emulator/index.js';
import { testSeed } from './graph-emulator/graph-test-client.js';

let graph: GraphEmulator;
let vid: VerifiedIdEmulator;
let callbackUrl: string;
const received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
const callbacks = createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => {
    text += chunk;
  });
  req.on('end', () => {
    received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
    res.writeHead(200).end('{}');
  });
});
const seed = testSeed();
const person = seed.users.find((user) => user.accountKind === 'person' && user.accountEnabled) as (typeof seed.users)[number];
const other = seed.users.find((user) => user.accountKind === 'person' && user.accountEnabled && user.id !== person.id) as (typeof seed.users)[number];

async function token(scope = VERIFIED_ID_SCOPE): Promise<string> {
  const app = seed.apps[0] as (typeof seed.apps)[number];
  const credential = createGraphCredential({ kind: 'client-secret', tenantId: seed.tenant.id, clientId: app.clientId, secret: app.clientSecret }, { authorityHost: graph.authorityHost, caCertificate: graph.caCertificate });
  return (await credential?.getToken(scope))?.token ?? '';
}

async function create(body: unknown, bearer?: string) {
  const response = await fetch(`${vid.endpoint}/v1.0/verifiableCredentials/createPresentationRequest`, { method: 'POST', headers: { 'content-type': 'application/json', ...(bearer === undefined ? { authorization: `Bearer ${await token()}` } : bearer ? { authorization: `Bearer ${bearer}` } : {}) }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const ask = (overrides: Record<string, unknown> = {}) => ({
  ...presentationBody({ authorityDid: vid.authorityDid, clientName: 'Passkey Coach', purpose: 'Helpdesk identity check', callbackUrl, state: 'state-0123456789abcdef', callbackHeaders: { 'api-key': 'the-secret' }, targetUpn: person.userPrincipalName, faceMatchThreshold: 70 }),
  ...overrides,
});

beforeAll(async () => {
  graph = await startGraphEmulator({ seed });
  await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}/callback`;
  vid = await startVerifiedIdEmulator({
    tenantId: seed.tenant.id,
    domain: seed.tenant.defaultDomain,
    people: seed.users.filter((user) => user.accountKind === 'person').map((user) => ({ id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName })),
    verifyToken: (authorization, audience) => graph.verifyAppToken(authorization, audience),
  });
});
afterAll(async () => {
  await vid.close();
  await graph.close();
  callbacks.close();
});

describe('the Verified ID emulator', () => {
  it('creates a presentation request for a token of the Request Service scope: a request id, an openid-vc link, an expiry and a QR image', async () => {
    const { status, body } = await create(ask());
    expect(status).toBe(201);
    expect(body.url).toMatch(/^openid-vc:\/\/\?request_uri=/);
    expect(body.qrCode).toMatch(/^data:image\/png;base64,/);
    expect(Number(body.expiry) * 1000 - Date.now()).toBeGreaterThan(290_000);
    expect(vid.requests().find((request) => request.requestId === body.requestId)).toMatchObject({ state: 'state-0123456789abcdef', constraints: [{ claimName: 'revocationId', values: [person.userPrincipalName] }] });
  });

  it('refuses no token, a Graph token, and a body that breaks the documented rules', async () => {
    expect((await create(ask(), '')).status).toBe(401);
    expect((await create(ask(), await token('https://graph.microsoft.com/.default'))).status).toBe(401);
    expect((await create(ask({ authority: 'did:web:someone-else.example' }))).body).toMatchObject({ error: { code: 'badOrMissingField', innererror: { target: 'authority' } } });
    expect((await create(ask({ requestedCredentials: [] }))).status).toBe(400);
    const wrongClaim = ask();
    (wrongClaim.requestedCredentials as { configuration: { validation: { faceCheck: { sourcePhotoClaimName: string } } } }[])[0]!.configuration.validation.faceCheck.sourcePhotoClaimName = 'selfie';
    expect((await create(wrongClaim)).status).toBe(400);
  });

  it("sends request_retrieved then presentation_verified with the person's claims, the Face Check score and the callback's own headers", async () => {
    const { body } = await create(ask());
    received.length = 0;
    const result = await vid.present(String(body.requestId), { holder: person.userPrincipalName, faceMatch: 81 });
    expect(result.callbacks.map((callback) => callback.requestStatus)).toEqual(['request_retrieved', 'presentation_verified']);
    expect(received.map((callback) => callback.headers['api-key'])).toEqual(['the-secret', 'the-secret']);
    expect(received[1]?.body).toMatchObject({ requestId: body.requestId, state: 'state-0123456789abcdef', verifiedCredentialsData: [{ issuer: vid.authorityDid, type: ['VerifiableCredential', 'VerifiedEmployee'], claims: { revocationId: person.userPrincipalName }, credentialState: { revocationStatus: 'VALID' }, faceCheck: { matchConfidenceScore: 81 } }] });
    const presented = (received[1]?.body.verifiedCredentialsData ?? []) as { claims: { photo?: string } }[];
    expect(typeof presented[0]?.claims.photo).toBe('string');
  });

  it('reports a low score, a refusal and a revoked credential as presentation_error, and offers no credential of another person', async () => {
    const outcomes: unknown[] = [];
    for (const input of [{ holder: person.userPrincipalName, faceMatch: 40 }, { holder: person.userPrincipalName, decline: true }]) {
      const { body } = await create(ask());
      received.length = 0;
      await vid.present(String(body.requestId), input);
      outcomes.push((received.at(-1)?.body as { error?: { code: string } } | undefined)?.error?.code);
    }
    const { body } = await create(ask());
    expect(await vid.present(String(body.requestId), { holder: other.userPrincipalName })).toEqual({ outcome: 'no-matching-credential', callbacks: [] });
    vid.revoke(person.userPrincipalName);
    received.length = 0;
    await vid.present(String(body.requestId), { holder: person.userPrincipalName });
    outcomes.push((received.at(-1)?.body as { error?: { code: string } } | undefined)?.error?.code);
    expect(outcomes).toEqual(['face_check_failed', 'user_canceled', 'credential_revoked']);
  });

  it('answers an injected fault on create, and strips the headers from a callback when told', async () => {
    vid.failCreate(503);
    expect((await create(ask())).status).toBe(503);
    const { body } = await create(ask());
    received.length = 0;
    await vid.sendCallback(String(body.requestId), { requestStatus: 'presentation_verified' }, { withHeaders: false });
    expect(received[0]?.headers['api-key']).toBeUndefined();
  });
});
