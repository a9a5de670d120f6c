// The campaign's figures as each place shows them: the status card in the chat, the tab's progress view, and the
// column sums of the CSV export (through its one-time link). Tests compare the three with each other and with what
// they expect.

import { expect } from 'vitest';
import { FIGURE_LABELS, FIGURES, type FigureId, type Figures } from '../../src/campaigns/campaign-figures.js';
import type { CampaignMember } from '../../src/campaigns/campaign-records.js';
import { type VariantCounts, variantMarks } from '../../src/campaigns/variant-figures.js';
import type { RunningBot } from './bot-harness.js';
import type { Person, TeamsChat } from './teams-chat.js';

/** The tab counts at most every 15 s of elapsed time; each read here asks as if that time had passed. */
let tabClock = 1e12;

export async function figuresOnCard(chat: TeamsChat, admin: Person): Promise<Figures> {
  const reply = await chat.say(admin, 'campaign status');
  const facts = new Map<string, string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) collect(item);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.title === 'string' && typeof record.value === 'string') facts.set(record.title, record.value);
      for (const item of Object.values(record)) collect(item);
    }
  };
  collect(reply.cards[0]);
  return byLabel((label) => facts.get(label));
}

export async function figuresOnTab(bot: () => RunningBot, admin: Person): Promise<Figures> {
  tabClock += 1e6;
  const progress = await bot().service.tab.progress({ id: admin.id, name: admin.name }, 'en', tabClock);
  const shown = new Map([...(progress.funnel ?? []), ...(progress.outcomes ?? [])].map((step) => [step.label, String(step.count)]));
  return byLabel((label) => shown.get(label));
}

export async function figuresInCsv(chat: TeamsChat, admin: Person): Promise<Figures> {
  const reply = await chat.say(admin, 'campaign export');
  const link = /\((http[^)]+\/downloads\/[A-Za-z0-9_-]+)\)/.exec(reply.texts.join(' '))?.[1];
  if (!link) throw new Error(`no export link in ${reply.texts.join(' ')}`);
  const [header = [], ...rows] = parseCsv(await (await fetch(link)).text());
  const sums = Object.fromEntries(FIGURES.map((id) => [id, 0])) as Figures;
  for (const row of rows) {
    for (const id of FIGURES) {
      const value = row[header.indexOf(id)];
      expect(value === '0' || value === '1', `${id} is ${value}`).toBe(true);
      sums[id] += Number(value);
    }
  }
  return sums;
}

/** The three places, checked to agree; the figures they agree on. */
export async function figuresEverywhere(bot: () => RunningBot, chat: TeamsChat, admin: Person): Promise<Figures> {
  const card = await figuresOnCard(chat, admin);
  const tab = await figuresOnTab(bot, admin);
  const csv = await figuresInCsv(chat, admin);
  expect(tab, 'the tab shows what the status card shows').toEqual(card);
  expect(csv, 'the export adds up to what the status card shows').toEqual(card);
  return card;
}

function byLabel(shownAs: (label: string) => string | undefined): Figures {
  const figures = {} as Figures;
  for (const id of FIGURES) {
    const value = shownAs(FIGURE_LABELS[id]);
    const count = /^\d+/.exec(value ?? '')?.[0];
    if (count === undefined) throw new Error(`"${FIGURE_LABELS[id]}" is not shown (${value})`);
    figures[id as FigureId] = Number(count);
  }
  return figures;
}

/** RFC 4180: quoted fields may hold commas, quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Counts one member into their invitation text's figures, from the member record alone (the recount tests compare with). */
export function countIntoVariant(figures: VariantCounts, member: CampaignMember, now: Date): void {
  const marks = variantMarks(member, now);
  figures.assigned += 1;
  figures.reached += member.reachedAt ? 1 : 0;
  figures.weekOver += marks.weekOver ? 1 : 0;
  figures.replied += marks.replied ? 1 : 0;
  figures.enrolled += marks.enrolled ? 1 : 0;
}
