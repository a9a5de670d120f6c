// The teams-ai Application: routes activities to the feature that answers them. It never sees HTTP.
//
// teams-ai 1.x is used as a router, as intended: a message route per command and one for free text, card actions by
// verb (Action.Execute), dialogs (task/fetch), conversation and installation updates. Its turn state, storage and AI
// planner are not used: the conversation keeps its own small state in the store port (so it is the same on SQLite
// and Azure Table, and a move to the Teams SDK v2 changes the routes, not the rules). Errors are not left to
// teams-ai's onTurnError: the turn handler (turn-handler.ts) refuses foreign traffic before any route runs, and turns
// an error into words or an HTTP status itself. The one other place that knows the framework is the Teams adapter
// (messaging/teams-adapter.ts), which says why it reaches into botbuilder.

import { ActivityTypes } from 'botbuilder';
import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { welcomeOnInstall } from '../onboarding/welcome.js';
import type { BotDeps } from './bot-deps.js';
import { registerCardRoutes } from './card-routes.js';
import { registerMessageRoutes } from './message-routes.js';

export type { BotDeps } from './bot-deps.js';
export { actorOf } from './bot-deps.js';
export { CARD_VERBS } from './card-routes.js';

export function createBotApplication(adapter: TeamsAdapter, botAppId: string, deps: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId: botAppId || undefined,
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });

  app.conversationUpdate('membersAdded', async (context) => {
    await welcomeOnInstall(context, deps);
  });

  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    const userId = context.activity.from?.aadObjectId;
    const action = context.activity.action ?? '';
    if (!userId || context.activity.conversation?.conversationType !== 'personal') return;
    // Someone who removed the app is not reinstalled or messaged by a campaign again (until they add it back).
    if (action.startsWith('remove')) await deps.installationChanged?.(userId, 'removed');
    else if (action.startsWith('add')) await deps.installationChanged?.(userId, 'added');
  });

  registerMessageRoutes(app, deps);
  registerCardRoutes(app, deps);
  return app;
}
