// Which campaign message an activity the bot sent is, in whatever language it went out: the invitation, a reminder or
// the question that asks for a decision, told by the card's title as every language's strings write it.

import { Strings } from '../../src/shared/strings.js';

export type NudgeStep = 'invite' | 'reminder' | 'decision';

const strings = new Strings();
const STEPS: NudgeStep[] = ['invite', 'reminder', 'decision'];
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TITLES: { step: NudgeStep; pattern: RegExp; locale: string }[] = strings.locales.flatMap((locale) =>
  STEPS.map((step) => ({ step, locale, pattern: new RegExp(`^${literal(strings.text(locale, `campaigns.nudge.${step}.title`, { name: '\u0000' })).replace('\u0000', '.+')}$`) })),
);

function titleOf(activity: unknown): string | undefined {
  const content = (activity as { attachments?: { content?: { speak?: unknown } }[] } | undefined)?.attachments?.[0]?.content;
  return typeof content?.speak === 'string' ? content.speak : undefined;
}

/** The campaign step an activity is, and its language; undefined for anything else. */
export function nudgeOf(activity: unknown): { step: NudgeStep; locale: string } | undefined {
  const title = titleOf(activity);
  if (title === undefined) return undefined;
  const found = TITLES.find(({ pattern }) => pattern.test(title));
  return found && { step: found.step, locale: found.locale };
}

export const isNudge = (activity: unknown): boolean => nudgeOf(activity) !== undefined;
