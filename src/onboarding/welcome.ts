// Greets people when the app is installed: in a personal chat the person, in a team the team.

import { type Attachment, MessageFactory, type TurnContext } from 'botbuilder';
import type { CardRenderer } from '../cards/card-renderer.js';

export interface WelcomeDeps {
  cards: CardRenderer;
  organisationName: string;
  /** True when a first message from the coach (an invitation, a card, a notice) is on its way or just arrived (it greets them instead). */
  invitationUnderway?: (userId: string) => Promise<boolean>;
}

/** True when this conversationUpdate says the bot itself was added (not another member). */
export function botWasAdded(context: TurnContext): boolean {
  const botId = context.activity.recipient?.id;
  return Boolean(botId) && (context.activity.membersAdded ?? []).some((member) => member.id === botId);
}

export function welcomeCard(context: TurnContext, deps: WelcomeDeps): Attachment {
  const activity = context.activity;
  if (activity.conversation?.conversationType === 'channel' || activity.conversation?.conversationType === 'groupChat') {
    const channelData = activity.channelData as { team?: { name?: unknown } } | undefined;
    const teamName = typeof channelData?.team?.name === 'string' && channelData.team.name.trim() !== '' ? channelData.team.name.trim() : 'this team';
    return deps.cards.attachment('welcome-team', { teamName });
  }
  return deps.cards.attachment('welcome', { firstName: firstNameOf(activity.from?.name), organisation: deps.organisationName });
}

export async function welcomeOnInstall(context: TurnContext, deps: WelcomeDeps): Promise<void> {
  if (!botWasAdded(context)) return;
  const userId = context.activity.from?.aadObjectId;
  const personal = context.activity.conversation?.conversationType === 'personal' || context.activity.conversation?.conversationType === undefined;
  // One message, not two: the coach's first message says hello in its own words.
  if (personal && userId && (await deps.invitationUnderway?.(userId))) return;
  await context.sendActivity(MessageFactory.attachment(welcomeCard(context, deps)));
}

function firstNameOf(name: string | undefined): string {
  const first = name?.trim().split(/[\s,]+/)[0];
  return first && first.length <= 40 ? first : 'there';
}
