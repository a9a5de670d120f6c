// The campaign demo mode starts at launch, as a newcomer sees it: its deadline is a working day even when three weeks
// from launch is a Sunday, and the invitation names the demo organisation (no "your organisation is moving…").

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { at } from '../support/outreach-helpers.js';

// Sunday 6 December 2026, 11:00 in Northwind Pharma's zone (W. Europe): three weeks later is a Sunday too.
const { bot, demo, people } = demoBotSuite({ DEMO_CAMPAIGN: 'true', CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, { startAt: '2026-12-06T10:00:00.000Z', inMemory: true });

describe('the demo campaign', () => {
  it('ends on the Monday after three weeks, not on a Sunday', async () => {
    const campaign = (await bot().service.features.campaigns.records.active())?.value;
    expect(campaign?.name).toBe('Demo roll-out');
    expect(campaign?.deadline).toBe('2026-12-28');
  });

  it("invites people in the demo tenant's name, with a capital at the start of every sentence", async () => {
    // The scheduler's first run reads the directory and queues the invitations; the sender delivers them.
    await at(bot, '2026-12-06T10:00:05.000Z');
    const ava = demo().seed.personas?.employee ?? '';
    const [invitation] = people.received(ava, /passkey/);
    const text = JSON.stringify(invitation?.activity);
    expect(text).toContain('Everyone at Northwind Pharma is moving to passkeys');
    expect(text).toMatch(/Monday,? 28 December 2026/);
    const sentences = [...text.matchAll(/"text":"([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(sentences.length).toBeGreaterThan(2);
    for (const sentence of sentences) expect(sentence.charAt(0), sentence).toBe(sentence.charAt(0).toUpperCase());
  });
});
