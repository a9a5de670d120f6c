import { GraphError } from '@microsoft/microsoft-graph-client';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { TEAMS_SSO_GRANT } from '../../../src/dev/graph-emulator/token-service.js';
import { demoSso } from '../../../src/dev/demo-wiring.js';
import { TabSso } from '../../../src/tab/tab-sso.js';
import { credentialFor, graphClient, PEOPLE, rawRequest, testSeed } from './graph-test-client.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

describe('the emulator token service and Graph token checks', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;

  beforeAll(async () => {
    seed = testSeed();
    emulator = await startGraphEmulator({ seed, now: () => Date.now() });
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives @azure/identity a real RS256 app token for Graph through MSAL', async () => {
    const token = await credentialFor(emulator, seed).getToken(GRAPH_SCOPE);
    expect(token.token.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(token.token).alg).toBe('RS256');
    const claims = decodeJwt(token.token);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${seed.tenant.id}/`,
      tid: seed.tenant.id,
      appid: seed.apps[0]?.clientId,
      idtyp: 'app',
    });
    expect(claims.roles).toEqual(expect.arrayContaining(['User.Read.All', 'AuditLog.Read.All', 'UserAuthenticationMethod.ReadWrite.All']));
    expect((claims.exp as number) - (claims.iat as number)).toBe(3599);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it('publishes OpenID metadata whose token endpoint and keys are on the authority host', async () => {
    const metadata = await fetchAuthority(emulator, `/${seed.tenant.id}/v2.0/.well-known/openid-configuration`);
    expect(metadata.status).toBe(200);
    expect(metadata.body.token_endpoint).toBe(`${emulator.authorityHost}/${seed.tenant.id}/oauth2/v2.0/token`);
    const keys = await fetchAuthority(emulator, new URL(metadata.body.jwks_uri as string).pathname);
    expect((keys.body.keys as Array<{ alg: string }>)[0]?.alg).toBe('RS256');
    const unknown = await fetchAuthority(emulator, '/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration');
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.error_description)).toMatch(/^AADSTS90002/);
  });

  it('refuses a wrong client secret and an unknown client with Entra errors', async () => {
    const app = seed.apps[0] as TenantSeed['apps'][number];
    const { ClientSecretCredential } = await import('@azure/identity');
    const options = { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca: emulator.caCertificate } };
    await expect(new ClientSecretCredential(emulator.tenantId, app.clientId, 'not-the-secret-at-all', options).getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS7000215/);
    await expect(
      new ClientSecretCredential(emulator.tenantId, '99999999-8888-7777-6666-555555555555', app.clientSecret, options).getToken(GRAPH_SCOPE),
    ).rejects.toThrow(/AADSTS700016/);
  });

  it('answers 401 InvalidAuthenticationToken without a token, in Graph error shape', async () => {
    const response = await rawRequest(emulator, 'GET', '/v1.0/users', { headers: { 'client-request-id': 'abc-123' } });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: {
        code: 'InvalidAuthenticationToken',
        message: 'Access token is empty.',
        innerError: { date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), 'request-id': expect.any(String), 'client-request-id': 'abc-123' },
      },
    });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 401 to a token signed by a key it did not publish, even with the right claims', async () => {
    const genuine = decodeJwt((await credentialFor(emulator, seed).getToken(GRAPH_SCOPE)).token);
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ ...genuine })
      .setProtectedHeader({ alg: 'RS256', kid: (await exportJWK(publicKey)).kid ?? 'forged' })
      .sign(privateKey);
    const response = await rawRequest(emulator, 'GET', '/v1.0/users', { token: forged });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } });
  });

  it('answers 401 to an unsigned token and to something that is not a JWT', async () => {
    const genuine = decodeJwt((await credentialFor(emulator, seed).getToken(GRAPH_SCOPE)).token);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(genuine)).toString('base64url')}.`;
    expect((await rawRequest(emulator, 'GET', '/v1.0/users', { token: unsigned })).status).toBe(401);
    expect((await rawRequest(emulator, 'GET', '/v1.0/users', { token: 'not-a-jwt' })).status).toBe(401);
  });

  it('answers 401 to a well-signed token issued for another tenant', async () => {
    const otherSeed = testSeed();
    otherSeed.tenant = { ...otherSeed.tenant, id: '5a5a5a5a-1111-4222-8333-944444444444', defaultDomain: 'other.example' };
    const other = await startGraphEmulator({ seed: otherSeed });
    try {
      const foreign = (await credentialFor(other, otherSeed).getToken(GRAPH_SCOPE)).token;
      expect((await rawRequest(other, 'GET', `/v1.0/users/${PEOPLE.dana}`, { token: foreign })).status).toBe(200);
      const response = await rawRequest(emulator, 'GET', `/v1.0/users/${PEOPLE.dana}`, { token: foreign });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    } finally {
      await other.close();
    }
  });

  it('refuses /me for an app-only token, as Graph does', async () => {
    const token = (await credentialFor(emulator, seed).getToken(GRAPH_SCOPE)).token;
    const response = await rawRequest(emulator, 'GET', '/v1.0/me', { token });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { message: '/me request is only valid with delegated authentication flow.' } });
  });

  it('answers 401 once the token has expired on the emulator clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const token = (await credentialFor(emulator, seed).getToken(GRAPH_SCOPE)).token;
    expect((await rawRequest(emulator, 'GET', `/v1.0/users/${PEOPLE.dana}`, { token })).status).toBe(200);
    vi.setSystemTime(Date.now() + 3600_000);
    const expired = await rawRequest(emulator, 'GET', `/v1.0/users/${PEOPLE.dana}`, { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { message: 'Lifetime validation failed, the token is expired.' } });
  });

  it('lets an app do only what its roles allow: 403 Authorization_RequestDenied otherwise', async () => {
    const reader = graphClient(emulator, seed, { app: 1 });
    const me = await reader.api(`/users/${PEOPLE.dana}`).get();
    expect(me.displayName).toBe('Dana Whitfield');
    const denied = await reader
      .api('/reports/authenticationMethods/userRegistrationDetails')
      .get()
      .catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(GraphError);
    expect(denied).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });
  });

  it('never records a token in the call log', async () => {
    const token = (await credentialFor(emulator, seed).getToken(GRAPH_SCOPE)).token;
    await rawRequest(emulator, 'GET', '/v1.0/users?$top=1', { token });
    const log = JSON.stringify(emulator.calls.list());
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]);
  });

  it('stands in for Teams SSO: a v2 user token for the app, which the tab accepts and Graph does not', async () => {
    const app = seed.apps[0] as TenantSeed['apps'][number];
    const token = (user: string, scope = `api://localhost/botid-${app.clientId}/access_as_user`, client = app.clientId) =>
      fetchAuthority(emulator, `/${seed.tenant.id}/oauth2/v2.0/token`, { grant_type: TEAMS_SSO_GRANT, client_id: client, user, scope });
    const issued = await token(PEOPLE.dana);
    expect(issued.status).toBe(200);
    const accessToken = issued.body.access_token as string;
    expect(decodeJwt(accessToken)).toMatchObject({ aud: app.clientId, iss: `${emulator.authorityHost}/${seed.tenant.id}/v2.0`, oid: PEOPLE.dana, tid: seed.tenant.id, scp: 'access_as_user', ver: '2.0' });
    const sso = new TabSso(demoSso({ seed, authorityHost: emulator.authorityHost, caCertificate: emulator.caCertificate }));
    expect((await sso.verify(`Bearer ${accessToken}`)).id).toBe(PEOPLE.dana);
    expect((await rawRequest(emulator, 'GET', '/v1.0/users', { token: accessToken })).status).toBe(401);
    expect(String((await token('nobody@fabrikam-test.example')).body.error_description)).toMatch(/AADSTS50034/);
    expect(String((await token('3b34473e-f299-49da-96bb-1c0dfa0f0787')).body.error_description)).toMatch(/AADSTS50057/);
    expect(String((await token(PEOPLE.dana, 'https://graph.microsoft.com/.default')).body.error_description)).toMatch(/AADSTS70011/);
    expect(String((await token(PEOPLE.dana, undefined, '99999999-8888-7777-6666-555555555555')).body.error_description)).toMatch(/AADSTS700016/);
  });
});

async function fetchAuthority(emulator: GraphEmulator, path: string, form?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const { request } = await import('node:https');
  const body = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const headers = body ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    request(`${emulator.authorityHost}${path}`, { ca: emulator.caCertificate, method: body ? 'POST' : 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    })
      .on('error', reject)
      .end(body);
  });
}
