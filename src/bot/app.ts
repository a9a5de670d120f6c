// The teams-ai Application: routes activities to the feature that answers them. It never sees HTTP.

import { type Activity, ActivityTypes, MessageFactory, type TurnContext } from 'botbuilder';
import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { AuditLog } from '../audit/audit-log.js';
import type { CardRenderer } from '../cards/card-renderer.js';
import type { Logger } from '../logging/logger.js';
import { helpCard, helpCardJson } from '../onboarding/help.js';
import { welcomeOnInstall } from '../onboarding/welcome.js';
import { COMMANDS, parseCommand } from './commands.js';

export interface BotDeps {
  cards: CardRenderer;
  audit: AuditLog;
  logger: Logger;
  organisationName: string;
}

export const CARD_VERBS = {
  showHelp: 'help.show',
} as const;

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

  app.activity(ActivityTypes.Message, async (context) => {
    await answerMessage(context, deps);
  });

  app.adaptiveCards.actionExecute(CARD_VERBS.showHelp, async () => helpCardJson(deps));

  // Registered last: any verb nobody handles (an old card, a forged click) gets a clear answer, not a 501.
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    await deps.audit.record({
      action: 'card.action.unknown',
      outcome: 'denied',
      actor: actorOf(context.activity),
      details: { verb: typeof verb === 'string' ? verb.slice(0, 100) : null },
    });
    return 'That button is no longer active. Type "help" to see what I can do.';
  });

  return app;
}

async function answerMessage(context: TurnContext, deps: BotDeps): Promise<void> {
  const text = context.activity.text ?? '';
  const command = parseCommand(text);
  if (command?.id === 'help') {
    await context.sendActivity(MessageFactory.attachment(helpCard(deps)));
    return;
  }
  if (command && COMMANDS[command.id].available) {
    // Every available command is routed above; reaching here means a registry entry lost its handler.
    throw new Error(`Command ${command.id} is marked available but has no handler`);
  }
  await context.sendActivity(
    text.trim() === ''
      ? 'I can only read text for now. Type "help" to see what I can do.'
      : "I'm not sure I understood that. Type \"help\" to see what I can do for you.",
  );
}

export function actorOf(activity: Partial<Activity>): { kind: 'user'; aadObjectId: string; displayName?: string } | { kind: 'system'; name: string } {
  const id = activity.from?.aadObjectId;
  return id ? { kind: 'user', aadObjectId: id, displayName: activity.from?.name } : { kind: 'system', name: `unknown-sender:${activity.channelId ?? 'none'}` };
}
