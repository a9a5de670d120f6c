// The endpoint in demo mode, driven over real HTTP with real Teams activity JSON.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityFixture, cardsIn, type RunningBot, startBot } from '../support/bot-harness.js';
import { type RecordingConnector, startRecordingConnector } from '../support/recording-connector.js';

let bot: RunningBot;
let connector: RecordingConnector;

beforeAll(async () => {
  connector = await startRecordingConnector();
  bot = await startBot({ ORGANISATION_NAME: 'Contoso' });
});

afterAll(async () => {
  await bot?.stop();
  await connector?.close();
});

const expectReplies = (name: string, overrides: Record<string, unknown> = {}) =>
  activityFixture(name, { serviceUrl: connector.serviceUrl, deliveryMode: 'expectReplies', ...overrides });

async function stillServing(): Promise<void> {
  const health = await fetch(`${bot.url}/healthz`);
  expect(health.status).toBe(200);
  const reply = await bot.post(expectReplies('message-personal'));
  expect(reply.status).toBe(200);
}

describe('health endpoints', () => {
  it('answers /healthz and /readyz while the store is open', async () => {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it("answers a HEAD of the messages endpoint (the Playground's check) without logging a refusal", async () => {
    const before = bot.logs.entries().length;
    const answer = await fetch(`${bot.url}/api/messages`, { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('allow')).toContain('POST');
    expect(bot.logs.entries().slice(before).filter((entry) => entry.level === 'warn' || entry.level === 'error')).toEqual([]);
    // Any other method is still refused, and says so.
    expect((await fetch(`${bot.url}/api/messages`, { method: 'PUT' })).status).toBe(405);
  });

  it('listens on loopback only in demo mode', () => {
    expect(new URL(bot.url).hostname).toBe('127.0.0.1');
    expect(bot.service.config.mode).toBe('demo');
  });
});

describe('bad requests get a clear 4xx and the server keeps serving', () => {
  it('malformed JSON is a 400', async () => {
    const result = await bot.post(undefined, { rawBody: '{"type": "message", ' });
    expect(result.status).toBe(400);
    await stillServing();
  });

  it('a body over 256 KB is a 413', async () => {
    const huge = JSON.stringify({ ...activityFixture('message-personal'), text: 'x'.repeat(300 * 1024) });
    const result = await bot.post(undefined, { rawBody: huge });
    expect(result.status).toBe(413);
    await stillServing();
  });

  it('JSON that is not an activity is a 400 that says why', async () => {
    const result = await bot.post({ hello: 'world' });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: 'not-an-activity' });
    expect(JSON.stringify(result.body)).toContain('serviceUrl');
    await stillServing();
  });

  it('an activity with a non-http serviceUrl is a 400', async () => {
    const result = await bot.post(expectReplies('message-personal', { serviceUrl: 'file:///etc/passwd' }));
    expect(result.status).toBe(400);
    await stillServing();
  });

  it('a JSON array, a string and a text/plain body are all 400s', async () => {
    expect((await bot.post(undefined, { rawBody: '[1,2,3]' })).status).toBe(400);
    expect((await bot.post(undefined, { rawBody: '"message"' })).status).toBe(400);
    expect((await bot.post(undefined, { rawBody: 'type=message', contentType: 'text/plain' })).status).toBe(400);
    await stillServing();
  });

  it('an activity from another channel is refused with 403, even in demo mode', async () => {
    const result = await bot.post(expectReplies('message-personal', { channelId: 'webchat' }));
    expect(result.status).toBe(403);
    await stillServing();
  });
});

describe('first conversation', () => {
  it('welcomes a person who installs the app, by first name, through the connector', async () => {
    const before = connector.sent.length;
    const result = await bot.post(activityFixture('conversation-update-personal-install', { serviceUrl: connector.serviceUrl }));
    expect(result.status).toBe(200);
    const sent = (await connector.waitFor(before + 1)).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.conversationId).toBe('a:1sRk2m0O8n9JmYk1Xz0vFqA4bB5cC6dD7eE8fF9gG0hH1hXq3Ww0vXk3-ZyQn4xX7');
    const [card] = cardsIn([sent[0]?.activity]);
    expect(JSON.stringify(card)).toContain("Hi Mara, I'm Passkey Coach");
    expect(JSON.stringify(card)).toContain('Contoso');
  });

  it('stores the conversation reference of the personal chat for proactive messages later', async () => {
    // Its own install notice (the welcome comes back in the answer, so the connector's record is left alone).
    const result = await bot.post(activityFixture('conversation-update-personal-install', { serviceUrl: connector.serviceUrl, deliveryMode: 'expectReplies' }));
    expect(result.status).toBe(200);
    const stored = await bot.service.store.get<{ reference: { serviceUrl?: string; conversation?: { id?: string } } }>(
      'personal-chats',
      '6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f',
    );
    expect(stored?.value.reference.serviceUrl).toBe(connector.serviceUrl);
    expect(stored?.value.reference.conversation?.id).toBe('a:1sRk2m0O8n9JmYk1Xz0vFqA4bB5cC6dD7eE8fF9gG0hH1hXq3Ww0vXk3-ZyQn4xX7');
  });

  it('welcomes a team with the team card when installed in a team', async () => {
    const before = connector.sent.length;
    await bot.post(activityFixture('conversation-update-team-install', { serviceUrl: connector.serviceUrl }));
    const sent = (await connector.waitFor(before + 1)).slice(before);
    expect(JSON.stringify(cardsIn([sent[0]?.activity]))).toContain('Passkey Coach joined IT Helpdesk');
  });

  it('does not welcome anyone when another member joins', async () => {
    const before = connector.sent.length;
    const result = await bot.post(
      activityFixture('conversation-update-personal-install', {
        serviceUrl: connector.serviceUrl,
        deliveryMode: 'expectReplies',
        membersAdded: [{ id: '29:someone-else' }],
      }),
    );
    expect(result.status).toBe(200);
    expect((result.body as { activities?: unknown[] } | undefined)?.activities ?? []).toHaveLength(0);
    expect(connector.sent.length).toBe(before);
  });

  it('answers "help" with the help card listing what an employee can do', async () => {
    const result = await bot.post(expectReplies('message-personal', { text: '  Help! ' }));
    expect(result.status).toBe(200);
    const cards = cardsIn((result.body as { activities: unknown[] }).activities);
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0])).toContain('What I can do for you');
    expect(JSON.stringify(cards[0])).toContain('"title":"help"');
  });

  it('answers help when mentioned in a team channel, with what is answered there, not what belongs in a personal chat', async () => {
    const result = await bot.post(expectReplies('message-channel-mention'));
    const cards = cardsIn((result.body as { activities: unknown[] }).activities);
    expect(cards).toHaveLength(1);
    const card = JSON.stringify(cards[0]);
    expect(card).toContain('"title":"help"');
    expect(card).toContain('"title":"campaign status"');
    for (const personal of ['status', 'setup', 'talk to a person', 'tap request <upn>', 'campaign export']) expect(card, personal).not.toContain(`"title":"${personal}"`);
    const inPersonalChat = JSON.stringify(cardsIn(((await bot.post(expectReplies('message-personal', { text: 'help' }))).body as { activities: unknown[] }).activities)[0]);
    expect(inPersonalChat).toContain('"title":"status"');
  });

  it("answers a person's own matters only in the personal chat: status, set-up, concerns and the results' download asked in a channel are sent there", async () => {
    for (const text of ['<at>Passkey Coach</at> status', '<at>Passkey Coach</at> setup', '<at>Passkey Coach</at> can my employer see my photos?', '<at>Passkey Coach</at> campaign export']) {
      const result = await bot.post(expectReplies('message-channel-mention', { text }));
      const replies = (result.body as { activities: { text?: string }[] }).activities;
      expect(cardsIn(replies), text).toHaveLength(0);
      expect(replies.map((reply) => reply.text).join(' '), text).toContain('only in our personal chat');
    }
  });

  it('answers something it cannot help with by saying what it can do and offering a person', async () => {
    const result = await bot.post(expectReplies('message-personal', { text: 'the printer on the third floor is jammed again' }));
    const cards = cardsIn((result.body as { activities: unknown[] }).activities);
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0])).toContain('flow.talk-to-person');
  });

  it('answers the welcome card button (Action.Execute) with the help card in the invoke response', async () => {
    const result = await bot.post(activityFixture('invoke-adaptive-card-action', { serviceUrl: connector.serviceUrl }));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify((result.body as { value: unknown }).value)).toContain('What I can do for you');
  });

  it('answers an unknown card verb with a message and audits it', async () => {
    const invoke = activityFixture('invoke-adaptive-card-action', { serviceUrl: connector.serviceUrl });
    const result = await bot.post({ ...invoke, value: { action: { type: 'Action.Execute', verb: 'payroll.approve', data: { id: 'forged' } }, trigger: 'manual' } });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    const entries = await bot.service.store.list<{ action: string; details: { verb: string } }>('audit-entries');
    expect(entries.records.some((r) => r.value.action === 'card.action.unknown' && r.value.details.verb === 'payroll.approve')).toBe(true);
  });

  it('answers a stale dialog button (task/fetch with a verb nobody handles, or none) with a small dialog, and audits it', async () => {
    const invoke = activityFixture('invoke-adaptive-card-action', { serviceUrl: connector.serviceUrl });
    for (const data of [{ verb: 'tap.reveal-v0', requestId: 'T-AAAAAA' }, {}]) {
      const result = await bot.post({ ...invoke, name: 'task/fetch', value: { data, context: { theme: 'default' } } });
      expect(result.status, JSON.stringify(data)).toBe(200);
      expect(result.body).toEqual({ task: { type: 'message', value: expect.stringContaining('no longer active') } });
    }
    const entries = await bot.service.store.list<{ action: string; details: { verb: string | null } }>('audit-entries', { limit: 1000 });
    expect(entries.records.filter((r) => r.value.action === 'dialog.fetch.unknown').map((r) => r.value.details.verb)).toEqual(['tap.reveal-v0', null]);
  });

  it('keeps 501 for invokes of kinds the app never offers', async () => {
    const invoke = activityFixture('invoke-adaptive-card-action', { serviceUrl: connector.serviceUrl });
    const result = await bot.post({ ...invoke, name: 'composeExtension/query', value: { commandId: 'search', parameters: [] } });
    expect(result.status).toBe(501);
    await stillServing();
  });
});
