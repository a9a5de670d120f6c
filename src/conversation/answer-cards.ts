// The catalog's answer to a concern, as a card: the organisation's own words filled in ({{organisation}}, {{reason}},
// {{deadline}}), the variant that is true for this person's passkey policy, and the follow-up buttons.

import { TrustedMarkdown } from '../cards/card-renderer.js';
import type { Catalog } from '../objections/catalog-loader.js';
import type { AnswerVariant } from '../objections/catalog-schema.js';
import type { IntentId } from '../shared/intents.js';
import type { CoachContext } from './coach-context.js';

/** What the placeholders in the catalog's answers say, for this organisation and this person. */
export interface AnswerFill {
  organisation: string;
  reason: string;
  /** "Friday 15 January 2027", or words for "the date it has set". */
  deadline: string;
}

export interface AnswerOptions {
  locale: string;
  more?: boolean;
  variant?: AnswerVariant;
  fill: AnswerFill;
}

/** Data for the `objection-answer` card. */
export function answerCardData(coach: CoachContext, catalog: Catalog, intentId: IntentId, options: AnswerOptions): Record<string, unknown> {
  const intent = catalog.intents.get(intentId);
  if (!intent) throw new Error(`catalog has no intent ${intentId}`);
  const chosen = (options.variant && intent.variants?.[options.variant]) || { answer: intent.answer, more: intent.more };
  const more = options.more === true && chosen.more !== undefined;
  const followUps = [...intent.followUps];
  if (!options.more && chosen.more && !followUps.includes('tell-me-more')) followUps.unshift('tell-me-more');
  const actions = followUps
    .filter((followUp) => !(options.more && followUp === 'tell-me-more'))
    .map((followUp) => {
      const button = coach.button(options.locale, followUp);
      return followUp === 'tell-me-more' ? { ...button, data: { intent: intent.id, ...(options.variant ? { variant: options.variant } : {}) } } : button;
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
