// The attack: free text one person types is shown to another, and can lie about itself. A right-to-left override
// makes "evorppa" read as "approve", zero-width characters hide words, and markdown such as [Approve](https://…)
// renders as a link on the decider's card. People's words now arrive without direction overrides or invisible
// characters, and only inside TextRuns, which no Teams client renders as markdown.

import { describe, expect, it } from 'vitest';
import { CardRenderer, PersonText } from '../../src/cards/card-renderer.js';
import { visibleText } from '../../src/shared/visible-text.js';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, settle } from '../support/outreach-helpers.js';
import { recipientWords } from '../support/recipient-words.js';

const { bot, demo, chat, people } = demoBotSuite({}, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const RLO = '\u202E';
const PDF = '\u202C';
const HIDDEN = /[\p{Bidi_Control}\p{Default_Ignorable_Code_Point}]/u;
const LINK = '[Approve here](https://evil.example/login)';
const hostile = `Locked out ${RLO}evorppa${PDF} and\u200B\u2060 urgent ${LINK}`;

interface Where {
  inTextRuns: string[];
  elsewhere: string[];
}

/** Every string of a card, split into TextRun texts (never markdown) and everything else. */
function stringsOf(node: unknown, where: Where = { inTextRuns: [], elsewhere: [] }): Where {
  if (Array.isArray(node)) for (const item of node) stringsOf(item, where);
  else if (typeof node === 'object' && node !== null) {
    const isRun = (node as { type?: unknown }).type === 'TextRun';
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') (isRun && key === 'text' ? where.inTextRuns : where.elsewhere).push(value);
      else stringsOf(value, where);
    }
  }
  return where;
}

function cardOf(record: RecordedActivity | undefined): unknown {
  const card = (record?.activity.attachments as { content?: unknown }[] | undefined)?.[0]?.content;
  if (!card) throw new Error('no card in that activity');
  return card;
}

function expectShownAsTyped(card: unknown, words: string): void {
  const { inTextRuns, elsewhere } = stringsOf(card);
  const all = [...inTextRuns, ...elsewhere];
  for (const text of all) expect(text, text).not.toMatch(HIDDEN);
  // The words are there, as plain text, only where markdown is never rendered.
  expect(inTextRuns.some((text) => text.includes(visibleText(words).trim()))).toBe(true);
  for (const text of elsewhere) expect(text, text).not.toContain('evil.example');
}

describe('a person’s words on someone else’s card', () => {
  it('reach the manager’s decision card without hidden characters, and never as markdown', async () => {
    const employee = chat.person(people.user('Marco Rossi').id);
    const response = await chat.click(employee, 'refusal.confirm', { reason: 'privacy', details: hostile });
    expect(JSON.stringify(response.value)).toContain('Your decision is recorded');
    await settle(bot, { fakeClock: true });
    const manager = people.user('Lena Hoffmann');
    // The card comes in Lena Hoffmann's own language.
    const [card] = people.received(manager.id, recipientWords(demo).pattern(manager.id, 'escalation.card.title', { name: 'Marco Rossi' }));
    expectShownAsTyped(cardOf(card), hostile);
  });

  it('reach the approver’s card (the reason and the note on the check), and the tab, without hidden characters', async () => {
    const agent = chat.person(demo().seed.personas?.helpdesk ?? '');
    const { id } = await requestPass(chat, people, agent, 'Noah Kim');
    if (!id) throw new Error('no request form');
    demo().graph.state.resetThrottles();
    await chat.click(agent, 'tap.submit', { requestId: id, check: 'video-id', note: `ID ${RLO}dekcehc${PDF} ${LINK}`, reason: hostile, lifetime: '60', oneTime: 'true' });
    await settle(bot, { fakeClock: true });
    const approver = people.members('tap-approvers')[0] ?? '';
    const [card] = people.received(approver, /Approve a Temporary Access Pass for Noah Kim/);
    expectShownAsTyped(cardOf(card), hostile);
    expect(stringsOf(cardOf(card)).inTextRuns.some((text) => text.includes('dekcehc'))).toBe(true);
    // Stored clean, so every later view (the tab, `tap list`, the audit) shows the same.
    const stored = await bot().service.features?.temporaryAccess.records.get(id);
    expect(stored?.value.reason).not.toMatch(HIDDEN);
    const session = (await (await fetch(`${bot().url}/tab/demo/session?as=approver`)).json()) as { token: string };
    const passes = await (await fetch(`${bot().url}/tab/api/passes`, { headers: { authorization: `Bearer ${session.token}` } })).text();
    expect(passes).toContain('evorppa');
    expect(passes).not.toMatch(HIDDEN);
  });
});

describe('the card renderer', () => {
  const cards = CardRenderer.load();

  it('strips hidden characters from every string it is given, and escapes markdown outside TextRuns', () => {
    const card = cards.render('notice', { title: `Hello ${RLO}nimda${PDF}`, paragraphs: [LINK], actions: [] });
    const { elsewhere } = stringsOf(card);
    expect(elsewhere.join(' ')).not.toMatch(HIDDEN);
    expect(elsewhere).toContain('\\[Approve here\\](https://evil.example/login)');
  });

  it('refuses to place a person’s words anywhere but a TextRun', () => {
    expect(() => cards.render('notice', { title: new PersonText(LINK), paragraphs: [], actions: [] })).toThrow(/outside a TextRun/);
  });
});
