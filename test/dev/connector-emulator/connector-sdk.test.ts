// The emulator driven by the real botbuilder stack: botframework-connector's ConnectorClient, and a CloudAdapter in demo mode.

import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  type TeamsChannelAccount,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import { ConnectorClient, TokenCredentials } from 'botframework-connector';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectorEmulator, startConnectorEmulator } from '../../../src/dev/connector-emulator/index.js';
import { alice, bob, call, createParameters, errorCode, message, OTHER_TENANT, sdkClient, sdkFailure, TENANT } from './helpers.js';

let emulator: ConnectorEmulator;

beforeEach(async () => {
  emulator = await startConnectorEmulator({ tenantId: TENANT, users: [alice, bob] });
});

afterEach(async () => {
  await emulator.close();
});

const aliceUser = () => emulator.users().find((user) => user.aadObjectId === alice.aadObjectId)!;

describe('creating the 1:1 chat', () => {
  it('gives the same a: conversation for the object id, the 29: id, and every repeat, as Teams returns the existing chat', async () => {
    const client = sdkClient(emulator);
    const byObjectId = await client.conversations.createConversation(createParameters({ id: alice.aadObjectId }));
    const byPairwiseId = await client.conversations.createConversation(createParameters({ id: aliceUser().id }));
    const again = await client.conversations.createConversation(createParameters({ id: alice.aadObjectId }));

    expect(byObjectId.id).toMatch(/^a:1[A-Za-z0-9_-]{40,}$/);
    expect(byPairwiseId.id).toBe(byObjectId.id);
    expect(again.id).toBe(byObjectId.id);
    expect(aliceUser().id).toMatch(/^29:1/);
    expect(emulator.conversations()).toEqual([expect.objectContaining({ id: byObjectId.id, aadObjectId: alice.aadObjectId, tenantId: TENANT })]);
  });

  it('gives each person their own conversation', async () => {
    const client = sdkClient(emulator);
    const forAlice = await client.conversations.createConversation(createParameters({ id: alice.aadObjectId }));
    const forBob = await client.conversations.createConversation(createParameters({ id: bob.aadObjectId }));
    expect(forBob.id).not.toBe(forAlice.id);
  });

  it('records an initial activity sent with the create, and answers with its id', async () => {
    const created = await sdkClient(emulator).conversations.createConversation(
      createParameters({ id: alice.aadObjectId }, { activity: { type: 'message', text: 'Welcome to Passkey Coach' } as Activity }),
    );
    expect(created.activityId).toMatch(/^\d{13}$/);
    expect(emulator.activities()).toEqual([
      expect.objectContaining({ kind: 'send', conversationId: created.id, activityId: created.activityId, userId: alice.aadObjectId }),
    ]);
    expect(emulator.activities()[0]?.activity.text).toBe('Welcome to Passkey Coach');
  });

  it('refuses an unknown 29: id the way Teams does (400, cannot decrypt the pairwise id)', async () => {
    const failure = await sdkFailure(() => sdkClient(emulator).conversations.createConversation(createParameters({ id: '29:1notAUserOfThisBot' })));
    expect(failure).toMatchObject({ statusCode: 400, code: 'BadArgument', message: 'Failed to decrypt pairwise id' });
  });

  it('refuses an object id the bot cannot reach (unknown, or in another tenant) as not installed: 403', async () => {
    const unknown = await sdkFailure(() =>
      sdkClient(emulator).conversations.createConversation(createParameters({ id: 'c0ffee00-0000-4000-8000-000000000000' })),
    );
    expect(unknown).toMatchObject({ statusCode: 403, code: 'ForbiddenOperationException' });

    const wrongTenant = await sdkFailure(() =>
      sdkClient(emulator).conversations.createConversation(createParameters({ id: alice.aadObjectId }, { channelData: { tenant: { id: OTHER_TENANT } } })),
    );
    expect(wrongTenant).toMatchObject({ statusCode: 403, code: 'ForbiddenOperationException' });
    expect(emulator.conversations()).toEqual([]);
  });

  it('refuses a group chat, a missing tenant and a missing member with 400 BadArgument', async () => {
    const client = sdkClient(emulator);
    const group = await sdkFailure(() => client.conversations.createConversation(createParameters({ id: alice.aadObjectId }, { isGroup: true })));
    const noTenant = await sdkFailure(() => client.conversations.createConversation(createParameters({ id: alice.aadObjectId }, { channelData: {} })));
    const noMember = await sdkFailure(() => client.conversations.createConversation(createParameters({ id: alice.aadObjectId }, { members: [] })));
    for (const failure of [group, noTenant, noMember]) expect(failure).toMatchObject({ statusCode: 400, code: 'BadArgument' });
  });

  it('refuses a user who blocked the bot (403 ConversationBlockedByUser) or removed the app (403 ForbiddenOperationException)', async () => {
    emulator.blockUser(alice.aadObjectId);
    const blocked = await sdkFailure(() => sdkClient(emulator).conversations.createConversation(createParameters({ id: alice.aadObjectId })));
    expect(blocked).toMatchObject({ statusCode: 403, code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' });

    emulator.uninstallApp(bob.aadObjectId!);
    const removed = await sdkFailure(() => sdkClient(emulator).conversations.createConversation(createParameters({ id: bob.aadObjectId! })));
    expect(removed).toMatchObject({ statusCode: 403, code: 'ForbiddenOperationException' });
  });
});

describe('messages in the conversation', () => {
  async function aliceChat(): Promise<string> {
    const created = await sdkClient(emulator).conversations.createConversation(createParameters({ id: alice.aadObjectId }));
    return created.id!;
  }

  it('sends and replies, answering each with a new timestamp id, and records both', async () => {
    const client = sdkClient(emulator);
    const conversationId = await aliceChat();
    const sent = await client.conversations.sendToConversation(conversationId, { type: 'message', text: 'You have no passkey yet' });
    const replied = await client.conversations.replyToActivity(conversationId, '1764062142000', { type: 'message', text: 'Here are the steps' });

    expect(sent.id).toMatch(/^\d{13}$/);
    expect(replied.id).toMatch(/^\d{13}$/);
    expect(replied.id).not.toBe(sent.id);
    expect(emulator.activities({ conversationId }).map((record) => [record.kind, record.activity.text, record.replyToId])).toEqual([
      ['send', 'You have no passkey yet', undefined],
      ['reply', 'Here are the steps', '1764062142000'],
    ]);
  });

  it('replaces a message on update and keeps every version', async () => {
    const client = sdkClient(emulator);
    const conversationId = await aliceChat();
    const { id } = await client.conversations.sendToConversation(conversationId, message('Approve the exception?'));
    const updated = await client.conversations.updateActivity(conversationId, id!, { type: 'message', text: 'Approved by Dana' });

    expect(updated.id).toBe(id);
    const stored = emulator.storedActivity(conversationId, id!);
    expect(stored?.current.text).toBe('Approved by Dana');
    expect(stored?.versions.map((version) => version.activity.text)).toEqual(['Approve the exception?', 'Approved by Dana']);
    expect(emulator.activities({ conversationId }).map((record) => record.kind)).toEqual(['send', 'update']);
  });

  it('deletes a message; the deleted message can be neither updated nor deleted again (404)', async () => {
    const client = sdkClient(emulator);
    const conversationId = await aliceChat();
    const { id } = await client.conversations.sendToConversation(conversationId, message('Your pass is ready'));
    await client.conversations.deleteActivity(conversationId, id!);

    expect(emulator.storedActivity(conversationId, id!)?.deleted).toBe(true);
    expect(emulator.activities({ kind: 'delete' })).toEqual([expect.objectContaining({ activityId: id, conversationId })]);
    const update = await sdkFailure(() => client.conversations.updateActivity(conversationId, id!, message('too late')));
    const again = await sdkFailure(() => client.conversations.deleteActivity(conversationId, id!));
    for (const failure of [update, again]) expect(failure).toMatchObject({ statusCode: 404, code: 'ActivityNotFoundInConversation' });
  });

  it('answers 404 ConversationNotFound for a conversation it never created, and 404 for a message it never saw', async () => {
    const client = sdkClient(emulator);
    const unknown = await sdkFailure(() => client.conversations.sendToConversation('a:1doesNotExist', message('hello')));
    expect(unknown).toMatchObject({ statusCode: 404, code: 'ConversationNotFound' });

    const conversationId = await aliceChat();
    const neverSent = await sdkFailure(() => client.conversations.updateActivity(conversationId, '1764062142123', message('edit')));
    expect(neverSent).toMatchObject({ statusCode: 404, code: 'ActivityNotFoundInConversation' });
  });

  it('refuses sends once the user blocks the bot (403 ConversationBlockedByUser) and after the app is removed (403 BotNotInConversationRoster)', async () => {
    const client = sdkClient(emulator);
    const conversationId = await aliceChat();
    emulator.blockUser(aliceUser().id);
    expect(await sdkFailure(() => client.conversations.sendToConversation(conversationId, message('hi')))).toMatchObject({
      statusCode: 403,
      code: 'ConversationBlockedByUser',
    });
    emulator.unblockUser(alice.aadObjectId);
    emulator.uninstallApp(alice.aadObjectId);
    expect(await sdkFailure(() => client.conversations.sendToConversation(conversationId, message('hi')))).toMatchObject({
      statusCode: 403,
      code: 'BotNotInConversationRoster',
    });
    emulator.installApp(alice.aadObjectId);
    await expect(client.conversations.sendToConversation(conversationId, message('welcome back'))).resolves.toMatchObject({ id: expect.any(String) });
    expect(emulator.activities().map((record) => record.activity.text)).toEqual(['welcome back']);
  });

  it('rejects a message Teams would find too large with 413 MessageSizeTooBig', async () => {
    const conversationId = await aliceChat();
    const failure = await sdkFailure(() => sdkClient(emulator).conversations.sendToConversation(conversationId, message('x'.repeat(21 * 1024))));
    expect(failure).toMatchObject({ statusCode: 413, code: 'MessageSizeTooBig' });
    expect(emulator.activities()).toEqual([]);
  });
});

describe('members', () => {
  it('reads the chat member as a TeamsChannelAccount by 29: id or object id, and lists the roster', async () => {
    const client = sdkClient(emulator);
    const { id } = await client.conversations.createConversation(createParameters({ id: alice.aadObjectId }));
    const expected = {
      id: aliceUser().id,
      name: 'Alice Ahmed',
      aadObjectId: alice.aadObjectId,
      email: 'alice@contoso.example',
      userPrincipalName: 'alice@contoso.example',
      givenName: 'Alice',
      surname: 'Ahmed',
      tenantId: TENANT,
      userRole: 'user',
    };
    expect(await client.conversations.getConversationMember(id!, aliceUser().id)).toMatchObject(expected);
    expect(await client.conversations.getConversationMember(id!, alice.aadObjectId)).toMatchObject(expected);
    expect(await client.conversations.getConversationMembers(id!)).toEqual([expect.objectContaining({ id: aliceUser().id })]);

    const notHere = await sdkFailure(() => client.conversations.getConversationMember(id!, bob.aadObjectId!));
    expect(notHere).toMatchObject({ statusCode: 404, code: 'MemberNotFoundInConversation' });
  });
});

describe('a CloudAdapter in demo mode (no app id, so no token)', () => {
  const adapter = () => new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));

  it('creates the chat, reads the member through TeamsInfo and sends, then continues the conversation later', async () => {
    let member: TeamsChannelAccount | undefined;
    let reference: Partial<ConversationReference> | undefined;
    await adapter().createConversationAsync(
      '',
      'msteams',
      emulator.serviceUrl,
      '',
      { isGroup: false, bot: { id: '28:bot', name: 'Passkey Coach' }, members: [{ id: alice.aadObjectId, name: '' }], tenantId: TENANT, channelData: { tenant: { id: TENANT } } },
      async (context) => {
        member = await TeamsInfo.getMember(context, alice.aadObjectId);
        reference = TurnContext.getConversationReference(context.activity);
        await context.sendActivity('Hello Alice, let us set up your passkey.');
      },
    );
    expect(member).toMatchObject({ aadObjectId: alice.aadObjectId, name: 'Alice Ahmed', userPrincipalName: 'alice@contoso.example' });

    await adapter().continueConversationAsync('', reference!, async (context) => {
      await context.sendActivity({ type: 'message', text: 'Reminder: two minutes on your phone.' } as Partial<Activity>);
    });

    const [conversation] = emulator.conversations();
    const sent = emulator.activities({ userId: alice.aadObjectId });
    expect(sent.map((record) => [record.conversationId, record.activity.text])).toEqual([
      [conversation?.id, 'Hello Alice, let us set up your passkey.'],
      [conversation?.id, 'Reminder: two minutes on your phone.'],
    ]);
  });
});

describe('faults and the SDK', () => {
  it("a 503 with Retry-After: 0 is retried by the SDK's own retry policy: two POSTs reach the emulator, one message is recorded", async () => {
    const client = sdkClient(emulator);
    const { id: conversationId } = await client.conversations.createConversation(createParameters({ id: alice.aadObjectId }));
    emulator.faults.add({ method: 'POST', path: '/v3/conversations/a:', status: 503, retryAfterSeconds: 0, times: 1 });

    await client.conversations.sendToConversation(conversationId!, message('after the outage'));

    const posts = emulator.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/activities'));
    expect(posts.map((request) => [request.status, request.faulted])).toEqual([
      [503, true],
      [201, false],
    ]);
    expect(emulator.activities()).toHaveLength(1);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('a 403 fault reaches the caller with the Teams error body', async () => {
    emulator.faults.add({ path: '/v3/conversations', status: 403, times: 1 });
    const failure = await sdkFailure(() => sdkClient(emulator).conversations.createConversation(createParameters({ id: alice.aadObjectId })));
    expect(failure).toMatchObject({ statusCode: 403, code: 'ConversationBlockedByUser' });
  });
});

describe('authentication', () => {
  const TOKEN = 'eyJ.test-bearer.value';
  let secured: ConnectorEmulator;

  beforeEach(async () => {
    secured = await startConnectorEmulator({ tenantId: TENANT, users: [alice], verifyToken: (header) => header === `Bearer ${TOKEN}` });
  });

  afterEach(async () => {
    await secured.close();
  });

  it('answers 401 with the real service body when the bearer is missing or wrong, and accepts a valid one', async () => {
    const anonymous = await sdkFailure(() => sdkClient(secured).conversations.createConversation(createParameters({ id: alice.aadObjectId })));
    expect(anonymous.statusCode).toBe(401);
    const wrong = await call(secured, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId }), { authorization: 'Bearer nope' });
    expect(wrong).toMatchObject({ status: 401, body: { message: 'Authorization has been denied for this request.' } });
    expect(errorCode(wrong.body)).toBeUndefined();

    const signed = new ConnectorClient(new TokenCredentials(TOKEN), { baseUri: secured.serviceUrl });
    const created = await signed.conversations.createConversation(createParameters({ id: alice.aadObjectId }));
    await signed.conversations.sendToConversation(created.id!, message('signed'));
    expect(secured.activities().map((record) => record.activity.text)).toEqual(['signed']);
    expect(secured.conversations()).toHaveLength(1);
  });

  it('never keeps the Authorization header: not in the record, not in the request log', async () => {
    const signed = new ConnectorClient(new TokenCredentials(TOKEN), { baseUri: secured.serviceUrl });
    const created = await signed.conversations.createConversation(createParameters({ id: alice.aadObjectId }));
    await signed.conversations.sendToConversation(created.id!, message('hello'));
    const everything = JSON.stringify([secured.activities(), secured.requests(), secured.conversations(), (await call(secured, 'GET', '_emulator/activities')).body]);
    expect(everything).not.toContain(TOKEN);
    expect(everything.toLowerCase()).not.toContain('bearer');
  });
});
