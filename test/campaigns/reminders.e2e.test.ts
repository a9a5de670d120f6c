// Reminders over days of fake time, against the real bot and both emulators: invitations wait for each person's
// working hours, reminders follow the cadence (never at weekends), enrolment stops them, a pause holds them.

import { describe, expect, it, vi } from 'vitest';
import { localParts } from '../../src/shared/wall-clock.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at as atTime } from '../support/outreach-helpers.js';
import { nudgeOf } from '../support/campaign-nudges.js';
import { type CampaignWeek, campaignWeek, demoZoneOf } from '../support/campaign-week.js';

// Monday 30 November 2026, 07:00 UTC: 08:00 in Berlin and Paris, 02:00 in New York.
const { bot, demo } = demoBotSuite({ WORKING_HOURS: '09:00-17:00', WORKING_DAYS: 'mon-fri', CAMPAIGN_REMINDER_DAYS: '3,7' }, { startAt: '2026-11-30T07:00:00.000Z', inMemory: true });

const outreach = () => bot().service.features;

/** Moves the clock, lets the scheduler run once (unless told not to), and waits for the sender. */
const at = (iso: string, options: { schedule?: boolean } = {}) => atTime(bot, iso, options);

const zoneOf = (userId: string) => demoZoneOf(demo, userId);
const freshCampaign = () => campaignWeek(bot, demo, 'Winter');
type Week = CampaignWeek;

/** A fresh campaign whose invitations have all gone out on its Monday (in Europe by 15:30 UTC, in America by 17:30). */
async function invitedCampaign(): Promise<Week & { targets: string[] }> {
  const week = await freshCampaign();
  await at(week.on(0, 15.5));
  await at(week.on(0, 17.5), { schedule: false });
  const targets = await week.members();
  expect(targets.length).toBeGreaterThan(10);
  for (const id of targets) expect(week.nudgesTo(id), id).toHaveLength(1);
  return { ...week, targets };
}

/** The day-3 reminders: Thursday's wave is planned just after midnight, sent in Europe's hours, then America's. */
async function thursdayReminders(week: Week): Promise<void> {
  await at(week.on(3, 0.5));
  await at(week.on(3, 15.5), { schedule: false });
  await at(week.on(3, 18), { schedule: false });
}

describe('reminders with fake time', () => {
  it('sends invitations only once each person’s working day has begun', async () => {
    const { on, members, nudgesTo } = await freshCampaign();
    await at(on(0, 7));
    const targets = await members();
    expect(targets.length).toBeGreaterThan(10);
    // 08:00 in Europe, night in America: nobody yet.
    expect(targets.flatMap(nudgesTo)).toHaveLength(0);

    // Targeting queued every invitation at 07:00 for its person's first working moment: the steps below only send.
    await at(on(0, 8.5), { schedule: false }); // 09:30 in Berlin, 08:30 in London, 03:30 in New York
    for (const id of targets) {
      const zone = zoneOf(id);
      const local = localParts(new Date(), zone);
      const open = local.hour >= 9 && local.hour < 17;
      expect(nudgesTo(id).length, `${id} in ${zone}`).toBe(open ? 1 : 0);
    }

    await at(on(0, 15.5), { schedule: false }); // 10:30 in New York, 09:30 in Chicago, 07:30 in Los Angeles
    await at(on(0, 17.5), { schedule: false }); // 09:30 in Los Angeles, 18:30 in Berlin
    for (const id of targets) {
      expect(nudgesTo(id), id).toHaveLength(1);
      const sentAt = new Date(nudgesTo(id)[0]?.time ?? 0);
      const local = localParts(sentAt, zoneOf(id));
      expect(local.hour, `${id} at ${sentAt.toISOString()}`).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(17);
    }
  });

  it('reminds on day 3, stops for whoever enrolled, and holds everything while paused', async () => {
    const week = await invitedCampaign();
    const { on, targets, nudgesTo, campaignId } = week;
    const enrolled = targets[0] ?? '';
    // Enrolled on Tuesday: the report shows it hours later, before Thursday's wave.
    vi.setSystemTime(new Date(on(1, 10)));
    demo().graph.state.enrolMethod(enrolled, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'Pixel 8', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' });

    await at(on(2, 12)); // Wednesday: nothing due
    for (const id of targets) expect(nudgesTo(id), id).toHaveLength(1);

    await at(on(3, 0.5)); // Thursday's wave is planned just after midnight
    expect((await outreach().campaigns.records.member(campaignId, enrolled))?.value.state).toBe('enrolled');
    await outreach().campaigns.pause({ id: 'test-admin' });
    await at(on(3, 15.5), { schedule: false }); // Thursday, inside hours from Berlin to Chicago, but paused
    for (const id of targets) expect(nudgesTo(id), id).toHaveLength(1);

    await outreach().campaigns.resume({ id: 'test-admin' });
    await at(on(3, 15.5 + 1 / 60), { schedule: false }); // Europe and the east of America
    await at(on(3, 18), { schedule: false }); // the west of America
    expect(nudgesTo(enrolled)).toHaveLength(1);
    for (const id of targets.filter((candidate) => candidate !== enrolled)) {
      expect(nudgesTo(id), id).toHaveLength(2);
      expect(nudgeOf(nudgesTo(id)[1]?.activity)?.step).toBe('reminder');
    }
  });

  it('never sends at the weekend: day 7 falls on a Monday here, and late ones wait for the next working morning', async () => {
    const week = await invitedCampaign();
    const { on, targets, nudgesTo } = week;
    await thursdayReminders(week);
    for (const id of targets) expect(nudgesTo(id), id).toHaveLength(2);
    await at(on(5, 12)); // Saturday
    await at(on(6, 12)); // Sunday
    for (const id of targets) expect(nudgesTo(id), id).toHaveLength(2);
    await at(on(7, 0.5));
    await at(on(7, 12), { schedule: false }); // Monday, inside hours in Europe (the reminders are not due yet)
    await at(on(7, 18), { schedule: false }); // and in America (after hours in Europe)
    await at(on(8, 0.5)); // Tuesday's wave
    await at(on(8, 12), { schedule: false });
    // Day 7 is a week after the invitation, at the same time of day: Monday, 15:30 or 17:30 UTC. By the next step,
    // 18:00 UTC, the working day is over in Europe: those reminders wait for Tuesday morning; America's go on Monday.
    const late = (id: string) => localParts(new Date(on(7, 18)), zoneOf(id)).hour >= 17;
    expect(targets.filter(late).length, 'some are late').toBeGreaterThan(0);
    expect(targets.filter((id) => !late(id)).length, 'some are not').toBeGreaterThan(0);
    for (const id of targets) {
      const sent = nudgesTo(id);
      expect(sent, id).toHaveLength(3);
      const local = localParts(new Date(sent[2]?.time ?? 0), zoneOf(id));
      expect(local.isoWeekday, `${id} in ${zoneOf(id)}`).toBe(late(id) ? 2 : 1);
      expect(local.hour).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(17);
    }
  });

  it('after the snoozes are used up, asks for a decision instead of reminding again', async () => {
    const { on, targets, nudgesTo, campaignId } = await invitedCampaign();
    const id = targets[0] ?? '';
    // Tuesday: the person puts it off twice; the next time is three days on, on Friday.
    vi.setSystemTime(new Date(on(1, 12)));
    const first = await outreach().campaigns.snooze(id, campaignId, 'en');
    expect(first.message).toMatch(/remind you in 3 days/);
    const second = await outreach().campaigns.snooze(id, campaignId, 'en');
    expect(second.message).toMatch(/Next time I will ask what works for you/);
    expect((await outreach().campaigns.snooze(id, campaignId, 'en')).ok).toBe(false);
    await at(on(3, 0.5)); // Thursday: day 3's reminder is due, but the snoozes moved it
    await at(on(3, 15.5), { schedule: false });
    await at(on(3, 18), { schedule: false });
    expect(nudgesTo(id)).toHaveLength(1);
    await at(on(4, 12)); // Friday: inside hours in Europe…
    await at(on(4, 20), { schedule: false }); // …and in America
    const sent = nudgesTo(id);
    expect(sent).toHaveLength(2);
    const local = localParts(new Date(sent.at(-1)?.time ?? 0), zoneOf(id));
    expect(local.hour).toBeGreaterThanOrEqual(9);
    expect(local.hour).toBeLessThan(17);
    const card = JSON.stringify(sent.at(-1)?.activity);
    expect(nudgeOf(sent.at(-1)?.activity)?.step).toBe('decision');
    expect(card).toContain('flow.still-no');
    expect(card).not.toContain('campaign.snooze');
  });
});
