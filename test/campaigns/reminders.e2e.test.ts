// Reminders over days of fake time, against the real bot and both emulators: invitations wait for each person's
// working hours, reminders follow the cadence (never at weekends), enrolment stops them, a pause holds them.

import { describe, expect, it, vi } from 'vitest';
import { localParts } from '../../src/shared/wall-clock.js';
import { resolveTimeZone } from '../../src/shared/time-zones.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at as atTime } from '../support/outreach-helpers.js';

// Monday 30 November 2026, 07:00 UTC: 08:00 in Berlin and Paris, 02:00 in New York.
const { bot, demo } = demoBotSuite({ WORKING_HOURS: '09:00-17:00', WORKING_DAYS: 'mon-fri', CAMPAIGN_REMINDER_DAYS: '3,7' }, { startAt: '2026-11-30T07:00:00.000Z', inMemory: true });

const outreach = () => bot().service.features;

/** Moves the clock, lets the scheduler run once (unless told not to), and waits for the sender. */
const at = (iso: string, options: { schedule?: boolean } = {}) => atTime(bot, iso, options);

function zoneOf(userId: string): string {
  const user = demo().seed.users.find((candidate) => candidate.id === userId);
  return resolveTimeZone(user?.mailboxTimeZone, resolveTimeZone(demo().seed.tenant.defaultTimeZone, 'UTC'));
}

const nudgesTo = (userId: string) => demo().connector.activities({ userId, kind: 'send' }).filter((record) => /your passkey|settle the passkey/.test(JSON.stringify(record.activity)));

describe('reminders with fake time', () => {
  let campaignId = '';
  let targets: string[] = [];

  it('sends invitations only once each person’s working day has begun', async () => {
    const started = await outreach().campaigns.start({ name: 'Winter', deadline: '2026-12-31', waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    campaignId = started.started.id;
    await at('2026-11-30T07:00:00.000Z');
    const members = [];
    for await (const page of outreach().campaigns.records.members(campaignId)) members.push(...page.map((record) => record.value));
    targets = members.map((member) => member.userId);
    expect(targets.length).toBeGreaterThan(10);
    // 08:00 in Europe, night in America: nobody yet.
    expect(targets.flatMap(nudgesTo)).toHaveLength(0);

    await at('2026-11-30T08:30:00.000Z'); // 09:30 in Berlin, 08:30 in London, 03:30 in New York
    for (const id of targets) {
      const zone = zoneOf(id);
      const local = localParts(new Date(), zone);
      const open = local.hour >= 9 && local.hour < 17;
      expect(nudgesTo(id).length, `${id} in ${zone}`).toBe(open ? 1 : 0);
    }

    await at('2026-11-30T15:30:00.000Z'); // 10:30 in New York, 09:30 in Chicago, 07:30 in Los Angeles
    await at('2026-11-30T17:30:00.000Z'); // 09:30 in Los Angeles, 18:30 in Berlin
    for (const id of targets) {
      expect(nudgesTo(id), id).toHaveLength(1);
      const sentAt = new Date(nudgesTo(id)[0]?.time ?? 0);
      const local = localParts(sentAt, zoneOf(id));
      expect(local.hour, `${id} at ${sentAt.toISOString()}`).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(17);
    }
  });

  it('reminds on day 3, stops for whoever enrolled, and holds everything while paused', async () => {
    const enrolled = targets[0] ?? '';
    const paused = targets[1] ?? '';
    // Enrolled on Tuesday: the report shows it hours later, before Thursday's wave.
    vi.setSystemTime(new Date('2026-12-01T10:00:00.000Z'));
    demo().graph.state.enrolMethod(enrolled, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'Pixel 8', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' });

    await at('2026-12-02T12:00:00.000Z'); // Wednesday: nothing due
    for (const id of targets) expect(nudgesTo(id), id).toHaveLength(1);

    await at('2026-12-03T00:30:00.000Z'); // Thursday's wave is planned just after midnight
    expect((await outreach().campaigns.records.member(campaignId, enrolled))?.value.state).toBe('enrolled');
    await outreach().campaigns.pause({ id: 'test-admin' });
    await at('2026-12-03T15:30:00.000Z', { schedule: false }); // Thursday, inside hours from Berlin to Chicago, but paused
    for (const id of targets) expect(nudgesTo(id), id).toHaveLength(1);

    await outreach().campaigns.resume({ id: 'test-admin' });
    await at('2026-12-03T15:31:00.000Z', { schedule: false }); // Europe and the east of America
    await at('2026-12-03T18:00:00.000Z', { schedule: false }); // the west of America
    expect(nudgesTo(enrolled)).toHaveLength(1);
    for (const id of targets.filter((candidate) => candidate !== enrolled)) {
      expect(nudgesTo(id), id).toHaveLength(2);
      expect(JSON.stringify(nudgesTo(id)[1]?.activity)).toContain('a reminder');
    }
    expect(paused).not.toBe('');
  });

  it('never sends at the weekend: day 7 falls on a Monday here, and late ones wait for the next working morning', async () => {
    await at('2026-12-05T12:00:00.000Z'); // Saturday
    await at('2026-12-06T12:00:00.000Z'); // Sunday
    for (const id of targets.slice(1)) expect(nudgesTo(id), id).toHaveLength(2);
    await at('2026-12-07T00:30:00.000Z');
    await at('2026-12-07T12:00:00.000Z', { schedule: false }); // Monday, inside hours in Europe
    await at('2026-12-07T18:00:00.000Z', { schedule: false }); // and in America (after hours in Europe)
    await at('2026-12-08T00:30:00.000Z'); // Tuesday's wave
    await at('2026-12-08T12:00:00.000Z', { schedule: false });
    for (const id of targets.slice(1)) {
      const sent = nudgesTo(id);
      expect(sent, id).toHaveLength(3);
      const local = localParts(new Date(sent[2]?.time ?? 0), zoneOf(id));
      expect([1, 2], id).toContain(local.isoWeekday);
      expect(local.hour).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(17);
    }
  });

  it('after the snoozes are used up, asks for a decision instead of reminding again', async () => {
    const id = targets[2] ?? '';
    const first = await outreach().campaigns.snooze(id, campaignId);
    expect(first.message).toMatch(/remind you in 3 days/);
    const second = await outreach().campaigns.snooze(id, campaignId);
    expect(second.message).toMatch(/Next time I will ask what works for you/);
    expect((await outreach().campaigns.snooze(id, campaignId)).ok).toBe(false);
    const before = nudgesTo(id).length;
    await at('2026-12-10T00:30:00.000Z'); // Thursday: three days after the snoozes (Monday evening)
    await at('2026-12-11T12:00:00.000Z'); // Friday: inside hours in Europe…
    await at('2026-12-11T20:00:00.000Z'); // …and in America
    const sent = nudgesTo(id);
    expect(sent).toHaveLength(before + 1);
    const local = localParts(new Date(sent.at(-1)?.time ?? 0), zoneOf(id));
    expect(local.hour).toBeGreaterThanOrEqual(9);
    expect(local.hour).toBeLessThan(17);
    const card = JSON.stringify(sent.at(-1)?.activity);
    expect(card).toContain('can we settle the passkey');
    expect(card).toContain('flow.still-no');
    expect(card).not.toContain('campaign.snooze');
  });
});
