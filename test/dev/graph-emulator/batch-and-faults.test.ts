import type { Client } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { expectHeldFor } from '../../support/fake-delay.js';
import { credentialFor, failure, graphClient, PEOPLE, rawRequest, testSeed } from './graph-test-client.js';

type BatchResponse = { id: string; status: number; headers: Record<string, string>; body?: Record<string, unknown> };

describe('JSON batching', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    seed = testSeed();
    emulator = await startGraphEmulator({ seed, now: () => Date.now() });
    client = graphClient(emulator, seed, { retry: false });
  });
  afterEach(async () => {
    await emulator.close();
    vi.useRealTimers();
  });

  it('runs dependsOn in order and gives each request its own status, headers and body, a 404 included', async () => {
    const result = await client.api('/$batch').post({
      requests: [
        { id: '3', method: 'GET', url: `/users/${PEOPLE.sofia}/authentication/temporaryAccessPassMethods`, dependsOn: ['2'] },
        { id: '1', method: 'GET', url: `/users/${PEOPLE.sofia}?$select=id,displayName` },
        { id: '2', method: 'POST', url: `/users/${PEOPLE.sofia}/authentication/temporaryAccessPassMethods`, headers: { 'Content-Type': 'application/json' }, body: { lifetimeInMinutes: 60 }, dependsOn: ['1'] },
        { id: '4', method: 'GET', url: '/users/no-such-user@fabrikam-test.example' },
      ],
    });
    const responses = result.responses as BatchResponse[];
    expect(responses.map((response) => [response.id, response.status])).toEqual([
      ['1', 200],
      ['2', 201],
      ['3', 200],
      ['4', 404],
    ]);
    const byId = new Map(responses.map((response) => [response.id, response]));
    expect(byId.get('1')?.body).toMatchObject({ id: PEOPLE.sofia, displayName: 'Sofia Rossi' });
    expect(byId.get('1')?.headers['Content-Type']).toMatch(/^application\/json/);
    const created = byId.get('2')?.body as { id: string; temporaryAccessPass: string };
    expect(created.temporaryAccessPass).toHaveLength(8);
    expect(byId.get('3')?.body?.value).toEqual([expect.objectContaining({ id: created.id, temporaryAccessPass: null })]);
    expect(byId.get('4')?.body).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect(emulator.calls.list().map((call) => [call.method, call.path, call.status, call.batchRequestId])).toEqual([
      ['GET', `/v1.0/users/${PEOPLE.sofia}`, 200, '1'],
      ['POST', `/v1.0/users/${PEOPLE.sofia}/authentication/temporaryAccessPassMethods`, 201, '2'],
      ['GET', `/v1.0/users/${PEOPLE.sofia}/authentication/temporaryAccessPassMethods`, 200, '3'],
      ['GET', '/v1.0/users/no-such-user@fabrikam-test.example', 404, '4'],
      ['POST', '/v1.0/$batch', 200, undefined],
    ]);
  });

  it('answers 424 for a request whose dependency failed, without running it', async () => {
    const result = await client.api('/$batch').post({
      requests: [
        { id: 'a', method: 'GET', url: `/users/${PEOPLE.dana}/manager` },
        { id: 'b', method: 'POST', url: `/users/${PEOPLE.dana}/revokeSignInSessions`, headers: { 'Content-Type': 'application/json' }, body: {}, dependsOn: ['a'] },
      ],
    });
    expect((result.responses as BatchResponse[]).map((response) => response.status)).toEqual([404, 424]);
    expect(emulator.state.revocations()).toEqual([]);
  });

  it('refuses more than 20 requests, duplicate ids, unknown dependencies and a body without Content-Type with 400', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${PEOPLE.dana}` }));
    expect((await failure(client.api('/$batch').post({ requests: many }))).statusCode).toBe(400);
    await expect(client.api('/$batch').post({ requests: many.slice(0, 20) })).resolves.toHaveProperty('responses');
    const duplicate = [
      { id: 'x', method: 'GET', url: '/users' },
      { id: 'X', method: 'GET', url: '/users' },
    ];
    expect((await failure(client.api('/$batch').post({ requests: duplicate }))).statusCode).toBe(400);
    expect((await failure(client.api('/$batch').post({ requests: [{ id: '1', method: 'GET', url: '/users', dependsOn: ['9'] }] }))).statusCode).toBe(400);
    const noType = await failure(client.api('/$batch').post({ requests: [{ id: '1', method: 'POST', url: `/users/${PEOPLE.dana}/revokeSignInSessions`, body: {} }] }));
    expect(noType.message).toBe('Write request id : 1 does not contain Content-Type header or body.');
  });

  it('counts each request in a batch against the throttles', async () => {
    const reads = Array.from({ length: 6 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `/users/${PEOPLE.dana}/authentication/methods` }));
    const result = await client.api('/$batch').post({ requests: reads });
    const responses = result.responses as BatchResponse[];
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(responses[5]?.headers['Retry-After']).toBe('10');
    expect(responses[5]?.body).toMatchObject({ error: { code: 'TooManyRequests' } });
  });
});

describe('injected faults', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;

  beforeEach(async () => {
    seed = testSeed();
    emulator = await startGraphEmulator({ seed });
  });
  afterEach(async () => {
    // The latency tests fake setTimeout: the next test gets real timers back.
    vi.useRealTimers();
    await emulator.close();
  });

  it('answers 429 with Retry-After for the given number of times, then runs the request', async () => {
    const client = graphClient(emulator, seed, { retry: false });
    emulator.faults.add({ path: '/v1.0/users', status: 429, retryAfterSeconds: 7, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const throttled = await failure(client.api('/users').get());
      expect(throttled.statusCode).toBe(429);
      expect(throttled.headers?.get('Retry-After')).toBe('7');
      expect(throttled.code).toBe('TooManyRequests');
    }
    await expect(client.api('/users').get()).resolves.toHaveProperty('value');
    expect(emulator.calls.list({ path: '/v1.0/users' }).map((call) => call.status)).toEqual([429, 429, 200]);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('lets the SDK RetryHandler ride out a 503 storm that honours Retry-After', async () => {
    const client = graphClient(emulator, seed, { retry: true });
    emulator.faults.add({ method: 'GET', path: /\/users\/[^/]+$/, status: 503, retryAfterSeconds: 0, times: 3 });
    await expect(client.api(`/users/${PEOPLE.dana}`).get()).resolves.toMatchObject({ id: PEOPLE.dana });
    expect(emulator.calls.list({ path: `/v1.0/users/${PEOPLE.dana}` }).map((call) => call.status)).toEqual([503, 503, 503, 200]);
  });

  it('matches faults by method, and 504, 500 and 412 come with Graph error bodies', async () => {
    const client = graphClient(emulator, seed, { retry: false });
    emulator.faults.add({ method: 'POST', path: `/v1.0/users/${PEOPLE.jin}/revokeSignInSessions`, status: 412 });
    emulator.faults.add({ path: '/v1.0/groups', status: 500, times: 1 });
    emulator.faults.add({ path: /transitiveMemberOf/, status: 504, times: 1 });
    expect((await failure(client.api(`/users/${PEOPLE.jin}/revokeSignInSessions`).post({}))).statusCode).toBe(412);
    expect((await failure(client.api('/groups').get())).code).toBe('generalException');
    expect((await failure(client.api(`/users/${PEOPLE.jin}/transitiveMemberOf`).get())).statusCode).toBe(504);
    await expect(client.api(`/users/${PEOPLE.jin}`).get()).resolves.toHaveProperty('id', PEOPLE.jin);
    emulator.faults.clear();
    await expect(client.api(`/users/${PEOPLE.jin}/revokeSignInSessions`).post({})).resolves.toMatchObject({ value: true });
  });

  // The delays are global timers: with setTimeout faked too (after the first call, so the token is at hand), the
  // answer is checked at the very millisecond it is due, not measured on the wall clock.
  const fakeTimersFromNow = () => vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: Date.now() });

  it('adds latency to a matching request', async () => {
    const client = graphClient(emulator, seed, { retry: false });
    await client.api(`/users/${PEOPLE.dana}`).get();
    emulator.faults.add({ path: `/v1.0/users/${PEOPLE.dana}`, delayMs: 60, times: 1 });
    fakeTimersFromNow();
    expect(await expectHeldFor(60, () => client.api(`/users/${PEOPLE.dana}`).get(), { held: () => emulator.faults.held() > 0 })).toHaveProperty('id', PEOPLE.dana);
  });

  it('adds the latency once to a $batch, not once per step (Graph runs independent steps side by side)', async () => {
    const client = graphClient(emulator, seed, { retry: false });
    await client.api(`/users/${PEOPLE.dana}`).get();
    emulator.faults.setLatency(150);
    fakeTimersFromNow();
    // Answered at 150 ms of fake time: a latency per step would hold it at least 150 ms longer.
    const result = await expectHeldFor(150, () => client.api('/$batch').post({ requests: Array.from({ length: 20 }, (_, index) => ({ id: String(index), method: 'GET', url: `/users/${PEOPLE.dana}` })) }), { held: () => emulator.faults.held() > 0 });
    expect((result.responses as BatchResponse[]).map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 200));
  });

  it('is driven over HTTP by /_emulator: faults, enrolment and the call log', async () => {
    const token = (await credentialFor(emulator, seed).getToken('https://graph.microsoft.com/.default')).token;
    const added = await rawRequest(emulator, 'POST', '/_emulator/faults', { body: { pathRegex: '^/v1\\.0/users$', status: 503, retryAfterSeconds: 2, times: 1 } });
    expect(added.status).toBe(201);
    const failed = await rawRequest(emulator, 'GET', '/v1.0/users', { token });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect((await rawRequest(emulator, 'GET', '/v1.0/users', { token })).status).toBe(200);

    const enrolled = await rawRequest(emulator, 'POST', `/_emulator/users/${PEOPLE.sofia}/methods`, { body: { kind: 'passKeyDeviceBoundWindowsHello', displayName: 'SOFIA-LAPTOP' } });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toMatchObject({ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', displayName: 'SOFIA-LAPTOP', model: 'Windows Hello' });
    const invalid = await rawRequest(emulator, 'POST', `/_emulator/users/${PEOPLE.sofia}/methods`, { body: { kind: 'carrierPigeon' } });
    expect(invalid.status).toBe(400);
    const methodId = (enrolled.body as { id: string }).id;
    expect((await rawRequest(emulator, 'DELETE', `/_emulator/users/${PEOPLE.sofia}/methods/${methodId}`)).status).toBe(204);
    expect(emulator.state.methods(PEOPLE.sofia).map((method) => method.id)).not.toContain(methodId);

    const calls = await rawRequest(emulator, 'GET', '/_emulator/calls?path=/v1.0/users');
    expect((calls.body as { value: Array<{ status: number }> }).value.map((call) => call.status)).toEqual([503, 200]);
    expect(JSON.stringify(calls.body)).not.toContain(token);
    expect((await rawRequest(emulator, 'DELETE', '/_emulator/faults')).status).toBe(204);
  });
});
