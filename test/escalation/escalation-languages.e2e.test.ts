// A refusal and its decision, each message in the language of the person who reads it, end to end through
// /api/messages: a French employee says no in French, her German manager gets the card in German (the concerns in
// the German catalog's words) and grants an exception in German, and the employee hears of it in French. Someone who
// asked for English gets English, whatever the directory says of them: an employee's news, a manager's card.

import { describe, expect, it } from 'vitest';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { settle } from '../support/outreach-helpers.js';
import { inJson, recipientWords } from '../support/recipient-words.js';
import type { Person } from '../support/teams-chat.js';

// Monday 30 November 2026, 10:00 UTC.
const { bot, demo, chat, people } = demoBotSuite({ ESCALATION_MAX_EXCEPTION_DAYS: '90' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const words = recipientWords(demo);
const { strings } = words;
const text = (value: unknown) => JSON.stringify(value);
const drain = () => settle(bot, { fakeClock: true });

/** The demo person by name, in a chat whose Teams client is set to `teamsLocale` (Teams sends it with every activity). */
function personIn(name: string, teamsLocale: string): Person & { locale: { locale: string } } {
  return { ...chat.person(people.user(name).id), locale: { locale: teamsLocale } };
}

async function escalationOf(employeeId: string): Promise<string> {
  const started = performance.now();
  for (;;) {
    const open = await bot().service.features.escalations.records.openFor(employeeId);
    if (open) return open.value.id;
    if (performance.now() - started > 10_000) throw new Error(`no escalation for ${employeeId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Says no the way the employee would: a message the coach reads as a refusal, then the form it answers with. */
async function refuse(employee: Person & { locale: { locale: string } }, message: string, locale: string, details?: string): Promise<string> {
  const form = await chat.say(employee, message, employee.locale);
  expect(text(form.cards)).toContain('"id":"reason"');
  expect(text(form.cards)).toContain(inJson(strings.text(locale, 'cards.refusal-reason.beforeYouDecide')));
  const confirmed = await chat.click(employee, 'refusal.confirm', { reason: 'privacy', ...(details ? { details } : {}) }, employee.locale);
  expect(text(confirmed.value)).toContain(inJson(strings.text(locale, 'coach.refusal.recordedTitle')));
  const escalationId = await escalationOf(employee.id);
  await drain();
  return escalationId;
}

const sent = (userId: string): RecordedActivity[] => demo().connector.activities({ userId, kind: 'send' });
/** What the person got about this escalation: the decider's card (it carries the id) or the news (after the decision). */
const cardsAbout = (userId: string, escalationId: string) => sent(userId).filter((record) => text(record.activity).includes(escalationId));
const intentsOf = async (employeeId: string) => (await bot().service.store.get<{ intents: string[] }>('refusals', employeeId))?.value.intents ?? [];

describe('a refusal in French, decided in German', () => {
  it('gives the German manager the card in German and the French employee the decision in French', async () => {
    const employee = personIn('Élodie Martin', 'fr-FR');
    const manager = personIn('Lena Hoffmann', 'de-DE');
    expect([words.languageOf(employee.id), words.languageOf(manager.id)]).toEqual(['fr', 'de']);

    const question = await chat.say(employee, "Est-ce que mon employeur pourra lire mes messages si j'installe l'application ?", employee.locale);
    expect(text(question.cards)).toContain(inJson(strings.text('fr', 'coach.buttons.talk-to-person')));
    const escalationId = await refuse(employee, "je ne le ferai pas, c'est tout", 'fr', 'Je préfère en parler avec vous avant');

    // The manager's card, in German: title, reason, the concerns as the German catalog names them, and the choices.
    const [card] = cardsAbout(manager.id, escalationId);
    const de = (key: string, params?: Record<string, string | number>) => inJson(strings.text('de', key, params));
    const shown = text(card?.activity);
    expect(shown).toContain(de('escalation.card.title', { name: 'Élodie Martin' }));
    expect(shown).toContain(de('escalation.card.intro', { first: 'Élodie' }));
    expect(shown).toContain(de('escalation.reasons.privacy'));
    expect(shown).toContain('Montag, 30. November 2026');
    const intents = await intentsOf(employee.id);
    expect(intents.length).toBeGreaterThan(0);
    for (const intent of intents) {
      expect(shown).toContain(inJson(words.concernTitle('de', intent)));
      expect(shown).not.toContain(inJson(words.concernTitle('fr', intent)));
    }
    // What she asked to pass on stays in her own words, under a German label.
    expect(shown).toContain(de('escalation.card.detailsLabel', { first: 'Élodie' }));
    expect(shown).toContain('Je préfère en parler avec vous avant');
    for (const key of ['offerASecurityKey', 'grantAnException', 'requireEnrolment', 'iLlTalkTo']) expect(shown).toContain(de(`cards.escalation.${key}`));
    expect(shown).not.toContain('has said no to a passkey');

    // Her clicks are answered in German: a date past the limit, then the exception.
    const tooLong = await chat.click(manager, 'escalation.decide', { escalationId, choice: 'exception', until: '2027-06-30', justification: 'Elternzeit' }, manager.locale);
    expect(text(tooLong.value)).toContain(de('escalation.exception.tooLong', { days: 90, date: 'Sonntag, 28. Februar 2027' }));
    const granted = await chat.click(manager, 'escalation.decide', { escalationId, choice: 'exception', until: '2027-01-15', justification: 'Elternzeit bis dahin' }, manager.locale);
    expect(text(granted.value)).toContain(de('escalation.summary.exceptionWithReason', { date: 'Freitag, 15. Januar 2027' }));
    expect(text(granted.value)).toContain('Entschieden von Lena Hoffmann');
    await drain();

    // The employee hears it in French, with the date as French speakers write it, and not the manager's reason.
    const news = sent(employee.id).filter((record) => text(record.activity).includes(inJson(strings.text('fr', 'escalation.news.exception.title'))));
    expect(news).toHaveLength(1);
    const told = text(news[0]?.activity);
    expect(told).toContain(inJson(strings.text('fr', 'escalation.news.exception.agreed', { name: 'Lena Hoffmann', date: 'vendredi 15 janvier 2027' })));
    expect(told).toContain(inJson(strings.text('fr', 'escalation.news.exception.showMeHow')));
    expect(told).not.toContain('Elternzeit');
    expect(told).not.toContain('You can wait for now');
    // Its button goes on in French.
    const picker = await chat.click(employee, 'flow.show-me-how', {}, employee.locale);
    expect(text(picker.value)).toContain(inJson(strings.text('fr', 'cards.platform-picker.whichDeviceDoYou')));
  });
});

describe('someone who asked for English', () => {
  it('an employee who said "English please" hears the decision in English, while the German manager decides in German', async () => {
    const employee = personIn('Lukas Schmid', 'de-CH');
    const manager = personIn('Anna Keller', 'de-CH');
    expect(words.languageOf(employee.id)).toBe('de');
    const switched = await chat.say(employee, 'English please', employee.locale);
    expect(switched.texts.join(' ')).toBe(strings.text('en', 'language.switched'));
    const escalationId = await refuse(employee, "I'm not doing this, end of story", 'en');

    const [card] = cardsAbout(manager.id, escalationId);
    expect(text(card?.activity)).toContain(inJson(strings.text('de', 'escalation.card.title', { name: 'Lukas Schmid' })));
    const decided = await chat.click(manager, 'escalation.decide', { escalationId, choice: 'require' }, manager.locale);
    expect(text(decided.value)).toContain(inJson(strings.text('de', 'escalation.summary.require')));
    await drain();

    const news = sent(employee.id).filter((record) => text(record.activity).includes('A passkey is needed for your work account'));
    expect(news).toHaveLength(1);
    expect(text(news[0]?.activity)).toContain('Anna Keller has decided that signing in with a passkey is required for your work account.');
    expect(text(news[0]?.activity)).toContain(inJson(strings.text('en', 'coach.buttons.another-question')));
  });

  it('a German manager who said "English please" gets the card, its concerns and the answers to clicks in English', async () => {
    const manager = personIn('Helena Brandt', 'de-CH');
    const employee = personIn('Sophie Laurent', 'fr-FR');
    expect(words.languageOf(manager.id)).toBe('de');
    await chat.say(manager, 'English please', manager.locale);
    await chat.say(employee, "J'ai perdu mon téléphone hier soir, je fais comment pour me connecter ?", employee.locale);
    const escalationId = await refuse(employee, "je ne le ferai pas, c'est tout", 'fr');

    const [card] = cardsAbout(manager.id, escalationId);
    const shown = text(card?.activity);
    expect(shown).toContain('Sophie Laurent has said no to a passkey');
    expect(shown).toContain('Worried about their privacy');
    const intents = await intentsOf(employee.id);
    expect(intents.length).toBeGreaterThan(0);
    for (const intent of intents) expect(shown).toContain(inJson(words.concernTitle('en', intent)));
    // Her Teams is in German, but she asked for English: the click's answer keeps to it.
    const decided = await chat.click(manager, 'escalation.decide', { escalationId, choice: 'security-key' }, manager.locale);
    expect(text(decided.value)).toContain('Decided by Helena Brandt');
    expect(text(decided.value)).toContain('a security key is offered');
    await drain();

    // Sophie Laurent hears it in French; the security-key team (Polish: no strings, so English) gets its request in English.
    const news = sent(employee.id).filter((record) => text(record.activity).includes(inJson(strings.text('fr', 'escalation.news.securityKey.title'))));
    expect(news).toHaveLength(1);
    expect(text(news[0]?.activity)).toContain(inJson(strings.text('fr', 'escalation.news.securityKey.asked', { name: 'Helena Brandt' })));
    for (const member of people.members('security-key-requests')) {
      expect(words.languageOf(member)).toBe('en');
      expect(sent(member).filter((record) => text(record.activity).includes('Security key needed for Sophie Laurent'))).toHaveLength(1);
    }
  });
});
