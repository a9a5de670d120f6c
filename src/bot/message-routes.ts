// Messages: a command (a constant of onboarding/commands.ts, matched exactly) goes to its handler; anything else goes
// to the employee coach. Handlers parse and check who is asking, then call one use case.

import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { CampaignCommandId } from '../campaigns/campaign-commands.js';
import { actorFrom, type TapAnswer } from '../helpdesk/temporary-access.js';
import { COMMANDS, type CommandId, type CommandSpec, type ParsedCommand, parseCommand } from '../onboarding/commands.js';
import { helpCard } from '../onboarding/help.js';
import { type BotDeps, noteReply, sayInTurn, turnLocale } from './bot-deps.js';

type CommandHandler = (context: TurnContext, deps: BotDeps, userId: string, argument: string) => Promise<void>;

const campaignCommand =
  (id: CampaignCommandId): CommandHandler =>
  async (context, deps, userId, argument) => {
    if (!deps.campaigns) return void (await context.sendActivity(await sayInTurn(deps, context, 'campaignsOff')));
    await deps.campaigns.commands.command(context, userId, id, argument);
  };

const passCommand =
  (run: (tap: NonNullable<BotDeps['temporaryAccess']>, actor: { id: string; name: string }, argument: string, teamsLocale: string | undefined) => Promise<TapAnswer | { message: string }>): CommandHandler =>
  async (context, deps, _userId, argument) => {
    const actor = actorFrom(context);
    if (!deps.temporaryAccess || !actor) return void (await context.sendActivity(await sayInTurn(deps, context, 'passesOff')));
    const answer = await run(deps.temporaryAccess, actor, argument, context.activity.locale);
    await context.sendActivity('card' in answer ? MessageFactory.attachment(CardFactory.adaptiveCard(answer.card)) : answer.message);
  };

const teamCommand =
  (scope: 'direct' | 'all'): CommandHandler =>
  async (context, deps, userId) => {
    const locale = await turnLocale(deps, context);
    if (!deps.team) return void (await context.sendActivity(deps.cards.strings.text(locale, 'team.answers.directoryOff')));
    const manager = { id: userId, name: context.activity.from?.name ?? '' };
    const answer = scope === 'all' ? await deps.team.showAll(manager, locale) : await deps.team.show(manager, locale);
    await context.sendActivity('card' in answer ? MessageFactory.attachment(CardFactory.adaptiveCard(answer.card)) : answer.message);
  };

/** Commands answered only in the personal chat (COMMANDS says which), with what the coach says in a channel instead. */
export const PERSONAL_ONLY_COMMANDS: ReadonlySet<CommandId> = new Set((Object.entries(COMMANDS) as [CommandId, CommandSpec][]).filter(([, spec]) => spec.personalOnly).map(([id]) => id));
const notHere = (id: CommandId): string => (COMMANDS[id].audience === 'helpdesk' ? 'passesPersonalOnly' : 'personalOnly');

const isPersonal = (context: TurnContext) => context.activity.conversation?.conversationType === 'personal';

/** Every command but help (which needs no identity), by id: a new command without a handler fails the type check. */
const HANDLERS: Record<Exclude<CommandId, 'help'>, CommandHandler> = {
  campaignPreview: campaignCommand('campaignPreview'),
  campaignStart: campaignCommand('campaignStart'),
  campaignPause: campaignCommand('campaignPause'),
  campaignResume: campaignCommand('campaignResume'),
  campaignStatus: campaignCommand('campaignStatus'),
  campaignExport: campaignCommand('campaignExport'),
  tapRequest: passCommand((tap, actor, argument, locale) => tap.request(actor, argument, locale)),
  tapList: passCommand((tap, actor, _argument, locale) => tap.list(actor, locale)),
  tapCancel: passCommand((tap, actor, argument, locale) => tap.cancel(actor, argument, locale)),
  queueDone: passCommand((tap, actor, argument, locale) => tap.closeHelp(actor, argument, locale)),
  status: (context, deps, userId) => deps.coach.statusCommand(context, userId),
  setup: (context, deps, userId) => deps.coach.setupCommand(context, userId),
  talkToPerson: (context, deps, userId) => deps.coach.talkToPersonCommand(context, userId),
  team: teamCommand('direct'),
  teamAll: teamCommand('all'),
  digest: async (context, deps, userId) => {
    const locale = await turnLocale(deps, context);
    if (!deps.digest) return void (await context.sendActivity(await sayInTurn(deps, context, 'campaignsOff')));
    const answer = await deps.digest.onDemand({ id: userId, name: context.activity.from?.name ?? '' }, locale);
    await context.sendActivity('card' in answer ? MessageFactory.attachment(CardFactory.adaptiveCard(answer.card)) : answer.message);
  },
};

/** The command route's selector and its handler both ask which command a message is: parsed once per activity. */
const parsed = new WeakMap<object, ParsedCommand | undefined>();

function commandOf(context: TurnContext): ParsedCommand | undefined {
  const { activity } = context;
  if (!parsed.has(activity)) parsed.set(activity, parseCommand(activity.text ?? ''));
  return parsed.get(activity);
}

export function registerMessageRoutes(app: Application<TurnState>, deps: BotDeps): void {
  const answerHelp = async (context: TurnContext) => {
    const personal = isPersonal(context);
    await context.sendActivity(MessageFactory.attachment(helpCard(deps, await turnLocale(deps, context), personal ? 'personal' : 'channel', personal && (await managesATeam(context, deps)), personal && (await readsTheDigest(context, deps)))));
  };

  // One route for every command, dispatched by its id (teams-ai would otherwise await one selector per command on
  // every message, free text included, before reaching the last route).
  app.message(
    async (context) => context.activity.type === 'message' && commandOf(context) !== undefined,
    async (context) => {
      const command = commandOf(context)!;
      if (command.id === 'help') return answerHelp(context);
      if (PERSONAL_ONLY_COMMANDS.has(command.id) && !isPersonal(context)) return void (await context.sendActivity(await sayInTurn(deps, context, notHere(command.id))));
      const userId = await identified(context, deps);
      if (userId) await HANDLERS[command.id](context, deps, userId, command.argument);
    },
  );

  // Registered last: free text is the conversation, which is a person's own (their concerns, their phone).
  app.message(async (context) => context.activity.type === 'message', async (context) => {
    if (!isPersonal(context)) return void (await context.sendActivity(await sayInTurn(deps, context, 'personalOnly')));
    const userId = await identified(context, deps);
    if (!userId) return;
    const text = context.activity.text ?? '';
    if (text.trim() === '') {
      await context.sendActivity(await sayInTurn(deps, context, 'onlyText'));
      return;
    }
    await deps.coach.answerText(context, userId, text);
  });
}

/** Whether the sender has direct reports (the help card then lists `team`); false when Entra cannot say. */
export async function managesATeam(context: TurnContext, deps: BotDeps): Promise<boolean> {
  const userId = context.activity.from?.aadObjectId;
  return userId !== undefined && deps.team !== undefined && (await deps.team.isManager(userId));
}

/** Whether the sender may read the leadership digest (the help card then lists `digest`); false when Entra cannot say. */
export async function readsTheDigest(context: TurnContext, deps: BotDeps): Promise<boolean> {
  const userId = context.activity.from?.aadObjectId;
  return userId !== undefined && deps.digest !== undefined && (await deps.digest.mayRead(userId));
}

/** The sender's Entra object id, after noting their reply for the campaign; undefined (and told why) without one. */
async function identified(context: TurnContext, deps: BotDeps): Promise<string | undefined> {
  const userId = context.activity.from?.aadObjectId;
  if (!userId) {
    await context.sendActivity(await sayInTurn(deps, context, 'noIdentity'));
    return undefined;
  }
  await noteReply(deps, userId);
  return userId;
}
