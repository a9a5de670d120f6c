// Leaders first (CAMPAIGN_FIRST_WAVE_GROUP_ID), over working days of fake time against the real bot and both emulators:
// the first-wave group's targeted members (nested groups followed) are invited on the campaign's first working day and
// nobody else is; everyone else follows over the `waves` working days after; people in the group who are enrolled,
// or outside CAMPAIGN_INCLUDED_GROUP_IDS, are never invited, so the first wave is never larger than the group.

import { describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/dev/demo-environment.js';
import type { SeedUser, TenantSeed } from '../../src/dev/tenant-seed.js';
import { resolveTimeZone } from '../../src/shared/time-zones.js';
import { localParts } from '../../src/shared/wall-clock.js';
import type { RunningBot } from '../support/bot-harness.js';
import { nudgeOf } from '../support/campaign-nudges.js';
import { type DemoSuite, demoBotSuite } from '../support/demo-suite.js';
import { at } from '../support/outreach-helpers.js';
import { expectedTargets, transitiveMembers } from '../support/seed-targets.js';
import { until } from '../support/waiting.js';

const seed = loadSeed('demo/tenant.json');
const groupWithRole = (role: string) => seed.groups.find((group) => group.role === role)?.id ?? '';
const LEADERSHIP = groupWithRole('leadership');
const PILOT = groupWithRole('pilot');
const MANUFACTURING = seed.groups.find((group) => group.displayName === 'Dept - Manufacturing')?.id ?? '';

const inAny = (groupIds: string[]) => {
  const members = new Set(groupIds.flatMap((id) => [...transitiveMembers(seed, id)]));
  return (user: SeedUser) => members.has(user.id);
};

function zoneOf(user: SeedUser, tenant: TenantSeed): string {
  return resolveTimeZone(user.mailboxTimeZone, resolveTimeZone(tenant.tenant.defaultTimeZone, 'UTC'));
}

// Monday 30 November 2026, 07:00 UTC: 08:00 in Basel and Lyon, 02:00 in New York.
const MONDAY = '2026-11-30';
const ENV = { WORKING_HOURS: '09:00-17:00', WORKING_DAYS: 'mon-fri', CAMPAIGN_FIRST_WAVE_GROUP_ID: LEADERSHIP };
const dayOf = (offset: number) => new Date(Date.parse(`${MONDAY}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
/** `days` after the Monday, at `hour` UTC. */
const on = (days: number, hour: number) => new Date(Date.parse(`${MONDAY}T00:00:00Z`) + days * 86_400_000 + hour * 3_600_000).toISOString();

/** Each targeted person's invitations, with the local date they arrived on. */
function invitations(suite: DemoSuite, users: SeedUser[]): Map<string, string[]> {
  return new Map(
    users.map((user) => [
      user.displayName,
      suite
        .demo()
        .connector.activities({ userId: user.id, kind: 'send' })
        .filter((record) => nudgeOf(record.activity)?.step === 'invite')
        .map((record) => localParts(new Date(record.time), zoneOf(user, seed)).dateKey),
    ]),
  );
}

/** Starts the campaign from chat as the admin, then runs Monday to Wednesday night: targeting, then each day's sending. */
async function runThreeDays(suite: DemoSuite, waves: number, check: { monday(): void }): Promise<string> {
  const bot = (): RunningBot => suite.bot();
  const admin = suite.chat.person(seed.personas?.admin ?? '');
  const reply = (await suite.chat.say(admin, `campaign start Leaders first deadline 2027-01-15 waves ${waves}`)).texts.join(' ');
  await until(async () => (await bot().service.features.campaigns.records.active())?.value.state === 'running');
  await at(bot, on(0, 7)); // every invitation is queued now, for its wave's day
  await sendingHours(0);
  check.monday();
  for (const day of [1, 2, 3]) {
    await at(bot, on(day, 0.5)); // the day's wave
    await sendingHours(day);
  }
  return reply;

  /** The sender at the start of each region's working day (a row found late waits for the next one): Europe, then America. */
  async function sendingHours(day: number): Promise<void> {
    for (const hour of [8.5, 15.5, 17.5, 23]) await at(bot, on(day, hour), { schedule: false });
  }
}

describe('a campaign that opens with its first-wave group', () => {
  const suite = demoBotSuite(ENV, { startAt: on(0, 6.5), inMemory: true });

  it('previews the first wave, invites only the group’s targeted members on the first working day, and everyone else over the working days after', async () => {
    const targets = expectedTargets(seed);
    const leaders = targets.filter(inAny([LEADERSHIP]));
    const others = targets.filter((user) => !leaders.includes(user));
    // The seed as the test relies on it: a leader reached only through the nested group, and leaders who are enrolled.
    expect(leaders.map((user) => user.displayName).sort()).toEqual(['Chiara Benedetti', 'Ingrid Haugen', 'Marcus Lindqvist', 'Pierre Dubois']);
    expect([...transitiveMembers(seed, LEADERSHIP)].length).toBeGreaterThan(leaders.length);

    const admin = suite.chat.person(seed.personas?.admin ?? '');
    await suite.chat.say(admin, 'campaign preview');
    const preview = await suite.demo().connector.waitFor((record) => record.userId === admin.id && JSON.stringify(record.activity).includes('Campaign preview'), 20_000);
    expect(JSON.stringify(preview.activity)).toContain(`"title":"In the first wave","value":"${leaders.length}"`);

    const reply = await runThreeDays(suite, 2, {
      monday() {
        const sent = invitations(suite, targets);
        for (const user of leaders) expect(sent.get(user.displayName), user.displayName).toEqual([MONDAY]);
        for (const user of others) expect(sent.get(user.displayName), user.displayName).toEqual([]);
      },
    });
    expect(reply).toMatch(/^Started "Leaders first"\..* The first-wave group is invited on the first working day; everyone else follows over the next 2 working days\./);

    // Then the others, each once, on Tuesday or Wednesday (two waves after the first), and both days are used.
    const sent = invitations(suite, targets);
    for (const user of leaders) expect(sent.get(user.displayName), user.displayName).toEqual([MONDAY]);
    const days = new Set<string>();
    for (const user of others) {
      const dates = sent.get(user.displayName) ?? [];
      expect(dates, user.displayName).toHaveLength(1);
      expect([dayOf(1), dayOf(2)], user.displayName).toContain(dates[0]);
      days.add(dates[0] ?? '');
    }
    expect(days).toEqual(new Set([dayOf(1), dayOf(2)]));
    // Members of the group who are enrolled are never invited.
    for (const id of transitiveMembers(seed, LEADERSHIP)) {
      if (leaders.some((user) => user.id === id)) continue;
      expect(suite.people.invitations(id), id).toHaveLength(0);
    }
  });
});

describe('a first wave inside a pilot (CAMPAIGN_INCLUDED_GROUP_IDS)', () => {
  const suite = demoBotSuite({ ...ENV, CAMPAIGN_INCLUDED_GROUP_IDS: `${PILOT},${MANUFACTURING}` }, { startAt: on(0, 6.5), inMemory: true });

  it('takes into the first wave only leaders the pilot includes, and never invites the others', async () => {
    const included = inAny([PILOT, MANUFACTURING]);
    const targets = expectedTargets(seed).filter(included);
    const leaders = targets.filter(inAny([LEADERSHIP]));
    const leadersLeftOut = expectedTargets(seed).filter((user) => inAny([LEADERSHIP])(user) && !included(user));
    // Pierre Dubois (Manufacturing, a leader through the nested Site Leadership group) is in; the executives are not.
    expect(leaders.map((user) => user.displayName)).toEqual(['Pierre Dubois']);
    expect(leadersLeftOut.length).toBeGreaterThan(0);

    await runThreeDays(suite, 1, {
      monday() {
        const sent = invitations(suite, targets);
        for (const user of targets) expect(sent.get(user.displayName), user.displayName).toEqual(leaders.includes(user) ? [MONDAY] : []);
      },
    });
    const sent = invitations(suite, targets);
    for (const user of targets) expect(sent.get(user.displayName), user.displayName).toEqual(leaders.includes(user) ? [MONDAY] : [dayOf(1)]);
    for (const user of leadersLeftOut) expect(suite.people.invitations(user.id), user.displayName).toHaveLength(0);
  });
});
