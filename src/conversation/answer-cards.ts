// The catalog's answer to a concern, as a card: the organisation's own words filled in ({{organisation}}, {{reason}},
// {{deadline}}), the variant that is true for this person's passkey policy, and the follow-up buttons.

import { TrustedMarkdown } from '../cards/card-renderer.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import type { Catalog } from '../objections/catalog-loader.js';
import type { AnswerVariant, FollowUp } from '../objections/catalog-schema.js';
import type { IntentId } from '../shared/intents.js';

export interface Button {
  title: string;
  verb: string;
  data: Record<string, string>;
}

export const BUTTONS: Record<FollowUp, Button> = {
  'show-me-how': { title: 'That helps: show me how', verb: COACH_VERBS.showMeHow, data: {} },
  'tell-me-more': { title: 'Tell me more', verb: COACH_VERBS.tellMeMore, data: {} },
  'another-concern': { title: 'I have another concern', verb: COACH_VERBS.anotherConcern, data: {} },
  'still-no': { title: "I still don't want to", verb: COACH_VERBS.stillNo, data: {} },
  'talk-to-person': { title: 'Talk to a person', verb: COACH_VERBS.talkToPerson, data: {} },
  'check-status': { title: 'Check my status', verb: COACH_VERBS.checkStatus, data: {} },
  'security-key': { title: 'Use a security key', verb: COACH_VERBS.choosePlatform, data: { platform: 'security-key' } },
  'windows-hello': { title: 'Use Windows Hello', verb: COACH_VERBS.choosePlatform, data: { platform: 'windows' } },
};

/** What the placeholders in the catalog's answers say, for this organisation and this person. */
export interface AnswerFill {
  organisation: string;
  reason: string;
  /** "Friday 15 January 2027", or words for "the date it has set". */
  deadline: string;
}

export interface AnswerOptions {
  more?: boolean;
  variant?: AnswerVariant;
  fill: AnswerFill;
}

/** Data for the `objection-answer` card. */
export function answerCardData(catalog: Catalog, intentId: IntentId, options: AnswerOptions): Record<string, unknown> {
  const intent = catalog.intents.get(intentId);
  if (!intent) throw new Error(`catalog has no intent ${intentId}`);
  const chosen = (options.variant && intent.variants?.[options.variant]) || { answer: intent.answer, more: intent.more };
  const more = options.more === true && chosen.more !== undefined;
  const followUps = [...intent.followUps];
  if (!options.more && chosen.more && !followUps.includes('tell-me-more')) followUps.unshift('tell-me-more');
  const actions = followUps
    .filter((followUp) => !(options.more && followUp === 'tell-me-more'))
    .map((followUp) => {
      const button = BUTTONS[followUp];
      return { title: button.title, verb: button.verb, data: followUp === 'tell-me-more' ? { intent: intent.id, ...(options.variant ? { variant: options.variant } : {}) } : button.data };
    });
  return { title: intent.title, answer: new TrustedMarkdown(fillIn(more ? (chosen.more as string) : chosen.answer, options.fill)), actions };
}

/** The placeholders replaced; a value that begins a sentence begins with a capital letter. */
export function fillIn(text: string, fill: AnswerFill): string {
  return text.replace(/\{\{(organisation|reason|deadline)\}\}/g, (_match, name: keyof AnswerFill, offset: number) => {
    const value = fill[name];
    const startsSentence = offset === 0 || /[.!?:]\s+$|\n\s*$/.test(text.slice(Math.max(0, offset - 3), offset));
    return startsSentence ? value.charAt(0).toUpperCase() + value.slice(1) : value;
  });
}
