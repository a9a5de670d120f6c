// An outage that lasts past the end of the working day does not expire the invitations held up by it, nor send them
// in the evening: each waits for the next working morning in its person's own time zone, and goes out then, once.

import { describe, expect, it } from 'vitest';
import { isWithinWorkingHours, parseWorkingHours } from '../../src/shared/working-hours.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { outages } from '../support/outages.js';
import { at } from '../support/outreach-helpers.js';
import { outboxDrained, until } from '../support/waiting.js';

// Monday 30 November 2026, 16:40 UTC: the end of the working day in London, the middle of it in New York.
const { bot, people } = demoBotSuite({ OUTREACH_CONCURRENCY: '4', WORKING_HOURS: '09:00-17:00', WORKING_DAYS: 'mon-fri' }, { startAt: '2026-11-30T16:40:00.000Z', inMemory: true });

const outreach = () => bot().service.features;
const outage = outages(bot);
const hours = parseWorkingHours('09:00-17:00', 'mon-fri');

describe('an outage across the end of the working day', () => {
  it('re-plans the held-up invitations to each person’s next working morning instead of expiring or sending them late', async () => {
    const started = await outreach().campaigns.start({ name: 'Late in the day', deadline: '2026-12-20', waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    await outage.connector(
      40 * 60_000,
      async () => {
        await outreach().scheduler.runOnce();
        await until(async () => (await outreach().campaigns.records.get(campaignId))?.value.state === 'running');
        await outage.quiet();
      },
      { drain: false },
    );
    // Through the night and the next day, an hour at a time (the scheduler runs, the sender drains what is due).
    for (let hour = 1; hour <= 30 && !(await outboxDrained(outreach())); hour++) await at(bot, new Date(Date.now() + 3600_000).toISOString());
    expect(await outboxDrained(outreach())).toBe(true);

    const start = new Date('2026-11-30T16:40:00.000Z');
    const members = [];
    for await (const page of outreach().campaigns.records.members(campaignId)) members.push(...page.map((record) => record.value));
    // Londoners could have had theirs at 16:40; the outage held it past 17:00, so it came the next morning.
    const heldOver = members.filter((member) => isWithinWorkingHours(start, member.timeZone, hours) && (people.invitations(member.userId)[0]?.time ?? 0) > Date.parse('2026-12-01T00:00:00Z'));
    expect(heldOver.map((member) => member.timeZone)).toContain('Europe/London');
    for (const member of members) {
      expect(member, member.displayName).toMatchObject({ state: 'reached' });
      expect(member.expiredAt).toBeUndefined();
      const sent = people.invitations(member.userId);
      expect(sent, member.displayName).toHaveLength(1);
      const when = new Date(sent[0]?.time ?? 0);
      expect(isWithinWorkingHours(when, member.timeZone, hours), `${member.displayName} at ${when.toISOString()} in ${member.timeZone}`).toBe(true);
    }
  }, 300_000);
});
