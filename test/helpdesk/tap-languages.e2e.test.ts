// Passes in each reader's language, end to end through /api/messages: the agent's form and replies in the language of
// their conversation (here their Teams is set to German), each approver's card in the language the directory gives
// them (Nora Jansen Dutch, Katarzyna Zielińska Polish, which the coach does not speak, so English), a click's answer
// in the clicker's, and someone who said "English please" gets English from then on.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { settle } from '../support/outreach-helpers.js';
import type { Person } from '../support/teams-chat.js';

const { bot, chat, people } = demoBotSuite({}, { inMemory: true });

const person = (name: string) => chat.person(people.user(name).id);
const text = (value: unknown) => JSON.stringify(value);
const approvalCards = (name: string, requestId: string) => people.received(people.user(name).id, new RegExp(requestId)).map((record) => text(record.activity));

/** `tap request` and the form sent, by an agent whose Teams is set to `locale`; the request id. */
async function sentForApproval(agent: Person, targetName: string, locale: string): Promise<string> {
  const reply = await chat.say(agent, `tap request ${people.user(targetName).userPrincipalName}`, { locale });
  const id = (reply.cards[0]?.actions as { data?: { requestId?: string } }[] | undefined)?.[0]?.data?.requestId;
  if (!id) throw new Error(`no request form: ${text(reply)}`);
  await chat.click(agent, 'tap.submit', { requestId: id, check: 'video-id', reason: 'Neues Telefon, Passkey fehlt', lifetime: '60', oneTime: 'true' }, { locale });
  await settle(bot);
  return id;
}

describe('passes in each reader’s language', () => {
  it('gives the agent German, Nora Jansen a Dutch card and Katarzyna Zielińska an English one, for the same request', async () => {
    const agent = person('Jordan Reyes');
    const form = await chat.say(agent, `tap request ${people.user('Sophie Laurent').userPrincipalName}`, { locale: 'de-DE' });
    expect(text(form.cards)).toContain('Befristeter Zugriffspass für Sophie Laurent');
    expect(text(form.cards)).toContain('Videoanruf mit Lichtbildausweis');
    expect(text(form.cards)).not.toContain('Temporary Access Pass for');
    const id = (form.cards[0]?.actions as { data?: { requestId?: string } }[] | undefined)?.[0]?.data?.requestId as string;
    const sent = await chat.click(agent, 'tap.submit', { requestId: id, check: 'video-id', reason: 'Neues Telefon, Passkey fehlt', lifetime: '60', oneTime: 'true' }, { locale: 'de-DE' });
    expect(text(sent.value)).toContain('Zur Genehmigung abgeschickt');
    await settle(bot);

    const [dutch] = approvalCards('Nora Jansen', id);
    expect(dutch).toContain('Tijdelijke toegangspas voor Sophie Laurent goedkeuren?');
    expect(dutch).toContain('60 minuten, één aanmelding');
    expect(dutch).not.toContain('Approve a Temporary Access Pass');
    const [english] = approvalCards('Katarzyna Zielińska', id);
    expect(english).toContain('Approve a Temporary Access Pass for Sophie Laurent?');

    // Nora approves from a Teams set to Dutch: the answer is Dutch; the agent's own "tap cancel" answer stays German.
    const approved = await chat.click(person('Nora Jansen'), 'tap.approve', { requestId: id }, { locale: 'nl-NL' });
    expect(text(approved.value)).toContain('Goedgekeurd door Nora Jansen');
    expect((await chat.say(agent, 'tap cancel T-ZZZZZZ', { locale: 'de-DE' })).texts.join(' ')).toContain('Sie haben keine Anfrage T-ZZZZZZ');
  });

  it('writes to someone who said "English please" in English, though the directory says Dutch', async () => {
    const nora = person('Nora Jansen');
    await chat.say(nora, 'English please', { locale: 'nl-NL' });
    const id = await sentForApproval(person('Marek Dąbrowski'), 'Lena Hoffmann', 'en-GB');
    const [card] = approvalCards('Nora Jansen', id);
    expect(card).toContain('Approve a Temporary Access Pass for Lena Hoffmann?');
    expect(card).not.toContain('goedkeuren');
  });

  it('tells someone outside the helpdesk no in the language of their Teams (Spanish)', async () => {
    const reply = await chat.say(person('Mia Rodriguez'), `tap request ${people.user('Noah Kim').userPrincipalName}`, { locale: 'es-ES' });
    expect(reply.texts.join(' ')).toContain('las solicitudes de pase son solo para el soporte técnico');
  });
});
