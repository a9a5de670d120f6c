// Card buttons (Action.Execute, routed by verb) and dialogs (task/fetch): who acts always comes from the
// authenticated activity; a card's data names only what is acted on. A verb nobody handles gets a clear answer.

import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { CAMPAIGN_ADMIN_VERBS } from '../campaigns/campaign-commands.js';
import { CAMPAIGN_VERBS } from '../campaigns/campaign-messages.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import { ESCALATION_VERBS } from '../escalation/escalation-cards.js';
import { actorFrom, TAP_VERBS, type TapAnswer, type TemporaryAccess } from '../helpdesk/temporary-access.js';
import { helpCardJson } from '../onboarding/help.js';
import { TEAM_VERBS } from '../managers/team-card.js';
import type { Team, TeamAnswer } from '../managers/team.js';
import { managesATeam, readsTheDigest } from './message-routes.js';
import { actorOf, type BotDeps, noteReply, sayInTurn, turnLocale } from './bot-deps.js';

export const CARD_VERBS = {
  showHelp: 'help.show',
} as const;

export function registerCardRoutes(app: Application<TurnState>, deps: BotDeps): void {
  app.adaptiveCards.actionExecute(CARD_VERBS.showHelp, async (context) => helpCardJson(deps, await turnLocale(deps, context), 'personal', await managesATeam(context, deps), await readsTheDigest(context, deps)));

  // A manager's team: who clicks is the manager (from the authenticated activity); the card's data names only the
  // report, and the team checks with Entra that it is the clicker's own.
  const teamAction = (verb: string, act: (team: Team, manager: { id: string; name: string }, data: unknown, locale: string) => Promise<TeamAnswer>) => {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const userId = context.activity.from?.aadObjectId;
      if (!userId) return sayInTurn(deps, context, 'noIdentity');
      const locale = await turnLocale(deps, context);
      if (!deps.team) return deps.cards.strings.text(locale, 'team.answers.directoryOff');
      const answer = await act(deps.team, { id: userId, name: context.activity.from?.name ?? '' }, data, locale);
      return 'card' in answer ? answer.card : answer.message;
    });
  };
  teamAction(TEAM_VERBS.nudge, (team, manager, data, locale) => team.nudge(manager, data, locale));
  teamAction(TEAM_VERBS.nudgeAll, (team, manager, _data, locale) => team.nudgeAll(manager, locale));
  teamAction(TEAM_VERBS.refresh, (team, manager, _data, locale) => team.show(manager, locale));
  teamAction(TEAM_VERBS.refreshAll, (team, manager, _data, locale) => team.showAll(manager, locale));

  for (const verb of Object.values(CAMPAIGN_ADMIN_VERBS)) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const userId = context.activity.from?.aadObjectId;
      if (!userId) return sayInTurn(deps, context, 'noIdentity');
      if (!deps.campaigns) return sayInTurn(deps, context, 'campaignsOff');
      return deps.campaigns.commands.action(context, userId, verb, data);
    });
  }

  app.adaptiveCards.actionExecute(CAMPAIGN_VERBS.snooze, async (context, _state, data) => {
    const userId = context.activity.from?.aadObjectId;
    if (!userId) return sayInTurn(deps, context, 'noIdentity');
    const campaignId = (data as { campaignId?: unknown } | undefined)?.campaignId;
    if (!deps.campaigns || typeof campaignId !== 'string' || campaignId.length > 64) return sayInTurn(deps, context, 'staleButton');
    // The campaign id only says which campaign; whose reminder moves comes from the authenticated sender.
    return (await deps.campaigns.service.snooze(userId, campaignId, await turnLocale(deps, context))).message;
  });
  app.adaptiveCards.actionExecute(CAMPAIGN_VERBS.declineBackup, async (context, _state, data) => {
    const userId = context.activity.from?.aadObjectId;
    if (!userId) return sayInTurn(deps, context, 'noIdentity');
    const campaignId = (data as { campaignId?: unknown } | undefined)?.campaignId;
    if (!deps.campaigns || typeof campaignId !== 'string' || campaignId.length > 64) return sayInTurn(deps, context, 'staleButton');
    // Whose "no thanks" it is comes from the authenticated sender, never from the card.
    return (await deps.campaigns.service.declineBackup(userId, campaignId, await turnLocale(deps, context))).message;
  });

  app.adaptiveCards.actionExecute(ESCALATION_VERBS.decide, async (context, _state, data) => {
    const userId = context.activity.from?.aadObjectId;
    if (!userId) return sayInTurn(deps, context, 'noIdentity');
    if (!deps.escalations) return sayInTurn(deps, context, 'decisionsOff');
    // Who decides comes from the authenticated activity; the card's data names only the escalation.
    const result = await deps.escalations.decide({ id: userId, name: context.activity.from?.name, locale: context.activity.locale }, data, context.activity.replyToId);
    return 'card' in result ? result.card : result.message;
  });

  // Passes: who acts comes from the authenticated activity; card data names only the request.
  const tapAction = (verb: string, act: (tap: TemporaryAccess, actor: { id: string; name: string }, data: unknown, context: TurnContext) => Promise<TapAnswer>) => {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const actor = actorFrom(context);
      if (!actor) return sayInTurn(deps, context, 'noIdentity');
      if (!deps.temporaryAccess) return sayInTurn(deps, context, 'passesOff');
      const answer = await act(deps.temporaryAccess, actor, data, context);
      return 'card' in answer ? answer.card : answer.message;
    });
  };
  tapAction(TAP_VERBS.submit, (tap, actor, data, context) => tap.submit(actor, data, context.activity.locale));
  tapAction(TAP_VERBS.confirm, (tap, actor, data, context) => tap.confirm(actor, data, context.activity.locale));
  tapAction(TAP_VERBS.approve, (tap, actor, data, context) => tap.decide(actor, true, data, context.activity.replyToId, context.activity.locale));
  tapAction(TAP_VERBS.deny, (tap, actor, data, context) => tap.decide(actor, false, data, context.activity.replyToId, context.activity.locale));
  tapAction(TAP_VERBS.notMe, (tap, actor, data, context) => tap.notMe(actor, data, context.activity.locale));
  tapAction(TAP_VERBS.verifyAgain, (tap, actor, data, context) => tap.verifyAgain(actor, data, context.activity.locale));
  // The pass is shown in a dialog (task module) only: its content is not kept in the chat.
  app.taskModules.fetch(TAP_VERBS.reveal, async (context, _state, data) => {
    const actor = actorFrom(context);
    if (!actor) return sayInTurn(deps, context, 'noIdentity');
    if (!deps.temporaryAccess) return sayInTurn(deps, context, 'passesOff');
    return deps.temporaryAccess.reveal(actor, data, context.activity.locale);
  });

  for (const verb of Object.values(COACH_VERBS)) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const userId = context.activity.from?.aadObjectId;
      if (!userId) return sayInTurn(deps, context, 'noIdentity');
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
      await deps.audit.record({ action: 'dialog.fetch.unknown', outcome: 'denied', actor: actorOf(context.activity), details: { verb: typeof verb === 'string' ? verb.slice(0, 100) : null } });
      return sayInTurn(deps, context, 'staleButton');
    },
  );

  // Registered last: any verb nobody handles (an old card, a forged click) gets a clear answer, not a 501.
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    await deps.audit.record({ action: 'card.action.unknown', outcome: 'denied', actor: actorOf(context.activity), details: { verb: typeof verb === 'string' ? verb.slice(0, 100) : null } });
    return sayInTurn(deps, context, 'staleButton');
  });
}
