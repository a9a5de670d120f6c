// The teams-ai Application: routes activities to the feature that answers them. It never sees HTTP.

import { type Activity, ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { AuditLog } from '../audit/audit-log.js';
import type { CardRenderer } from '../cards/card-renderer.js';
import type { EmployeeCoach } from '../conversation/employee-coach.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import type { Logger } from '../logging/logger.js';
import { helpCard, helpCardJson } from '../onboarding/help.js';
import { welcomeOnInstall } from '../onboarding/welcome.js';
import { CAMPAIGN_ADMIN_VERBS, type CampaignCommands } from '../campaigns/campaign-commands.js';
import { CAMPAIGN_VERBS } from '../campaigns/campaign-messages.js';
import type { Campaigns } from '../campaigns/campaigns.js';
import { ESCALATION_VERBS } from '../escalation/escalation-cards.js';
import type { Escalations } from '../escalation/escalations.js';
import { actorFrom, TAP_VERBS, type TapAnswer, type TemporaryAccess } from '../helpdesk/temporary-access.js';
import { parseCommand } from '../onboarding/commands.js';

export interface BotDeps {
  cards: CardRenderer;
  audit: AuditLog;
  logger: Logger;
  organisationName: string;
  coach: EmployeeCoach;
  privacy: { retentionDays: number; keepsObjectionText: boolean };
  /** Campaign commands (admins) and what campaigns learn from people's replies; absent when campaigns are off. */
  campaigns?: { commands: CampaignCommands; service: Campaigns };
  /** Decisions on refusals (the decider's card); absent when campaigns are off. */
  escalations?: Escalations;
  /** Helpdesk Temporary Access Passes; absent when campaigns are off. */
  temporaryAccess?: TemporaryAccess;
  /** Whether a first message from the coach (an invitation, a card, a notice) is on its way or just arrived: it is the welcome. */
  invitationUnderway?: (userId: string) => Promise<boolean>;
  /** Teams told the bot that a person added or removed the app in their personal scope. */
  installationChanged?: (userId: string, change: 'added' | 'removed') => Promise<void>;
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

  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    const userId = context.activity.from?.aadObjectId;
    const action = context.activity.action ?? '';
    if (!userId || context.activity.conversation?.conversationType !== 'personal') return;
    // Someone who removed the app is not reinstalled or messaged by a campaign again (until they add it back).
    if (action.startsWith('remove')) await deps.installationChanged?.(userId, 'removed');
    else if (action.startsWith('add')) await deps.installationChanged?.(userId, 'added');
  });

  app.activity(ActivityTypes.Message, async (context) => {
    await answerMessage(context, deps);
  });

  app.adaptiveCards.actionExecute(CARD_VERBS.showHelp, async () => helpCardJson(deps));

  for (const verb of Object.values(CAMPAIGN_ADMIN_VERBS)) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const userId = context.activity.from?.aadObjectId;
      if (!userId) return NO_IDENTITY;
      if (!deps.campaigns) return 'Campaigns are not available here.';
      return deps.campaigns.commands.action(context, userId, verb, data);
    });
  }

  app.adaptiveCards.actionExecute(CAMPAIGN_VERBS.snooze, async (context, _state, data) => {
    const userId = context.activity.from?.aadObjectId;
    if (!userId) return NO_IDENTITY;
    const campaignId = (data as { campaignId?: unknown } | undefined)?.campaignId;
    if (!deps.campaigns || typeof campaignId !== 'string' || campaignId.length > 64) return STALE_BUTTON;
    // The campaign id only says which campaign; whose reminder moves comes from the authenticated sender.
    return (await deps.campaigns.service.snooze(userId, campaignId)).message;
  });

  app.adaptiveCards.actionExecute(ESCALATION_VERBS.decide, async (context, _state, data) => {
    const userId = context.activity.from?.aadObjectId;
    if (!userId) return NO_IDENTITY;
    if (!deps.escalations) return 'Decisions are not available on this installation.';
    // Who decides comes from the authenticated activity; the card's data names only the escalation.
    const result = await deps.escalations.decide({ id: userId, name: context.activity.from?.name }, data, context.activity.replyToId);
    return 'card' in result ? result.card : result.message;
  });

  // Passes: who acts comes from the authenticated activity; card data names only the request.
  const tapAction = (verb: string, act: (tap: TemporaryAccess, actor: { id: string; name: string }, data: unknown, context: TurnContext) => Promise<TapAnswer>) => {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const actor = actorFrom(context);
      if (!actor) return NO_IDENTITY;
      if (!deps.temporaryAccess) return 'Passes are not available on this installation.';
      const answer = await act(deps.temporaryAccess, actor, data, context);
      return 'card' in answer ? answer.card : answer.message;
    });
  };
  tapAction(TAP_VERBS.submit, (tap, actor, data) => tap.submit(actor, data));
  tapAction(TAP_VERBS.confirm, (tap, actor, data) => tap.confirm(actor, data));
  tapAction(TAP_VERBS.approve, (tap, actor, data, context) => tap.decide(actor, true, data, context.activity.replyToId));
  tapAction(TAP_VERBS.deny, (tap, actor, data, context) => tap.decide(actor, false, data, context.activity.replyToId));
  tapAction(TAP_VERBS.notMe, (tap, actor, data) => tap.notMe(actor, data));
  // The pass is shown in a dialog (task module) only: its content is not kept in the chat.
  app.taskModules.fetch(TAP_VERBS.reveal, async (context, _state, data) => {
    const actor = actorFrom(context);
    if (!actor) return NO_IDENTITY;
    if (!deps.temporaryAccess) return 'Passes are not available on this installation.';
    return deps.temporaryAccess.reveal(actor, data);
  });

  for (const verb of Object.values(COACH_VERBS)) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const userId = context.activity.from?.aadObjectId;
      if (!userId) return NO_IDENTITY;
      await noteReply(deps, userId);
      // Identity comes from the authenticated activity only; card data never names the person acted for.
      return deps.coach.onAction(context, userId, verb, data);
    });
  }

  // Registered last: a dialog button nobody handles any more (an old card's, or one with no verb) opens a small dialog
  // that says so, instead of the framework's 501. Invokes of kinds the app never offers keep their 501.
  app.taskModules.fetch(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'task/fetch',
    async (context) => {
      const verb = (context.activity.value as { data?: { verb?: unknown } } | undefined)?.data?.verb;
      await deps.audit.record({
        action: 'dialog.fetch.unknown',
        outcome: 'denied',
        actor: actorOf(context.activity),
        details: { verb: typeof verb === 'string' ? verb.slice(0, 100) : null },
      });
      return STALE_BUTTON;
    },
  );

  // Registered last: any verb nobody handles (an old card, a forged click) gets a clear answer, not a 501.
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    await deps.audit.record({
      action: 'card.action.unknown',
      outcome: 'denied',
      actor: actorOf(context.activity),
      details: { verb: typeof verb === 'string' ? verb.slice(0, 100) : null },
    });
    return STALE_BUTTON;
  });

  return app;
}

const NO_IDENTITY = 'I can only help people signed in to Teams with a work account.';
const STALE_BUTTON = 'That button is no longer active. Type "help" to see what I can do.';

async function answerMessage(context: TurnContext, deps: BotDeps): Promise<void> {
  const text = context.activity.text ?? '';
  const command = parseCommand(text);
  if (command?.id === 'help') {
    await context.sendActivity(MessageFactory.attachment(helpCard(deps)));
    return;
  }
  const userId = context.activity.from?.aadObjectId;
  if (!userId) {
    await context.sendActivity(NO_IDENTITY);
    return;
  }
  await noteReply(deps, userId);
  switch (command?.id) {
    case 'campaignPreview':
    case 'campaignStart':
    case 'campaignPause':
    case 'campaignResume':
    case 'campaignStatus':
    case 'campaignExport':
      if (deps.campaigns) {
        await deps.campaigns.commands.command(context, userId, command.id, command.argument);
        return;
      }
      await context.sendActivity('Campaigns are not available on this installation.');
      return;
    case 'tapRequest':
    case 'tapList':
    case 'tapCancel':
    case 'queueDone': {
      const actor = actorFrom(context);
      if (!deps.temporaryAccess || !actor) {
        await context.sendActivity('Passes are not available on this installation.');
        return;
      }
      // Requests name people and the queue lists them: never in a channel or group chat where others read along.
      if (context.activity.conversation?.conversationType !== 'personal') {
        await context.sendActivity('Pass commands work only in your personal chat with me.');
        return;
      }
      const answer =
        command.id === 'tapRequest'
          ? await deps.temporaryAccess.request(actor, command.argument)
          : command.id === 'tapList'
            ? await deps.temporaryAccess.list(actor)
            : command.id === 'queueDone'
              ? await deps.temporaryAccess.closeHelp(actor, command.argument)
              : await deps.temporaryAccess.cancel(actor, command.argument);
      await context.sendActivity('card' in answer ? MessageFactory.attachment(CardFactory.adaptiveCard(answer.card)) : answer.message);
      return;
    }
    case 'status':
      await deps.coach.statusCommand(context, userId);
      return;
    case 'setup':
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(deps.coach.platformPicker())));
      return;
    case 'talkToPerson':
      await context.sendActivity(MessageFactory.attachment(deps.cards.attachment('notice', await deps.coach.talkToPerson(userId))));
      return;
    default:
      // Every command has its case above (a new one without a case fails the type check here); free text goes on.
      command?.id satisfies undefined;
      break;
  }
  if (text.trim() === '') {
    await context.sendActivity('I can only read text. Tell me in a few words what is on your mind, or type "help".');
    return;
  }
  await deps.coach.answerText(context, userId, text);
}

/** A reply from someone a campaign reached counts in its funnel; never lets a campaign hiccup break the turn. */
async function noteReply(deps: BotDeps, userId: string): Promise<void> {
  try {
    await deps.campaigns?.service.onReplied(userId);
  } catch (error) {
    deps.logger.warn('could not record a campaign reply', { error });
  }
}

export function actorOf(activity: Partial<Activity>): { kind: 'user'; aadObjectId: string; displayName?: string } | { kind: 'system'; name: string } {
  const id = activity.from?.aadObjectId;
  return id ? { kind: 'user', aadObjectId: id, displayName: activity.from?.name } : { kind: 'system', name: `unknown-sender:${activity.channelId ?? 'none'}` };
}
