// Reminders over days of fake time, against the real bot and both emulators: invitations wait for each person's
// working hours, reminders follow the cadence (never at weekends), enrolment stops them, a pause holds them.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { localParts, resolveTimeZone } from '../../src/campaigns/working-hours.js';
import { type RunningBot, startBot } from '../support/bot-harness.js';

let bot: RunningBot;
let demo: DemoEnvironment;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  // Monday 30 November 2026, 07:00 UTC: 08:00 in Berlin and Paris, 02:00 in New York.
  vi.setSystemTime(new Date('2026-11-30T07:00:00.000Z'));
  bot = await startBot({ WORKING_HOURS: '09:00-17:00', WORKING_DAYS: 'mon-fri', CAMPAIGN_REMINDER_DAYS: '3,7' }, { emulators: true });
  if (!bot.service.demo) throw new Error('no emulators');
  demo = bot.service.demo;
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  vi.useRealTimers();
});

const outreach = () => bot.service.outreach;

/** Moves the clock, lets the scheduler run once, wakes the sender and waits until it has nothing in flight. */
async function at(iso: string, options: { schedule?: boolean } = {}): Promise<void> {
  vi.setSystemTime(new Date(iso));
  demo.graph.state.resetThrottles();
  if (options.schedule ?? true) await outreach().scheduler.runOnce();
  outreach().sender.wake();
  await settle();
}

/** Waits (in real time) until nothing due is left in the outbox and nothing is in flight; a paused campaign's rows stay. */
async function settle(): Promise<void> {
  const paused = (await outreach().campaigns.records.active())?.value.state === 'paused';
  const started = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    outreach().sender.wake();
    let due = 0;
    for await (const page of outreach().outbox.due(new Date())) due += page.length;
    const idle = outreach().sender.stats().inFlight === 0 && (due === 0 || paused);
    if (idle && performance.now() - started > (paused ? 500 : 100)) return;
    if (performance.now() - started > 15_000) throw new Error(`the outbox did not drain: ${due} due, ${outreach().sender.stats().inFlight} in flight`);
  }
}

function zoneOf(userId: string): string {
  const user = demo.seed.users.find((candidate) => candidate.id === userId);
  return resolveTimeZone(user?.mailboxTimeZone, resolveTimeZone(demo.seed.tenant.defaultTimeZone, 'UTC'));
}

const nudgesTo = (userId: string) => demo.connector.activities({ userId, kind: 'send' }).filter((record) => JSON.stringify(record.activity).includes('your passkey'));

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
    demo.graph.state.enrolMethod(enrolled, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'Pixel 8', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' });

    await at('2026-12-02T12:00:00.000Z'); // Wednesday: nothing due
    for (const id of targets) expect(nudgesTo(id), id).toHaveLength(1);

    await at('2026-12-03T00:30:00.000Z'); // Thursday's wave is planned just after midnight
    expect((await outreach().campaigns.records.member(campaignId, enrolled))?.value.state).toBe('enrolled');
    await outreach().campaigns.pause({ id: 'test-admin' });
    await at('2026-12-03T16:30:00.000Z', { schedule: false }); // Thursday, inside hours everywhere but paused
    for (const id of targets) expect(nudgesTo(id), id).toHaveLength(1);

    await outreach().campaigns.resume({ id: 'test-admin' });
    await at('2026-12-03T16:31:00.000Z', { schedule: false });
    expect(nudgesTo(enrolled)).toHaveLength(1);
    for (const id of targets.filter((candidate) => candidate !== enrolled)) {
      expect(nudgesTo(id), id).toHaveLength(2);
      expect(JSON.stringify(nudgesTo(id)[1]?.activity)).toContain('a reminder');
    }
    expect(paused).not.toBe('');
  });

  it('never sends at the weekend: day 7 falls on a Monday here, and a Saturday is quiet', async () => {
    await at('2026-12-05T12:00:00.000Z'); // Saturday
    await at('2026-12-06T12:00:00.000Z'); // Sunday
    for (const id of targets.slice(1)) expect(nudgesTo(id), id).toHaveLength(2);
    await at('2026-12-07T00:30:00.000Z');
    await at('2026-12-07T18:00:00.000Z'); // Monday, inside hours from Berlin to Los Angeles
    for (const id of targets.slice(1)) {
      const sent = nudgesTo(id);
      expect(sent, id).toHaveLength(3);
      const weekday = localParts(new Date(sent[2]?.time ?? 0), zoneOf(id)).isoWeekday;
      expect(weekday).toBe(1);
    }
  });
});
