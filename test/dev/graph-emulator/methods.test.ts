import type { Client } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { failure, graphClient, PEOPLE, testSeed } from './graph-test-client.js';

type Resource = { '@odata.type': string; id: string; [key: string]: unknown };


const passes = (userId: string) => `/users/${userId}/authentication/temporaryAccessPassMethods`;

describe('real-time authentication methods', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-02T08:00:00Z'));
    seed = testSeed();
    emulator = await startGraphEmulator({ seed, now: () => Date.now(), reportsThrottle: { limit: 1000, windowMs: 10_000 } });
    client = graphClient(emulator, seed, { retry: false });
  });
  afterEach(async () => {
    await emulator.close();
    vi.useRealTimers();
  });

  it('lists every method with its Graph @odata.type and fields, the password included', async () => {
    const omar = (await client.api(`/users/${PEOPLE.omar}/authentication/methods`).get()).value as Resource[];
    expect(omar.map((method) => method['@odata.type'])).toEqual([
      '#microsoft.graph.passwordAuthenticationMethod',
      '#microsoft.graph.fido2AuthenticationMethod',
      '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
    ]);
    expect(omar[1]).toEqual({
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
      id: 'b8afb01a-d76a-4f50-98ca-f35e48e3f1f9',
      displayName: 'Blue key',
      createdDateTime: '2024-11-20T14:00:00Z',
      aaGuid: '2fc0579f-8113-47ea-b116-555a8db9202a',
      model: 'YubiKey 5C NFC',
      attestationCertificates: [],
      attestationLevel: 'attested',
    });
    expect(omar[0]).toMatchObject({ id: '28c10230-6103-485e-b985-444c60001490', password: null });

    const priya = (await client.api(`/users/${PEOPLE.priya}/authentication/methods`).get()).value as Resource[];
    expect(priya.find((method) => method['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod')).toEqual({
      '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
      id: '3179e48a-750b-4051-897c-87b9720928f7',
      phoneNumber: '+31 612345678',
      phoneType: 'mobile',
      smsSignInState: 'notEnabled',
    });
  });

  it('lists fido2 and Windows Hello methods on their own endpoints, with passkey defaults where the seed is silent', async () => {
    const dana = await client.api(`/users/${PEOPLE.dana}/authentication/fido2Methods`).get();
    expect(dana['@odata.context']).toBe(`${emulator.graphUrl}/v1.0/$metadata#users('${PEOPLE.dana}')/authentication/fido2Methods`);
    expect(dana.value).toEqual([
      expect.objectContaining({ displayName: "Dana's iPhone", model: 'Microsoft Authenticator - iOS', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84' }),
    ]);
    const hello = await client.api(`/users/${PEOPLE.dana}/authentication/windowsHelloForBusinessMethods`).get();
    expect(hello.value).toEqual([expect.objectContaining({ '@odata.type': '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod', displayName: 'DANA-SURFACE', keyStrength: 'normal' })]);
  });

  it('deletes fido2, phone, Authenticator, software OATH, email and Windows Hello methods, 404 for an id of another type', async () => {
    const base = (user: string) => `/users/${user}/authentication`;
    const wrongType = await failure(client.api(`${base(PEOPLE.omar)}/phoneMethods/b8afb01a-d76a-4f50-98ca-f35e48e3f1f9`).delete());
    expect(wrongType.statusCode).toBe(404);
    await client.api(`${base(PEOPLE.omar)}/fido2Methods/b8afb01a-d76a-4f50-98ca-f35e48e3f1f9`).delete();
    const authenticator = (await client.api(`${base(PEOPLE.omar)}/microsoftAuthenticatorMethods`).get()).value[0] as Resource;
    await client.api(`${base(PEOPLE.omar)}/microsoftAuthenticatorMethods/${authenticator.id}`).delete();
    await client.api(`${base(PEOPLE.grace)}/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7`).delete();
    await client.api(`${base(PEOPLE.grace)}/emailMethods/3ddfcfc8-9383-446f-83cc-3ab9be4be18f`).delete();
    const oath = (await client.api(`${base(PEOPLE.jin)}/softwareOathMethods`).get()).value[0] as Resource;
    await client.api(`${base(PEOPLE.jin)}/softwareOathMethods/${oath.id}`).delete();
    const hello = (await client.api(`${base(PEOPLE.dana)}/windowsHelloForBusinessMethods`).get()).value[0] as Resource;
    await client.api(`${base(PEOPLE.dana)}/windowsHelloForBusinessMethods/${hello.id}`).delete();

    const kinds = (user: string) => emulator.state.methods(user).map((method) => method['@odata.type']);
    expect(kinds(PEOPLE.omar)).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
    expect(kinds(PEOPLE.grace)).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
    expect(kinds(PEOPLE.jin)).toEqual(['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod']);
    expect(kinds(PEOPLE.dana)).toEqual(['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.fido2AuthenticationMethod']);
  });
});

describe('Temporary Access Pass', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  const start = async (change: (seed: TenantSeed) => void = () => {}) => {
    seed = testSeed();
    change(seed);
    emulator = await startGraphEmulator({ seed, now: () => Date.now(), reportsThrottle: { limit: 1000, windowMs: 10_000 } });
    client = graphClient(emulator, seed, { retry: false });
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-02T08:00:00Z'));
  });
  afterEach(async () => {
    await emulator.close();
    vi.useRealTimers();
  });

  it('returns the pass value only in the POST response; GET shows it as null', async () => {
    await start();
    const created = await client.api(passes(PEOPLE.sofia)).post({ lifetimeInMinutes: 120 });
    expect(created).toEqual({
      '@odata.context': `${emulator.graphUrl}/v1.0/$metadata#users('${PEOPLE.sofia}')/authentication/temporaryAccessPassMethods/$entity`,
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      id: expect.any(String),
      temporaryAccessPass: expect.stringMatching(/^[A-HJ-NP-Za-km-z2-9+%@#!?]{8}$/),
      createdDateTime: '2025-06-02T08:00:00.000Z',
      startDateTime: '2025-06-02T08:00:00.000Z',
      lifetimeInMinutes: 120,
      isUsableOnce: false,
      isUsable: true,
      methodUsabilityReason: 'EnabledByPolicy',
    });
    const listed = await client.api(passes(PEOPLE.sofia)).get();
    const { '@odata.context': context, ...resource } = created;
    expect(context).toContain('/$entity');
    expect(listed.value).toEqual([{ ...resource, temporaryAccessPass: null }]);
    const single = await client.api(`${passes(PEOPLE.sofia)}/${created.id}`).get();
    expect(single.temporaryAccessPass).toBeNull();
  });

  it('replaces a valid pass silently when a second one is created: one pass per user, the old value no longer works', async () => {
    await start();
    const first = await client.api(passes(PEOPLE.tom)).post({});
    const second = await client.api(passes(PEOPLE.tom)).post({ isUsableOnce: true });
    expect(second.id).not.toBe(first.id);
    const listed = (await client.api(passes(PEOPLE.tom)).get()).value as Resource[];
    expect(listed.map((pass) => pass.id)).toEqual([second.id]);
    expect(emulator.state.redeemTemporaryAccessPass(PEOPLE.tom, first.temporaryAccessPass)).toEqual({ redeemed: false, reason: 'WrongValue' });
    expect(emulator.state.redeemTemporaryAccessPass(PEOPLE.tom, second.temporaryAccessPass)).toMatchObject({ redeemed: true, isUsableOnce: true });
  });

  it('keeps lifetimes within 10–43200 minutes and the tenant policy, with Graph’s error', async () => {
    await start();
    const tooShort = await failure(client.api(passes(PEOPLE.sofia)).post({ lifetimeInMinutes: 30 }));
    expect(tooShort.statusCode).toBe(400);
    expect(JSON.parse(tooShort.body as string)).toMatchObject({
      code: 'badRequest',
      message: 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.',
      innerError: { message: 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.' },
    });
    expect((await failure(client.api(passes(PEOPLE.sofia)).post({ lifetimeInMinutes: 481 }))).statusCode).toBe(400);
    expect((await failure(client.api(passes(PEOPLE.sofia)).post({ lifetimeInMinutes: 'an hour' }))).statusCode).toBe(400);
    await expect(client.api(passes(PEOPLE.sofia)).post({ lifetimeInMinutes: 480 })).resolves.toMatchObject({ lifetimeInMinutes: 480 });
    await expect(client.api(passes(PEOPLE.sofia)).post({ lifetimeInMinutes: 60 })).resolves.toMatchObject({ lifetimeInMinutes: 60 });
    expect(emulator.state.methods(PEOPLE.sofia).filter((method) => method['@odata.type'] === '#microsoft.graph.temporaryAccessPassAuthenticationMethod')).toHaveLength(1);
  });

  it('never lets a policy range beyond 10–43200 through, and defaults the lifetime and one-time use from the policy', async () => {
    await start((s) => {
      s.tapPolicy = { ...s.tapPolicy, minimumLifetimeInMinutes: 10, maximumLifetimeInMinutes: 43200, defaultLifetimeInMinutes: 90, isUsableOnce: true, defaultLength: 12 };
    });
    expect((await failure(client.api(passes(PEOPLE.sofia)).post({ lifetimeInMinutes: 9 }))).statusCode).toBe(400);
    expect((await failure(client.api(passes(PEOPLE.sofia)).post({ lifetimeInMinutes: 43201 }))).statusCode).toBe(400);
    expect((await failure(client.api(passes(PEOPLE.sofia)).post({ isUsableOnce: false }))).statusCode).toBe(400);
    const created = await client.api(passes(PEOPLE.sofia)).post({});
    expect(created).toMatchObject({ lifetimeInMinutes: 90, isUsableOnce: true });
    expect(created.temporaryAccessPass).toHaveLength(12);
  });

  it('reports NotYetValid before startDateTime, EnabledByPolicy during, Expired after', async () => {
    await start();
    const created = await client.api(passes(PEOPLE.sofia)).post({ startDateTime: '2025-06-02T09:00:00Z', lifetimeInMinutes: 60 });
    expect(created).toMatchObject({ isUsable: false, methodUsabilityReason: 'NotYetValid', startDateTime: '2025-06-02T09:00:00.000Z' });
    expect(emulator.state.redeemTemporaryAccessPass(PEOPLE.sofia, created.temporaryAccessPass)).toEqual({ redeemed: false, reason: 'NotYetValid' });
    vi.setSystemTime(new Date('2025-06-02T09:30:00Z'));
    expect((await client.api(passes(PEOPLE.sofia)).get()).value[0]).toMatchObject({ isUsable: true, methodUsabilityReason: 'EnabledByPolicy' });
    vi.setSystemTime(new Date('2025-06-02T10:00:00Z'));
    expect((await client.api(passes(PEOPLE.sofia)).get()).value[0]).toMatchObject({ isUsable: false, methodUsabilityReason: 'Expired' });
  });

  it('spends a one-time pass when the person signs in with it through the /_emulator API', async () => {
    await start();
    const created = await client.api(passes(PEOPLE.sofia)).post({ isUsableOnce: true });
    const redeem = (value: string) =>
      fetchJson(emulator, 'POST', `/_emulator/users/${PEOPLE.sofia}/temporaryAccessPass/redeem`, { temporaryAccessPass: value });
    expect(await redeem('WRONGPASS')).toEqual({ status: 400, body: { redeemed: false, reason: 'WrongValue' } });
    expect(await redeem(created.temporaryAccessPass)).toEqual({ status: 200, body: { redeemed: true, methodId: created.id, isUsableOnce: true } });
    expect(await redeem(created.temporaryAccessPass)).toEqual({ status: 400, body: { redeemed: false, reason: 'OneTimeUsed' } });
    expect((await client.api(passes(PEOPLE.sofia)).get()).value[0]).toMatchObject({ isUsable: false, methodUsabilityReason: 'OneTimeUsed' });
  });

  it('keeps no plaintext pass anywhere it can be read: state, GET, the call log', async () => {
    await start();
    const created = await client.api(passes(PEOPLE.sofia)).post({});
    const value = created.temporaryAccessPass as string;
    const readable = JSON.stringify([emulator.state.methods(PEOPLE.sofia), emulator.state.temporaryAccessPass(PEOPLE.sofia), emulator.calls.list()]);
    expect(readable).not.toContain(value);
    expect(emulator.state.temporaryAccessPass(PEOPLE.sofia)).toMatchObject({ id: created.id, temporaryAccessPass: null });
  });

  it('refuses passes with 403 when the tenant policy disables them, and reports existing ones as DisabledByPolicy', async () => {
    await start((s) => {
      s.tapPolicy = { ...s.tapPolicy, state: 'disabled' };
      const tom = s.users.find((user) => user.id === PEOPLE.tom);
      tom?.methods.push({ kind: 'temporaryAccessPass', createdDateTime: '2025-06-02T07:30:00Z' });
    });
    const refused = await failure(client.api(passes(PEOPLE.sofia)).post({}));
    expect(refused.statusCode).toBe(403);
    expect(refused.code).toBe('Authorization_RequestDenied');
    expect((await client.api(passes(PEOPLE.tom)).get()).value[0]).toMatchObject({ isUsable: false, methodUsabilityReason: 'DisabledByPolicy' });
  });

  it('revokes sessions on POST revokeSignInSessions, and when a still-valid pass is deleted', async () => {
    await start();
    const revoked = await client.api(`/users/${PEOPLE.jin}/revokeSignInSessions`).post({});
    expect(revoked).toEqual({ '@odata.context': `${emulator.graphUrl}/v1.0/$metadata#Edm.Boolean`, value: true });
    const created = await client.api(passes(PEOPLE.sofia)).post({});
    await client.api(`${passes(PEOPLE.sofia)}/${created.id}`).delete();
    expect(await client.api(passes(PEOPLE.sofia)).get()).toMatchObject({ value: [] });
    expect(emulator.state.revocations()).toEqual([
      { userId: PEOPLE.jin, at: Date.parse('2025-06-02T08:00:00Z'), reason: 'revokeSignInSessions' },
      { userId: PEOPLE.sofia, at: Date.parse('2025-06-02T08:00:00Z'), reason: 'temporaryAccessPassDeleted' },
    ]);
  });
});

async function fetchJson(emulator: GraphEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const { TrustingHttpsHandler } = await import('../../../src/dev/graph-emulator/index.js');
  const context: { request: string; options: { method: string; headers: Record<string, string>; body?: string }; response?: Response } = {
    request: `${emulator.graphUrl}${path}`,
    options: { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) },
  };
  await new TrustingHttpsHandler(emulator.caCertificate).execute(context);
  const text = await (context.response as Response).text();
  return { status: (context.response as Response).status, body: text === '' ? undefined : JSON.parse(text) };
}
