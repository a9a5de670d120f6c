// Refusals go to the manager, against the real bot and both emulators: the refusal, the manager's card in the
// connector emulator, each of the four decisions and what the employee is told, clicks by anyone else refused,
// parallel clicks deciding once, reminders and the way up the chain in fake time, and every routing fallback.

import { describe, expect, it, vi } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import { UNREACHABLE_PARTITION } from '../../src/messaging/proactive-messenger.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at, settle } from '../support/outreach-helpers.js';
import { inJson, literally, recipientWords } from '../support/recipient-words.js';
import type { Person } from '../support/teams-chat.js';

// Monday 30 November 2026, 10:00 UTC: working hours in Europe.
const { bot, demo, chat, people } = demoBotSuite({ ESCALATION_REMINDER_WORKING_DAYS: '2', ESCALATION_REMINDERS_BEFORE_UP: '2', ESCALATION_TALK_WORKING_DAYS: '3', ESCALATION_MAX_EXCEPTION_DAYS: '90' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const outreach = () => bot().service.features;
const byName = people.user;
const groupMembers = people.members;

const drain = () => settle(bot, { fakeClock: true });
const step = (iso: string) => at(bot, iso);

/** The employee says no, the way the coach's refusal card does it; then the escalation is opened and its cards sent. */
async function refuse(employee: Person, reason = 'privacy', details?: string): Promise<void> {
  const response = await chat.click(employee, 'refusal.confirm', { reason, ...(details ? { details } : {}) });
  expect(JSON.stringify(response.value)).toContain('Your decision is recorded');
  await waitForEscalation(employee.id);
  await drain();
}

async function waitForEscalation(employeeId: string): Promise<string> {
  const started = performance.now();
  for (;;) {
    const open = await outreach().escalations.records.openFor(employeeId);
    if (open) return open.value.id;
    if (performance.now() - started > 10_000) throw new Error(`no escalation for ${employeeId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sentTo = people.received;
/** Each person reads the coach in their own language: the cards and news are expected in it. */
const words = recipientWords(demo);
const decisionCards = (userId: string, employeeName: string) =>
  sentTo(userId, new RegExp(['escalation.card.title', 'escalation.card.reminderTitle'].map((key) => literally(words.say(userId, key, { name: employeeName }))).join('|')));

function cardOf(record: RecordedActivity | undefined): Record<string, unknown> {
  const card = (record?.activity.attachments as { content?: Record<string, unknown> }[] | undefined)?.[0]?.content;
  if (!card) throw new Error('no card in that activity');
  return card;
}

function escalationIdOn(record: RecordedActivity | undefined): string {
  const actions = (cardOf(record).actions ?? []) as { data?: { escalationId?: string } }[];
  const id = actions.find((action) => action.data?.escalationId)?.data?.escalationId;
  if (!id) throw new Error('no escalation id on the card');
  return id;
}

async function decide(who: Person, escalationId: string, choice: string, extra: Record<string, unknown> = {}) {
  return chat.click(who, 'escalation.decide', { escalationId, choice, ...extra });
}

const textOf = (value: unknown) => JSON.stringify(value);

/** The date `days` after today on the suite's clock (which other tests move on), YYYY-MM-DD. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The first Friday at least `days` on, and how the bot writes it ("Friday, 15 January 2027", the comma optional). */
function aFridayIn(days: number): { date: string; written: RegExp } {
  const day = new Date(Date.now() + days * 86_400_000);
  while (day.getUTCDay() !== 5) day.setUTCDate(day.getUTCDate() + 1);
  const part = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(day);
  return { date: day.toISOString().slice(0, 10), written: new RegExp(`Friday,? ${part({ day: 'numeric' })} ${part({ month: 'long' })} ${part({ year: 'numeric' })}`) };
}

async function auditActions(action: string, escalationId: string): Promise<number> {
  const entries = await bot().service.store.list<{ action: string; details?: { escalationId?: string } }>(AUDIT_ENTRIES, { limit: 1000 });
  return entries.records.filter((record) => record.value.action === action && record.value.details?.escalationId === escalationId).length;
}

/** The chat as it shows now: the last version of a message the bot posted. */
function currentText(record: RecordedActivity | undefined): string {
  if (!record) throw new Error('no message');
  return JSON.stringify(demo().connector.storedActivity(record.conversationId, record.activityId)?.current);
}

describe('a refusal reaches the manager', () => {
  it('sends the manager one card with who, the reason, the concerns as topics, what the coach explained and the choices', async () => {
    const employee = chat.person(byName('Marco Rossi').id);
    const manager = byName('Lena Hoffmann');
    await chat.say(employee, 'will my employer be able to spy on my phone?');
    await refuse(employee, 'privacy', 'Not on my own phone, sorry');
    const cards = decisionCards(manager.id, 'Marco Rossi');
    expect(cards).toHaveLength(1);
    const text = textOf(cardOf(cards[0]));
    // Lena Hoffmann reads German: the whole card is in German, whatever language Marco Rossi wrote in.
    expect(words.languageOf(manager.id)).toBe('de');
    const say = (key: string, params?: Record<string, string | number>) => words.strings.text('de', key, params);
    expect(text).toContain(byName('Marco Rossi').jobTitle ?? 'no job title');
    expect(text).toContain(byName('Marco Rossi').department ?? 'no department');
    expect(text).toContain(inJson(say('escalation.reasons.privacy')));
    // Topics, not the words typed to the coach: the concerns' titles from the German catalog.
    expect(text).not.toContain('spy on my phone');
    const intents = (await bot().service.store.get<{ intents: string[] }>('refusals', employee.id))?.value.intents ?? [];
    expect(intents.length).toBeGreaterThan(0);
    for (const intent of intents) expect(text).toContain(inJson(words.concernTitle('de', intent)));
    expect(text).toContain(inJson(say('escalation.card.answered', { count: intents.length, first: 'Marco' })));
    for (const key of ['offerASecurityKey', 'grantAnException', 'requireEnrolment', 'iLlTalkTo']) expect(text).toContain(inJson(say(`cards.escalation.${key}`)));
    expect(text).not.toContain('Offer a security key');
    // The card's data names the escalation only: each of the four choices (the exception's inside its form) carries
    // the escalation id and the choice, nothing else.
    const data = [...text.matchAll(/"data":(\{[^{}]*\})/g)].map((match) => JSON.parse(match[1] ?? '{}') as Record<string, unknown>);
    expect(data.map((fields) => fields.choice).sort()).toEqual(['exception', 'require', 'security-key', 'talk']);
    for (const fields of data) expect(Object.keys(fields).sort()).toEqual(['choice', 'escalationId']);
    // Installing the app for the manager made Teams greet the bot: the card was their only message.
    expect(demo().connector.activities({ userId: manager.id, kind: 'send' })).toHaveLength(1);
  });

  it('refuses a click by anyone but the manager, with an audit entry, and decides nothing', async () => {
    // A manager no other test here involves: the test above counts every message Lena Hoffmann gets.
    const employee = chat.person(byName('Lukas Schmid').id);
    const manager = byName('Anna Keller');
    await refuse(employee);
    const escalationId = escalationIdOn(decisionCards(manager.id, 'Lukas Schmid')[0]);
    for (const intruder of [employee, chat.person(byName('Marco Rossi').id), chat.person(groupMembers('escalation')[0] ?? '')]) {
      const answer = await decide(intruder, escalationId, 'exception', { until: inDays(40), justification: 'please' });
      expect(textOf(answer.value)).toContain(intruder === employee ? 'This decision is about you' : 'Only Anna Keller can decide this');
    }
    expect(await auditActions('escalation.decision.denied', escalationId)).toBe(3);
    expect((await outreach().escalations.records.get(escalationId))?.value.state).toBe('open');
    expect(sentTo(employee.id, words.pattern(employee.id, 'escalation.news.exception.title'))).toHaveLength(0);
  });
});

describe('the four decisions', () => {
  it('offer a security key: the employee is told, the security-key group gets the request, the card shows who decided', async () => {
    const employee = chat.person(byName('Aisha Rahman').id);
    const manager = chat.person(byName('James Whitfield').id);
    await refuse(employee, 'no-suitable-phone');
    const card = decisionCards(manager.id, 'Aisha Rahman')[0];
    const answer = await decide(manager, escalationIdOn(card), 'security-key');
    expect(textOf(answer.value)).toContain('Decided by James Whitfield');
    expect(textOf(answer.value)).not.toContain('Action.Execute');
    await drain();
    expect(sentTo(employee.id, /A security key for you/)).toHaveLength(1);
    for (const member of groupMembers('security-key-requests')) expect(sentTo(member, /Security key needed for Aisha Rahman/), member).toHaveLength(1);
  });

  it('grant an exception: checked against the maximum and the required reason, then the employee is told until when', async () => {
    const employee = chat.person(byName('Oliver Hughes').id);
    const manager = chat.person(byName('James Whitfield').id);
    await refuse(employee, 'personal-device');
    const escalationId = escalationIdOn(decisionCards(manager.id, 'Oliver Hughes')[0]);
    const tooLong = await decide(manager, escalationId, 'exception', { until: inDays(400), justification: 'Travelling for months' });
    expect(textOf(tooLong.value)).toContain('at most 90 days');
    const until = aFridayIn(45);
    const noReason = await decide(manager, escalationId, 'exception', { until: until.date, justification: ' ' });
    expect(textOf(noReason.value)).toContain('Say briefly why');
    expect((await outreach().escalations.records.get(escalationId))?.value.state).toBe('open');
    const granted = await decide(manager, escalationId, 'exception', { until: until.date, justification: 'On parental leave until then' });
    expect(textOf(granted.value)).toMatch(new RegExp(`an exception until ${until.written.source}`));
    await drain();
    const news = sentTo(employee.id, /You can wait for now/);
    expect(news).toHaveLength(1);
    expect(textOf(news[0]?.activity)).toMatch(until.written);
    // The justification is for the people who decide, not for the employee.
    expect(textOf(news[0]?.activity)).not.toContain('parental leave');
  });

  it('require enrolment: the employee gets the business requirement and the way to do it', async () => {
    const employee = chat.person(byName('Hannah Müller').id);
    const manager = chat.person(byName('James Whitfield').id);
    await refuse(employee);
    const answer = await decide(manager, escalationIdOn(decisionCards(manager.id, 'Hannah Müller')[0]), 'require');
    expect(textOf(answer.value)).toContain('enrolment is required');
    await drain();
    // Hannah Müller reads German; James Whitfield, who decided, English.
    expect(textOf(answer.value)).toContain('enrolment is required');
    const news = sentTo(employee.id, words.pattern(employee.id, 'escalation.news.require.title'));
    expect(news).toHaveLength(1);
    expect(textOf(news[0]?.activity)).toContain(inJson(words.say(employee.id, 'escalation.news.require.decided', { name: 'James Whitfield' })));
    expect(textOf(news[0]?.activity)).toContain('flow.show-me-how');
  });

  it("I'll talk to them: nothing is decided, the employee hears nothing yet, and the manager is asked again after the snooze", async () => {
    const employee = chat.person(byName('Charlotte Evans').id);
    const manager = chat.person(byName('James Whitfield').id);
    await refuse(employee);
    const escalationId = escalationIdOn(decisionCards(manager.id, 'Charlotte Evans')[0]);
    const answer = await decide(manager, escalationId, 'talk');
    expect(textOf(answer.value)).toContain("I'll ask again on");
    // The choices stay on the card: the manager can still decide after talking.
    expect(textOf(answer.value)).toContain('Require enrolment');
    await drain();
    expect(demo().connector.activities({ userId: employee.id, kind: 'send' }).filter((record) => /decided|security key|wait for now/i.test(textOf(record.activity)))).toHaveLength(0);
    expect((await outreach().escalations.records.get(escalationId))?.value.state).toBe('open');
    expect(await auditActions('escalation.talk', escalationId)).toBe(1);
  });
});

describe('exactly one decision', () => {
  it('records one decision when the manager clicks twice at once (two tabs), and both views show it', async () => {
    const employee = chat.person(byName('Felix Wagner').id);
    const manager = chat.person(byName('Sarah Goldberg').id);
    await refuse(employee);
    const escalationId = escalationIdOn(decisionCards(manager.id, 'Felix Wagner')[0]);
    const answers = await Promise.all([
      decide(manager, escalationId, 'require'),
      decide(manager, escalationId, 'security-key'),
      decide(manager, escalationId, 'require'),
      decide(manager, escalationId, 'exception', { until: inDays(50), justification: 'Second tab' }),
    ]);
    await drain();
    expect(await auditActions('escalation.decided', escalationId)).toBe(1);
    // Which click wins is a race; whichever it was, the employee hears that one decision, once, and nothing of the others.
    const decision = (await outreach().escalations.records.get(escalationId))?.value.decision;
    const newsOf = { require: words.pattern(employee.id, 'escalation.news.require.title'), 'security-key': words.pattern(employee.id, 'escalation.news.securityKey.title'), exception: words.pattern(employee.id, 'escalation.news.exception.title') } as const;
    const won = decision?.choice as keyof typeof newsOf;
    expect(Object.keys(newsOf)).toContain(won);
    for (const answer of answers) expect(textOf(answer.value)).toContain('Decided by Sarah Goldberg');
    for (const [choice, words] of Object.entries(newsOf)) expect(sentTo(employee.id, words), choice).toHaveLength(choice === won ? 1 : 0);
  });

  it('lets either member of the escalation group decide, once, and updates the other member’s copy of the card', async () => {
    // Helena Brandt has no manager in the directory: the escalation group decides.
    const employee = chat.person(byName('Helena Brandt').id);
    await refuse(employee);
    const [first = '', second = ''] = groupMembers('escalation');
    const firstCard = decisionCards(first, 'Helena Brandt')[0];
    const secondCard = decisionCards(second, 'Helena Brandt')[0];
    expect(textOf(cardOf(firstCard))).toContain('the directory shows no manager for them');
    expect(decisionCards(second, 'Helena Brandt')).toHaveLength(1);
    const escalationId = escalationIdOn(firstCard);
    const [one, two] = await Promise.all([decide(chat.person(first), escalationId, 'require'), decide(chat.person(second), escalationId, 'security-key')]);
    await drain();
    expect(await auditActions('escalation.decided', escalationId)).toBe(1);
    const decided = (await outreach().escalations.records.get(escalationId))?.value.decision;
    const winner = decided?.by.id === first ? one : two;
    const loser = decided?.by.id === first ? two : one;
    expect(textOf(winner.value)).toContain('Decided by');
    expect(textOf(loser.value)).toContain('Decided by');
    // Every copy the bot posted now shows the decision, updated through the connector by its activity id.
    for (const card of [firstCard, secondCard]) {
      expect(currentText(card)).toContain('Decided by');
      expect(currentText(card)).not.toContain('escalation.decide');
    }
  });
});

describe('routing falls back to the escalation group', () => {
  const groupGotCardFor = (name: string) => groupMembers('escalation').every((member) => decisionCards(member, name).length === 1);

  it('when the manager’s account is disabled', async () => {
    // Julia Becker's manager, Klaus Richter, is disabled in the demo tenant.
    const employee = chat.person(byName('Julia Becker').id);
    await refuse(employee);
    expect(decisionCards(byName('Klaus Richter').id, 'Julia Becker')).toHaveLength(0);
    expect(groupGotCardFor('Julia Becker')).toBe(true);
    expect(textOf(cardOf(decisionCards(groupMembers('escalation')[0] ?? '', 'Julia Becker')[0]))).toContain("manager's account is disabled");
  });

  it('when the directory names the employee as their own manager', async () => {
    const kenji = byName('Kenji Tanaka').id;
    demo().graph.state.setManager(kenji, kenji);
    const employee = chat.person(kenji);
    await refuse(employee);
    expect(groupGotCardFor('Kenji Tanaka')).toBe(true);
    expect(textOf(cardOf(decisionCards(groupMembers('escalation')[0] ?? '', 'Kenji Tanaka')[0]))).toContain('their own manager');
  });

  it('when the manager removed the app earlier (the bot cannot reach them)', async () => {
    const manager = byName('Sophie Laurent');
    await bot().service.store.put(UNREACHABLE_PARTITION, manager.id, { reason: 'removed-app', at: new Date().toISOString() });
    const employee = chat.person(byName('Pierre Dubois').id);
    await refuse(employee);
    expect(decisionCards(manager.id, 'Pierre Dubois')).toHaveLength(0);
    expect(groupGotCardFor('Pierre Dubois')).toBe(true);
  });

  it('never to the person themselves when they are in the escalation group, and their own click is refused', async () => {
    const [member = '', other = ''] = groupMembers('escalation');
    const name = demo().seed.users.find((user) => user.id === member)?.displayName ?? '';
    demo().graph.state.setManager(member, undefined);
    const employee = chat.person(member);
    await refuse(employee);
    expect(decisionCards(member, name)).toHaveLength(0);
    expect(decisionCards(other, name)).toHaveLength(1);
    const card = decisionCards(other, name)[0];
    const own = await decide(employee, escalationIdOn(card), 'exception', { until: inDays(40), justification: 'I approve myself' });
    expect(textOf(own.value)).toContain('This decision is about you, so someone else has to make it');
    expect((await outreach().escalations.records.openFor(member))?.value.state).toBe('open');
  });

  it('when Teams refuses to deliver to the manager (they blocked the bot): the card goes to the group instead', async () => {
    const manager = byName('Maria Gonzalez');
    demo().connector.blockUser(manager.id);
    const employee = chat.person(byName('Tyrone Jackson').id);
    await refuse(employee);
    await drain();
    expect(decisionCards(manager.id, 'Tyrone Jackson')).toHaveLength(0);
    expect(groupGotCardFor('Tyrone Jackson')).toBe(true);
    const escalation = await outreach().escalations.records.openFor(employee.id);
    expect(escalation?.value.decider).toMatchObject({ kind: 'group', because: 'manager-unreachable' });
  });
});

/**
 * Each test below runs in a week of its own: the clock is set to 10:00 UTC on a Monday at least a week after it stands
 * now (time only moves forward, whichever test ran before), and the test steps through that week.
 */
function aFreshMonday(): Date {
  const now = new Date();
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 7, 10));
  while (monday.getUTCDay() !== 1) monday.setUTCDate(monday.getUTCDate() + 1);
  vi.setSystemTime(monday);
  return monday;
}

/** `days` after that Monday, at `hour` UTC (10.5 is 10:30). */
const on = (monday: Date, days: number, hour: number) => new Date(monday.getTime() + days * 86_400_000 + (hour - 10) * 3_600_000).toISOString();

describe('reminders and the way up the chain (fake time)', () => {
  it('reminds the manager after 2 working days, twice, then asks their manager; the first manager can no longer decide', async () => {
    const monday = aFreshMonday();
    const employee = chat.person(byName('Noah Kim').id);
    const manager = chat.person(byName('Ethan Brooks').id);
    const managersManager = chat.person(byName('Olivia Bennett').id);
    await refuse(employee);
    expect(decisionCards(manager.id, 'Noah Kim')).toHaveLength(1);

    await step(on(monday, 1, 16)); // Tuesday: one working day, nothing yet
    expect(decisionCards(manager.id, 'Noah Kim')).toHaveLength(1);
    await step(on(monday, 2, 10.5)); // Wednesday: two working days
    const afterFirst = decisionCards(manager.id, 'Noah Kim');
    expect(afterFirst).toHaveLength(2);
    expect(textOf(cardOf(afterFirst[1]))).toContain('Reminder: Noah Kim is waiting for your decision');
    await step(on(monday, 5, 10.5)); // Saturday: not a working day, and only one working day since
    expect(decisionCards(manager.id, 'Noah Kim')).toHaveLength(2);
    await step(on(monday, 7, 10.5)); // Monday: Thursday and Friday were the two working days
    expect(decisionCards(manager.id, 'Noah Kim')).toHaveLength(3);
    expect(decisionCards(managersManager.id, 'Noah Kim')).toHaveLength(0);

    await step(on(monday, 9, 10.5)); // Wednesday: no answer after two reminders, so up the chain
    expect(decisionCards(manager.id, 'Noah Kim')).toHaveLength(3);
    const upCard = decisionCards(managersManager.id, 'Noah Kim');
    expect(upCard).toHaveLength(1);
    expect(textOf(cardOf(upCard[0]))).not.toContain('Reminder');
    for (const card of decisionCards(manager.id, 'Noah Kim')) expect(currentText(card)).toContain('has gone to Olivia Bennett');

    const escalationId = escalationIdOn(upCard[0]);
    const tooLate = await decide(manager, escalationId, 'exception', { until: inDays(40), justification: 'I was away' });
    expect(textOf(tooLate.value)).toContain('Only Olivia Bennett can decide this');
    const decided = await decide(managersManager, escalationId, 'require');
    expect(textOf(decided.value)).toContain('Decided by Olivia Bennett');
    await drain();
    expect(sentTo(employee.id, /Olivia Bennett has decided/)).toHaveLength(1);
    expect(await auditActions('escalation.reminded', escalationId)).toBe(2);
    expect(await auditActions('escalation.moved-up', escalationId)).toBe(1);
  });

  it("asks again 3 working days after \"I'll talk to them\", with the talk noted on the card", async () => {
    const monday = aFreshMonday();
    const employee = chat.person(byName('Chloe Nguyen').id);
    const manager = chat.person(byName("Liam O'Connor").id);
    await refuse(employee);
    const escalationId = escalationIdOn(decisionCards(manager.id, 'Chloe Nguyen')[0]);
    await decide(manager, escalationId, 'talk');
    await step(on(monday, 2, 14)); // Wednesday: two working days, the reminder that was due is held by the talk
    expect(decisionCards(manager.id, 'Chloe Nguyen')).toHaveLength(1);
    await step(on(monday, 3, 10.5)); // Thursday: three working days
    const cards = decisionCards(manager.id, 'Chloe Nguyen');
    expect(cards).toHaveLength(2);
    expect(textOf(cardOf(cards[1]))).toContain("Liam O'Connor said on");
    expect(textOf(cardOf(cards[1]))).toContain('escalation.decide');
  });

  it('stops asking once the employee enrols, and the manager’s card says no decision is needed', async () => {
    // A week on from the refusal the manager would have had two reminders, and the card would have gone up.
    const monday = aFreshMonday();
    const employee = chat.person(byName('Mia Rodriguez').id);
    const manager = byName('Ethan Brooks');
    await refuse(employee);
    const card = decisionCards(manager.id, 'Mia Rodriguez')[0];
    const escalationId = escalationIdOn(card);
    await outreach().events.enrolled(employee.id, 1);
    await drain();
    expect((await outreach().escalations.records.get(escalationId))?.value.state).toBe('withdrawn');
    expect(currentText(card)).toContain('No decision needed any more');
    await step(on(monday, 2, 10.5)); // Wednesday: two working days, when the first reminder would be due
    await step(on(monday, 7, 10.5)); // the Monday after: past the second reminder and the way up
    expect(decisionCards(manager.id, 'Mia Rodriguez')).toHaveLength(1);
    expect(decisionCards(byName('Olivia Bennett').id, 'Mia Rodriguez')).toHaveLength(0);
  });
});
