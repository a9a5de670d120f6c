// Targeting saves its place in the registration report after every page: a restart (or a resume after a pause) goes on
// from there instead of walking the report again from the start under Graph's 5-reads-per-10-seconds throttle. A place
// Graph no longer accepts is dropped, and the next run starts over (adding nobody twice).

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningBot, startBot } from '../support/bot-harness.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { until } from '../support/waiting.js';

// Pages of 16 rows: the demo tenant's report comes in four.
const { bot, demo } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, { inMemory: true, emulatorOptions: { graph: { reportPageSize: 16 } } });

beforeAll(async () => {
  // The test runs the scheduled work itself, one step at a time.
  await bot().service.features.scheduler.stop();
}, 60_000);

const outreach = () => bot().service.features;
const REPORT = '/reports/authenticationMethods/userRegistrationDetails';
const reportReads = () => demo().graph.calls.list().filter((call) => call.path.includes(REPORT));

async function firstPage(): Promise<{ ids: string[]; nextLink: string }> {
  const directory = bot().service.directory;
  if (!directory) throw new Error('no directory');
  for await (const page of directory.registrationDetails()) {
    if (!page.nextLink) throw new Error('the report came in one page');
    return { ids: page.rows.map((row) => row.id), nextLink: page.nextLink };
  }
  throw new Error('the report is empty');
}

async function memberIds(campaignId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const page of outreach().campaigns.records.members(campaignId)) for (const record of page) ids.add(record.value.userId);
  return ids;
}

const deadline = () => new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);

describe('resumable targeting', () => {
  // Each test starts a campaign of its own: one a failed test left running is ended first.
  beforeEach(async () => {
    await outreach().campaigns.finish({ id: 'test-admin' });
  });

  it('goes on from the saved page after a restart, keeping the counts of the pages before it', async () => {
    const { ids: pageOne, nextLink } = await firstPage();
    const started = await outreach().campaigns.start({ name: 'Resumed', deadline: deadline(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    // What a process killed after the first page leaves behind: the place after it, and what it had counted so far.
    await outreach().campaigns.records.update(campaignId, (campaign) => ({ ...campaign, targetingCursor: { nextLink, targeted: 1_000, excluded: { guest: 7 } } }));
    demo().graph.calls.clear();

    await outreach().campaigns.tick();

    const campaign = (await outreach().campaigns.records.get(campaignId))?.value;
    expect(campaign?.state).toBe('running');
    expect(campaign?.targetingCursor).toBeUndefined();
    // The first page was not read again: the three pages after it were read (Graph may have throttled one read of
    // them first, after another test's reads), each with a skip token.
    expect(reportReads().filter((call) => call.status === 200)).toHaveLength(3);
    for (const call of reportReads()) expect(call.query).toMatch(/skiptoken/i);
    // Nobody from the first page was added (a real crash had added them before it); the counts go on from the saved ones.
    const members = await memberIds(campaignId);
    expect(members.size).toBeGreaterThan(0);
    for (const id of pageOne) expect(members.has(id)).toBe(false);
    expect(campaign?.targeted).toBe(1_000 + members.size);
    // The guests after the first page are added to the 7 counted before it.
    const guestsLater = demo().seed.users.filter((user) => user.userType === 'Guest' && !pageOne.includes(user.id));
    expect(guestsLater.length).toBeGreaterThan(0);
    expect(campaign?.excluded.guest).toBe(7 + guestsLater.length);
    await outreach().campaigns.finish({ id: 'test-admin' });
  });

  it('saves its place after every page, and a pause between pages keeps it for the resume', async () => {
    const started = await outreach().campaigns.start({ name: 'Paused midway', deadline: deadline(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    // Pause as soon as the first page is saved: the walk stops at the next page boundary.
    const saved: string[] = [];
    const stopWatching = watchCursor(campaignId, async (link) => {
      saved.push(link);
      if (saved.length === 1) await outreach().campaigns.pause({ id: 'test-admin' });
    });
    await outreach().campaigns.tick();
    stopWatching();
    const paused = (await outreach().campaigns.records.get(campaignId))?.value;
    expect(paused?.state).toBe('paused');
    expect(paused?.targetingCursor?.nextLink).toBe(saved[0]);
    const afterPause = await memberIds(campaignId);

    demo().graph.calls.clear();
    await outreach().campaigns.resume({ id: 'test-admin' });
    await outreach().campaigns.tick();
    const done = (await outreach().campaigns.records.get(campaignId))?.value;
    expect(done?.state).toBe('running');
    for (const call of reportReads()) expect(call.query).toMatch(/skiptoken/i);
    const all = await memberIds(campaignId);
    for (const id of afterPause) expect(all.has(id)).toBe(true);
    expect(done?.targeted).toBe(all.size);
    await outreach().campaigns.finish({ id: 'test-admin' });
  });

  it('writes the campaign once per report page, however many parts the page is handed on in', async () => {
    const started = await outreach().campaigns.start({ name: 'One write a page', deadline: deadline(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    // Every write of the campaign during the walk, and the place each one saved (if it saved one).
    const records = outreach().campaigns.records;
    const original = records.update.bind(records);
    const writes: (string | undefined)[] = [];
    const spy = vi.spyOn(records, 'update').mockImplementation(async (id, change) => {
      let saved: string | undefined;
      const written = await original(id, (current) => {
        const next = change(current);
        saved = next?.targetingCursor?.nextLink;
        return next;
      });
      if (written) writes.push(saved);
      return written;
    });
    try {
      await outreach().campaigns.tick();
    } finally {
      spy.mockRestore();
    }
    expect((await outreach().campaigns.records.get(campaignId))?.value.state).toBe('running');
    // Four pages of 16, each handed on in two parts (6 people, then the rest): one write with the place after each of
    // the first three pages, and the one that ends targeting; none between the parts of a page.
    const places = writes.filter((link) => link !== undefined);
    expect(places).toHaveLength(3);
    expect(new Set(places).size).toBe(3);
    expect(writes).toHaveLength(4);
    expect(writes.at(-1)).toBeUndefined();
    await outreach().campaigns.finish({ id: 'test-admin' });
  });

  it('drops a saved place Graph refuses, and the next run starts over and adds everyone once', async () => {
    const started = await outreach().campaigns.start({ name: 'Stale link', deadline: deadline(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    await outreach().campaigns.records.update(campaignId, (campaign) => ({
      ...campaign,
      targetingCursor: { nextLink: 'https://elsewhere.example/v1.0/reports/authenticationMethods/userRegistrationDetails?$skiptoken=x', targeted: 5, excluded: {} },
    }));
    await expect(outreach().campaigns.tick()).rejects.toThrow(/registration report/);
    expect((await outreach().campaigns.records.get(campaignId))?.value.targetingCursor).toBeUndefined();

    await outreach().campaigns.tick();
    const campaign = (await outreach().campaigns.records.get(campaignId))?.value;
    expect(campaign?.state).toBe('running');
    expect(campaign?.targeted).toBe((await memberIds(campaignId)).size);
    await outreach().campaigns.finish({ id: 'test-admin' });
  });
});

/** Calls `seen` with each new saved place while targeting runs (polling the store). */
function watchCursor(campaignId: string, seen: (link: string) => Promise<void>): () => void {
  let last: string | undefined;
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const link = (await outreach().campaigns.records.get(campaignId))?.value.targetingCursor?.nextLink;
      if (link && link !== last) {
        last = link;
        await seen(link);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  void poll();
  return () => {
    stopped = true;
  };
}

describe('targeting keeps only a little ahead of the sender', () => {
  let slow: RunningBot;

  beforeAll(async () => {
    // 5 sends a second (4.75 after the reserve) and one second of lead: targeting waits while 5 invitations are ready.
    slow = await startBot(
      { CAMPAIGN_RESPECT_WORKING_HOURS: 'false', TEAMS_RATE_PER_SECOND: '5', CAMPAIGN_TARGETING_LEAD_SECONDS: '1' },
      { emulators: true, emulatorOptions: { graph: { reportPageSize: 16 } } },
    );
    await slow.service.features.scheduler.stop();
  }, 60_000);

  afterAll(async () => {
    await slow?.stop();
  });

  it('waits between report pages while invitations are piling up, and goes on as the sender works through them', async () => {
    const campaigns = slow.service.features.campaigns;
    // Counts targeting's looks at the backlog (the real method runs).
    const polls = vi.spyOn(slow.service.features.outbox, 'sendableCount');
    await slow.service.features.sender.stop();
    const started = await campaigns.start({ name: 'Patient', deadline: deadline(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    const run = campaigns.tick();

    // Nobody sends: after its first page, targeting waits with its place saved.
    const firstPlace = async () => (await campaigns.records.get(campaignId))?.value.targetingCursor?.nextLink;
    await until(async () => (await firstPlace()) !== undefined, 20_000);
    const place = await firstPlace();
    expect(place).toMatch(/skiptoken/i);
    // It looks at the backlog every half second: three more looks (work, not time) and it has not moved on.
    const looks = polls.mock.calls.length;
    await until(() => polls.mock.calls.length >= looks + 3, 20_000);
    expect(await firstPlace()).toBe(place);
    expect((await campaigns.records.get(campaignId))?.value.state).toBe('targeting');

    // The sender starts: targeting goes on and finishes, everyone queued once.
    slow.service.features.sender.start();
    await run;
    const campaign = (await campaigns.records.get(campaignId))?.value;
    expect(campaign?.state).toBe('running');
    let members = 0;
    for await (const page of campaigns.records.members(campaignId)) members += page.length;
    expect(campaign?.targeted).toBe(members);
    polls.mockRestore();
  }, 90_000);
});
