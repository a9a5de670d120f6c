// A campaign over the demo tenant, end to end: an admin starts it in chat, the coach installs itself where needed and
// DMs exactly the people the rules target (real HTTP, the Graph and Bot Connector emulators), once each; others are
// refused; a person snoozes and enrols; pause holds the outbox; the export link works once.

import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { CAMPAIGNS_PARTITION, NUDGEABLE } from '../../src/campaigns/campaign-records.js';
import { parseCsv } from '../support/campaign-figures.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { expectedTargets as seedTargets } from '../support/seed-targets.js';
import { until } from '../support/waiting.js';
import { isNudge } from '../support/campaign-nudges.js';

const { bot, demo, chat } = demoBotSuite({ ORGANISATION_NAME: 'Northwind Pharma', CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, { inMemory: true });


const expectedTargets = () => seedTargets(demo().seed);

const { person, activityFrom, say, click } = chat;

const nudges = () => demo().connector.activities({ kind: 'send' }).filter((record) => isNudge(record.activity));

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const admin = () => person(demo().seed.personas?.admin ?? '');
const employee = () => person(demo().seed.personas?.employee ?? '');

/** The campaign's records, by name: the store keeps every campaign, finished ones included. */
async function campaignsNamed(name: string): Promise<unknown[]> {
  return (await bot().service.store.list<{ name: string }>(CAMPAIGNS_PARTITION, { keyPrefix: 'c', limit: 1000 })).records.filter((record) => record.value.name === name);
}

/**
 * "Q1 passkeys", started from chat by the admin, with every targeted person sent their invitation: started once,
 * by whichever test needs it first (the start test checks how it went), so each test can run alone or in any order.
 */
const q1Passkeys = (() => {
  let started: Promise<{ reply: string; nudgesBefore: number; installsBefore: number; campaignId: string }> | undefined;
  return () => {
    started ??= (async () => {
      const nudgesBefore = nudges().length;
      const installsBefore = demo().graph.calls.list({ method: 'POST' }).filter((call) => call.path.endsWith('/teamwork/installedApps')).length;
      const reply = (await say(admin(), `campaign start Q1 passkeys deadline ${inDays(30)} waves 1`)).texts.join(' ');
      const expected = expectedTargets();
      await until(() => nudges().length >= nudgesBefore + expected.length);
      await until(async () => bot().service.features.sender.stats().inFlight === 0);
      const campaign = (await bot().service.features.campaigns.records.active())?.value;
      if (!campaign) throw new Error(`no campaign after: ${reply}`);
      return { reply, nudgesBefore, installsBefore, campaignId: campaign.id };
    })();
    return started;
  };
})();

describe('a campaign over the demo tenant', () => {
  it('is refused to people outside the campaign-admins group, politely and on the record', async () => {
    const mark = (await bot().service.store.list(AUDIT_ENTRIES, { limit: 1000 })).records.length;
    for (const command of ['campaign preview', 'campaign start Sneaky deadline 2099-01-01', 'campaign status', 'campaign pause', 'campaign export']) {
      const reply = await say(employee(), command);
      expect(reply.texts.join(' ')).toMatch(/only for the campaign admins/);
    }
    const denied = (await bot().service.store.list<{ action: string }>(AUDIT_ENTRIES, { limit: 1000 })).records.slice(mark);
    expect(denied.filter((record) => record.value.action === 'campaign.command.denied')).toHaveLength(5);
    expect(await campaignsNamed('Sneaky')).toEqual([]);
  });

  it('previews who would be reached without sending anything', async () => {
    const sentBefore = nudges().length;
    const reply = await say(admin(), 'campaign preview');
    expect(reply.texts.join(' ')).toMatch(/Working out who/);
    const preview = await demo().connector.waitFor((record) => record.userId === admin().id && JSON.stringify(record.activity).includes('Campaign preview'), 20_000);
    const body = JSON.stringify(preview.activity);
    expect(body).toContain(`"Would be reached","value":"${expectedTargets().length}"`);
    expect(body).toContain('"Guests","value":"3"');
    expect(body).toContain('"No Teams licence","value":"2"');
    expect(nudges()).toHaveLength(sentBefore);
  });

  it('starts from chat and DMs each targeted person exactly once, installing the app where needed, and nobody else', async () => {
    const { reply, nudgesBefore, installsBefore } = await q1Passkeys();
    expect(reply).toMatch(/Started "Q1 passkeys"/);
    const expected = expectedTargets();
    const reachedIds = nudges().slice(nudgesBefore).map((record) => record.userId);
    expect(new Set(reachedIds).size).toBe(reachedIds.length);
    expect(new Set(reachedIds)).toEqual(new Set(expected.map((user) => user.id)));
    // People the coach installed the app for get the invitation, not a welcome card on top of it.
    const installedNow = expected.filter((user) => !user.appInstalled).map((user) => user.id);
    expect(installedNow.length).toBeGreaterThan(0);
    // One install call for each of them, none for people who had the app already (targeting read it).
    const installPosts = demo().graph.calls.list({ method: 'POST' }).filter((call) => call.path.endsWith('/teamwork/installedApps')).slice(installsBefore);
    expect(new Set(installPosts.map((call) => call.path.split('/')[3]))).toEqual(new Set(installedNow));
    expect(installPosts).toHaveLength(installedNow.length);
    for (const id of installedNow) {
      const sent = demo().connector.activities({ userId: id, kind: 'send' });
      expect(sent.map((record) => JSON.stringify(record.activity)).filter((body) => body.includes('Welcome'))).toHaveLength(0);
    }
    const status = await say(admin(), 'campaign status');
    const card = JSON.stringify(status.cards[0]);
    expect(card).toContain(`"Targeted","value":"${expected.length}"`);
    expect(card).toContain(`"Reached","value":"${expected.length} (100%)"`);
  });

  it('lets a reached person snooze, and stops for good when they enrol', async () => {
    const { campaignId } = await q1Passkeys();
    const targetId = expectedTargets().find((user) => user.id !== employee().id)?.id ?? '';
    const reached = person(targetId);
    const snoozed = await click(reached, 'campaign.snooze', { campaignId });
    expect(JSON.stringify(snoozed)).toMatch(/remind you in 3 days/);
    let member = (await bot().service.features.campaigns.records.member(campaignId, targetId))?.value;
    expect(member?.snoozes).toBe(1);
    expect(member?.state).toBe('replied');

    // Another person's click names the campaign but can only ever snooze the clicker.
    const outsider = person(demo().seed.personas?.security ?? '');
    expect(JSON.stringify(await click(outsider, 'campaign.snooze', { campaignId }))).toMatch(/not part of this campaign/);

    demo().graph.state.enrolMethod(targetId, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'iPhone 15', aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f', attestationLevel: 'attested' });
    await say(reached, 'status');
    await until(async () => (await bot().service.features.campaigns.records.member(campaignId, targetId))?.value.state === 'enrolled');
    member = (await bot().service.features.campaigns.records.member(campaignId, targetId))?.value;
    expect(member && NUDGEABLE.has(member.state)).toBe(false);
  });

  it('pauses and resumes from chat', async () => {
    await q1Passkeys();
    expect((await say(admin(), 'campaign pause')).texts.join(' ')).toMatch(/Paused "Q1 passkeys"/);
    expect((await bot().service.features.campaigns.records.active())?.value.state).toBe('paused');
    expect((await say(admin(), 'campaign pause')).texts.join(' ')).toMatch(/no running campaign/);
    expect((await say(admin(), 'campaign resume')).texts.join(' ')).toMatch(/Resumed/);
    expect((await bot().service.features.campaigns.records.active())?.value.state).toBe('running');
  });

  it('never reinstalls or messages someone who removed the app, and reports them', async () => {
    const { campaignId } = await q1Passkeys();
    const leaverId = expectedTargets().findLast((user) => user.id !== employee().id && user.id !== admin().id && !user.appInstalled)?.id ?? '';
    const leaver = person(leaverId);
    const removal = await bot().post(activityFrom(leaver, { type: 'installationUpdate', action: 'remove', channelId: 'msteams', id: 'f:remove-1', recipient: { id: '28:bot' } }));
    expect(removal.status, removal.text).toBe(200);
    demo().connector.uninstallApp(leaverId);

    // A reminder comes due for them.
    const dueAt = new Date(Date.now() - 1000).toISOString();
    await bot().service.features.campaigns.records.updateMember(campaignId, leaverId, (member) => ({ ...member, nextNudgeAt: dueAt, lastNudgeLocalDate: '2000-01-01' }));
    await bot().service.features.outbox.enqueue({ subjectId: campaignId, userId: leaverId, step: 'reminder-1', dueAt });
    const sentBefore = demo().connector.activities({ userId: leaverId, kind: 'send' }).length;
    const installsBefore = demo().graph.calls.list({ method: 'POST' }).filter((call) => call.path.includes(leaverId)).length;
    bot().service.features.sender.wake();
    await until(async () => (await bot().service.features.campaigns.records.member(campaignId, leaverId))?.value.state === 'unreachable');

    expect((await bot().service.features.campaigns.records.member(campaignId, leaverId))?.value.reason).toMatch(/^removed-app/);
    expect(demo().connector.activities({ userId: leaverId, kind: 'send' })).toHaveLength(sentBefore);
    expect(demo().graph.calls.list({ method: 'POST' }).filter((call) => call.path.includes(leaverId))).toHaveLength(installsBefore);
    const status = JSON.stringify((await say(admin(), 'campaign status')).cards[0]);
    expect(status).toContain('"Removed the app","value":"1"');
    // ENROLMENT_TIERS unset: no tier on anyone, so no per-tier figures on the card or the tab.
    expect(status).not.toContain('By enrolment tier');
    expect((await bot().service.tab.progress({ id: admin().id, name: admin().name }, 'en', 3e12)).byTier).toBeUndefined();
  });

  it('exports the campaign as CSV through a link that works once', async () => {
    const { campaignId } = await q1Passkeys();
    const reply = await say(admin(), 'campaign export');
    const link = /\((http[^)]+\/downloads\/[A-Za-z0-9_-]+)\)/.exec(reply.texts.join(' '))?.[1];
    if (!link) throw new Error(`no export link in: ${reply.texts.join(' ')}`);
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const [header = [], ...rows] = parseCsv(await response.text());
    expect(header.join(',')).toBe(
      'userId,userPrincipalName,displayName,department,state,nudges,snoozes,reachedAt,repliedAt,enrolledAt,refusedAt,escalatedAt,decision,exceptionUntil,exceptionGrantedAt,snoozedUntil,reason,expiredAt,expiredReason,variant,tier,backupAt,backupDeclinedAt,' +
        'targeted,reached,replied,enrolled,enrolledWithBackup,refusedEver,refusedNow,escalatedEver,escalatedNow,exceptionEver,exceptionNow,snoozedEver,snoozedNow,unreachable,expired',
    );
    // One row per member, each in the state the campaign holds for them.
    const held = new Map<string, string>();
    for await (const page of bot().service.features.campaigns.records.members(campaignId)) for (const { value } of page) held.set(value.userId, value.state);
    expect(held.size).toBe(expectedTargets().length);
    const exported = new Map(rows.map((fields) => [fields[0] ?? '', fields[4] ?? '']));
    expect(exported).toEqual(held);
    // A campaign with the usual text alone: everyone has it, and the comparison's columns are not there.
    expect(new Set(rows.map((fields) => fields[header.indexOf('variant')]))).toEqual(new Set(['standard']));
    // ENROLMENT_TIERS unset: the tier column is there, blank.
    expect(new Set(rows.map((fields) => fields[header.indexOf('tier')]))).toEqual(new Set(['']));
    expect((await fetch(link)).status).toBe(404);
  });
});
