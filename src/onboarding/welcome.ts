// Greets people when the app is installed: in a personal chat the person, in a team the team.

import { type Attachment, MessageFactory, type TurnContext } from 'botbuilder';
import type { CardRenderer } from '../cards/card-renderer.js';
import { botAddedIn } from '../shared/bot-added.js';
import { organisationIn } from '../shared/strings.js';

export interface WelcomeDeps {
  cards: CardRenderer;
  /** ORGANISATION_NAME (or the demo tenant's); unset, each language's own words for "your organisation". */
  organisationName: string | undefined;
  /** True when a first message from the coach (an invitation, a card, a notice) is on its way or just arrived (it greets them instead). */
  invitationUnderway?: (userId: string) => Promise<boolean>;
  /** The language of a message the coach starts for this person (see conversation/language.ts); Teams' locale without it. */
  languageOf?: (userId: string, teamsLocale: string | undefined) => Promise<string>;
}

export function welcomeCard(context: TurnContext, deps: WelcomeDeps, locale: string): Attachment {
  const activity = context.activity;
  if (activity.conversation?.conversationType === 'channel' || activity.conversation?.conversationType === 'groupChat') {
    const channelData = activity.channelData as { team?: { name?: unknown } } | undefined;
    const named = typeof channelData?.team?.name === 'string' && channelData.team.name.trim() !== '' ? channelData.team.name.trim() : undefined;
    return deps.cards.attachment('welcome-team', { teamName: named ?? deps.cards.strings.text(locale, 'onboarding.thisTeam') }, locale);
  }
  const firstName = firstNameOf(activity.from?.name) ?? deps.cards.strings.text(locale, 'onboarding.welcomeName');
  return deps.cards.attachment('welcome', { firstName, organisation: organisationIn(deps.cards.strings, locale, deps.organisationName) }, locale);
}

export async function welcomeOnInstall(context: TurnContext, deps: WelcomeDeps): Promise<void> {
  if (!botAddedIn(context.activity)) return;
  const userId = context.activity.from?.aadObjectId;
  const personal = context.activity.conversation?.conversationType === 'personal' || context.activity.conversation?.conversationType === undefined;
  // One message, not two: the coach's first message says hello in its own words.
  if (personal && userId && (await deps.invitationUnderway?.(userId))) return;
  const teamsLocale = context.activity.locale;
  // A person gets their own language; a team gets the language of whoever added the app.
  const locale = personal && userId && deps.languageOf ? await deps.languageOf(userId, teamsLocale) : deps.cards.strings.supported(teamsLocale);
  await context.sendActivity(MessageFactory.attachment(welcomeCard(context, deps, locale)));
}

function firstNameOf(name: string | undefined): string | undefined {
  const first = name?.trim().split(/[\s,]+/)[0];
  return first && first.length <= 40 ? first : undefined;
}
