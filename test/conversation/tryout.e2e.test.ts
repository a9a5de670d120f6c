// Messages of the kind real employees typed when the coach was tried out, each answered right, end to end through
// /api/messages: the question that was asked, the command typed in words, the phone named, both of two concerns.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import type { Person } from '../support/teams-chat.js';

const { demo, chat } = demoBotSuite({ ORGANISATION_NAME: 'Northwind Pharma', ROLLOUT_REASON: 'because last spring a phishing page took over three accounts', ROLLOUT_DEADLINE: '2027-01-15' }, { inMemory: true });

const text = (value: unknown) => JSON.stringify(value);
const titleOf = (card: Record<string, unknown>) => text((card.body as { text?: string }[] | undefined)?.[0]?.text ?? '');

/** A demo employee of their own for each test, so one conversation never colours another. */
function someone(index: number): Person {
  const people = demo().seed.users.filter((user) => user.accountKind === 'person' && user.userType === 'Member' && user.accountEnabled && user.teamsLicensed);
  const user = people[20 + index];
  if (!user) throw new Error('not enough demo people');
  return chat.person(user.id);
}

describe('what people typed in the tryout', () => {
  it('"how I set it up on android? i have samsung a12": that model cannot reach the Android version needed, and the alternatives', async () => {
    const reply = await chat.say(someone(0), 'how I set it up on android? i have samsung a12');
    const card = text(reply.cards);
    expect(card).toContain('Galaxy A12');
    expect(card).toMatch(/Android 14/);
    expect(card).toMatch(/security key/i);
    expect(card).toContain('flow.talk-to-person');
    expect(card).not.toContain('Create passkey');
  });

  it('"ok fine. show me how, i have a samsung galaxy": the Android steps, with how to check the Android version', async () => {
    const reply = await chat.say(someone(1), 'ok fine. show me how, i have a samsung galaxy');
    const card = text(reply.cards);
    expect(card).toContain('Android');
    expect(card).toMatch(/About phone/);
    expect(card).toContain('Authenticator');
  });

  it('"what happens if i just refuse. r they gonna fire me?": the consequences, who decides and the options, no refusal form', async () => {
    const reply = await chat.say(someone(2), 'what happens if i just refuse. r they gonna fire me?');
    const card = text(reply.cards);
    expect(card).toMatch(/manager/);
    expect(card).toMatch(/exception/);
    expect(card).not.toContain('refusal.confirm');
    expect(card).toContain('flow.still-no');
  });

  it('"Is it obligatory? What happen if I say no?": the consequences', async () => {
    const reply = await chat.say(someone(3), 'Is it obligatory? What happen if I say no?');
    expect(text(reply.cards)).toMatch(/manager's decision|manager.s call/);
    expect(text(reply.cards)).not.toContain('refusal.confirm');
  });

  it('"will it drain my battery and eat my data plan?": what the app costs the phone', async () => {
    const reply = await chat.say(someone(4), 'will it drain my battery and eat my data plan?');
    const card = text(reply.cards);
    expect(card).toMatch(/battery/i);
    expect(card).toMatch(/kilobytes|data/i);
  });

  it('"check my status pls": the status check', async () => {
    const reply = await chat.say(someone(5), 'check my status pls');
    expect(reply.texts.join(' ')).toMatch(/checking/i);
  });

  it('"how do I set it up on my iPhone?": the iPhone steps directly', async () => {
    const reply = await chat.say(someone(6), 'how do I set it up on my iPhone?');
    const card = text(reply.cards);
    expect(titleOf(reply.cards[0] ?? {})).toMatch(/iPhone/);
    expect(card).toContain('iOS 17');
    expect(card).not.toContain('"platform":"android"');
  });

  it('"i got a new phone, what do i do with the passkey": a planned phone change needs no helpdesk', async () => {
    const reply = await chat.say(someone(7), 'i got a new phone, what do i do with the passkey');
    const card = text(reply.cards);
    expect(card).toMatch(/new phone/i);
    expect(card).toMatch(/My Security Info|mysignins/);
    expect(card).not.toMatch(/Temporary Access Pass/);
  });

  it('"my laptop shows a QR code and says something about bluetooth": signing in across devices', async () => {
    const reply = await chat.say(someone(8), 'my laptop shows a QR code and says something about bluetooth');
    const card = text(reply.cards);
    expect(card).toMatch(/QR code/);
    expect(card).toMatch(/Bluetooth/);
  });

  it('"my friend\'s company wiped his phone, can you?": personal data, with the honest Intune caveat', async () => {
    const reply = await chat.say(someone(9), "my friend's company wiped his phone, can you?");
    const card = text(reply.cards);
    expect(card).toMatch(/Intune/);
    expect(card).toMatch(/Authenticator/);
  });
});

describe('answers true for this organisation and this person', () => {
  it('says why in the organisation\'s own words, with its deadline', async () => {
    const reply = await chat.say(someone(10), 'why do we even need this passkey thing');
    const card = text(reply.cards);
    expect(card).toContain('Northwind Pharma');
    expect(card).toContain('phishing page took over three accounts');
    expect(card).toContain('15 January 2027');
    expect(card).not.toContain('{{');
  });

  it('answers both of two concerns in one message', async () => {
    const reply = await chat.say(someone(11), 'can my manager track where i am? and does it use a lot of battery?');
    expect(reply.cards.length).toBe(2);
    expect(text(reply.cards)).toMatch(/location|where you are/i);
    expect(text(reply.cards)).toMatch(/battery/i);
  });

  it('tells someone whose profile allows synced passkeys that they count, and someone whose does not that they do not', async () => {
    const ava = chat.person(demo().seed.personas?.employee ?? '');
    const sales = text((await chat.say(ava, 'can I just use my iCloud Keychain passkey instead?')).cards);
    expect(sales).toMatch(/allow synced passkeys|synced passkeys.*(can|count)/i);
    const finance = demo().seed.users.find((user) => user.department === 'Finance' && user.accountEnabled && user.teamsLicensed);
    if (!finance) throw new Error('no one in Finance in the demo tenant');
    const other = text((await chat.say(chat.person(finance.id), 'can I just use my iCloud Keychain passkey instead?')).cards);
    expect(other).not.toEqual(sales);
    expect(other).toMatch(/device/i);
  });

  it('says it did not understand keyboard mash, and offers set-up, status and a person', async () => {
    const reply = await chat.say(someone(13), 'asdfgh jkl qwrtz');
    const card = text(reply.cards);
    expect(card).toMatch(/didn't understand/);
    for (const verb of ['flow.show-me-how', 'status.check', 'flow.talk-to-person']) expect(card).toContain(verb);
  });
});
