// The words of an escalation in each language, from the real strings: what only a rare escalation shows (the
// escalation team deciding and why, a name the directory did not give, IT's key request), in every language the coach
// writes, with no English left in the others.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deciderCardData, decisionSummary, employeeNews, securityKeyRequest, type Wording } from '../../src/escalation/escalation-cards.js';
import type { Escalation } from '../../src/escalation/escalation-records.js';
import { Strings } from '../../src/shared/strings.js';

const strings = new Strings(path.resolve(import.meta.dirname, '..', '..', 'strings'));
const others = strings.locales.filter((locale) => locale !== 'en');

function escalation(overrides: Partial<Escalation> = {}): Escalation {
  return {
    id: 'esc-1',
    employee: { id: 'u-1', name: 'Jonas Meier', department: 'Finance' },
    refusal: { reason: 'no-suitable-phone', intents: [], recordedAt: '2026-11-30T10:00:00.000Z' },
    state: 'open',
    decider: { kind: 'group', groupId: 'g-1', because: 'manager-disabled' },
    level: 0,
    earlierDeciders: [],
    round: 0,
    remindersAtLevel: 0,
    nextAskAt: '2026-12-02T10:00:00.000Z',
    copies: [],
    createdAt: '2026-11-30T10:00:00.000Z',
    ...overrides,
  };
}

const options = { concernTitle: (intent: string) => intent, today: '2026-11-30', maxExceptionDays: 90 };
const wording = (locale: string): Wording => ({ strings, locale });

describe("the escalation team's card", () => {
  it.each(strings.locales)('in %s says why the team is asked, in that language', (locale) => {
    const card = deciderCardData(escalation(), options, wording(locale));
    expect(card.intro).toBe(strings.text(locale, 'escalation.card.introGroup', { first: 'Jonas', why: strings.text(locale, 'escalation.why.manager-disabled') }));
    expect(card.intro).toContain('Jonas');
    if (locale !== 'en') expect(card.intro).not.toContain("manager's account is disabled");
  });

  it.each(others)('in %s: a copy left with an earlier decider names the team in that language, and no English', (locale) => {
    const card = deciderCardData(escalation(), { ...options, movedOn: true }, wording(locale));
    expect(card.open).toBe(false);
    expect(card.status).toBe(strings.text(locale, 'escalation.status.movedOn', { name: strings.text(locale, 'escalation.deciders.group') }));
    expect(String(card.status)).not.toContain('escalation team');
  });
});

describe('names the directory did not give', () => {
  it.each(strings.locales)('in %s are said in the reader’s words, whole (never cut to a "first name")', (locale) => {
    const nameless = escalation({ employee: { id: 'u-1', name: '' }, state: 'decided', decision: { choice: 'require', by: { id: 'm-1', name: '' }, at: '2026-12-01T09:00:00.000Z' } });
    const colleague = strings.text(locale, 'escalation.card.aColleague');
    const card = deciderCardData(nameless, options, wording(locale));
    expect(card.title).toBe(strings.text(locale, 'escalation.card.title', { name: colleague }));
    expect(card.intro).toBe(strings.text(locale, 'escalation.card.introSettled', { first: colleague }));
    expect(String(card.status)).toContain(strings.text(locale, 'escalation.card.someone'));
    const news = employeeNews(nameless, nameless.decision!, wording(locale));
    expect(news.paragraphs[0]).toBe(strings.text(locale, 'escalation.news.require.decided', { name: strings.text(locale, 'escalation.card.someone') }));
  });
});

describe('the decision in words', () => {
  it.each(others)('in %s: dates as that language writes them, IT’s request with the department', (locale) => {
    const decided = escalation({ state: 'decided', decision: { choice: 'exception', until: '2027-01-15', justification: 'Leave', by: { id: 'm-1', name: 'Anna Keller' }, at: '2026-12-01T09:00:00.000Z' } });
    const friday = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date('2027-01-15T12:00:00Z'));
    expect(decisionSummary(decided.decision!, wording(locale))).toContain(friday);
    expect(decisionSummary(decided.decision!, wording(locale))).not.toContain('Friday');
    const request = securityKeyRequest(decided, { ...decided.decision!, choice: 'security-key' }, wording(locale));
    expect(request.paragraphs[0]).toBe(strings.text(locale, 'escalation.keyRequest.decidedWithDepartment', { decider: 'Anna Keller', name: 'Jonas Meier', department: 'Finance' }));
    expect(request.paragraphs[1]).toContain('Jonas');
  });
});
