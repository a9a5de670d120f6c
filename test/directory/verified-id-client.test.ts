// The Request Service client as a unit: what it asks for, and what it does with answers it must not trust (a link
// that is not a wallet's, an error of ours, an outage). The real HTTP exchange is in the emulator's and e2e tests.

import type { TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { type PresentationAsk, VERIFIED_ID_SCOPE, VerifiedIdClient } from '../../src/directory/verified-id-client.js';

const ASK: PresentationAsk = {
  authorityDid: 'did:web:verifiedid.northwind.example',
  clientName: 'Passkey Coach',
  purpose: 'The helpdesk checks it is you',
  callbackUrl: 'https://coach.northwind.example/api/verifiedid/callback',
  state: 'state-0123456789abcdef',
  callbackHeaders: { 'api-key': 'secret' },
  targetUpn: 'ava.patel@northwind.example',
  faceMatchThreshold: 75,
};

const scopes: string[] = [];
const credential: TokenCredential = {
  getToken: async (scope) => {
    scopes.push(String(scope));
    return { token: 'a-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

function clientAnswering(status: number, body: unknown, seen: { url?: string; init?: RequestInit } = {}): VerifiedIdClient {
  const fetch = (async (url: string, init: RequestInit) => {
    seen.url = url;
    seen.init = init;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof globalThis.fetch;
  return new VerifiedIdClient({ endpoint: 'https://verifiedid.example', credential, timeoutMs: 1_000, fetch });
}

async function failure(client: VerifiedIdClient): Promise<string | undefined> {
  try {
    await client.createPresentationRequest(ASK);
    return undefined;
  } catch (error) {
    return isAppError(error) ? error.code : 'not an app error';
  }
}

describe('the Verified ID Request Service client', () => {
  it('asks with a token for the service scope, bound to the person, the tenant as the only issuer and Face Check', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const created = await clientAnswering(201, { requestId: 'r1', url: 'openid-vc://?request_uri=https%3A%2F%2Fx%2Fr1', expiry: 1_900_000_000 }, seen).createPresentationRequest(ASK);
    expect(created.requestId).toBe('r1');
    expect(scopes.at(-1)).toBe(VERIFIED_ID_SCOPE);
    expect(seen.url).toBe('https://verifiedid.example/v1.0/verifiableCredentials/createPresentationRequest');
    const body = JSON.parse(String(seen.init?.body)) as { authority?: string; callback?: unknown; requestedCredentials?: unknown };
    expect(body.authority).toBe(ASK.authorityDid);
    expect(body.callback).toEqual({ url: ASK.callbackUrl, state: ASK.state, headers: { 'api-key': 'secret' } });
    expect(body.requestedCredentials).toEqual([
      expect.objectContaining({
        type: 'VerifiedEmployee',
        acceptedIssuers: [ASK.authorityDid],
        constraints: [{ claimName: 'revocationId', values: [ASK.targetUpn] }],
        configuration: { validation: { allowRevoked: false, validateLinkedDomain: true, faceCheck: { sourcePhotoClaimName: 'photo', matchConfidenceThreshold: 75 } } },
      }),
    ]);
  });

  it('refuses a link that is not a wallet link (it would go into cards), an error of ours, and an outage, each plainly', async () => {
    for (const url of ['https://phish.example/login', 'javascript:alert(1)', 'openid-vc://?x=1) [click](https://phish.example']) {
      expect(await failure(clientAnswering(201, { requestId: 'r1', url, expiry: 1_900_000_000 })), url).toBe('verifiedid.unavailable');
    }
    expect(await failure(clientAnswering(400, { error: { code: 'badRequest', innererror: { code: 'badOrMissingField', message: 'authority' } } }))).toBe('verifiedid.refused');
    expect(await failure(clientAnswering(503, {}))).toBe('verifiedid.unavailable');
    expect(await failure(clientAnswering(429, {}))).toBe('verifiedid.unavailable');
  });
});
