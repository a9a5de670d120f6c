// The /_emulator API and the edges of the wire format, driven over raw HTTP.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ConnectorEmulator,
  type ConversationRecord,
  type RecordedActivity,
  startConnectorEmulator,
} from '../../../src/dev/connector-emulator/index.js';
import { activitiesPath, alice, bob, call, createParameters, errorCode, message, TENANT } from './helpers.js';

let emulator: ConnectorEmulator;

beforeEach(async () => {
  emulator = await startConnectorEmulator({ tenantId: TENANT });
});

afterEach(async () => {
  vi.useRealTimers();
  await emulator.close();
});

async function registerBoth(): Promise<void> {
  const registered = await call(emulator, 'POST', '_emulator/users', [alice, bob]);
  expect(registered.status).toBe(201);
}

async function chatWith(userId: string): Promise<string> {
  const created = await call(emulator, 'POST', 'v3/conversations', createParameters({ id: userId }));
  expect(created.status).toBe(201);
  return (created.body as { id: string }).id;
}

describe('users', () => {
  it('registers users over HTTP with a 29: id per user, and lists them', async () => {
    await registerBoth();
    const { body } = await call(emulator, 'GET', '_emulator/users');
    const users = (body as { users: { id: string; aadObjectId: string; installed: boolean; blocked: boolean }[] }).users;
    expect(users.map((user) => user.aadObjectId)).toEqual([alice.aadObjectId, bob.aadObjectId]);
    expect(users.every((user) => user.id.startsWith('29:') && user.installed && !user.blocked)).toBe(true);
  });

  it('rejects a user without an object id, saying which field is wrong, and registers nothing', async () => {
    const response = await call(emulator, 'POST', '_emulator/users', { name: 'No Id' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('aadObjectId');
    expect(emulator.users()).toEqual([]);
  });

  it('blocks and unblocks a user over HTTP', async () => {
    await registerBoth();
    expect((await call(emulator, 'POST', `_emulator/users/${alice.aadObjectId}/block`)).status).toBe(200);
    const refused = await call(emulator, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId }));
    expect(refused.status).toBe(403);
    expect(errorCode(refused.body)).toBe('ConversationBlockedByUser');
    await call(emulator, 'POST', `_emulator/users/${alice.aadObjectId}/unblock`);
    expect((await call(emulator, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId }))).status).toBe(201);
    expect((await call(emulator, 'POST', '_emulator/users/00000000-0000-4000-8000-000000000000/block')).status).toBe(404);
  });

  it('registers a conversation the bot learnt from an inbound activity, so sends to it are accepted', async () => {
    await registerBoth();
    const fixtureId = 'a:1uXeJCh8pszLr03e8EayFzty_vd2rgcCkuaKMuUcJ2xIKMRyzprSmYau8igGItJVNahtF6Ls';
    expect((await call(emulator, 'POST', activitiesPath(fixtureId), message('hi'))).status).toBe(404);
    const registered = await call(emulator, 'POST', '_emulator/conversations', { id: fixtureId, userId: alice.aadObjectId });
    expect(registered).toMatchObject({ status: 201, body: { id: fixtureId, aadObjectId: alice.aadObjectId } });
    expect((await call(emulator, 'POST', activitiesPath(fixtureId), message('hi'))).status).toBe(201);
    // Teams keeps one 1:1 chat per user: creating it now returns the registered id.
    expect(await chatWith(alice.aadObjectId!)).toBe(fixtureId);
  });
});

describe('the record', () => {
  it('filters by user (object id or 29: id), by conversation and by kind, in process and over HTTP', async () => {
    await registerBoth();
    const aliceChat = await chatWith(alice.aadObjectId!);
    const bobChat = await chatWith(bob.aadObjectId!);
    await call(emulator, 'POST', activitiesPath(aliceChat), message('to Alice'));
    const toBob = await call(emulator, 'POST', activitiesPath(bobChat), message('to Bob'));
    await call(emulator, 'PUT', activitiesPath(bobChat, (toBob.body as { id: string }).id), message('to Bob, edited'));

    const texts = (records: readonly RecordedActivity[]) => records.map((record) => record.activity.text);
    expect(texts(emulator.activities({ userId: alice.aadObjectId }))).toEqual(['to Alice']);
    const bobPairwise = emulator.users().find((user) => user.aadObjectId === bob.aadObjectId)!.id;
    expect(texts(emulator.activities({ userId: bobPairwise }))).toEqual(['to Bob', 'to Bob, edited']);
    expect(texts(emulator.activities({ conversationId: bobChat, kind: 'update' }))).toEqual(['to Bob, edited']);

    const overHttp = await call(emulator, 'GET', `_emulator/activities?userId=${bob.aadObjectId}&kind=send`);
    expect(texts((overHttp.body as { activities: RecordedActivity[] }).activities)).toEqual(['to Bob']);
    const byConversation = await call(emulator, 'GET', `_emulator/activities?conversationId=${encodeURIComponent(aliceChat)}`);
    expect((byConversation.body as { activities: RecordedActivity[] }).activities).toEqual([
      expect.objectContaining({ kind: 'send', conversationId: aliceChat, userId: alice.aadObjectId, activityId: expect.stringMatching(/^\d{13}$/) }),
    ]);
    expect((await call(emulator, 'GET', '_emulator/activities?kind=edit')).status).toBe(400);
  });

  it('stamps each record with the injected clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2025-11-25T09:30:00.000Z'));
    await registerBoth();
    const chat = await chatWith(alice.aadObjectId!);
    const sent = await call(emulator, 'POST', activitiesPath(chat), message('hi'));
    const [record] = emulator.activities();
    expect(record).toMatchObject({ timestamp: '2025-11-25T09:30:00.000Z', time: Date.parse('2025-11-25T09:30:00.000Z') });
    expect((sent.body as { id: string }).id).toBe(String(Date.parse('2025-11-25T09:30:00.000Z')));
  });

  it('shows a message with all its versions', async () => {
    await registerBoth();
    const chat = await chatWith(alice.aadObjectId!);
    const { id } = (await call(emulator, 'POST', activitiesPath(chat), message('v1'))).body as { id: string };
    await call(emulator, 'PUT', activitiesPath(chat, id), message('v2'));
    const stored = await call(emulator, 'GET', `_emulator/conversations/${encodeURIComponent(chat)}/activities/${id}`);
    expect(stored.body).toMatchObject({ id, deleted: false, current: { text: 'v2' }, versions: [{ activity: { text: 'v1' } }, { activity: { text: 'v2' } }] });
  });

  it('tells listeners about new conversations and every activity, and waitFor resolves on a later one', async () => {
    const conversations: ConversationRecord[] = [];
    const forwarded: string[] = [];
    emulator.onConversationCreated((conversation) => {
      conversations.push(conversation);
    });
    const stop = emulator.onActivity((record) => {
      forwarded.push(`${record.kind}:${record.activity.text}`);
    });
    await registerBoth();
    const waiting = emulator.waitFor((record) => record.activity.text === 'second');
    const chat = await chatWith(alice.aadObjectId!);
    await call(emulator, 'POST', activitiesPath(chat), message('first'));
    await call(emulator, 'POST', activitiesPath(chat), message('second'));
    expect(await waiting).toMatchObject({ conversationId: chat, activity: { text: 'second' } });
    stop();
    await call(emulator, 'POST', activitiesPath(chat), message('third'));
    await emulator.waitFor((record) => record.activity.text === 'third');
    expect(conversations.map((conversation) => conversation.id)).toEqual([chat]);
    expect(forwarded).toEqual(['send:first', 'send:second']);
  });

  it('waitFor rejects when nothing matches in time', async () => {
    await expect(emulator.waitFor(() => false, 20)).rejects.toThrow(/no matching activity within 20 ms/);
  });

  it('DELETE /_emulator/activities clears the record but not the chats', async () => {
    await registerBoth();
    const chat = await chatWith(alice.aadObjectId!);
    await call(emulator, 'POST', activitiesPath(chat), message('hi'));
    expect((await call(emulator, 'DELETE', '_emulator/activities')).status).toBe(204);
    expect(emulator.activities()).toEqual([]);
    expect(emulator.conversations()).toHaveLength(1);
  });
});

describe('faults over HTTP', () => {
  it('answers 429 with the given Retry-After for the number of times asked, then behaves again', async () => {
    await registerBoth();
    const chat = await chatWith(alice.aadObjectId!);
    const added = await call(emulator, 'POST', '_emulator/faults', { method: 'POST', path: '/v3/conversations/', status: 429, retryAfterSeconds: 7, times: 2 });
    expect(added).toMatchObject({ status: 201, body: { status: 429, remaining: 2, hits: 0 } });

    for (let i = 0; i < 2; i++) {
      const throttled = await call(emulator, 'POST', activitiesPath(chat), message('hi'));
      expect(throttled).toMatchObject({ status: 429, retryAfter: '7' });
      expect(errorCode(throttled.body)).toBe('Throttled');
    }
    expect((await call(emulator, 'POST', activitiesPath(chat), message('hi'))).status).toBe(201);
    expect(emulator.activities()).toHaveLength(1);
    expect((await call(emulator, 'GET', '_emulator/faults')).body).toEqual({ faults: [] });
  });

  it('matches a path pattern and a method, answers 412 PreconditionFailed, and lasts until deleted', async () => {
    await registerBoth();
    const chat = await chatWith(alice.aadObjectId!);
    const { id } = (await call(emulator, 'POST', activitiesPath(chat), message('card'))).body as { id: string };
    await call(emulator, 'POST', '_emulator/faults', { method: 'PUT', pathPattern: '/activities/\\d+$', status: 412 });

    for (let i = 0; i < 3; i++) {
      const refused = await call(emulator, 'PUT', activitiesPath(chat, id), message('edit'));
      expect(refused.status).toBe(412);
      expect(errorCode(refused.body)).toBe('PreconditionFailed');
    }
    expect((await call(emulator, 'POST', activitiesPath(chat), message('sends are untouched'))).status).toBe(201);
    expect((await call(emulator, 'DELETE', '_emulator/faults')).status).toBe(204);
    expect((await call(emulator, 'PUT', activitiesPath(chat, id), message('edit'))).status).toBe(200);
  });

  it('5xx faults carry the Teams error body, and a fault can be removed by id', async () => {
    for (const status of [500, 502, 503, 504] as const) emulator.faults.add({ path: '/v3', status, times: 1 });
    const codes: [number, string | undefined][] = [];
    for (let i = 0; i < 4; i++) {
      const response = await call(emulator, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId }));
      codes.push([response.status, errorCode(response.body)]);
    }
    expect(codes).toEqual([
      [500, 'ServiceError'],
      [502, 'ServiceError'],
      [503, 'ServiceUnavailable'],
      [504, 'GatewayTimeout'],
    ]);
    const id = emulator.faults.add({ status: 500 });
    expect((await call(emulator, 'DELETE', `_emulator/faults/${id}`)).status).toBe(204);
    expect((await call(emulator, 'DELETE', `_emulator/faults/${id}`)).status).toBe(404);
  });

  it('rejects a fault with a status Teams does not use for it, or an invalid pattern', async () => {
    expect((await call(emulator, 'POST', '_emulator/faults', { status: 418 })).status).toBe(400);
    expect((await call(emulator, 'POST', '_emulator/faults', { status: 503, pathPattern: '(' })).status).toBe(400);
    expect((await call(emulator, 'POST', '_emulator/faults', {})).status).toBe(400);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('holds the answer back for delayMs (released here by fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await registerBoth();
    const chat = await chatWith(alice.aadObjectId!);
    emulator.faults.add({ path: '/v3/conversations/', delayMs: 5000, times: 1 });

    let answered = false;
    const pending = call(emulator, 'POST', activitiesPath(chat), message('slow')).then((response) => {
      answered = true;
      return response;
    });
    while (emulator.faults.list().length > 0) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(4999);
    expect(answered).toBe(false);
    expect(emulator.activities()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(201);
    expect(emulator.requests().at(-1)).toMatchObject({ status: 201, faulted: true });
  });
});

describe('the wire format', () => {
  it('answers malformed JSON and an activity without a type with 400 BadArgument', async () => {
    await registerBoth();
    const chat = await chatWith(alice.aadObjectId!);
    const malformed = await call(emulator, 'POST', activitiesPath(chat), '{"type": "message", ');
    const untyped = await call(emulator, 'POST', activitiesPath(chat), { text: 'no type' });
    for (const response of [malformed, untyped]) {
      expect(response.status).toBe(400);
      expect(errorCode(response.body)).toBe('BadArgument');
    }
  });

  it('accepts a large base64 image, which Teams leaves out of the size limit', async () => {
    await registerBoth();
    const chat = await chatWith(alice.aadObjectId!);
    const image = { type: 'message', attachments: [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${'A'.repeat(200_000)}` }] };
    expect((await call(emulator, 'POST', activitiesPath(chat), image)).status).toBe(201);
  });

  it('answers unknown routes with 404 and unsupported methods with 405, in the connector error shape', async () => {
    const unknown = await call(emulator, 'GET', 'v3/attachments/123');
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown.body)).toBe('NotFound');
    expect((await call(emulator, 'GET', 'v3/conversations')).status).toBe(405);
    expect((await call(emulator, 'PATCH', activitiesPath('a:1x', '1'))).status).toBe(405);
  });

  it('lists what it enforces', async () => {
    const { body } = await call(emulator, 'GET', '_emulator/limits');
    expect(body).toMatchObject({ perTenant: [{ limit: 30, windowMs: 1000 }], maxMessageBytes: 40960 });
  });
});

describe('lenient mode (for fixtures and demo chats the emulator never created)', () => {
  let lenient: ConnectorEmulator;

  beforeEach(async () => {
    lenient = await startConnectorEmulator({ tenantId: TENANT, users: [alice], lenient: true });
  });

  afterEach(async () => {
    await lenient.close();
  });

  it('accepts sends to an unknown conversation and learns its user from the recipient', async () => {
    const reply = {
      type: 'message',
      text: 'Hello from a fixture turn',
      recipient: { id: '29:1fixtureUser', aadObjectId: alice.aadObjectId },
      conversation: { id: 'a:1fixture' },
    };
    expect((await call(lenient, 'POST', activitiesPath('a:1fixture', '1764062142000'), reply)).status).toBe(201);
    expect(lenient.activities({ userId: alice.aadObjectId })).toEqual([expect.objectContaining({ conversationId: 'a:1fixture', kind: 'reply' })]);
  });

  it('accepts an update of a message it never saw, starting its history there', async () => {
    const update = await call(lenient, 'PUT', activitiesPath('a:1fixture', '1764062142999'), message('refreshed card'));
    expect(update).toMatchObject({ status: 200, body: { id: '1764062142999' } });
    expect(lenient.storedActivity('a:1fixture', '1764062142999')?.versions).toHaveLength(1);
  });
});
