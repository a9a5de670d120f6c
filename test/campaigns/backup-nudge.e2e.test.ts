// The backup nudge over days of fake time, against the real bot and both emulators: after someone enrols with one
// passkey the coach asks, in working hours, for a second way to sign in (and sends them no more reminders); "No thanks"
// is recorded and ends it; someone who already has two methods is not asked.

import { describe, expect, it, vi } from 'vitest';
import { localParts } from '../../src/shared/wall-clock.js';
import { CAMPAIGN_VERBS } from '../../src/campaigns/campaign-messages.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at as atTime } from '../support/outreach-helpers.js';
import { nudgeOf } from '../support/campaign-nudges.js';
import { campaignWeek, demoZoneOf } from '../support/campaign-week.js';
import { teamsChat } from '../support/teams-chat.js';
import { figuresInCsv, figuresOnCard, figuresOnTab } from '../support/campaign-figures.js';

const { bot, demo } = demoBotSuite({ WORKING_HOURS: '09:00-17:00', WORKING_DAYS: 'mon-fri', CAMPAIGN_REMINDER_DAYS: '3,7' }, { startAt: '2026-11-30T07:00:00.000Z', inMemory: true });
const chat = teamsChat(bot, demo);
const outreach = () => bot().service.features;
const at = (iso: string, options: { schedule?: boolean } = {}) => atTime(bot, iso, options);

const ONE_PASSKEY = { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'Pixel 8', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' } as const;

const zoneOf = (userId: string) => demoZoneOf(demo, userId);

/** A campaign of its own (campaign-week.ts) whose invitations have all gone out on its Monday. */
async function invitedCampaign() {
  const week = await campaignWeek(bot, demo, 'Backup');
  await at(week.on(0, 15.5));
  await at(week.on(0, 17.5), { schedule: false });
  const targets = await week.members();
  expect(targets.length).toBeGreaterThan(3);
  const member = async (userId: string) => (await outreach().campaigns.records.member(week.campaignId, userId))?.value;
  return { ...week, targets, member };
}

/** Someone who enrolled on the Tuesday with one passkey, and has had the first backup nudge (the Monday after). */
async function nudgedOnce(index: number) {
  const campaign = await invitedCampaign();
  const { on, targets, nudgesTo } = campaign;
  const enrolled = targets[index] ?? '';
  vi.setSystemTime(new Date(on(1, 10)));
  demo().graph.state.enrolMethod(enrolled, ONE_PASSKEY);
  await at(on(3, 0.5));
  await at(on(7, 12), { schedule: false });
  await at(on(7, 18), { schedule: false });
  expect(nudgesTo(enrolled).map((record) => nudgeOf(record.activity)?.step)).toEqual(['invite', 'backup']);
  return { ...campaign, enrolled };
}

/**
 * The days anything is due: Thursday (day-3 reminders; the wave sees who enrolled), the Monday after (the first
 * backup nudge, three days on, after the weekend; the day-7 reminders) and the Monday after that (the second, ten days
 * on): each wave after midnight, then sends in both continents' hours.
 */
async function twoWeeks(on: (days: number, hour: number) => string, days: readonly number[] = [3, 7, 14]): Promise<void> {
  for (const day of days) {
    await at(on(day, 0.5));
    await at(on(day, 12), { schedule: false });
    await at(on(day, 18), { schedule: false });
  }
}

describe('the backup nudge', () => {
  it('asks someone with one passkey for a second way to sign in, twice at most, in working hours, and sends them no reminder', async () => {
    const { on, targets, nudgesTo, member } = await invitedCampaign();
    const [enrolled = '', other = ''] = targets;
    vi.setSystemTime(new Date(on(1, 10)));
    demo().graph.state.enrolMethod(enrolled, ONE_PASSKEY);
    await twoWeeks(on);

    expect((await member(enrolled))?.state).toBe('enrolled');
    const sent = nudgesTo(enrolled);
    expect(sent.map((record) => nudgeOf(record.activity)?.step)).toEqual(['invite', 'backup', 'backup']);
    for (const record of sent.slice(1)) {
      const local = localParts(new Date(record.time), zoneOf(enrolled));
      expect(local.hour).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(17);
      expect(local.isoWeekday).toBeLessThan(6);
      const card = JSON.stringify(record.activity);
      expect(card).toContain(CAMPAIGN_VERBS.declineBackup);
      expect(card).toContain('status.check');
      expect(card).toContain('flow.show-me-how');
    }
    expect((await member(enrolled))?.backupNudges).toBe(2);
    // Someone who did not enrol gets the campaign's reminders and no backup nudge.
    const steps = nudgesTo(other).map((record) => nudgeOf(record.activity)?.step);
    expect(steps).toContain('reminder');
    expect(steps).not.toContain('backup');
  });

  it('"No thanks" is recorded on the person, escalates nothing, and ends the backup nudges', async () => {
    const { campaignId, on, nudgesTo, member, enrolled } = await nudgedOnce(1);

    const answer = await chat.click(chat.person(enrolled), CAMPAIGN_VERBS.declineBackup, { campaignId });
    expect(JSON.stringify(answer.value)).toContain('won');
    const after = await member(enrolled);
    expect(after?.backupDeclinedAt).toBeDefined();
    expect(after?.state).toBe('enrolled');
    expect(after?.escalatedAt).toBeUndefined();

    // Ten days after Thursday, the Monday the second one would have gone.
    await at(on(14, 0.5));
    await at(on(14, 12), { schedule: false });
    await at(on(14, 18), { schedule: false });
    expect(nudgesTo(enrolled)).toHaveLength(2);
  });

  it('someone who enrols with two methods is not asked for a backup; the funnel counts them as enrolled with a backup, as a recount does', async () => {
    const { campaignId, on, targets, nudgesTo, member } = await invitedCampaign();
    const enrolled = targets[2] ?? '';
    vi.setSystemTime(new Date(on(1, 10)));
    demo().graph.state.enrolMethod(enrolled, ONE_PASSKEY);
    demo().graph.state.enrolMethod(enrolled, { kind: 'windowsHelloForBusiness', displayName: 'Work laptop' });
    await twoWeeks(on);
    expect(nudgesTo(enrolled).map((record) => nudgeOf(record.activity)?.step)).toEqual(['invite']);
    expect((await member(enrolled))?.backupAt).toBeDefined();

    // The funnel's tallies against a recount of every member row.
    let recount = 0;
    for await (const page of outreach().campaigns.records.members(campaignId)) recount += page.filter(({ value }) => value.state === 'enrolled' && value.backupAt).length;
    expect(recount).toBeGreaterThanOrEqual(1);
    const admin = chat.person(demo().seed.personas?.admin ?? '');
    expect((await figuresOnCard(chat, admin)).enrolledWithBackup).toBe(recount);
    expect((await figuresOnTab(bot, admin)).enrolledWithBackup).toBe(recount);
    expect((await figuresInCsv(chat, admin)).enrolledWithBackup).toBe(recount);
  });

  it('someone with two passkeys of one kind (the report shows one) is read live before the first backup nudge, and not asked', async () => {
    const { on, targets, nudgesTo, member } = await invitedCampaign();
    const enrolled = targets[3] ?? '';
    vi.setSystemTime(new Date(on(1, 10)));
    demo().graph.state.enrolMethod(enrolled, ONE_PASSKEY);
    demo().graph.state.enrolMethod(enrolled, { ...ONE_PASSKEY, displayName: 'iPhone 15', aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f' });
    const reads = () => demo().graph.calls.list({ method: 'GET', path: new RegExp(`/users/${enrolled}/authentication/methods$`) }).length;
    const before = reads();
    // A wave every day, as in production: the first within a day of the nudge's planned moment reads the methods.
    await twoWeeks(on, [3, 4, 5, 6, 7, 14]);
    expect(nudgesTo(enrolled).map((record) => nudgeOf(record.activity)?.step)).toEqual(['invite']);
    expect((await member(enrolled))?.backupAt).toBeDefined();
    // Read once, by the wave before the nudge was due: not by the sender, not again.
    expect(reads() - before).toBe(1);
  });

  it('"I have added one" (the status check on the nudge) records the backup, and the second nudge is not sent', async () => {
    const { on, nudgesTo, member, enrolled } = await nudgedOnce(4);

    demo().graph.state.enrolMethod(enrolled, { kind: 'fido2SecurityKey', displayName: 'YubiKey 5 NFC', model: 'YubiKey 5 Series with NFC', aaGuid: 'a25342c0-3cdc-4414-8e46-f4807fca511c', attestationLevel: 'attested' });
    const person = chat.person(enrolled);
    await chat.click(person, 'status.check', {});
    const status = await demo().connector.waitFor((sent) => sent.conversationId === person.conversationId && /You're all set/.test(JSON.stringify(sent.activity)), 15_000);
    expect(JSON.stringify(status.activity)).toContain('a security key');
    expect((await member(enrolled))?.backupAt).toBeDefined();

    await at(on(14, 0.5));
    await at(on(14, 12), { schedule: false });
    await at(on(14, 18), { schedule: false });
    expect(nudgesTo(enrolled)).toHaveLength(2);
    expect((await member(enrolled))?.state).toBe('enrolled');
  });
});
