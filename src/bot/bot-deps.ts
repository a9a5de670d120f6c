// What the chat's routes call: the features' faces, and a few words they all say.

import type { Activity, TurnContext } from 'botbuilder';
import type { AuditLog } from '../audit/audit-log.js';
import type { CampaignCommands } from '../campaigns/campaign-commands.js';
import type { Campaigns } from '../campaigns/campaigns.js';
import type { CardRenderer } from '../cards/card-renderer.js';
import type { EmployeeCoach } from '../conversation/employee-coach.js';
import type { Escalations } from '../escalation/escalations.js';
import type { TemporaryAccess } from '../helpdesk/temporary-access.js';
import type { Team } from '../managers/team.js';
import type { LeadershipDigest } from '../digest/leadership-digest.js';
import type { Logger } from '../logging/logger.js';

export interface BotDeps {
  cards: CardRenderer;
  audit: AuditLog;
  logger: Logger;
  /** ORGANISATION_NAME (or the demo tenant's); unset, each language's own words for "your organisation". */
  organisationName: string | undefined;
  coach: EmployeeCoach;
  privacy: { retentionDays: number; keepsObjectionText: boolean };
  /** Campaign commands (admins) and what campaigns learn from people's replies; absent when campaigns are off. */
  campaigns?: { commands: CampaignCommands; service: Campaigns };
  /** Decisions on refusals (the decider's card); absent when campaigns are off. */
  escalations?: Escalations;
  /** Helpdesk Temporary Access Passes; absent when campaigns are off. */
  temporaryAccess?: TemporaryAccess;
  /** Managers' view of their team and their nudges; absent without a directory. */
  team?: Team;
  /** The leadership digest on demand (`digest`), for members of the leadership group and the campaign admins. */
  digest?: LeadershipDigest;
  /** Whether a first message from the coach (an invitation, a card, a notice) is on its way or just arrived: it is the welcome. */
  invitationUnderway?: (userId: string) => Promise<boolean>;
  /** Teams told the bot that a person added or removed the app in their personal scope. */
  installationChanged?: (userId: string, change: 'added' | 'removed') => Promise<void>;
  /** The language of a message the coach starts for this person (the welcome). */
  languageOf?: (userId: string, teamsLocale: string | undefined) => Promise<string>;
}

/** A sentence of the chat's own (`bot.*` in the strings) in the language of this turn: the conversation's, else Teams'. */
export async function sayInTurn(deps: BotDeps, context: TurnContext, key: string): Promise<string> {
  return deps.cards.strings.text(await turnLocale(deps, context), `bot.${key}`);
}

export async function turnLocale(deps: BotDeps, context: TurnContext): Promise<string> {
  const userId = context.activity.from?.aadObjectId;
  if (!userId) return deps.cards.strings.supported(context.activity.locale);
  try {
    return await deps.coach.localeOf(context, userId);
  } catch (error) {
    deps.logger.warn('could not tell the language of the conversation', { error });
    return deps.cards.strings.supported(context.activity.locale);
  }
}

/** A reply from someone a campaign reached counts in its funnel; never lets a campaign hiccup break the turn. */
export async function noteReply(deps: BotDeps, userId: string): Promise<void> {
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
