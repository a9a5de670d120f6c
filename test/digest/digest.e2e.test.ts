// The leadership digest through the real bot in demo mode, on a fake clock, over two weeks of a seeded campaign: the
// weekly run sends each member of the leadership group (a nested group) one copy at DIGEST_HOUR on their own clock, in
// their language, never twice however often it runs; the card's numbers are a recount of the store's member records
// and objection events, with the small departments folded into Other; the second week says how far things moved;
// `digest` answers a leader now and refuses anyone else; the tab's Leadership view says what the card says.

import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES, type AuditEntry } from '../../src/audit/audit-entry.js';
import { figuresOf } from '../../src/campaigns/campaign-figures.js';
import { type CampaignMember, membersPartition } from '../../src/campaigns/campaign-records.js';
import { type DepartmentCount, type DigestCount, foldDepartments, OTHER } from '../../src/digest/digest-figures.js';
import { DIGEST_DELIVERIES_PARTITION, DIGEST_SNAPSHOTS_PARTITION } from '../../src/digest/digest-records.js';
import { OBJECTION_EVENTS_PARTITION, type ObjectionEvent, ObjectionLog } from '../../src/objections/objection-log.js';
import { OUTBOX_PARTITION } from '../../src/outbox/outbox.js';
import { pagesOf } from '../../src/store/pages.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at, settle } from '../support/outreach-helpers.js';
import { until } from '../support/waiting.js';

const MIN = 5;
const { bot, demo, chat, people } = demoBotSuite(
  { CAMPAIGN_RESPECT_WORKING_HOURS: 'false', DIGEST_DAY: 'mon', DIGEST_HOUR: '8', DIGEST_MIN_DEPARTMENT: String(MIN) },
  { inMemory: true, startAt: '2027-01-05T09:00:00.000Z' },
);
const features = () => bot().service.features;
const store = () => bot().service.store;
const leaders = () => ['Helena Brandt', 'Marcus Lindqvist', 'Priya Raman', 'Daniel Okafor', 'Sophie Laurent', 'Ingrid Haugen', 'Tomasz Wiśniewski', 'Chiara Benedetti'].map((name) => people.user(name));

/** The digest cards the bot sent a person, in order (their JSON). */
const digestsTo = (userId: string) => people.received(userId, people.saying(userId, 'digest.title'));

/** Each section of a digest card: its heading and its five facts' values. */
function sectionsOf(card: Record<string, unknown>): { heading: string; facts: string[] }[] {
  return (card.body as Record<string, unknown>[])
    .filter((item) => item.type === 'Container')
    .map((container) => {
      const [heading, factSet] = container.items as Record<string, unknown>[];
      return { heading: String(heading?.text), facts: ((factSet?.facts ?? []) as { value: string }[]).map((fact) => fact.value) };
    });
}

function cardOf(activity: unknown): Record<string, unknown> {
  return ((activity as { attachments: { content: Record<string, unknown> }[] }).attachments[0] as { content: Record<string, unknown> }).content;
}

/**
 * The digest's figures recounted from the store without its tallies: every member record of the campaign through
 * the figures' definitions, every objection event joined to its person's department, folded as the digest folds.
 */
async function recount(campaignId: string, now: Date) {
  const departments = new Map<string, DepartmentCount>();
  const members = new Map<string, CampaignMember>();
  const total = { targeted: 0, enrolled: 0, refusedNow: 0, exceptionEver: 0 };
  for await (const page of pagesOf<CampaignMember>(store(), membersPartition(campaignId), 500)) {
    for (const { key, value } of page) {
      if (key.startsWith('~')) continue;
      members.set(key, value);
      const department = departments.get(value.department) ?? { department: value.department, targeted: 0, enrolled: 0, refusedNow: 0, exceptionEver: 0, concerns: {} };
      for (const figure of figuresOf(value, now)) {
        if (figure in total) {
          department[figure as keyof typeof total] += 1;
          total[figure as keyof typeof total] += 1;
        }
      }
      departments.set(value.department, department);
    }
  }
  const concerns: Record<string, number> = {};
  for await (const page of pagesOf<ObjectionEvent>(store(), OBJECTION_EVENTS_PARTITION, 500)) {
    for (const { key, value } of page) {
      if (key.startsWith('~')) continue;
      concerns[value.intent] = (concerns[value.intent] ?? 0) + 1;
      const department = departments.get(members.get(value.userId)?.department ?? '');
      if (department) department.concerns[value.intent] = (department.concerns[value.intent] ?? 0) + 1;
    }
  }
  const count: DigestCount = { asOf: now.toISOString(), campaign: { id: campaignId, name: 'Q1 passkeys' }, total, concerns, departments: [...departments.values()] };
  return { count, folded: foldDepartments(count, MIN) };
}

/** A concern's title as the tab shows it in English (from the concerns people raised). */
async function concernTitles(): Promise<Map<string, string>> {
  const admin = people.user('Lucas Almeida');
  const progress = await bot().service.tab.progress({ id: admin.id, name: admin.displayName }, 'en', performance.now() + 1e9);
  return new Map(progress.objections.map((objection) => [objection.intent, objection.title]));
}

/** What an English card must say for a recount: each line's heading and its enrolled, refusals, exceptions and concerns. */
async function expectedSections(folded: Awaited<ReturnType<typeof recount>>['folded']) {
  const titles = await concernTitles();
  const percent = new Intl.NumberFormat('en', { style: 'percent' });
  return [folded.overall, ...folded.rows].map((row) => ({
    heading: row.key === '~all' ? 'Everyone in the campaign' : row.key === OTHER ? `Other (${row.departments.length} smaller departments)` : row.key,
    enrolled: `${percent.format(row.enrolled / row.targeted)} (${row.enrolled} of ${row.targeted})`,
    refusedNow: String(row.refusedNow),
    exceptionEver: String(row.exceptionEver),
    concerns: row.topConcerns.length === 0 ? 'None raised' : row.topConcerns.map(({ intent, count }) => `${titles.get(intent)} (${count})`).join(', '),
  }));
}

let campaignId = '';
let firstShare = 0;

describe('the leadership digest, week by week', () => {
  it('is seeded: a campaign over the demo tenant with people enrolled, refusing, on an exception, and concerns raised', async () => {
    const started = await features().campaigns.start({ name: 'Q1 passkeys', deadline: '2027-02-26', waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    campaignId = started.started.id;
    features().scheduler.kick();
    await until(async () => (await features().campaigns.records.get(campaignId))?.value.targetedAt !== undefined, 60_000);
    await settle(bot, { fakeClock: true });
    for (const name of ['Ethan Brooks', 'Mia Rodriguez', 'Pierre Dubois', 'Jonas Meier']) await features().campaigns.onEnrolled(people.user(name).id);
    await features().campaigns.onRefused(people.user('Noah Kim').id);
    for (const name of ['Camille Bernard', 'Julie Petit']) {
      await features().campaigns.onRefused(people.user(name).id);
      await features().campaigns.onEscalated(people.user(name).id);
    }
    await features().campaigns.onDecided(people.user('Julie Petit').id, campaignId, { choice: 'exception', until: '2027-02-10' });
    let tick = Date.now();
    const log = new ObjectionLog(store(), { keepText: false, retentionDays: 180, now: () => (tick += 1000) });
    const raised: [string, string][] = [['Ava Patel', 'employer-spying'], ['Ava Patel', 'biometrics'], ['Marco Rossi', 'employer-spying'], ['Élodie Martin', 'location-tracking'], ['Camille Bernard', 'biometrics'], ['Julie Petit', 'biometrics'], ['Jonas Meier', 'lost-phone'], ['Priya Raman', 'compensation']];
    for (const [name, intent] of raised) await log.record({ userId: people.user(name).id, intent: intent as ObjectionEvent['intent'], confidence: 0.9, text: 'never stored' });
    const { folded, count } = await recount(campaignId, new Date());
    // The demo tenant's roll-out: Sales stands alone; Manufacturing, Executive, Finance, Engineering, HR and IT are small.
    expect(count.departments.filter((department) => department.targeted >= MIN).map((department) => department.department)).toEqual(['Sales']);
    expect(folded.rows.map((row) => row.key)).toEqual(['Sales', OTHER]);
    // The service started on a Tuesday: last Monday's digest is old news, not sent.
    for (const leader of leaders()) expect(digestsTo(leader.id)).toHaveLength(0);
  });

  it("sends each leader one copy at 08:00 on their own clock, in their language, however often the run runs", async () => {
    await at(bot, '2027-01-11T06:59:00.000Z', { schedule: false });
    expect((await features().digest.run()).outcome).toBe('not-yet');
    await at(bot, '2027-01-11T07:00:00.000Z', { schedule: false });
    expect(await features().digest.run()).toEqual({ outcome: 'queued', week: '2027-W02', readers: 8 });
    expect((await features().digest.run()).outcome).toBe('done');
    // A run cut short before it marked the week done (a crash, a second instance) queues the same rows again: kept once.
    await store().put(DIGEST_SNAPSHOTS_PARTITION, '2027-W02', { ...(await features().digest.records.snapshot('2027-W02')), queuedAt: undefined });
    expect((await features().digest.run()).outcome).toBe('queued');
    // Each reader's copy, and the instant it is due on their clock (the ones due already may be on their way).
    const markers = (await store().list<{ dueAt: string }>(DIGEST_DELIVERIES_PARTITION, { limit: 1000 })).records;
    const due = new Map(markers.map((marker) => [marker.key.split('|')[0], marker.value.dueAt]));
    expect([...due.keys()].sort()).toEqual(leaders().map((leader) => leader.id).sort());
    const waiting = (await store().list<{ kind?: string; userId: string }>(OUTBOX_PARTITION, { limit: 1000 })).records.filter((row) => row.value.kind === 'digest');
    expect(waiting.filter((row) => row.value.userId === people.user('Daniel Okafor').id)).toHaveLength(1);
    expect(due.get(people.user('Helena Brandt').id)).toBe('2027-01-11T07:00:00.000Z');
    expect(due.get(people.user('Priya Raman').id)).toBe('2027-01-11T08:00:00.000Z');
    expect(due.get(people.user('Daniel Okafor').id)).toBe('2027-01-11T13:00:00.000Z');
    await settle(bot, { fakeClock: true });
    const [helena, priya, daniel, sophie] = ['Helena Brandt', 'Priya Raman', 'Daniel Okafor', 'Sophie Laurent'].map((name) => people.user(name).id);
    expect(digestsTo(helena as string)).toHaveLength(1);
    expect(digestsTo(sophie as string)).toHaveLength(1);
    expect(digestsTo(priya as string)).toHaveLength(0);
    expect(digestsTo(daniel as string)).toHaveLength(0);
    await at(bot, '2027-01-11T08:00:00.000Z', { schedule: false });
    await features().digest.run();
    await settle(bot, { fakeClock: true });
    expect(digestsTo(priya as string)).toHaveLength(1);
    expect(digestsTo(daniel as string)).toHaveLength(0);
    await at(bot, '2027-01-11T13:00:00.000Z', { schedule: false });
    await settle(bot, { fakeClock: true });
    for (const leader of leaders()) expect(digestsTo(leader.id), leader.displayName).toHaveLength(1);
    // Helena reads German, Sophie French: the same card, each in their own words.
    expect(JSON.stringify(digestsTo(helena as string)[0]?.activity)).toContain('Alle in der Kampagne');
    expect(JSON.stringify(digestsTo(sophie as string)[0]?.activity)).toContain('Toutes les personnes de la campagne');
    expect(digestsTo(people.user('Ava Patel').id)).toHaveLength(0);
  });

  it("says what a recount of the store says, with small departments folded into Other and nobody's words", async () => {
    const snapshot = await features().digest.records.snapshot('2027-W02');
    const { folded, count } = await recount(campaignId, new Date(snapshot?.figures.asOf ?? ''));
    expect(snapshot?.figures.rows).toEqual(folded.rows);
    expect(snapshot?.figures.overall).toEqual(folded.overall);
    const card = cardOf(digestsTo(people.user('Marcus Lindqvist').id)[0]?.activity);
    const sections = sectionsOf(card);
    const expected = await expectedSections(folded);
    expect(sections.map((section) => section.heading)).toEqual(expected.map((row) => row.heading));
    for (const [index, row] of expected.entries()) {
      const facts = sections[index]?.facts ?? [];
      expect([facts[0], facts[2], facts[3], facts[4]], row.heading).toEqual([row.enrolled, row.refusedNow, row.exceptionEver, row.concerns]);
      expect(facts[1]).toBe('No comparison yet: this is the first digest');
    }
    // Every department under the minimum is in Other, and Other reaches the minimum itself.
    const small = count.departments.filter((department) => department.targeted < MIN).map((department) => department.department);
    expect(small.length).toBeGreaterThan(2);
    for (const name of small) expect(sections.map((section) => section.heading)).not.toContain(name);
    expect(folded.rows.at(-1)?.targeted).toBeGreaterThanOrEqual(MIN);
    expect(JSON.stringify(card)).not.toContain('never stored');
    expect(JSON.stringify(card)).toMatch(/"type":"Action.OpenUrl".*\/tab\/demo-host\/\?view=leadership/);
  });

  it('says in the next week how far each line moved since the last digest', async () => {
    for (const name of ['Ava Patel', 'Marco Rossi', 'Youssef El Amrani', 'Emily Carter']) await features().campaigns.onEnrolled(people.user(name).id);
    await at(bot, '2027-01-18T07:00:00.000Z', { schedule: false });
    expect(await features().digest.run()).toMatchObject({ outcome: 'queued', week: '2027-W03' });
    await settle(bot, { fakeClock: true });
    const cards = digestsTo(people.user('Marcus Lindqvist').id);
    expect(cards).toHaveLength(2);
    const before = (await features().digest.records.snapshot('2027-W02'))?.figures;
    const now = (await features().digest.records.snapshot('2027-W03'))?.figures;
    const points = Math.round(((now?.overall.enrolled ?? 0) / (now?.overall.targeted ?? 1) - (before?.overall.enrolled ?? 0) / (before?.overall.targeted ?? 1)) * 100);
    expect(points).toBeGreaterThan(0);
    firstShare = (now?.overall.enrolled ?? 0) / (now?.overall.targeted ?? 1);
    const sections = sectionsOf(cardOf(cards[1]?.activity));
    expect(sections[0]?.facts[1]).toBe(`Up ${points} percentage points since 11 Jan 2027`);
    const sales = sections.find((section) => section.heading === 'Sales');
    const salesBefore = before?.rows.find((row) => row.key === 'Sales');
    const salesNow = now?.rows.find((row) => row.key === 'Sales');
    expect(sales?.facts[1]).toBe(`Up ${Math.round(((salesNow?.enrolled ?? 0) / (salesNow?.targeted ?? 1) - (salesBefore?.enrolled ?? 0) / (salesBefore?.targeted ?? 1)) * 100)} percentage points since 11 Jan 2027`);
  });

  it('answers `digest` for a leader now, and says no (audited) to anyone else; the help card lists it to leaders only', async () => {
    await at(bot, '2027-01-19T09:00:00.000Z', { schedule: false });
    const marcus = chat.person(people.user('Marcus Lindqvist').id);
    const reply = await chat.say(marcus, 'digest');
    const sections = sectionsOf(reply.cards[0] as Record<string, unknown>);
    expect(sections[0]?.facts[0]).toContain(`${new Intl.NumberFormat('en', { style: 'percent' }).format(firstShare)}`);
    // This week's snapshot is the baseline now: nothing moved since.
    expect(sections[0]?.facts[1]).toBe('No change since 18 Jan 2027');
    const refusals = async () => {
      let found = 0;
      for await (const page of pagesOf<AuditEntry>(store(), AUDIT_ENTRIES, 1000)) found += page.filter((record) => record.value.action === 'digest.read.refused').length;
      return found;
    };
    const ava = chat.person(people.user('Ava Patel').id);
    const before = await refusals();
    const refused = await chat.say(ava, 'digest');
    expect(refused.texts).toEqual(['The digest is for the leadership group. Ask an admin if you should be in it.']);
    expect(refused.cards).toEqual([]);
    expect(await refusals()).toBe(before + 1);
    expect(JSON.stringify((await chat.say(marcus, 'help')).cards[0])).toContain('"digest"');
    expect(JSON.stringify((await chat.say(ava, 'help')).cards[0])).not.toContain('"digest"');
    expect(demo().seed.groups.find((group) => group.role === 'leadership-digest')?.members).not.toContain(marcus.id);
  });

  it("shows the same lines in the tab's Leadership view, and by manager with small teams folded, only within the viewer's organisation", async () => {
    const marcus = people.user('Marcus Lindqvist');
    const card = sectionsOf((await chat.say(chat.person(marcus.id), 'digest')).cards[0] as Record<string, unknown>);
    const view = await bot().service.tab.leadership({ id: marcus.id, name: marcus.displayName }, 'en');
    expect([view.overall, ...view.rows].map((row) => [row.label, row.words.enrolled, row.words.change, row.words.refusedNow, row.words.exceptionEver, row.words.concerns])).toEqual(card.map((section) => [section.heading, ...section.facts]));

    const helena = people.user('Helena Brandt');
    const top = await bot().service.tab.leadership({ id: helena.id, name: helena.displayName }, 'en');
    const daniel = people.user('Daniel Okafor');
    expect(top.byManager.lines[0]).toMatchObject({ managerId: daniel.id, label: 'Daniel Okafor and their organisation', targeted: view.rows.find((row) => row.key === 'Sales')?.targeted, drill: true });
    for (const line of top.byManager.lines) expect(line.targeted).toBeGreaterThanOrEqual(MIN);
    expect(top.byManager.lines.reduce((sum, line) => sum + line.targeted, 0)).toBe(view.overall.targeted);
    expect(top.byManager.lines.at(-1)?.managerId).toBeUndefined();
    // One level down: Olivia's and Lena's organisations are each under the minimum, so they are shown together.
    const sales = await bot().service.tab.leadership({ id: helena.id, name: helena.displayName }, 'en', daniel.id);
    expect(sales.byManager.manager.name).toBe('Daniel Okafor');
    expect(sales.byManager.lines.map((line) => line.label)).toEqual(['Smaller teams (2)']);
    // Marcus leads Finance, not Sales: he cannot look into Daniel's organisation; Ava sees no Leadership view at all.
    await expect(bot().service.tab.leadership({ id: marcus.id, name: marcus.displayName }, 'en', daniel.id)).rejects.toMatchObject({ code: 'request.not-found' });
    const ava = people.user('Ava Patel');
    await expect(bot().service.tab.leadership({ id: ava.id, name: ava.displayName }, 'en')).rejects.toMatchObject({ code: 'request.forbidden' });
    expect((await bot().service.tab.me({ id: marcus.id, name: marcus.displayName })).roles).toContain('leadership');
  });
});
