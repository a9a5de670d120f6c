// The coach's first message to someone greets them: when the coach installs the app in order to send an approver
// their approval card or security a notice, Teams' notice of that install brings no generic welcome on top. Someone
// who installs the app themselves is still welcomed.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, settle } from '../support/outreach-helpers.js';

const { bot, demo, chat, people } = demoBotSuite();

/**
 * Teams' install notices as the demo environment posts them to the bot, by person: the answer comes once the bot's
 * turn (and any welcome it sends) is over. Observed on their way; nothing is changed.
 */
const installNotices = new Map<string, Promise<Response>>();

beforeAll(() => {
  const passThrough = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const answer = passThrough(input, init);
    const body = typeof init?.body === 'string' ? init.body : '';
    if (String(input).endsWith('/api/messages') && body.includes('"conversationUpdate"')) {
      const userId = (JSON.parse(body) as { from?: { aadObjectId?: string } }).from?.aadObjectId;
      if (userId) installNotices.set(userId, answer);
    }
    return answer;
  });
});

afterAll(() => {
  vi.restoreAllMocks();
});

const WELCOME = /I'm Passkey Coach/;

/** Everything the bot posted to the person, new messages and replies alike (a welcome answers Teams' notice). */
const posted = (userId: string, pattern: RegExp) => demo().connector.activities({ userId }).filter((record) => pattern.test(JSON.stringify(record.activity)));

/** Waits until Teams told the bot about the install for the person, and the bot's turn for it is over. */
async function noticeHandled(userId: string): Promise<void> {
  const started = performance.now();
  while (!installNotices.has(userId)) {
    if (performance.now() - started > 10_000) throw new Error(`no install notice for ${userId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect((await installNotices.get(userId))?.status).toBe(200);
  await settle(bot);
}

describe("the coach's first message stands in for the welcome", () => {
  it('sends an approver who never had the app the approval card, and no welcome', async () => {
    const approver = people.user('Katarzyna Zielińska');
    expect(approver.appInstalled).toBe(false);
    const agent = chat.person(demo().seed.personas!.helpdesk);
    const { id } = await requestPass(chat, people, agent, 'Noah Kim');
    if (!id) throw new Error('no request form');
    await chat.click(agent, 'tap.submit', { requestId: id, check: 'video-id', reason: 'Lost phone, needs a new passkey', lifetime: '60', oneTime: 'true' });
    await settle(bot);
    await noticeHandled(approver.id);
    expect(people.received(approver.id, /tap\.approve/)).toHaveLength(1);
    expect(posted(approver.id, WELCOME)).toHaveLength(0);
  });

  it('sends security a notice, and no welcome', async () => {
    const officer = people.user('Arjun Mehta');
    expect(officer.appInstalled).toBe(false);
    const agent = chat.person(demo().seed.personas!.helpdesk);
    // A pass for an administrator is refused, and security is told.
    const { reply } = await requestPass(chat, people, agent, 'Lucas Almeida');
    expect(reply).toContain('privileged account');
    await settle(bot);
    await noticeHandled(officer.id);
    expect(people.received(officer.id, /Pass requested for a privileged account/)).toHaveLength(1);
    expect(posted(officer.id, WELCOME)).toHaveLength(0);
  });

  it('still welcomes someone who installs the app themselves', async () => {
    const person = chat.person(people.user('Chloe Nguyen').id);
    const answer = await bot().post(
      chat.activityFrom(person, { type: 'conversationUpdate', channelId: 'msteams', id: 'f:self-install', membersAdded: [{ id: '28:passkey-coach' }], recipient: { id: '28:passkey-coach', name: 'Passkey Coach' } }),
    );
    expect(answer.status, answer.text).toBe(200);
    expect(posted(person.id, WELCOME)).toHaveLength(1);
  });
});
