// A campaign in a week of its own, for the tests that move a fake clock through reminders and nudges: a campaign left
// running is ended, the clock is set to 07:00 UTC on a Monday at least a week after it stands (time only moves
// forward, whichever test ran before), and the campaign starts then, with its deadline a month on.

import { vi } from 'vitest';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { resolveTimeZone } from '../../src/shared/time-zones.js';
import type { RunningBot } from './bot-harness.js';
import { isNudge } from './campaign-nudges.js';

export interface CampaignWeek {
  campaignId: string;
  /** `days` after the campaign's Monday, at `hour` UTC (8.5 is 08:30). */
  on(days: number, hour: number): string;
  /** The campaign's members (targeting runs at the first step). */
  members(): Promise<string[]>;
  /** The invitation, reminders and nudges the person got from this campaign. */
  nudgesTo(userId: string): RecordedActivity[];
}

export async function campaignWeek(bot: () => RunningBot, demo: () => DemoEnvironment, name: string): Promise<CampaignWeek> {
  const campaigns = () => bot().service.features.campaigns;
  await campaigns().finish({ id: 'test-admin' });
  const now = new Date();
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 7, 7));
  while (monday.getUTCDay() !== 1) monday.setUTCDate(monday.getUTCDate() + 1);
  vi.setSystemTime(monday);
  const deadline = new Date(monday.getTime() + 31 * 86_400_000).toISOString().slice(0, 10);
  const started = await campaigns().start({ name, deadline, waves: 1, by: { id: 'test-admin' } });
  if (!('started' in started)) throw new Error(started.refused);
  const campaignId = started.started.id;
  const since = monday.getTime();
  return {
    campaignId,
    on: (days, hour) => new Date(since + days * 86_400_000 + (hour - 7) * 3_600_000).toISOString(),
    async members() {
      const ids: string[] = [];
      for await (const page of campaigns().records.members(campaignId)) ids.push(...page.map((record) => record.value.userId));
      return ids;
    },
    nudgesTo: (userId) =>
      demo()
        .connector.activities({ userId, kind: 'send' })
        .filter((record) => record.time >= since && isNudge(record.activity)),
  };
}

/** The IANA zone the demo tenant gives a person (their mailbox's, else the tenant's). */
export function demoZoneOf(demo: () => DemoEnvironment, userId: string): string {
  const user = demo().seed.users.find((candidate) => candidate.id === userId);
  return resolveTimeZone(user?.mailboxTimeZone, resolveTimeZone(demo().seed.tenant.defaultTimeZone, 'UTC'));
}
