// The coach in each of its languages, end to end through /api/messages: a question in German, French, Spanish or
// Dutch is understood by that language's model and answered in that language (the catalog's answer, the buttons, the
// cards), whatever language the person's Teams is set to; a person who asks for a language keeps it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Strings } from '../../src/shared/strings.js';
import { demoBotSuite } from '../support/demo-suite.js';
import type { Person } from '../support/teams-chat.js';

const { demo, chat } = demoBotSuite({ ORGANISATION_NAME: 'Northwind Pharma', ROLLOUT_DEADLINE: '2027-01-15' }, { inMemory: true });

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const strings = new Strings(path.join(ROOT, 'strings'));
const catalogTitle = (locale: string, intent: string) => (JSON.parse(readFileSync(path.join(ROOT, 'catalog', locale, `${intent}.json`), 'utf8')) as { title: string }).title;
const text = (value: unknown) => JSON.stringify(value);
const escaped = (value: string) => JSON.stringify(value).slice(1, -1);

let next = 0;
/** A demo employee of their own for each conversation; their Teams is set to English, so only the message tells its language. */
function someone(): Person {
  const people = demo().seed.users.filter((user) => user.accountKind === 'person' && user.userType === 'Member' && user.accountEnabled && user.teamsLicensed);
  const user = people[next++];
  if (!user) throw new Error('not enough demo people');
  return chat.person(user.id);
}

/** Messages written for this test (not taken from any evaluation set), with the concern each raises. */
const QUESTIONS: Record<string, [string, string][]> = {
  de: [
    ['Muss ich wirklich mein privates Handy dafür benutzen?', 'personal-device'],
    ['Was sieht mein Arbeitgeber, wenn ich die App installiere?', 'employer-spying|personal-data-access'],
    ['Ich habe gar kein Smartphone, nur ein altes Tastenhandy', 'no-smartphone'],
  ],
  fr: [
    ["Est-ce que mon employeur pourra lire mes messages si j'installe l'application ?", 'employer-spying|personal-data-access'],
    ["J'ai perdu mon téléphone hier soir, je fais comment pour me connecter ?", 'lost-phone'],
    ["Pourquoi l'entreprise nous oblige à passer aux clés d'accès ?", 'why-required'],
  ],
  es: [
    ['¿Mi empresa va a poder ver mis fotos si instalo la aplicación?', 'personal-data-access|employer-spying'],
    ['No tengo móvil de empresa y no quiero usar el mío personal', 'personal-device'],
    ['¿Qué pasa si pierdo el teléfono?', 'lost-phone'],
  ],
  nl: [
    ['Kan mijn werkgever zien waar ik ben als ik die app installeer?', 'location-tracking'],
    ['Ik heb geen smartphone, alleen een oude Nokia', 'no-smartphone'],
    ['Waarom moeten we eigenlijk overstappen op passkeys?', 'why-required'],
  ],
};

describe.each(Object.keys(QUESTIONS))('in %s', (locale) => {
  it.each(QUESTIONS[locale] as [string, string][])('"%s" is answered in that language (%s)', async (message, intents) => {
    const reply = await chat.say(someone(), message, { locale: 'en-GB' });
    const card = text(reply.cards);
    const titles = intents.split('|').map((intent) => catalogTitle(locale, intent));
    expect(titles.some((title) => card.includes(escaped(title))), `${card.slice(0, 300)} should carry one of ${titles.join(' / ')}`).toBe(true);
    // The buttons are in the language too.
    expect(card).toContain(escaped(strings.text(locale, 'coach.buttons.talk-to-person')));
  });

  it('the buttons of that answer go on in that language', async () => {
    const person = someone();
    const [message] = QUESTIONS[locale] as [string, string][];
    await chat.say(person, message![0], { locale: 'en-GB' });
    const picker = await chat.click(person, 'flow.show-me-how', {}, { locale: 'en-GB' });
    expect(text(picker.value)).toContain(escaped(strings.text(locale, 'cards.platform-picker.whichDeviceDoYou')));
  });
});

describe('a language asked for', () => {
  it('is kept until another is asked for', async () => {
    const person = someone();
    const switched = await chat.say(person, 'en español, por favor', { locale: 'en-GB' });
    expect(switched.texts.join(' ')).toBe(strings.text('es', 'language.switched'));
    const answer = await chat.say(person, 'can my employer read my email on my phone?', { locale: 'en-GB' });
    expect(text(answer.cards)).toContain(escaped(strings.text('es', 'coach.buttons.talk-to-person')));
    const back = await chat.say(person, 'English please', { locale: 'en-GB' });
    expect(back.texts.join(' ')).toBe(strings.text('en', 'language.switched'));
    const english = await chat.say(person, '¿Qué pasa si pierdo el teléfono?', { locale: 'en-GB' });
    expect(text(english.cards)).toContain(escaped(catalogTitle('en', 'lost-phone')));
  });
});

describe('a short message', () => {
  it('is answered in the language of the person Teams is set to', async () => {
    const reply = await chat.say(someone(), 'hulp', { locale: 'nl-NL' });
    expect(text(reply.cards)).toContain(escaped(strings.text('nl', 'cards.help.whatICanDo')));
  });
});
