// The tab's Teams SSO check against a local OpenID signer: only a token signed by the tenant's published key, for this
// app, from this tenant's issuer, in date, with the access_as_user scope, names a viewer; and incomplete settings
// refuse everyone.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { isAppError } from '../../src/errors/app-error.js';
import { packageRoot } from '../../src/shared/package-root.js';
import { MICROSOFT_365_CLIENT_IDS, resolveSsoSettings, TabSso } from '../../src/tab/tab-sso.js';
import { startTokenIssuer, type TokenIssuer } from '../support/token-issuer.js';

const APP_ID = '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11';
const TENANT = '5a1f0c9e-3b7d-4e2a-8c6f-1d2e3f4a5b6c';
const OID = '0d6c7a52-8f1b-4c3d-9e2f-7a8b9c0d1e2f';

let issuer: TokenIssuer;
let sso: TabSso;

beforeAll(async () => {
  issuer = await startTokenIssuer();
  sso = new TabSso({ tenantId: TENANT, audiences: [APP_ID, `api://coach.example/botid-${APP_ID}`], issuers: [issuer.issuer], jwksUrl: `${issuer.url}/keys` });
});

afterAll(async () => {
  await issuer?.close();
});

const TEAMS_WEB = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';
const userClaims = (extra: Record<string, unknown> = {}) => ({ aud: APP_ID, tid: TENANT, oid: OID, azp: TEAMS_WEB, name: 'Ava Patel', preferred_username: 'ava@northwind.example', scp: 'access_as_user', ver: '2.0', ...extra });

async function refusal(authorization: string | undefined): Promise<string> {
  try {
    await sso.verify(authorization);
    return 'accepted';
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

describe('the tab token check', () => {
  it('names the viewer from a valid token (v2 audience, or the v1 Application ID URI)', async () => {
    expect(await sso.verify(`Bearer ${await issuer.sign(userClaims())}`)).toEqual({ id: OID, name: 'Ava Patel', upn: 'ava@northwind.example' });
    const v1 = await issuer.sign(userClaims({ aud: `api://coach.example/botid-${APP_ID}`, ver: '1.0', azp: undefined, appid: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', preferred_username: undefined, upn: 'ava@northwind.example' }));
    expect((await sso.verify(`Bearer ${v1}`)).id).toBe(OID);
  });

  it('refuses a missing, malformed, unsigned, foreign-signed, expired or misaddressed token', async () => {
    expect(await refusal(undefined)).toBe('request.unauthorized');
    expect(await refusal('Basic dXNlcjpwYXNz')).toBe('request.unauthorized');
    expect(await refusal('Bearer not-a-token')).toBe('request.unauthorized');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...userClaims(), iss: issuer.issuer, exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) })).toString('base64url')}.`;
    expect(await refusal(`Bearer ${unsigned}`)).toBe('request.unauthorized');
    const hmac = await new SignJWT(userClaims()).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer.issuer).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode('a shared secret of 32 characters!'));
    expect(await refusal(`Bearer ${hmac}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims(), { rogue: true })}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims(), { expiresInSeconds: -600 })}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims({ aud: 'https://graph.microsoft.com' }))}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims(), { issuer: 'https://sts.windows.net/another-tenant/' })}`)).toBe('request.unauthorized');
  });

  it('refuses a token that an app other than a Teams or Microsoft 365 client obtained for this API', async () => {
    expect(await refusal(`Bearer ${await issuer.sign(userClaims({ azp: '00000000-1111-2222-3333-444444444444' }))}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims({ azp: undefined }))}`)).toBe('request.unauthorized');
  });

  it('pre-authorizes exactly the clients it accepts, in the Entra app manifest', () => {
    const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'infra', 'aad.manifest.json'), 'utf8')) as { api: { preAuthorizedApplications: { appId: string }[] } };
    expect(new Set(manifest.api.preAuthorizedApplications.map((client) => client.appId))).toEqual(MICROSOFT_365_CLIENT_IDS);
  });

  it('refuses another tenant, an app-only token, another scope and a token without an object id', async () => {
    expect(await refusal(`Bearer ${await issuer.sign(userClaims({ tid: '11111111-2222-3333-4444-555555555555' }))}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims({ scp: undefined, roles: ['User.Read.All'], idtyp: 'app' }))}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims({ scp: 'User.Read' }))}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims({ oid: undefined }))}`)).toBe('request.unauthorized');
    expect(await refusal(`Bearer ${await issuer.sign(userClaims({ oid: 'not-a-guid' }))}`)).toBe('request.unauthorized');
  });

  it('answers "unavailable", not "unauthorized", when the signing keys cannot be had', async () => {
    // Nobody listening, and a server that answers something other than a key set.
    for (const jwksUrl of ['http://127.0.0.1:9/keys', `${issuer.url}/not-the-keys`]) {
      const offline = new TabSso({ tenantId: TENANT, audiences: [APP_ID], issuers: [issuer.issuer], jwksUrl });
      try {
        await offline.verify(`Bearer ${await issuer.sign(userClaims())}`);
        expect.unreachable('a token was accepted without keys');
      } catch (error) {
        expect(isAppError(error, 'service.unavailable'), String(error)).toBe(true);
      }
    }
  });
});

describe('the tab sign-in settings', () => {
  it('fails closed until the app id, tenant and domain are all set', async () => {
    const base = { BOT_ID: APP_ID, BOT_PASSWORD: 'secret-value-for-tests', BOT_TENANT_ID: TENANT, BOT_TYPE: 'SingleTenant', AUDIT_HMAC_KEY: 'test-audit-key-0123456789abcdef0123456789abcdef', PORT: '0', DATA_DIR: '/nonexistent-unused' };
    const missing = resolveSsoSettings(loadConfig(base));
    expect(missing).toEqual({ missing: 'BOT_DOMAIN' });
    const closed = new TabSso(missing);
    expect(closed.unavailable).toBe('BOT_DOMAIN');
    await expect(closed.verify(`Bearer ${await issuer.sign(userClaims())}`)).rejects.toMatchObject({ code: 'service.unavailable' });

    // GUIDs as an admin may paste them, in capitals: compared in lower case.
    const settings = resolveSsoSettings(loadConfig({ ...base, BOT_ID: APP_ID.toUpperCase(), BOT_DOMAIN: 'coach.example' }));
    expect(settings).toEqual({
      tenantId: TENANT,
      audiences: [APP_ID, `api://coach.example/botid-${APP_ID}`],
      issuers: [`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://sts.windows.net/${TENANT}/`],
      jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
    });
  });
});
