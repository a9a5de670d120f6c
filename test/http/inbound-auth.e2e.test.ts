// Inbound authentication for real: Bot Framework JWTs signed by a local OpenID provider, validated by botbuilder.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAB_FRAME_ANCESTORS } from '../../src/http/tab-routes.js';
import { packageRoot } from '../../src/shared/package-root.js';
import { activityFixture, cardsIn, type RunningBot, startBot, TEST_AUDIT_KEY } from '../support/bot-harness.js';
import { botEndpointSettings, startTokenIssuer, type TokenIssuer } from '../support/token-issuer.js';

const BOT_ID = '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const BOT_PASSWORD = 'bot-client-secret-Q8~vX2.LmN4pR7sT';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
/** An Entra v1 issuer botbuilder treats as an "emulator" token issuer. */
const ENTRA_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';

let issuer: TokenIssuer;
let bot: RunningBot;

beforeAll(async () => {
  // The key is endorsed for msteams and webchat so that the channel rule, not the endorsement, is what refuses webchat.
  issuer = await startTokenIssuer({ endorsements: ['msteams', 'webchat'] });
  bot = await startBot({
    BOT_ID,
    BOT_PASSWORD,
    BOT_TENANT_ID: TENANT,
    BOT_TYPE: 'SingleTenant',
    HOST: '127.0.0.1',
    AUDIT_HMAC_KEY: TEST_AUDIT_KEY,
    ...botEndpointSettings(issuer),
  });
});

afterAll(async () => {
  await bot?.stop();
  await issuer?.close();
});

const message = (overrides: Record<string, unknown> = {}) =>
  activityFixture('message-personal', { serviceUrl: SERVICE_URL, deliveryMode: 'expectReplies', ...overrides });

const channelToken = (claims: Record<string, unknown> = {}, options: Parameters<TokenIssuer['sign']>[1] = {}) =>
  issuer.sign({ aud: BOT_ID, serviceurl: SERVICE_URL, ...claims }, options);

describe('inbound authentication with BOT_ID set', () => {
  it('has none of demo mode\'s routes for the benchmarks', async () => {
    expect((await fetch(`${bot.url}/_demo/store-requests`)).status).toBe(404);
  });

  it('refuses a request without a token with 401', async () => {
    const result = await bot.post(message());
    expect(result.status).toBe(401);
  });

  it('serves a request with a valid Bot Connector token', async () => {
    const result = await bot.post(message(), { token: await channelToken() });
    expect(result.status).toBe(200);
    expect(cardsIn((result.body as { activities: unknown[] }).activities)).toHaveLength(1);
  });

  it('refuses a token signed with a key the OpenID metadata does not publish', async () => {
    expect((await bot.post(message(), { token: await channelToken({}, { rogue: true }) })).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    expect((await bot.post(message(), { token: await channelToken({}, { expiresInSeconds: -600 }) })).status).toBe(401);
  });

  it('refuses a token for another bot', async () => {
    expect((await bot.post(message(), { token: await channelToken({ aud: '00000000-0000-0000-0000-000000000001' }) })).status).toBe(401);
  });

  it('refuses a token whose serviceurl claim differs from the activity', async () => {
    expect((await bot.post(message(), { token: await channelToken({ serviceurl: 'https://evil.example.com/' }) })).status).toBe(401);
  });

  it('refuses a token from an unknown issuer', async () => {
    expect((await bot.post(message(), { token: await channelToken({}, { issuer: 'https://issuer.example.com/' }) })).status).toBe(401);
  });

  it('refuses a garbage authorization header', async () => {
    expect((await bot.post(message(), { token: 'not-a-jwt' })).status).toBe(401);
  });
});

describe('a valid token is not enough: only Teams traffic from allowed tenants is served', () => {
  it('refuses another channel with 403 and records it', async () => {
    const result = await bot.post(message({ channelId: 'webchat' }), { token: await channelToken() });
    expect(result.status).toBe(403);
    expect(bot.logs.text()).toContain('refused an activity');
  });

  it('refuses a foreign tenant with 403, logs and audits it', async () => {
    const foreign = '11111111-2222-4333-8444-555555555555';
    const result = await bot.post(message({ channelData: { tenant: { id: foreign } }, conversation: { id: 'a:foreign', conversationType: 'personal', tenantId: foreign } }), {
      token: await channelToken(),
    });
    expect(result.status).toBe(403);
    expect(bot.logs.entries().some((e) => e.msg === 'refused an activity' && JSON.stringify(e).includes(foreign))).toBe(true);
    const audit = await bot.service.store.list<{ action: string; details: { tenantId?: string } }>('audit-entries');
    expect(audit.records.some((r) => r.value.action === 'request.refused' && r.value.details.tenantId === foreign)).toBe(true);
  });

  it('refuses an activity with no tenant at all', async () => {
    const result = await bot.post(message({ channelData: {}, conversation: { id: 'a:x', conversationType: 'personal' } }), { token: await channelToken() });
    expect(result.status).toBe(403);
  });

  it('refuses an Entra token minted for the bot app (valid signature, but not from the Bot Connector)', async () => {
    const token = await issuer.sign({ aud: BOT_ID, appid: BOT_ID, ver: '1.0' }, { issuer: ENTRA_ISSUER });
    const result = await bot.post(message(), { token });
    expect(result.status).toBe(403);
  });

  it('never writes a token, the bot password or the audit key to the log', async () => {
    const token = await channelToken();
    await bot.post(message({ channelData: { tenant: { id: 'other-tenant' } } }), { token });
    await bot.post(message(), { token: `${token}x` });
    const text = bot.logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain(BOT_PASSWORD);
    expect(text).not.toContain(TEST_AUDIT_KEY);
  });

  it('keeps the tab closed while its sign-in is not configured, and lets only Teams hosts frame it', async () => {
    const token = await issuer.sign({ aud: BOT_ID, tid: TENANT, oid: '0d6c7a52-8f1b-4c3d-9e2f-7a8b9c0d1e2f', azp: '5e3ce6c0-2b1f-4285-8d4b-75ee78787346', scp: 'access_as_user' });
    const api = await fetch(`${bot.url}/tab/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(503);
    expect(((await api.json()) as { message: string }).message).toContain('not set up');
    const page = await fetch(`${bot.url}/tab/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const ancestors = /frame-ancestors ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
    expect(ancestors).toEqual(TAB_FRAME_ANCESTORS);
    expect(ancestors).toContain('https://*.cloud.microsoft');
    expect(csp).toContain("default-src 'none'");
    // The demo host, its script and demo tokens do not exist outside demo mode.
    expect((await fetch(`${bot.url}/tab/demo-host/`)).status).toBe(404);
    const hostScript = readdirSync(path.join(packageRoot(), 'dist', 'tab', 'assets')).find((name) => name.startsWith('host-') && name.endsWith('.js'));
    expect(hostScript).toBeDefined();
    expect((await fetch(`${bot.url}/tab/assets/${hostScript}`)).status).toBe(404);
    expect((await fetch(`${bot.url}/tab/demo/session?as=admin`)).status).toBe(404);
  });
});
