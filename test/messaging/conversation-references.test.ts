// Where each chat lives: stored from turns and from chats the bot opened itself, and not rewritten when nothing changed.

import { createServer, type Server } from 'node:net';
import type { Activity } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { CONVERSATIONS_PARTITION, ConversationReferences, PERSONAL_CHATS_PARTITION } from '../../src/messaging/conversation-references.js';
import { demoAddressCheck } from '../../src/messaging/demo-address-check.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const TENANT = '6f3c7d2a-0000-4000-8000-000000000001';
const USER = '2b9c1e4f-0000-4000-8000-000000000002';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const BOT = '28:4a1f0c55-0000-4000-8000-000000000003';

function installNotice(conversationId: string, name = 'Ava Patel', serviceUrl = SERVICE_URL): Partial<Activity> {
  return {
    type: 'conversationUpdate',
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${USER}`, aadObjectId: USER, name },
    recipient: { id: BOT, name: 'Passkey Coach' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT, isGroup: false, name: '' },
  };
}

let store: SqliteStore;
let references: ConversationReferences;

beforeEach(() => {
  store = SqliteStore.open({ path: ':memory:' });
  references = new ConversationReferences(store);
});

afterEach(async () => {
  await store.close();
});

describe('ConversationReferences', () => {
  it('stores a 1:1 chat by its person only, and finds it again', async () => {
    await references.remember(installNotice('a:chat-1'), TENANT);
    expect((await references.personalChatOf(USER))?.reference.conversation?.id).toBe('a:chat-1');
    expect((await references.personalChatOf(USER))?.reference.serviceUrl).toBe(SERVICE_URL);
    expect(await references.byConversationId('a:chat-1')).toBeUndefined();
  });

  it('knows the chats it wrote or read: a second instance reads once, then neither reads nor writes for that chat', async () => {
    await references.remember(installNotice('a:chat-1'), TENANT);
    const second = new ConversationReferences(store);
    const before = { ...store.requestCounts() };
    await second.remember(installNotice('a:chat-1', 'Ava P.'), TENANT);
    await second.rememberPersonalChat(USER, { conversationId: 'a:chat-1', serviceUrl: SERVICE_URL, tenantId: TENANT, botId: BOT });
    await second.remember(installNotice('a:chat-1', 'Ava Q.'), TENANT);
    const after = store.requestCounts();
    expect((after.get ?? 0) - (before.get ?? 0)).toBe(1);
    expect((after.put ?? 0) - (before.put ?? 0)).toBe(0);
  });

  it('does not rewrite a row that leads to the same chat (a new instance, a changed display name)', async () => {
    await references.remember(installNotice('a:chat-1'), TENANT);
    const before = await store.get(PERSONAL_CHATS_PARTITION, USER);
    await new ConversationReferences(store).remember(installNotice('a:chat-1', 'Ava P.'), TENANT);
    expect((await store.get(PERSONAL_CHATS_PARTITION, USER))?.etag).toBe(before?.etag);
  });

  it('keeps the chat Teams announced when the bot opens the same chat itself, and takes a new chat when it differs', async () => {
    await references.remember(installNotice('a:chat-1'), TENANT);
    const announced = await store.get(PERSONAL_CHATS_PARTITION, USER);
    await references.rememberPersonalChat(USER, { conversationId: 'a:chat-1', serviceUrl: SERVICE_URL, tenantId: TENANT, botId: BOT });
    expect((await store.get(PERSONAL_CHATS_PARTITION, USER))?.etag).toBe(announced?.etag);

    await references.rememberPersonalChat(USER, { conversationId: 'a:chat-2', serviceUrl: SERVICE_URL, tenantId: TENANT, botId: BOT });
    expect((await references.personalChatOf(USER))?.reference.conversation?.id).toBe('a:chat-2');
    expect((await store.get<{ reference: unknown }>(PERSONAL_CHATS_PARTITION, USER))?.value.reference).toMatchObject({ serviceUrl: SERVICE_URL, conversation: { id: 'a:chat-2' } });
    expect(await store.get(CONVERSATIONS_PARTITION, 'a:chat-2')).toBeUndefined();
  });

  it('moves a person to the chat a later turn comes from', async () => {
    await references.rememberPersonalChat(USER, { conversationId: 'a:chat-1', serviceUrl: SERVICE_URL, tenantId: TENANT, botId: BOT });
    await references.remember(installNotice('a:chat-3'), TENANT);
    expect((await references.personalChatOf(USER))?.reference.conversation?.id).toBe('a:chat-3');
  });
});

/** A port on 127.0.0.1 where nothing listens (taken from the system, then let go). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a chat whose address changes', () => {
  let sink: MemorySink;
  const logger = () => createLogger({ sink, level: 'debug' });
  beforeEach(() => {
    sink = new MemorySink();
  });

  it('is followed when an authenticated activity moves it, with a warning naming both hosts', async () => {
    const references = new ConversationReferences(store, { logger: logger() });
    await references.remember(installNotice('a:chat-1'), TENANT);
    await references.remember(installNotice('a:chat-1', 'Ava Patel', 'https://smba.trafficmanager.net/amer/'), TENANT);
    expect((await references.personalChatOf(USER))?.reference.serviceUrl).toBe('https://smba.trafficmanager.net/amer/');
    const moves = sink.entries().filter((entry) => entry.level === 'warn');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ msg: 'an authenticated activity moved a chat to another Bot Connector address', fromHost: 'smba.trafficmanager.net', toHost: 'smba.trafficmanager.net' });
  });

  describe('in demo mode', () => {
    const emulator = 'http://127.0.0.1:4001/';
    let playground: Server;
    let playgroundUrl = '';
    beforeEach(async () => {
      playground = createServer();
      await new Promise<void>((resolve) => playground.listen(0, '127.0.0.1', resolve));
      playgroundUrl = `http://127.0.0.1:${(playground.address() as { port: number }).port}/_connector`;
    });
    afterEach(async () => {
      await new Promise((resolve) => playground.close(resolve));
    });

    it('keeps the connector emulator and a local connector that answers, and says when the chat moves', async () => {
      const references = new ConversationReferences(store, { logger: logger(), acceptsAddress: demoAddressCheck(emulator) });
      await references.remember(installNotice('a:chat-1', 'Ava Patel', emulator), TENANT);
      expect((await references.personalChatOf(USER))?.reference.serviceUrl).toBe(emulator);
      await references.remember(installNotice('a:playground', 'Ava Patel', playgroundUrl), TENANT);
      expect((await references.personalChatOf(USER))?.reference).toMatchObject({ serviceUrl: playgroundUrl, conversation: { id: 'a:playground' } });
      expect(sink.entries().find((entry) => entry.msg === 'a chat is now reached at another connector')).toMatchObject({ level: 'info', fromHost: '127.0.0.1:4001', toHost: new URL(playgroundUrl).host });
    });

    it('does not let an address where nothing answers, or one off this machine, replace the chat; one warning per connector', async () => {
      const references = new ConversationReferences(store, { logger: logger(), acceptsAddress: demoAddressCheck(emulator) });
      await references.remember(installNotice('a:chat-1', 'Ava Patel', emulator), TENANT);
      const nowhere = `http://127.0.0.1:${await closedPort()}/`;
      for (let turn = 0; turn < 3; turn++) await references.remember(installNotice('a:curl', 'Ava Patel', nowhere), TENANT);
      await references.remember(installNotice('a:remote', 'Ava Patel', SERVICE_URL), TENANT);
      expect((await references.personalChatOf(USER))?.reference).toMatchObject({ serviceUrl: emulator, conversation: { id: 'a:chat-1' } });
      expect(await references.byConversationId('a:curl')).toBeUndefined();
      const warnings = sink.entries().filter((entry) => entry.level === 'warn');
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatchObject({ serviceUrl: nowhere, keptHost: '127.0.0.1:4001' });
      expect(String(warnings[0]?.msg)).toContain(`nothing answers at ${new URL(nowhere).host}`);
      expect(String(warnings[1]?.msg)).toContain('demo mode sends only to the connector emulator and other connectors on this machine');
    });

    it('checks a refused address once a minute for the same activity, not on every turn that brings it', async () => {
      let clock = 1_000_000;
      const checked: string[] = [];
      const check = demoAddressCheck(emulator);
      const references = new ConversationReferences(store, {
        logger: logger(),
        now: () => clock,
        acceptsAddress: async (serviceUrl) => {
          checked.push(serviceUrl);
          return check(serviceUrl);
        },
      });
      await references.remember(installNotice('a:chat-1', 'Ava Patel', emulator), TENANT);
      await references.remember(installNotice('a:remote', 'Ava Patel', SERVICE_URL), TENANT);
      expect(checked).toEqual([emulator, SERVICE_URL]);
      // The turns after it neither check the address again nor read the row.
      const reads = () => store.requestCounts().get ?? 0;
      const readsBefore = reads();
      for (let turn = 0; turn < 4; turn++) await references.remember(installNotice('a:remote', 'Ava Patel', SERVICE_URL), TENANT);
      expect(checked).toEqual([emulator, SERVICE_URL]);
      expect(reads()).toBe(readsBefore);
      // Another activity from there (a new conversation) is checked on its own.
      await references.remember(installNotice('a:remote-2', 'Ava Patel', SERVICE_URL), TENANT);
      expect(checked).toHaveLength(3);
      // A minute on, the same activity is checked again, and still kept out.
      clock += 60_000;
      await references.remember(installNotice('a:remote', 'Ava Patel', SERVICE_URL), TENANT);
      expect(checked).toHaveLength(4);
      expect((await references.personalChatOf(USER))?.reference).toMatchObject({ serviceUrl: emulator, conversation: { id: 'a:chat-1' } });
    });
  });
});

describe('chats the sender opens and the install notices it causes', () => {
  const opened = { conversationId: 'a:chat-1', serviceUrl: SERVICE_URL, tenantId: TENANT, botId: BOT };
  const botAdded = (conversationId: string): Partial<Activity> => ({ ...installNotice(conversationId), membersAdded: [{ id: BOT, name: '' }] });
  const requests = (): number => Object.values(store.requestCounts()).reduce((sum, count) => sum + count, 0);
  /** An instance whose sender is (or is not) opening the person's chat, and whom it was asked about. */
  const anotherInstance = (opening: boolean) => {
    const asked: string[] = [];
    const other = new ConversationReferences(store, {
      chatBeingOpened: async (userId) => {
        asked.push(userId);
        return opening;
      },
    });
    return { other, asked };
  };

  it('on another instance, leaves the chat of an install the coach made for a message to the sender: no read, no write', async () => {
    const { other, asked } = anotherInstance(true);
    const before = requests();
    await other.remember(botAdded('a:chat-1'), TENANT);
    // Teams sends both: the bot added to the chat, and the install itself.
    await other.remember({ ...installNotice('a:chat-1'), type: 'installationUpdate', action: 'add' }, TENANT);
    expect(asked).toEqual([USER, USER]);
    expect(requests()).toBe(before);
    expect(await store.get(PERSONAL_CHATS_PARTITION, USER)).toBeUndefined();
  });

  it('stores the chat of an install nobody is sending a message for, and asks only about install notices', async () => {
    const { other, asked } = anotherInstance(false);
    await other.remember(botAdded('a:chat-1'), TENANT);
    expect((await store.get<{ reference: { conversation: { id: string } } }>(PERSONAL_CHATS_PARTITION, USER))?.value.reference.conversation.id).toBe('a:chat-1');
    await new ConversationReferences(store, { chatBeingOpened: async () => true }).remember(installNotice('a:chat-2'), TENANT);
    expect(asked).toEqual([USER]);
    expect((await store.get<{ reference: { conversation: { id: string } } }>(PERSONAL_CHATS_PARTITION, USER))?.value.reference.conversation.id).toBe('a:chat-2');
  });

  it('writes chats opened with the outcomes when the sender says, together, and knows them from memory before', async () => {
    const second = '7d1e2f3a-0000-4000-8000-000000000004';
    await references.rememberPersonalChat(USER, opened, { withOutcomes: true });
    await references.rememberPersonalChat(second, { ...opened, conversationId: 'a:chat-2' }, { withOutcomes: true });
    expect(await store.get(PERSONAL_CHATS_PARTITION, USER)).toBeUndefined();
    const before = requests();
    expect((await references.personalChatOf(USER))?.reference.conversation?.id).toBe('a:chat-1');
    // The instance's own install notice, arriving after the chat was opened: nothing to read or write either.
    await references.remember(botAdded('a:chat-1'), TENANT);
    expect(requests()).toBe(before);

    await references.storeOpenedChats();
    expect((await store.get<{ reference: { conversation: { id: string } } }>(PERSONAL_CHATS_PARTITION, USER))?.value.reference.conversation.id).toBe('a:chat-1');
    expect((await store.get<{ reference: { conversation: { id: string } } }>(PERSONAL_CHATS_PARTITION, second))?.value.reference.conversation.id).toBe('a:chat-2');
    const written = requests();
    await references.storeOpenedChats();
    expect(requests()).toBe(written);
  });

  it('keeps a chat it could not write for the next time, and lets a newer chat from Teams win over one not written yet', async () => {
    const sink = new MemorySink();
    const failing = new ConversationReferences(store, { logger: createLogger({ sink, level: 'warn' }) });
    await failing.rememberPersonalChat(USER, opened, { withOutcomes: true });
    const put = store.put.bind(store);
    store.put = async () => {
      throw new Error('the store is down');
    };
    await failing.storeOpenedChats();
    store.put = put;
    expect(sink.text()).toContain('could not store a 1:1 chat');
    await failing.storeOpenedChats();
    expect((await store.get<{ reference: { conversation: { id: string } } }>(PERSONAL_CHATS_PARTITION, USER))?.value.reference.conversation.id).toBe('a:chat-1');

    await references.rememberPersonalChat(USER, { ...opened, conversationId: 'a:chat-5' }, { withOutcomes: true });
    await references.remember(installNotice('a:chat-6'), TENANT);
    await references.storeOpenedChats();
    expect((await store.get<{ reference: { conversation: { id: string } } }>(PERSONAL_CHATS_PARTITION, USER))?.value.reference.conversation.id).toBe('a:chat-6');
  });
});
