// The campaign's messages read well in every language, with or without ORGANISATION_NAME: each language has its own
// words for "your organisation", and they never start a sentence; the date is written as the language writes it.

import { describe, expect, it } from 'vitest';
import { nudgeCard } from '../../src/campaigns/campaign-messages.js';
import { INVITATION_VARIANTS } from '../../src/campaigns/invitation-variants.js';
import { CardRenderer } from '../../src/cards/card-renderer.js';
import { Strings } from '../../src/shared/strings.js';

const strings = new Strings();
const card = (step: string, organisationName: string | undefined, locale: string, sponsor?: { name: string; message: string }, variant?: string) =>
  nudgeCard({ campaign: { id: 'c1', deadline: '2027-01-15', sponsor }, member: { displayName: 'Ava Patel', snoozes: 0, timeZone: 'UTC', variant }, step, organisationName, snoozeDays: 3, maxSnoozes: 2, locale, strings });

describe('campaign messages', () => {
  it.each(strings.locales)('in %s, start every title and paragraph with a capital, whatever the organisation is called, in every invitation text', (locale) => {
    for (const organisationName of [undefined, 'Northwind Pharma']) {
      for (const variant of INVITATION_VARIANTS) {
        for (const step of ['invite', 'reminder-1', 'decision']) {
          const { title, paragraphs } = card(step, organisationName, locale, undefined, variant);
          for (const text of [title, ...paragraphs]) expect(text.charAt(0), `${variant} ${step}: ${text}`).toMatch(/\p{Lu}/u);
          expect(title).toMatch(/^Ava\b/);
          // Every text names the organisation where the invitation and the reminder give the reason.
          if (step !== 'decision' && organisationName) expect(paragraphs.join(' '), `${variant} ${step}`).toContain(organisationName);
        }
      }
    }
  });

  it.each(strings.locales)('in %s, words the invitation and the reminders in the person’s own text, and the usual one for a member from before variants', (locale) => {
    const invitations = INVITATION_VARIANTS.map((variant) => card('invite', undefined, locale, undefined, variant));
    expect(new Set(invitations.map((invitation) => invitation.title)).size).toBe(INVITATION_VARIANTS.length);
    for (const [index, variant] of INVITATION_VARIANTS.entries()) {
      expect(invitations[index]?.title).toBe(strings.text(locale, `campaigns.variants.${variant}.title`, { name: 'Ava' }));
      const reminder = card('reminder-1', 'Northwind Pharma', locale, undefined, variant);
      expect(reminder.paragraphs[0]).toBe(strings.text(locale, `campaigns.variants.${variant}.reminder`, { organisation: 'Northwind Pharma', deadline: reminder.facts[0]?.value ?? '' }));
    }
    expect(card('invite', undefined, locale)).toEqual(card('invite', undefined, locale, undefined, 'standard'));
  });

  it('names the organisation in the invitation, as configured or in the language\'s own words', () => {
    expect(card('invite', undefined, 'en').paragraphs[0]).toMatch(/^Everyone at your organisation is moving to passkeys/);
    expect(card('invite', 'Northwind Pharma', 'de').paragraphs[0]).toMatch(/^Northwind Pharma stellt die Anmeldung für alle auf Passkeys um/);
    expect(card('invite', undefined, 'de').paragraphs[0]).toMatch(/^Ihre Organisation stellt die Anmeldung für alle auf Passkeys um/);
    expect(card('reminder-1', undefined, 'nl').paragraphs[0]).toContain('uw organisatie vraagt iedereen om er uiterlijk op');
    // A name is written as its owner writes it, even at the start of a sentence.
    expect(card('invite', 'iRobot', 'de').paragraphs[0]).toMatch(/^iRobot stellt/);
  });

  it.each(strings.locales.filter((locale) => locale !== 'en'))('in %s, never says "your organisation" in English', (locale) => {
    for (const variant of INVITATION_VARIANTS) {
      for (const step of ['invite', 'reminder-1', 'decision']) {
        const { title, paragraphs } = card(step, undefined, locale, undefined, variant);
        expect([title, ...paragraphs].join(' ')).not.toMatch(/your organi[sz]ation/i);
      }
    }
  });

  it('writes the deadline and the buttons in the employee language', () => {
    const german = card('reminder-1', 'Northwind Pharma', 'de');
    expect(german.facts).toEqual([{ title: 'Frist', value: 'Freitag, 15. Januar 2027' }]);
    expect(german.actions.map((action) => action.title)).toContain('Später: in 3 Tagen erinnern');
    expect(card('reminder-1', 'Northwind Pharma', 'en').facts).toEqual([{ title: 'Deadline', value: 'Friday, 15 January 2027' }]);
  });

  it.each(strings.locales)('in %s, opens the invitation with the sponsor’s name and words as written, framed in the language, and no reminder', (locale) => {
    const sponsor = { name: 'Helena *Brandt*, CEO', message: 'Please do it [today](https://example.com): it takes _two_ minutes.' };
    const [lines] = card('invite', undefined, locale, sponsor).sponsor;
    expect(`${lines?.before}${lines?.name.text}${lines?.after}`).toBe(strings.text(locale, 'campaigns.nudge.invite.sponsor', { sponsor: sponsor.name }));
    expect(lines?.message.text).toBe(sponsor.message);
    const rendered = JSON.stringify(CardRenderer.load(undefined, strings).render('campaign-nudge', card('invite', undefined, locale, sponsor) as unknown as Record<string, unknown>, locale));
    // The renderer refuses a person's words outside a TextRun; here they are, unescaped, first in the card.
    expect(rendered).toContain(`{"type":"TextRun","text":"${sponsor.name}","weight":"Bolder"}`);
    expect(rendered).toContain(`{"type":"TextRun","text":"${sponsor.message}","italic":true}`);
    expect(rendered.indexOf(sponsor.message)).toBeLessThan(rendered.indexOf('"style":"heading"'));
    for (const step of ['reminder-1', 'decision']) expect(card(step, undefined, locale, sponsor).sponsor, step).toEqual([]);
    expect(card('invite', undefined, locale).sponsor).toEqual([]);
  });
});
