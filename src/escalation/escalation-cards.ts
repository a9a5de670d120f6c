// What an escalation says: the decider's card (open, or settled for every copy), and the employee's news afterwards.
// Everything on the decider's card is read from the stored escalation; the card's data names only its id.

import { PersonText } from '../cards/card-renderer.js';
import type { IntentId } from '../shared/intents.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import { firstName, formatDeadline } from '../shared/formatting.js';
import { addDateKeyDays } from '../shared/wall-clock.js';
import type { RefusalReason } from './refusals.js';
import type { Decision, Escalation } from './escalation-records.js';

export const ESCALATION_VERBS = {
  decide: 'escalation.decide',
} as const;

const REASONS: Record<RefusalReason, string> = {
  privacy: 'Worried about their privacy',
  'personal-device': "Doesn't want work sign-in on their own phone",
  'no-suitable-phone': "Doesn't have a suitable phone",
  other: 'Another reason',
};

export interface DeciderCardOptions {
  /** Intent id → the catalog's short title. */
  concernTitle: (intent: IntentId) => string;
  /** The copy's own view: a reminder, a copy left with an earlier decider, or a problem with the last click. */
  reminder?: boolean;
  movedTo?: string;
  error?: string;
  today: string;
  maxExceptionDays: number;
  /** Name of whoever decides now ("Dana Whitfield", or "the escalation team"). */
  deciderName: string;
}

export function deciderCardData(escalation: Escalation, options: DeciderCardOptions): Record<string, unknown> {
  const { employee, refusal } = escalation;
  const first = firstName(employee.name);
  const open = escalation.state === 'open' && options.movedTo === undefined;
  const facts = [
    { title: 'Who', value: employee.name },
    ...(employee.jobTitle ? [{ title: 'Job title', value: employee.jobTitle }] : []),
    ...(employee.department ? [{ title: 'Department', value: employee.department }] : []),
    { title: 'Reason given', value: REASONS[refusal.reason] },
    { title: 'Said no on', value: formatDeadline(refusal.recordedAt.slice(0, 10)) },
    ...(escalation.deadline ? [{ title: 'Roll-out deadline', value: formatDeadline(escalation.deadline) }] : []),
  ];
  const concerns = refusal.intents.map(options.concernTitle);
  const explained =
    concerns.length === 0
      ? `${first} did not raise a question with the coach before saying no. The coach offered the set-up steps and a person to talk to.`
      : `The coach answered ${concerns.length === 1 ? 'this question' : `these ${concerns.length} questions`} with the facts, and offered the set-up steps and a person to talk to. ${first} still chose not to set up a passkey.`;
  const maxDate = addDateKeyDays(options.today, options.maxExceptionDays);
  return {
    title: options.reminder && open ? `Reminder: ${employee.name} is waiting for your decision` : `${employee.name} has said no to a passkey`,
    intro: open
      ? `${first} has decided not to set up a passkey for signing in. Whether they may keep signing in without one is a business decision, so the coach is asking you${escalation.decider.kind === 'group' ? ` (${fallbackWhy(escalation)})` : ''}. ${first} will be told what you decide.`
      : `${first} decided not to set up a passkey for signing in.`,
    facts,
    concerns,
    explained,
    // The employee's and the decider's own words: shown as typed, never as markdown.
    detailsLabel: refusal.details ? `What ${first} asked to pass on:` : '',
    details: refusal.details ? new PersonText(refusal.details) : '',
    justification: escalation.state === 'decided' && escalation.decision?.justification && options.movedTo === undefined ? new PersonText(escalation.decision.justification) : '',
    status: statusLine(escalation, options),
    error: options.error ?? '',
    open,
    escalationId: escalation.id,
    minDate: addDateKeyDays(options.today, 1),
    maxDate,
    defaultUntil: addDateKeyDays(options.today, Math.min(30, options.maxExceptionDays)),
    maxDays: options.maxExceptionDays,
  };
}

function statusLine(escalation: Escalation, options: DeciderCardOptions): string {
  if (options.movedTo !== undefined) return `No answer came, so this has gone to ${options.movedTo}. You no longer need to act.`;
  if (escalation.state === 'withdrawn') return `No decision needed any more: ${firstName(escalation.employee.name)} has set up a passkey.`;
  if (escalation.state === 'decided' && escalation.decision) return `Decided by ${escalation.decision.by.name} on ${formatDeadline(escalation.decision.at.slice(0, 10))}: ${decisionSummary(escalation.decision)}.`;
  if (escalation.talk) return `${escalation.talk.by.name} said on ${formatDeadline(escalation.talk.at.slice(0, 10))} that they would talk to ${firstName(escalation.employee.name)} first.`;
  return '';
}

export function decisionSummary(decision: Decision): string {
  switch (decision.choice) {
    case 'security-key':
      return 'a security key is offered, and IT has been asked to provide it';
    case 'exception':
      return `an exception until ${formatDeadline(decision.until ?? '')}${decision.justification ? ', for the reason below' : ''}`;
    case 'require':
      return 'enrolment is required';
  }
}

function fallbackWhy(escalation: Escalation): string {
  const because = escalation.decider.kind === 'user' ? undefined : escalation.decider.because;
  switch (because) {
    case 'no-manager':
      return 'the directory shows no manager for them';
    case 'manager-disabled':
      return "their manager's account is disabled";
    case 'self-managed':
      return 'the directory lists them as their own manager';
    case 'manager-unreachable':
      return 'their manager cannot be reached in Teams';
    case 'top-of-chain':
      return 'nobody further up the management chain could be asked';
    default:
      return 'you are the escalation team';
  }
}

export interface EmployeeNews {
  title: string;
  paragraphs: string[];
  actions: { title: string; verb: string; data: Record<string, string> }[];
}

/** What the employee is told once the decision is made (in the coach's voice; the decider is named). */
export function employeeNews(escalation: Escalation, decision: Decision): EmployeeNews {
  const by = decision.by.name;
  const person = { title: 'Talk to a person', verb: COACH_VERBS.talkToPerson, data: {} };
  switch (decision.choice) {
    case 'security-key':
      return {
        title: 'A security key for you',
        paragraphs: [
          `${by} has asked IT to get you a security key: a small USB or NFC key that holds your passkey, so nothing needs to go on your own phone.`,
          'IT will get in touch to hand it over and help you set it up. Until then nothing changes, and I will not send you reminders.',
        ],
        actions: [person],
      };
    case 'exception':
      return {
        title: 'You can wait for now',
        paragraphs: [
          `${by} has agreed that you can keep signing in as you do now until ${formatDeadline(decision.until ?? '')}.`,
          "After that I'll be back in touch to help you set up a passkey. If you'd like to do it sooner, type \"setup\" at any time.",
        ],
        actions: [{ title: 'Show me how anyway', verb: COACH_VERBS.showMeHow, data: {} }],
      };
    case 'require':
      return {
        title: 'A passkey is needed for your work account',
        paragraphs: [
          `${by} has decided that signing in with a passkey is required for your work account${escalation.deadline ? `, by ${formatDeadline(escalation.deadline)}` : ''}.`,
          'Passkeys protect the organisation against phishing, which passwords and codes cannot do. Setting one up takes about two minutes, and I can walk you through it or answer any question first.',
          "If a phone is the problem, say so: there are other ways, such as a security key or Windows Hello on your work computer.",
        ],
        actions: [{ title: 'Show me how', verb: COACH_VERBS.showMeHow, data: {} }, { title: 'I have a question', verb: COACH_VERBS.anotherConcern, data: {} }, person],
      };
  }
}

/** What the security-key group is asked to do. */
export function securityKeyRequest(escalation: Escalation, decision: Decision): EmployeeNews {
  const { employee } = escalation;
  return {
    title: `Security key needed for ${employee.name}`,
    paragraphs: [
      `${decision.by.name} has decided that ${employee.name}${employee.department ? ` (${employee.department})` : ''} should sign in with a hardware security key instead of a passkey on a phone.`,
      `Please provide a FIDO2 security key and help ${firstName(employee.name)} register it. They have been told that IT will get in touch.`,
    ],
    actions: [],
  };
}
