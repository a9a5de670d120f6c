// A campaign with enrolment tiers, through the demo bot (real HTTP, Teams activity JSON, the Graph and Bot Connector
// emulators): an admin whose only passkey is synced is invited, someone whose passkey meets their tier is not; each
// member's tier is kept, and the status card, the tab and the CSV show it.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { parseCsv } from '../support/campaign-figures.js';
import { at } from '../support/outreach-helpers.js';

const ANY_PASSKEY = ['authenticator-passkey', 'windows-hello', 'security-key', 'device-passkey', 'synced-passkey'];
const TIERS = [
  { id: 'privileged', adminRoles: true, rule: { anyOf: ['authenticator-passkey', 'windows-hello', 'security-key'], deviceBound: true } },
  { id: 'everyone', rule: { anyOf: ANY_PASSKEY } },
];

const { bot, demo, chat } = demoBotSuite(
  { DEMO_CAMPAIGN: 'true', CAMPAIGN_RESPECT_WORKING_HOURS: 'false', ENROLMENT_TIERS: JSON.stringify(TIERS) },
  { startAt: '2026-12-07T09:00:00.000Z', inMemory: true },
);

const idOf = (name: string) => demo().seed.users.find((user) => user.displayName === name)?.id ?? '';
const admin = () => chat.person(demo().seed.personas?.admin ?? '');
const member = async (name: string) => {
  const campaign = (await bot().service.features.campaigns.records.active())?.value;
  return campaign ? (await bot().service.features.campaigns.records.member(campaign.id, idOf(name)))?.value : undefined;
};

describe('a campaign with enrolment tiers', () => {
  it('invites the admin whose only passkey is synced, in the privileged tier, and leaves out who meets their tier', async () => {
    await at(bot, '2026-12-07T09:00:05.000Z');
    // Stefan Novak may take up User Administrator (PIM); his only passkey is synced.
    expect((await member('Stefan Novak'))?.tier).toBe('privileged');
    // Katarzyna Zielińska is an admin with an Authenticator passkey; Daniel Okafor has no role and a synced passkey.
    expect(await member('Katarzyna Zielińska')).toBeUndefined();
    expect(await member('Daniel Okafor')).toBeUndefined();
    const ava = demo().seed.personas?.employee ?? '';
    const campaign = (await bot().service.features.campaigns.records.active())?.value;
    expect((await bot().service.features.campaigns.records.member(campaign?.id ?? '', ava))?.value.tier).toBe('everyone');
  });

  it("exports each person's tier in the CSV, and the status card and the tab count the same people per tier", async () => {
    const reply = await chat.say(admin(), 'campaign export', { locale: 'en-US' });
    const link = /\((http[^)]+\/downloads\/[A-Za-z0-9_-]+)\)/.exec(reply.texts.join(' '))?.[1] ?? '';
    const [header = [], ...rows] = parseCsv(await (await fetch(link)).text());
    const tierOf = (row: string[]) => row[header.indexOf('tier')] ?? '';
    expect(tierOf(rows.find((row) => row[0] === idOf('Stefan Novak')) ?? [])).toBe('privileged');
    expect(tierOf(rows.find((row) => row[0] === demo().seed.personas?.employee) ?? [])).toBe('everyone');
    const inCsv = (tier: string) => ({ tier, targeted: rows.filter((row) => tierOf(row) === tier).length, enrolled: rows.filter((row) => tierOf(row) === tier && row[header.indexOf('enrolled')] === '1').length });
    const expected = [inCsv('privileged'), inCsv('everyone')];
    expect(expected[0]!.targeted + expected[1]!.targeted).toBe(rows.length);

    const progress = await bot().service.tab.progress({ id: admin().id, name: admin().name }, 'en', 2e12);
    expect([...(progress.byTier ?? [])].sort((a, b) => b.tier.localeCompare(a.tier))).toEqual(expected);
    const card = JSON.stringify((await chat.say(admin(), 'campaign status', { locale: 'en-US' })).cards[0]);
    expect(card).toContain('By enrolment tier');
    for (const { tier, targeted, enrolled } of expected) expect(card).toContain(`{"title":"${tier}","value":"${targeted} targeted, ${enrolled} enrolled"}`);
  });
});
