// People who leave, end to end against the real bot, the Graph emulator and a SQLite file: four people of the demo
// tenant leave traces everywhere the coach keeps them (a campaign, the chat, a concern, "talk to a person", a refusal
// and its escalation, a pass request, a team chat's address, an enrolment, the unreachable mark). Then one is deleted
// in Entra, one disabled for longer than ERASE_AFTER_DISABLED_DAYS, one disabled recently, one stays: the daily check
// (on the suite's fake clock) erases the first two from every record of the store and keeps the others whole; the
// figures, the concerns' count and the audit trail still add up and verify, and erased people read "erased".

import { describe, expect, it, vi } from 'vitest';
import { AUDIT_ENTRIES, type AuditEntry } from '../../src/audit/audit-entry.js';
import { exportAudit } from '../../src/audit/audit-export.js';
import { CampaignRecords } from '../../src/campaigns/campaign-records.js';
import { contribution, sum } from '../../src/campaigns/campaign-tallies.js';
import { recordEnrolment } from '../../src/enrollment/enrolments.js';
import { OBJECTION_EVENTS_PARTITION, type ObjectionEvent, ObjectionLog } from '../../src/objections/objection-log.js';
import { ERASURE_ACTION, ERASURE_WATCH_PARTITION } from '../../src/privacy/erasure.js';
import { ERASE_COMMAND } from '../../src/privacy/erase-command.js';
import { pagesOf } from '../../src/store/pages.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, settle } from '../support/outreach-helpers.js';
import { mentioning, sqliteRecords } from '../support/store-scan.js';
import type { Person } from '../support/teams-chat.js';

const START = Date.parse('2026-11-30T10:00:00.000Z');
const DAY = 86_400_000;
const { bot, demo, chat, people } = demoBotSuite({ ERASE_AFTER_DISABLED_DAYS: '30' }, { startAt: new Date(START).toISOString() });

const service = () => bot().service;
const store = () => service().store;
const drain = () => settle(bot, { fakeClock: true });
const scan = () => sqliteRecords(bot().databaseFile as string);

/** Every way the store could name a person (read from the seed before anyone is deleted from it). */
const known = new Map<string, string[]>();
function traces(name: string): string[] {
  if (!known.has(name)) {
    const user = people.user(name);
    known.set(name, [user.id, user.displayName, user.userPrincipalName]);
  }
  return known.get(name) as string[];
}

let teams = 0;

/** What the coach keeps about someone who used it: each through the feature that keeps it. */
async function leaveTraces(person: Person, agent: Person): Promise<void> {
  await chat.say(person, "i don't want to give them my fingerprint");
  await chat.say(person, 'talk to a person');
  const refused = await chat.click(person, 'refusal.confirm', { reason: 'privacy' });
  expect(JSON.stringify(refused.value)).toContain('Your decision is recorded');
  await waitFor(async () => (await service().features.escalations.records.openFor(person.id)) !== undefined, `an escalation for ${person.name}`);
  // A team's chat remembers the last person who spoke in it.
  await bot().post({
    ...chat.activityFrom(person, {}),
    type: 'message',
    id: `team-message-${++teams}`,
    text: 'help',
    channelId: 'msteams',
    recipient: { id: '28:bot', name: 'Passkey Coach' },
    conversation: { id: `19:team-${teams}@thread.tacv2`, conversationType: 'channel', tenantId: demo().seed.tenant.id },
  });
  await recordEnrolment(store(), { userId: person.id, kinds: ['synced-passkey'], confirmedAt: new Date().toISOString() });
  const pass = await requestPass(chat, people, agent, person.name);
  expect(pass.id, pass.reply).toBeDefined();
  await drain();
}

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > 10_000) throw new Error(`no ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function auditEntries(): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const page of pagesOf<AuditEntry>(store(), AUDIT_ENTRIES, 1000)) found.push(...page.map((record) => record.value));
  return found;
}

/** The concerns' count as the tab reads it, and as counting every event left gives it. */
async function concernCounts(): Promise<{ read: Record<string, number>; recounted: Record<string, number> }> {
  const recounted: Record<string, number> = {};
  for await (const page of pagesOf<ObjectionEvent>(store(), OBJECTION_EVENTS_PARTITION, 1000)) {
    for (const record of page) if (!record.key.startsWith('~')) recounted[record.value.intent] = (recounted[record.value.intent] ?? 0) + 1;
  }
  const read = await new ObjectionLog(store(), { keepText: false, retentionDays: 180 }).countsByIntent();
  return { read: read as Record<string, number>, recounted };
}

describe('people who leave', () => {
  const erasedNames = ['Emily Carter', 'Ethan Brooks'];
  const keptNames = ['Ava Patel', 'Charlotte Evans'];

  it('erases the deleted and the long disabled from every record, keeps the recently disabled and the active, and every count and the audit trail still hold', async () => {
    const agent = chat.person(people.user('Agnieszka Lewandowska').id);
    const started = await service().features.campaigns.start({ name: 'Before they left', deadline: '2027-01-29', waves: 1, by: { id: people.members('campaign-admins')[0] as string, name: 'Lucas Almeida' } });
    expect('started' in started, JSON.stringify(started)).toBe(true);
    const campaignId = (await service().features.campaigns.records.active())?.value.id as string;
    await waitFor(async () => {
      await service().features.scheduler.runOnce();
      return (await service().features.campaigns.records.active())?.value.targetedAt !== undefined;
    }, 'targeting');
    await drain();
    for (const name of [...erasedNames, ...keptNames]) {
      traces(name);
      const person = chat.person(people.user(name).id);
      expect(await service().features.campaigns.records.member(campaignId, person.id), `${name} is in the campaign`).toBeDefined();
      await leaveTraces(person, agent);
      await service().features.messenger.markUnreachable(person.id, 'removed-app');
    }
    // The concerns are folded into the count (the purge folds first), so erasure must take them off it.
    vi.setSystemTime(START + 3600_000);
    await new ObjectionLog(store(), { keepText: false, retentionDays: 180 }).purge();
    const before = scan();
    for (const name of [...erasedNames, ...keptNames]) {
      const partitions = new Set(mentioning(before, traces(name)).map((record) => record.partition));
      for (const partition of ['dialogs', 'personal-chats', 'conversation-refs', 'objection-events', 'help-requests', 'refusals', 'escalations', 'escalations-open', 'tap-requests', 'tap-open', 'enrolments', 'unreachable', `campaign-members:${campaignId}`, 'audit-personal']) {
        expect(partitions.has(partition), `${name} in ${partition} before`).toBe(true);
      }
    }

    // Day 0: Emily is deleted and Ethan disabled in Entra. Day 25: Ava is disabled. Day 31: the check runs again.
    demo().graph.state.deleteUser(people.user('Emily Carter').id);
    demo().graph.state.setAccountEnabled(people.user('Ethan Brooks').id, false);
    const first = await service().privacy.check();
    expect(first).toMatchObject({ erasedPeople: 1, watching: 1 });
    vi.setSystemTime(START + 25 * DAY);
    demo().graph.state.setAccountEnabled(people.user('Ava Patel').id, false);
    expect(await service().privacy.check()).toMatchObject({ erasedPeople: 0, watching: 2 });
    vi.setSystemTime(START + 31 * DAY);
    expect(await service().privacy.check()).toMatchObject({ erasedPeople: 1, watching: 1 });

    const after = scan();
    for (const name of erasedNames) expect(mentioning(after, traces(name)).map((record) => `${record.partition} ${record.key}`), `${name} anywhere`).toEqual([]);
    for (const name of keptNames) {
      const kept = (records: typeof before) => new Set(mentioning(records, traces(name)).map((record) => record.partition).filter((partition) => !partition.startsWith('outbox') && partition !== ERASURE_WATCH_PARTITION));
      expect(kept(after), `${name} keeps everything`).toEqual(kept(before));
    }

    // The campaign's figures are still those of counting its members one by one.
    const records = new CampaignRecords(store());
    const recount = {};
    for await (const page of records.members(campaignId)) for (const member of page) sum(recount, contribution(member.value));
    expect(await records.counts(campaignId)).toEqual(recount);
    const concerns = await concernCounts();
    expect(concerns.read).toEqual(concerns.recounted);

    // One audit entry per erased person, naming no one; the trail verifies and shows them as erased.
    const erasures = (await auditEntries()).filter((entry) => entry.action === ERASURE_ACTION);
    expect(erasures.map((entry) => [entry.actorRef, entry.details?.reason])).toEqual([
      ['scheduled-erasure', 'deleted-in-entra'],
      ['scheduled-erasure', 'disabled-30-days'],
    ]);
    const exported: string[] = [];
    const { report } = await exportAudit(store(), { keys: service().config.audit.keys }, (line) => exported.push(line));
    expect(report.ok, JSON.stringify(report.problems)).toBe(true);
    const erasureLines = exported.filter((line) => line.includes(ERASURE_ACTION));
    expect(erasureLines).toHaveLength(2);
    for (const line of erasureLines) expect(JSON.parse(line)).toMatchObject({ verified: true, erased: true, subject: { erased: true } });
    for (const name of erasedNames) for (const trace of traces(name)) expect(exported.join('\n').toLowerCase()).not.toContain(trace.toLowerCase());
    const security = people.user('Nora Jansen');
    const view = await service().tab.auditView({ id: security.id, name: security.displayName });
    expect(view.verification.ok).toBe(true);
    expect(view.entries.filter((entry) => entry.action === ERASURE_ACTION).every((entry) => entry.subject?.erased === true && entry.verified)).toBe(true);

    // Ava comes back from leave: the count of her days disabled is forgotten.
    demo().graph.state.setAccountEnabled(people.user('Ava Patel').id, true);
    expect(await service().privacy.check()).toMatchObject({ erasedPeople: 0, watching: 0 });
    expect(await store().get(ERASURE_WATCH_PARTITION, people.user('Ava Patel').id)).toBeUndefined();
  }, 120_000);

  it('erases on request by object id, audited once with the request reference; doing it again changes nothing', async () => {
    const pierre = people.user('Pierre Dubois');
    await leaveTraces(chat.person(pierre.id), chat.person(people.user('Jordan Reyes').id));
    const first = await service().privacy.erase(pierre.id.toUpperCase(), { kind: 'on-request', reference: 'DSR-2026-0042' }, ERASE_COMMAND);
    expect(first.erased).toMatchObject({ conversationState: 1, personalChat: 1, helpRequests: 1, refusals: 1, escalations: 1, enrolment: 1, passRequests: 1, conversationAddresses: 1 });
    expect(first.auditSeq).toBeGreaterThan(0);
    const entriesAfterFirst = await auditEntries();
    const entry = entriesAfterFirst.find((candidate) => candidate.seq === first.auditSeq);
    expect(entry).toMatchObject({ action: ERASURE_ACTION, actorRef: 'erase-command', details: { reason: 'on-request', request: 'DSR-2026-0042' } });
    expect(mentioning(scan(), traces('Pierre Dubois')).map((record) => `${record.partition} ${record.key}`)).toEqual([]);

    const again = await service().privacy.erase(pierre.id, { kind: 'on-request' }, ERASE_COMMAND);
    expect(again).toEqual({ erased: {} });
    expect((await auditEntries()).length).toBe(entriesAfterFirst.length);
    const { report } = await exportAudit(store(), { keys: service().config.audit.keys }, () => undefined);
    expect(report.ok).toBe(true);
  }, 60_000);
});
