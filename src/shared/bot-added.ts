// Whether Teams is telling the bot that it was itself added to a conversation (not another member).

import type { Activity } from 'botbuilder';

/** True when the activity's `membersAdded` holds the bot: an install of the app, in a 1:1 chat, a group chat or a team. */
export function botAddedIn(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  return Boolean(botId) && (activity.membersAdded ?? []).some((member) => member.id === botId);
}
