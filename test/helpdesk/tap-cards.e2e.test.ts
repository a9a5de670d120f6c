// The approvers' cards in Teams follow a pass request to its end: cancelled by the agent, or expired (the scheduler's
// sweep expires requests nobody touches), every posted approval card is updated and offers no buttons any more.

import { describe, expect, it, vi } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { at, requestPass, settle } from '../support/outreach-helpers.js';

const { bot, demo, chat, people } = demoBotSuite();

/** Who gets an approval card for the helpdesk persona's requests: every approver but the agent. */
const approvers = () => people.members('tap-approvers').filter((approver) => approver !== demo().seed.personas?.helpdesk);

/** A request sent for approval; its approval cards posted to every approver. */
async function awaitingApproval(targetName: string): Promise<string> {
  const agent = chat.person(demo().seed.personas!.helpdesk);
  const { id } = await requestPass(chat, people, agent, targetName);
  if (!id) throw new Error('no request form');
  await chat.click(agent, 'tap.submit', { requestId: id, check: 'video-id', reason: 'Lost phone, needs a new passkey', lifetime: '60', oneTime: 'true' });
  await settle(bot);
  const request = await bot().service.features.temporaryAccess.records.get(id);
  expect(request?.value.state).toBe('awaiting-approval');
  expect(request?.value.copies).toHaveLength(approvers().length);
  return id;
}

/** The latest version of each approval card posted for the request, by activity id. */
async function cardsNow(requestId: string): Promise<{ recipientId: string; card: string }[]> {
  const copies = (await bot().service.features.temporaryAccess.records.get(requestId))?.value.copies ?? [];
  return copies.map((copy) => {
    const versions = demo().connector.activities({}).filter((record) => record.activityId === copy.activityId && (record.kind === 'send' || record.kind === 'update'));
    return { recipientId: copy.recipientId, card: JSON.stringify(versions.at(-1)?.activity ?? {}) };
  });
}

/** "No longer waiting: cancelled", as the card's recipient reads it. */
const noLongerWaiting = (recipientId: string, state: string) =>
  people.saying(recipientId, 'helpdesk.approval.noLongerWaiting', { state: people.said(recipientId, `helpdesk.states.${state}`) });

describe('approval cards after the request ends', () => {
  it('are updated when the agent cancels, and offer no approval any more', async () => {
    const id = await awaitingApproval('Noah Kim');
    expect((await cardsNow(id)).every(({ card }) => card.includes('tap.approve'))).toBe(true);
    const agent = chat.person(demo().seed.personas!.helpdesk);
    expect((await chat.say(agent, `tap cancel ${id}`)).texts.join(' ')).toContain('is cancelled');
    await settle(bot);
    const cards = await cardsNow(id);
    expect(cards).toHaveLength(approvers().length);
    for (const { recipientId, card } of cards) {
      expect(card).toMatch(noLongerWaiting(recipientId, 'cancelled'));
      expect(card).not.toContain('tap.approve');
    }
  });

  it('are updated when the scheduler finds the request expired, and the person can have a new request at once', async () => {
    const id = await awaitingApproval('Lena Hoffmann');
    const expiresAt = (await bot().service.features.temporaryAccess.records.get(id))?.value.expiresAt as string;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      // Nobody touches the request: the scheduler's next run after its expiry ends it.
      await at(bot, new Date(Date.parse(expiresAt) + 1_000).toISOString());
      expect((await bot().service.features.temporaryAccess.records.get(id))?.value.state).toBe('expired');
      const cards = await cardsNow(id);
      expect(cards).toHaveLength(approvers().length);
      for (const { recipientId, card } of cards) {
        expect(card).toMatch(noLongerWaiting(recipientId, 'expired'));
        expect(card).not.toContain('tap.approve');
      }
      expect((await requestPass(chat, people, chat.person(demo().seed.personas!.helpdesk), 'Lena Hoffmann')).id).toMatch(/^T-[A-Z2-9]{6}$/);
    } finally {
      vi.useRealTimers();
    }
  });
});
