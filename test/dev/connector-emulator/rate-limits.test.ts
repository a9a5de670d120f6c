// Teams' documented limits, proven with fake time: the clock only moves when a test moves it.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectorEmulator, startConnectorEmulator } from '../../../src/dev/connector-emulator/index.js';
import { activitiesPath, alice, bob, call, createParameters, errorCode, message, person, type RawResponse, TENANT } from './helpers.js';

const T0 = Date.parse('2025-11-25T09:00:00.000Z');
let emulator: ConnectorEmulator;

async function start(options: Parameters<typeof startConnectorEmulator>[0] = {}): Promise<ConnectorEmulator> {
  emulator = await startConnectorEmulator({ tenantId: TENANT, users: [alice, bob], now: () => Date.now(), ...options });
  return emulator;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});

afterEach(async () => {
  await emulator?.close();
  vi.useRealTimers();
});

const at = (offsetMs: number) => vi.setSystemTime(T0 + offsetMs);
const send = (conversationId: string, text = 'hi') => call(emulator, 'POST', activitiesPath(conversationId), message(text));

async function sendMany(conversationId: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await send(conversationId, `message ${i + 1}`)).status);
  return statuses;
}

function expectThrottled(response: RawResponse, retryAfter: string): void {
  expect(response.status).toBe(429);
  expect(response.retryAfter).toBe(retryAfter);
  expect(errorCode(response.body)).toBe('Throttled');
}

describe('per bot per conversation', () => {
  let chat: string;

  beforeEach(async () => {
    await start();
    chat = emulator.addConversation({ userId: alice.aadObjectId }).id;
  });

  it('the 8th message within one second gets 429 with Retry-After, until the second has passed', async () => {
    expect(await sendMany(chat, 7)).toEqual([201, 201, 201, 201, 201, 201, 201]);
    expectThrottled(await send(chat), '1');
    at(999);
    expectThrottled(await send(chat), '1');
    at(1000);
    expect((await send(chat)).status).toBe(201);
    expect(emulator.activities({ conversationId: chat })).toHaveLength(8);
  });

  it('allows 8 in two seconds and throttles the 9th, though the one-second window has room', async () => {
    expect(await sendMany(chat, 4)).toEqual([201, 201, 201, 201]);
    at(1500);
    expect(await sendMany(chat, 4)).toEqual([201, 201, 201, 201]);
    // 4 in the last second (the 1 s limit is 7), but 8 in the last two.
    expectThrottled(await send(chat), '1');
    at(1999);
    expectThrottled(await send(chat), '1');
    at(2000);
    expect((await send(chat)).status).toBe(201);
  });

  it('after 7 in the first second, the 8th in the next second passes and the 9th hits the two-second window', async () => {
    await sendMany(chat, 7);
    at(1000);
    expect((await send(chat)).status).toBe(201);
    expectThrottled(await send(chat), '1');
    at(2000);
    expect((await send(chat)).status).toBe(201);
  });

  it('the 61st message within 30 seconds gets 429, even at a pace the short windows allow', async () => {
    for (let i = 0; i < 60; i++) {
      at(i * 500);
      expect((await send(chat, `message ${i + 1}`)).status).toBe(201);
    }
    at(29_750);
    expectThrottled(await send(chat), '1');
    at(30_000);
    expect((await send(chat)).status).toBe(201);
  });

  it('Retry-After says how long until the window has room, in whole seconds', async () => {
    for (let i = 0; i < 60; i++) {
      at(Math.floor(i / 4) * 1000);
      await send(chat);
    }
    // 60 messages by t = 14 s; the first leaves the 30 s window at t = 30 s.
    at(15_000);
    expectThrottled(await send(chat), '15');
    at(29_001);
    expectThrottled(await send(chat), '1');
  });

  it('replies and conversation creates count in the same window as sends', async () => {
    const created = await call(emulator, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId }));
    expect(created.body).toEqual({ id: chat });
    await sendMany(chat, 3);
    for (let i = 0; i < 3; i++) expect((await call(emulator, 'POST', activitiesPath(chat, '1764062142000'), message('re'))).status).toBe(201);
    // 7 so far: a create, 3 sends, 3 replies.
    expectThrottled(await call(emulator, 'POST', activitiesPath(chat, '1764062142000'), message('re')), '1');
    expectThrottled(await call(emulator, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId })), '1');
  });

  it('each conversation has its own window, and a refused message is not counted', async () => {
    const other = emulator.addConversation({ userId: bob.aadObjectId }).id;
    await sendMany(chat, 7);
    expect((await send(other)).status).toBe(201);
    for (let i = 0; i < 5; i++) expectThrottled(await send(chat), '1');
    at(1000);
    // Had the 5 refusals counted, the two-second window (8) would be full.
    expect((await send(chat)).status).toBe(201);
  });

  it('updates are held to the tenant rate only, so a card can still be updated in a busy chat', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(((await send(chat)).body as { id: string }).id);
    expectThrottled(await send(chat), '1');
    const update = await call(emulator, 'PUT', activitiesPath(chat, ids[0]), message('updated'));
    expect(update.status).toBe(200);
  });

  it('member reads have their own, larger window (14 per second)', async () => {
    const read = () => call(emulator, 'GET', `v3/conversations/${encodeURIComponent(chat)}/members`);
    for (let i = 0; i < 14; i++) expect((await read()).status).toBe(200);
    expectThrottled(await read(), '1');
    expect((await send(chat)).status).toBe(201);
  });
});

describe('per app per tenant', () => {
  async function chats(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 1; n <= count; n++) {
      emulator.addUser(person(n));
      ids.push(emulator.addConversation({ userId: person(n).aadObjectId }).id);
    }
    return ids;
  }

  it('the 31st request in one second across the tenant gets 429, in any conversation and for any call', async () => {
    await start();
    const ids = await chats(32);
    for (const id of ids.slice(0, 30)) expect((await send(id)).status).toBe(201);
    expectThrottled(await send(ids[30]!), '1');
    expectThrottled(await call(emulator, 'GET', `v3/conversations/${encodeURIComponent(ids[31]!)}/members`), '1');
    expectThrottled(await call(emulator, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId })), '1');
    at(1000);
    expect((await send(ids[30]!)).status).toBe(201);
    expect((await call(emulator, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId }))).status).toBe(201);
  });

  it('the global rate is configurable (Microsoft also documents 50 per second)', async () => {
    await start({ limits: { perTenant: [{ limit: 50, windowMs: 1000 }] } });
    const ids = await chats(51);
    for (const id of ids.slice(0, 50)) expect((await send(id)).status).toBe(201);
    expectThrottled(await send(ids[50]!), '1');
  });

  it('tenants are counted apart', async () => {
    await start();
    const ids = await chats(30);
    for (const id of ids) expect((await send(id)).status).toBe(201);
    emulator.addUser({ ...person(99), tenantId: 'b0b0b0b0-0000-4000-8000-000000000001' });
    const elsewhere = emulator.addConversation({ userId: person(99).aadObjectId }).id;
    expect((await send(elsewhere)).status).toBe(201);
  });
});
