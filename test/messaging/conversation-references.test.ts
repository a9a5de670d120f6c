// Where each chat lives: stored from turns and from chats the bot opened itself, and not rewritten when nothing changed.

import type { Activity } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONVERSATIONS_PARTITION, ConversationReferences, PERSONAL_CHATS_PARTITION } from '../../src/messaging/conversation-references.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const TENANT = '6f3c7d2a-0000-4000-8000-000000000001';
const USER = '2b9c1e4f-0000-4000-8000-000000000002';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const BOT = '28:4a1f0c55-0000-4000-8000-000000000003';

function installNotice(conversationId: string, name = 'Ava Patel'): Partial<Activity> {
  return {
    type: 'conversationUpdate',
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
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
  it('stores the chat of a turn by conversation and by person, and finds it again', async () => {
    await references.remember(installNotice('a:chat-1'), TENANT);
    expect((await references.personalChatOf(USER))?.reference.conversation?.id).toBe('a:chat-1');
    expect((await references.byConversationId('a:chat-1'))?.reference.serviceUrl).toBe(SERVICE_URL);
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
    expect((await store.get(CONVERSATIONS_PARTITION, 'a:chat-2'))?.value).toBeDefined();
  });

  it('moves a person to the chat a later turn comes from', async () => {
    await references.rememberPersonalChat(USER, { conversationId: 'a:chat-1', serviceUrl: SERVICE_URL, tenantId: TENANT, botId: BOT });
    await references.remember(installNotice('a:chat-3'), TENANT);
    expect((await references.personalChatOf(USER))?.reference.conversation?.id).toBe('a:chat-3');
  });
});
