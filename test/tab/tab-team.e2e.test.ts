// The tab's "My team" API over HTTP with real SSO tokens: a manager sees their direct reports as the chat's `team`
// card shows them, nudges one or everyone through the same rules (one nudge per person every MANAGER_NUDGE_DAYS,
// whether asked in the chat or the tab), someone who manages nobody is refused, a forged person is refused and
// audited as in the chat, and MANAGER_VIEW=aggregate puts no name or id in the JSON.

import { describe, expect, it } from 'vitest';
import { personRef } from '../../src/audit/audit-crypto.js';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { DEMO_AUDIT_KEY } from '../../src/config/load-config.js';
import type { NudgeRecord } from '../../src/managers/manager-nudges.js';
import { TEAM_VERBS } from '../../src/managers/team-card.js';
import { Strings } from '../../src/shared/strings.js';
import type { TeamView } from '../../src/tab/api-contract.js';
import { type DemoSuite, demoBotSuite } from '../support/demo-suite.js';
import { teamCardRows } from '../support/team-cards.js';
import { outboxDrained, until } from '../support/waiting.js';

const strings = new Strings();

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** The tab's API as the page calls it, as one person of the demo tenant (by name), with a token of their own. */
function tabApi(suite: DemoSuite) {
  const tokens = new Map<string, string>();
  return async (name: string, route: string, options: { body?: unknown; language?: string } = {}): Promise<Answer> => {
    const id = suite.people.user(name).id;
    if (!tokens.has(id)) tokens.set(id, ((await (await fetch(`${suite.bot().url}/tab/demo/session?as=${id}`)).json()) as { token: string }).token);
    const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(id)}`, 'accept-language': options.language ?? 'en' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${suite.bot().url}/tab/api/${route}`, { method: options.body === undefined ? 'GET' : 'POST', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
  };
}

const suite = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', MANAGER_NUDGE_DAYS: '7' }, { inMemory: true });
const { bot, chat, people } = suite;
const call = tabApi(suite);
const features = () => bot().service.features;
const nudgesBy = async (managerId: string) => (await bot().service.store.list<NudgeRecord>('manager-nudges', { limit: 1000 })).records.filter((record) => record.value.by.id === managerId);
type Entry = { action: string; actorRef: string; details?: Record<string, unknown> };
/** How the trail names a person (a keyed hash of their object id, never the id itself). */
const refOf = (userId: string) => personRef(DEMO_AUDIT_KEY, userId);
/** The whole audit trail, page by page. */
async function auditEntries(): Promise<Entry[]> {
  const entries: Entry[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await bot().service.store.list<Entry>(AUDIT_ENTRIES, { limit: 1000, continuationToken });
    entries.push(...page.records.map((record) => record.value));
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return entries;
}

describe('the tab for managers', () => {
  it("shows a manager their direct reports, each with the state, sentence and Nudge the chat's team card shows", async () => {
    const [anna, emily, nadia] = [people.user('Anna Keller'), people.user('Emily Carter'), people.user('Nadia Haddad')];
    // Emily asks for a person; Nadia checks her status (she has Windows Hello for Business).
    await chat.say(chat.person(emily.id), 'talk to a person');
    await chat.say(chat.person(nadia.id), 'status');
    await until(async () => (await bot().service.store.get('enrolments', nadia.id)) !== undefined, 30_000);

    expect((await call('Anna Keller', 'me')).body.roles).toEqual(['manager']);
    const answer = await call('Anna Keller', 'team');
    expect(answer.status).toBe(200);
    const view = answer.body as unknown as TeamView;
    expect(view.mode).toBe('individual');
    expect(view.people.map((person) => [person.name, person.state])).toEqual([
      ['Emily Carter', 'asked-for-person'],
      ['Jonas Meier', 'not-invited'],
      ['Lukas Schmid', 'not-invited'],
      ['Nadia Haddad', 'enrolled'],
    ]);
    expect(view.people.map((person) => person.id)).toEqual(['Emily Carter', 'Jonas Meier', 'Lukas Schmid', 'Nadia Haddad'].map((name) => people.user(name).id));
    expect(view.summary).toBe('1 of 4 people have a passkey.');
    expect(view.counts).toEqual([
      { state: 'asked-for-person', label: 'Asked for the helpdesk', count: 1 },
      { state: 'not-invited', label: 'Not invited yet', count: 2 },
      { state: 'enrolled', label: 'Passkey set up', count: 1 },
    ]);
    expect(view.footnotes).toEqual(['You see where each person stands, never what they told the coach.', "A nudge names you, arrives in the person's working hours, and goes to the same person at most once every 7 days."]);

    // The chat's card at the same moment: the same people in the same order, the same sentences, the same buttons.
    const card = (await chat.say(chat.person(anna.id), 'team')).cards[0] as Record<string, unknown>;
    expect(view.people.map(({ name, stateText, nudge }) => ({ name, stateText, nudge }))).toEqual(teamCardRows(card).map(({ name, state, nudge }) => ({ name, stateText: state, nudge })));
    expect(JSON.stringify(card)).toContain(JSON.stringify(strings.text('en', 'team.nudgeAll', { count: view.nudgeable })));

    // In the reader's language, from the chat's own strings.
    const german = (await call('Anna Keller', 'team', { language: 'de-CH' })).body as unknown as TeamView;
    expect(german.summary).toBe(strings.text('de', 'team.summary', { enrolled: 1, count: 4 }));
    expect(german.people[0]?.stateText).toBe(strings.text('de', 'team.states.asked-for-person'));
  });

  it('holds one nudge per person every MANAGER_NUDGE_DAYS, whether the chat or the tab asked first', async () => {
    const anna = chat.person(people.user('Anna Keller').id);
    const [lukas, jonas] = [people.user('Lukas Schmid'), people.user('Jonas Meier')];
    const fromAnna = (id: string) => people.received(id, people.saying(id, 'team.message.title', { manager: 'Anna Keller' }));

    // The tab first: the nudge is queued, delivered, and the tab and the chat then both say "not again yet".
    const nudged = await call('Anna Keller', 'team/nudge', { body: { personId: lukas.id } });
    expect(nudged.status).toBe(200);
    expect(nudged.body).toEqual({ outcome: 'done', message: "I'll nudge Lukas Schmid in their working hours and say it comes from you." });
    await until(() => fromAnna(lukas.id).length === 1, 30_000);
    const view = (await call('Anna Keller', 'team')).body as unknown as TeamView;
    expect(view.people.find((person) => person.id === lukas.id)?.nudge).toBe(false);
    const again = await call('Anna Keller', 'team/nudge', { body: { personId: lukas.id } });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/^Lukas Schmid was nudged on .+; you can nudge them again from .+\.$/);
    expect(JSON.stringify((await chat.click(anna, TEAM_VERBS.nudge, { personId: lukas.id })).value)).toMatch(/Lukas Schmid was nudged on .+; you can nudge them again from/);

    // The chat first: the tab refuses a second one.
    expect(JSON.stringify((await chat.click(anna, TEAM_VERBS.nudge, { personId: jonas.id })).value)).toContain("I'll nudge Jonas Meier");
    const late = await call('Anna Keller', 'team/nudge', { body: { personId: jonas.id } });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/^Jonas Meier was nudged on /);

    await until(() => outboxDrained(features()), 30_000);
    expect(fromAnna(lukas.id)).toHaveLength(1);
    expect(fromAnna(jonas.id)).toHaveLength(1);
    // A nudge for someone a nudge does not help (Nadia is set up) changes nothing.
    const notNeeded = await call('Anna Keller', 'team/nudge', { body: { personId: people.user('Nadia Haddad').id } });
    expect(notNeeded.status).toBe(409);
    expect(notNeeded.body.message).toBe('Nadia Haddad does not need a nudge right now.');
  });

  it('nudges everyone on the team a nudge helps, once, and then says there is nobody left', async () => {
    const ethan = people.user('Ethan Brooks');
    const before = (await call('Ethan Brooks', 'team')).body as unknown as TeamView;
    expect(before.nudgeable).toBe(3);
    const all = await call('Ethan Brooks', 'team/nudge', { body: { personId: 'all' } });
    expect(all.status).toBe(200);
    expect(all.body.message).toBe("I'll nudge 3 people in their working hours and say it comes from you.");
    for (const name of ['Mia Rodriguez', 'Noah Kim', 'Ava Patel']) {
      const id = people.user(name).id;
      await until(() => people.received(id, people.saying(id, 'team.message.title', { manager: 'Ethan Brooks' })).length === 1, 30_000);
    }
    const after = (await call('Ethan Brooks', 'team')).body as unknown as TeamView;
    expect(after.nudgeable).toBe(0);
    expect(after.people.filter((person) => person.nudge)).toEqual([]);
    const again = await call('Ethan Brooks', 'team/nudge', { body: { personId: 'all' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('There is nobody to nudge: everyone on your team is set up, decided, or was nudged recently.');
    // The chat agrees: no "nudge everyone" on its card now.
    expect(JSON.stringify((await chat.say(chat.person(ethan.id), 'team')).cards[0])).not.toContain(TEAM_VERBS.nudgeAll);
    expect(await nudgesBy(ethan.id)).toHaveLength(3);
  });

  it('refuses someone who manages nobody, as every other view refuses, and audits it', async () => {
    const lukas = people.user('Lukas Schmid');
    expect((await call('Lukas Schmid', 'me')).body.roles).toEqual([]);
    const view = await call('Lukas Schmid', 'team');
    expect(view.status).toBe(403);
    expect(view.body).toEqual({ error: 'forbidden', message: "This view isn't available to you. Ask your Passkey Coach administrator if you need it." });
    const nudge = await call('Lukas Schmid', 'team/nudge', { body: { personId: people.user('Emily Carter').id } });
    expect(nudge.status).toBe(403);
    expect(nudge.body.error).toBe('forbidden');
    expect(await nudgesBy(lukas.id)).toEqual([]);
    const denied = (await auditEntries()).filter((entry) => entry.action === 'tab.view.denied' && entry.actorRef === refOf(lukas.id));
    expect(denied.map((entry) => entry.details?.view)).toEqual(['team', 'team nudge']);
  });

  it("refuses a forged nudge for someone else's report exactly as the chat does, audited, and a body that names nobody", async () => {
    const [anna, mia] = [people.user('Anna Keller'), people.user('Mia Rodriguez')];
    const refusedBefore = (await auditEntries()).filter((entry) => entry.action === 'team.nudge.refused' && entry.actorRef === refOf(anna.id)).length;
    const forged = await call('Anna Keller', 'team/nudge', { body: { personId: mia.id } });
    expect(forged.status).toBe(403);
    const chatAnswer = await chat.click(chat.person(anna.id), TEAM_VERBS.nudge, { personId: mia.id });
    expect(forged.body).toEqual({ outcome: 'refused', message: chatAnswer.value });
    expect(chatAnswer.value).toBe("Only a person's own manager can nudge them, and this person is not one of your direct reports.");
    // One refusal each, from the tab and from the chat; no nudge from Anna for Mia.
    expect((await auditEntries()).filter((entry) => entry.action === 'team.nudge.refused' && entry.actorRef === refOf(anna.id))).toHaveLength(refusedBefore + 2);
    expect((await nudgesBy(anna.id)).map((record) => record.key)).not.toContain(mia.id);
    for (const body of [{}, { personId: 42 }, { who: mia.id }]) {
      const odd = await call('Anna Keller', 'team/nudge', { body });
      expect(odd.status).toBe(400);
      expect(odd.body.message).toBe('Say whom to nudge: the person\'s object id as personId, or "all".');
    }
  });
});

describe('the tab for managers with MANAGER_VIEW=aggregate', () => {
  const aggregate = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', MANAGER_VIEW: 'aggregate' }, { inMemory: true });
  const ask = tabApi(aggregate);

  it('shows counts and the one button, with no name or id of anyone on the team anywhere in the JSON', async () => {
    const team = ['Jonas Meier', 'Emily Carter', 'Lukas Schmid', 'Nadia Haddad'].map((name) => aggregate.people.user(name));
    const answer = await ask('Anna Keller', 'team');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ mode: 'aggregate', people: [], total: 4, nudgeable: 4, counts: [{ state: 'not-invited', label: 'Not invited yet', count: 4 }] });
    expect(answer.body.footnotes).toContain('Your organisation shows managers counts rather than names.');
    for (const person of team) for (const word of [person.id, person.displayName, person.givenName ?? person.displayName, person.userPrincipalName]) expect(answer.text).not.toContain(word);

    const one = await ask('Anna Keller', 'team/nudge', { body: { personId: team[0]?.id } });
    expect(one.status).toBe(403);
    expect(one.body.message).toBe('Your organisation shows managers counts rather than names, so a nudge goes to everyone not set up at once.');
    const all = await ask('Anna Keller', 'team/nudge', { body: { personId: 'all' } });
    expect(all.status).toBe(200);
    expect(all.body.message).toBe("I'll nudge 4 people in their working hours and say it comes from you.");
    for (const person of team) expect(all.text).not.toContain(person.displayName);
    expect(((await ask('Anna Keller', 'team')).body as unknown as TeamView).nudgeable).toBe(0);
  });
});
