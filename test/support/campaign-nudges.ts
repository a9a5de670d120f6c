// Which campaign message an activity the bot sent is, in whatever language it went out: the invitation (in any of its
// texts, named by `variant`), a reminder, the question that asks for a decision or the backup nudge, told by the card's title as every
// language's strings write it.

import { INVITATION_VARIANTS, type VariantId } from '../../src/campaigns/invitation-variants.js';
import { Strings } from '../../src/shared/strings.js';

export type NudgeStep = 'invite' | 'reminder' | 'decision' | 'backup';

const strings = new Strings();
const STEPS: NudgeStep[] = ['invite', 'reminder', 'decision', 'backup'];
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const titled = (text: string) => new RegExp(`^${literal(text).replace('\u0000', '.+')}$`);
const TITLES: { step: NudgeStep; pattern: RegExp; locale: string; variant?: VariantId }[] = strings.locales.flatMap((locale) => [
  ...INVITATION_VARIANTS.map((variant) => ({ step: 'invite' as const, locale, variant, pattern: titled(strings.text(locale, `campaigns.variants.${variant}.title`, { name: '\u0000' })) })),
  ...STEPS.filter((step) => step !== 'invite').map((step) => ({ step, locale, pattern: titled(strings.text(locale, `campaigns.nudge.${step}.title`, { name: '\u0000' })) })),
]);

function titleOf(activity: unknown): string | undefined {
  const content = (activity as { attachments?: { content?: { speak?: unknown } }[] } | undefined)?.attachments?.[0]?.content;
  return typeof content?.speak === 'string' ? content.speak : undefined;
}

/** The campaign step an activity is, its language and, for an invitation, its text; undefined for anything else. */
export function nudgeOf(activity: unknown): { step: NudgeStep; locale: string; variant?: VariantId } | undefined {
  const title = titleOf(activity);
  if (title === undefined) return undefined;
  const found = TITLES.find(({ pattern }) => pattern.test(title));
  return found && { step: found.step, locale: found.locale, ...(found.variant ? { variant: found.variant } : {}) };
}

export const isNudge = (activity: unknown): boolean => nudgeOf(activity) !== undefined;
