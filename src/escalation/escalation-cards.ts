// What an escalation says: the decider's card (open, or settled for every copy), and the employee's news afterwards,
// each in the language of the person who reads it. Everything on the decider's card is read from the stored
// escalation; the card's data names only its id.

import { PersonText } from '../cards/card-renderer.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import { firstName, formatDeadline } from '../shared/formatting.js';
import type { IntentId } from '../shared/intents.js';
import type { Params, Strings } from '../shared/strings.js';
import { addDateKeyDays } from '../shared/wall-clock.js';
import type { Decider, Decision, Escalation } from './escalation-records.js';

export const ESCALATION_VERBS = {
  decide: 'escalation.decide',
} as const;

/** The words of one reader: the strings, and the language they read. */
export interface Wording {
  strings: Strings;
  locale: string;
}

export interface DeciderCardOptions {
  /** Intent id → the catalog's short title in the reader's language. */
  concernTitle: (intent: IntentId, locale: string) => string;
  /** The copy's own view: a reminder, a copy left with an earlier decider, or a problem with the last click. */
  reminder?: boolean;
  movedOn?: boolean;
  error?: string;
  today: string;
  maxExceptionDays: number;
}

export function deciderCardData(escalation: Escalation, options: DeciderCardOptions, wording: Wording): Record<string, unknown> {
  const { strings, locale } = wording;
  const { refusal } = escalation;
  const { name, first } = employeeNames(escalation, wording);
  const open = escalation.state === 'open' && !options.movedOn;
  const employee = escalation.employee;
  const facts = [
    { title: strings.text(locale, 'escalation.facts.who'), value: name },
    ...(employee.jobTitle ? [{ title: strings.text(locale, 'escalation.facts.jobTitle'), value: employee.jobTitle }] : []),
    ...(employee.department ? [{ title: strings.text(locale, 'escalation.facts.department'), value: employee.department }] : []),
    { title: strings.text(locale, 'escalation.facts.reason'), value: strings.text(locale, `escalation.reasons.${refusal.reason}`) },
    { title: strings.text(locale, 'escalation.facts.saidNoOn'), value: formatDeadline(refusal.recordedAt.slice(0, 10), locale) },
    ...(escalation.deadline ? [{ title: strings.text(locale, 'escalation.facts.deadline'), value: formatDeadline(escalation.deadline, locale) }] : []),
  ];
  const concerns = refusal.intents.map((intent) => options.concernTitle(intent, locale));
  const explained = concerns.length === 0 ? strings.text(locale, 'escalation.card.noQuestions', { first }) : strings.text(locale, 'escalation.card.answered', { count: concerns.length, first });
  const introOpen =
    escalation.decider.kind === 'group' ? strings.text(locale, 'escalation.card.introGroup', { first, why: strings.text(locale, `escalation.why.${escalation.decider.because}`) }) : strings.text(locale, 'escalation.card.intro', { first });
  return {
    title: strings.text(locale, options.reminder && open ? 'escalation.card.reminderTitle' : 'escalation.card.title', { name }),
    intro: open ? introOpen : strings.text(locale, 'escalation.card.introSettled', { first }),
    facts,
    concerns,
    explained,
    // The employee's and the decider's own words: shown as typed, never as markdown.
    detailsLabel: refusal.details ? strings.text(locale, 'escalation.card.detailsLabel', { first }) : '',
    details: refusal.details ? new PersonText(refusal.details) : '',
    justification: escalation.state === 'decided' && escalation.decision?.justification && !options.movedOn ? new PersonText(escalation.decision.justification) : '',
    status: statusLine(escalation, options, wording),
    error: options.error ?? '',
    open,
    escalationId: escalation.id,
    minDate: addDateKeyDays(options.today, 1),
    maxDate: addDateKeyDays(options.today, options.maxExceptionDays),
    defaultUntil: addDateKeyDays(options.today, Math.min(30, options.maxExceptionDays)),
    maxDays: options.maxExceptionDays,
  };
}

function statusLine(escalation: Escalation, options: DeciderCardOptions, wording: Wording): string {
  const { strings, locale } = wording;
  const { first } = employeeNames(escalation, wording);
  if (options.movedOn) return strings.text(locale, 'escalation.status.movedOn', { name: deciderName(escalation.decider, wording) });
  if (escalation.state === 'withdrawn') return strings.text(locale, 'escalation.status.withdrawn', { first });
  if (escalation.state === 'decided' && escalation.decision) {
    const { decision } = escalation;
    return strings.text(locale, 'escalation.status.decided', { name: personName(decision.by.name, wording), date: formatDeadline(decision.at.slice(0, 10), locale), summary: decisionSummary(decision, wording) });
  }
  if (escalation.talk) return strings.text(locale, 'escalation.status.talk', { name: personName(escalation.talk.by.name, wording), date: formatDeadline(escalation.talk.at.slice(0, 10), locale), first });
  return '';
}

export function decisionSummary(decision: Decision, { strings, locale }: Wording): string {
  if (decision.choice !== 'exception') return strings.text(locale, `escalation.summary.${decision.choice}`);
  return strings.text(locale, decision.justification ? 'escalation.summary.exceptionWithReason' : 'escalation.summary.exception', { date: formatDeadline(decision.until ?? '', locale) });
}

/** Who decides, as the reader calls them: the manager by name, or the escalation team in the reader's words. */
export function deciderName(decider: Decider, wording: Wording): string {
  if (decider.kind === 'user') return personName(decider.name, wording);
  return wording.strings.text(wording.locale, decider.kind === 'group' ? 'escalation.deciders.group' : 'escalation.deciders.none');
}

/** The employee's full and first name; one the directory did not give is "a colleague" in the reader's words. */
function employeeNames(escalation: Escalation, { strings, locale }: Wording): { name: string; first: string } {
  const name = escalation.employee.name.trim();
  if (name) return { name, first: firstName(name) };
  const colleague = strings.text(locale, 'escalation.card.aColleague');
  return { name: colleague, first: colleague };
}

function personName(name: string, { strings, locale }: Wording): string {
  return name.trim() || strings.text(locale, 'escalation.card.someone');
}

/** "Friday 4 December", "Freitag, 4. Dezember": a day in the reader's language and the tenant's zone. */
export function formatDay(day: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(day);
}

export interface EmployeeNews {
  title: string;
  paragraphs: string[];
  actions: { title: string; verb: string; data: Record<string, string> }[];
}

/** What the employee is told once the decision is made (in the coach's voice; the decider is named). */
export function employeeNews(escalation: Escalation, decision: Decision, wording: Wording): EmployeeNews {
  const { strings, locale } = wording;
  const say = (key: string, params?: Params) => strings.text(locale, `escalation.news.${key}`, params);
  const name = personName(decision.by.name, wording);
  const person = { title: strings.text(locale, 'coach.buttons.talk-to-person'), verb: COACH_VERBS.talkToPerson, data: {} };
  switch (decision.choice) {
    case 'security-key':
      return { title: say('securityKey.title'), paragraphs: [say('securityKey.asked', { name }), say('securityKey.next')], actions: [person] };
    case 'exception':
      return {
        title: say('exception.title'),
        paragraphs: [say('exception.agreed', { name, date: formatDeadline(decision.until ?? '', locale) }), say('exception.after')],
        actions: [{ title: say('exception.showMeHow'), verb: COACH_VERBS.showMeHow, data: {} }],
      };
    case 'require':
      return {
        title: say('require.title'),
        paragraphs: [escalation.deadline ? say('require.decidedBy', { name, date: formatDeadline(escalation.deadline, locale) }) : say('require.decided', { name }), say('require.why'), say('require.phone')],
        actions: [
          { title: say('require.showMeHow'), verb: COACH_VERBS.showMeHow, data: {} },
          { title: strings.text(locale, 'coach.buttons.another-question'), verb: COACH_VERBS.anotherConcern, data: {} },
          person,
        ],
      };
  }
}

/** What the security-key group is asked to do. */
export function securityKeyRequest(escalation: Escalation, decision: Decision, wording: Wording): EmployeeNews {
  const { strings, locale } = wording;
  const { name, first } = employeeNames(escalation, wording);
  const decider = personName(decision.by.name, wording);
  const { department } = escalation.employee;
  return {
    title: strings.text(locale, 'escalation.keyRequest.title', { name }),
    paragraphs: [
      department ? strings.text(locale, 'escalation.keyRequest.decidedWithDepartment', { decider, name, department }) : strings.text(locale, 'escalation.keyRequest.decided', { decider, name }),
      strings.text(locale, 'escalation.keyRequest.please', { first }),
    ],
    actions: [],
  };
}
