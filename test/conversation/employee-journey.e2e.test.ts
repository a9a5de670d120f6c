// A demo employee's whole path through the coach: real HTTP, Teams activity JSON, the Graph and Bot Connector emulators.

import { beforeAll, describe, expect, it } from 'vitest';
import { activityFixture } from '../support/bot-harness.js';
import { demoBotSuite } from '../support/demo-suite.js';
import type { Person } from '../support/teams-chat.js';

const { bot, demo, chat } = demoBotSuite({ ORGANISATION_NAME: 'Northwind Pharma' }, { inMemory: true });

const { person, activityFrom, say, click } = chat;

const text = (value: unknown) => JSON.stringify(value);
const verbsOf = (card: unknown) => [...text(card).matchAll(/"verb":"([^"]+)"/g)].map((m) => m[1]);

async function nextCardFor(who: Person, containing: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const matches = (body: string) => (typeof containing === 'string' ? body.includes(containing) : containing.test(body));
  const activity = await demo().connector.waitFor((a) => a.conversationId === who.conversationId && matches(text(a.activity)), timeoutMs);
  return text(activity.activity);
}

describe('an unenrolled employee, from worry to passkey', () => {
  it('walks objection → answer → show me how → iPhone steps → "done" while not enrolled → enrols → status → recorded', async () => {
    const ava = person(demo().seed.personas?.employee ?? '');

    const answer = await say(ava, 'will my boss see my photos?');
    expect(answer.cards).toHaveLength(1);
    expect(verbsOf(answer.cards[0])).toEqual(expect.arrayContaining(['flow.show-me-how', 'flow.another-concern', 'flow.still-no', 'flow.talk-to-person']));

    const picker = await click(ava, 'flow.show-me-how');
    expect(picker.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(text(picker.value)).toContain('"platform":"iphone"');

    const steps = await click(ava, 'enroll.platform', { platform: 'iphone' });
    expect(text(steps.value)).toContain('iOS 17');
    expect(text(steps.value)).toContain('https://mysignins.microsoft.com/security-info');

    // "I've done it" before doing it: the coach looks and says what is missing.
    const checking = await click(ava, 'status.check');
    expect(checking.type).toBe('application/vnd.microsoft.activity.message');
    expect(await nextCardFor(ava, "I don't see a passkey yet")).toContain('Create passkey');

    demo().graph.state.enrolMethod(ava.id, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'iPhone 15', aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f', attestationLevel: 'attested' });

    const status = await say(ava, 'status');
    expect(status.texts.join(' ')).toMatch(/checking/i);
    expect(await nextCardFor(ava, "You're all set")).toContain('Microsoft Authenticator');

    const enrolment = await bot().service.store.get<{ kinds: string[] }>('enrolments', ava.id);
    expect(enrolment?.value.kinds).toEqual(['authenticator-passkey']);
    const audit = await bot().service.store.list<{ action: string }>('audit-entries', { limit: 1000 });
    expect(audit.records.some((r) => r.value.action === 'enrollment.confirmed')).toBe(true);
  });

  it('keeps the topic and the time of each objection, not the words', async () => {
    const who = person(demo().seed.users.find((u) => u.displayName === 'Nathalie Girard')?.id ?? '');
    const before = Date.now();
    await say(who, 'will my boss see my photos?');
    const after = Date.now();
    const events = (await bot().service.store.list<{ userId: string; intent: string; at: string }>('objection-events', { limit: 1000 })).records.filter((r) => r.value.userId === who.id);
    expect(events.map((r) => r.value.intent)).toEqual(['personal-data-access']);
    const at = Date.parse(events[0]?.value.at ?? '');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    expect(text(events)).not.toContain('photos');
  });
});

/** Method kinds the coach counts as a passkey (or as good as one). */
const STRONG = new Set(['passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'passKeySynced', 'fido2SecurityKey', 'windowsHelloForBusiness']);

describe('many people checking their status at once', () => {
  it('each hears "checking…" at once and gets an answer as the throttle allows, with no 429 from Graph', async () => {
    const users = demo().seed.users.filter((u) => u.accountKind === 'person' && u.userType === 'Member' && u.accountEnabled && u.teamsLicensed).slice(10, 17);
    const people = users.map((u) => person(u.id));
    demo().graph.state.resetThrottles();
    const before = demo().graph.calls.list().length;
    const replies = await Promise.all(people.map((who) => say(who, 'status')));
    for (const reply of replies) expect(reply.texts.join(' ')).toMatch(/checking/i);
    // The bot reads methods 5 at a time in 10.5 s, and other tests' reads may still fill the window: up to three turns.
    const answers = await Promise.all(people.map((who) => nextCardFor(who, /I don't see a passkey yet|You're all set/, 35_000)));
    // Each answer is the one the person's methods in the demo tenant call for.
    const expected = users.map((u) => (u.methods.some((method) => STRONG.has(method.kind)) ? "You're all set" : "I don't see a passkey yet"));
    expect(answers.map((answer, index) => answer.includes(expected[index] ?? 'no expectation'))).toEqual(users.map(() => true));
    expect(new Set(expected).size, 'the seven include people with and without a passkey').toBe(2);
    const reads = demo().graph.calls.list().slice(before).filter((c) => c.path.endsWith('/authentication/methods'));
    expect(reads).toHaveLength(people.length);
    expect(reads.filter((c) => c.status === 429)).toEqual([]);
  }, 40_000);
});

describe('asking again while a check waits', () => {
  it('queues one read per person, not one per message', async () => {
    const who = person(demo().seed.users.filter((u) => u.accountKind === 'person' && u.userType === 'Member' && u.accountEnabled && u.teamsLicensed)[20]?.id ?? '');
    const before = demo().graph.calls.list().length;
    await Promise.all([say(who, 'status'), say(who, 'status'), say(who, 'status')]);
    await nextCardFor(who, /I don't see a passkey yet|You're all set/);
    const reads = demo().graph.calls.list().slice(before).filter((c) => c.path.endsWith('/authentication/methods') && c.path.includes(who.id));
    expect(reads).toHaveLength(1);
  }, 30_000);
});

describe('an employee who refuses', () => {
  it('is told the manager decides and what they will see, gives a reason, and the refusal is recorded with the topics raised', async () => {
    const refuser = demo().seed.users.find((u) => u.accountKind === 'person' && u.userType === 'Member' && u.accountEnabled && u.managerId && u.methods.length === 0 && u.id !== demo().seed.personas?.employee);
    if (!refuser) throw new Error('the demo tenant has no second unenrolled employee');
    const who = person(refuser.id);
    const manager = demo().seed.users.find((u) => u.id === refuser.managerId);
    if (!manager) throw new Error(`the demo tenant has no manager ${refuser.managerId}`);

    await say(who, 'can the company track where I am with this app');
    const refusal = await say(who, "I'm not doing this, end of story");
    const card = text(refusal.cards[0]);
    expect(card).toContain(manager.displayName);
    expect(card).toContain('"id":"reason"');

    const invalid = await click(who, 'refusal.confirm', { reason: 'because' });
    expect(text(invalid.value)).toContain('"id":"reason"');
    expect(await bot().service.store.get('refusals', who.id)).toBeUndefined();

    const confirmed = await click(who, 'refusal.confirm', { reason: 'privacy', details: 'I want to talk about it first' });
    expect(text(confirmed.value)).toContain('Your decision is recorded');
    const stored = await bot().service.store.get<{ reason: string; intents: string[]; details?: string }>('refusals', who.id);
    expect(stored?.value).toMatchObject({ reason: 'privacy', intents: ['location-tracking'], details: 'I want to talk about it first' });
  });
});

describe('asking for a person', () => {
  it('puts one request in the helpdesk queue, however often they ask', async () => {
    const who = person(demo().seed.personas?.manager ?? '');
    const first = await say(who, 'talk to a person');
    expect(text(first.cards)).toContain('I asked the helpdesk to contact you');
    const again = await click(who, 'flow.talk-to-person');
    expect(text(again.value)).toContain('already has your request');
    const queue = await bot().service.store.list('help-requests');
    expect(queue.records.filter((r) => r.key === who.id)).toHaveLength(1);
  });
});

describe('robust input: a clear reply, nothing changes, nothing crashes', () => {
  let who: Person;
  beforeAll(() => {
    who = person(demo().seed.personas?.approver ?? '');
  });

  it.each([
    ['empty text', ''],
    ['10 000 characters', 'why '.repeat(2500)],
    ['emoji only', '🤔🤔🙄📱'],
    ['another language', 'Warum muss ich das auf meinem privaten Handy installieren?'],
    ['HTML and markdown injection', '<script>alert(1)</script> [click me](https://evil.example) **bold**'],
  ])('%s gets an answer', async (_name, input) => {
    const reply = await say(who, input);
    expect(reply.cards.length + reply.texts.length).toBeGreaterThan(0);
    expect(text(reply)).not.toContain('<script>');
    expect(text(reply)).not.toContain('](https://evil.example)');
  });

  it('a platform button with missing or forged data shows the picker again', async () => {
    expect(text((await click(who, 'enroll.platform', {})).value)).toContain('Which device');
    expect(text((await click(who, 'enroll.platform', { platform: '../../etc/passwd' })).value)).toContain('Which device');
  });

  it('"tell me more" for an intent that does not exist is answered, not crashed', async () => {
    const result = await click(who, 'objection.more', { intent: 'not-an-intent' });
    expect(result.type).toBe('application/vnd.microsoft.activity.message');
  });

  it('card data naming another person never changes whose status is read or whose refusal is recorded', async () => {
    const ava = demo().seed.personas?.employee ?? '';
    await click(who, 'refusal.confirm', { reason: 'other', userId: ava, aadObjectId: ava });
    const stored = await bot().service.store.get<{ userId: string }>('refusals', who.id);
    expect(stored?.value.userId).toBe(who.id);
    const avasRefusal = await bot().service.store.get('refusals', ava);
    expect(avasRefusal).toBeUndefined();
    const before = demo().graph.calls.list().length;
    await click(who, 'status.check', { userId: ava });
    await nextCardFor(who, /I don't see a passkey yet|You're all set/).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${bot().logs.entries().filter((e) => e.level === 'error' || e.level === 'warn').map((e) => JSON.stringify(e)).join('\n')}`);
    });
    const reads = demo().graph.calls.list().slice(before).filter((c) => c.path.endsWith('/authentication/methods'));
    expect(reads.every((c) => c.path.includes(who.id))).toBe(true);
  });

  it('an activity without an Entra identity is told the coach cannot help, and nothing is stored', async () => {
    // What such a turn could leave: a record under no person (or the anonymous id), or a change to the chat's address.
    // (Other tests' background work may write records of their own meanwhile: those are not looked at.)
    const partitions = ['conversation-refs', 'personal-chats', 'dialogs', 'objection-events', 'refusals', 'help-requests'];
    const traces = async () => {
      const found: string[] = [];
      for (const partition of partitions) {
        for (const record of (await bot().service.store.list(partition, { limit: 1000 })).records) {
          if (/anonymous|undefined/.test(record.key) || text(record.value).includes('29:anonymous')) found.push(`${partition}/${record.key}`);
        }
      }
      return found;
    };
    // The person has talked in this chat before, so the coach knows its address. (A turn without an identity in a chat
    // the coach has never seen does store that chat's address, with the anonymous sender: a product question, not
    // what this test is about.)
    await say(who, 'help');
    const chatAddress = async () => (await bot().service.store.get('personal-chats', who.id))?.etag;
    const addressBefore = await chatAddress();
    expect(addressBefore).toEqual(expect.any(String));
    const result = await bot().post(activityFixture('message-personal', { ...activityFrom(who, { text: 'talk to a person', deliveryMode: 'expectReplies' }), from: { id: '29:anonymous' } }));
    expect(text(result.body)).toContain('work account');
    expect(await traces()).toEqual([]);
    expect(await chatAddress()).toBe(addressBefore);
  });
});
