// One turn, end to end after authentication: refuse traffic that is not ours, remember the conversation, run the app.

import { type Activity, ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { AuditLog } from '../audit/audit-log.js';
import type { AppConfig } from '../config/app-config.js';
import { isAppError } from '../errors/app-error.js';
import { userMessageText } from '../shared/strings.js';
import type { Logger } from '../logging/logger.js';
import type { ConversationReferences } from '../messaging/conversation-references.js';
import type { Strings } from '../shared/strings.js';
import { coachMeter, inSpan, METRIC, SPAN, SpanKind, wordsOf } from '../telemetry/telemetry.js';
import { actorOf } from './app.js';
import { assertServedTurn, tenantOf } from './turn-guard.js';

export interface TurnHandlerDeps {
  app: Application<TurnState>;
  config: AppConfig;
  conversations: ConversationReferences;
  audit: AuditLog;
  strings: Strings;
  /** The language of this person's conversation (else Teams'), for what a failed turn says. */
  languageOf?: (userId: string, teamsLocale: string | undefined) => Promise<string>;
}

export function createTurnHandler(deps: TurnHandlerDeps): (context: TurnContext, logger: Logger) => Promise<void> {
  const meter = coachMeter();
  const turns = meter.createCounter(METRIC.turns, { description: 'Turns handled, by activity type and outcome (ok, refused, failed)' });
  const duration = meter.createHistogram(METRIC.turnDuration, { description: 'Time to handle a turn, by activity type', unit: 'ms' });
  const replies = meter.createCounter(METRIC.replies, { description: 'Activities the bot sent within turns, by kind (text, card, typing, other)' });
  const handle = turnSteps(deps);
  return async (context, logger) => {
    const kind = context.activity.type?.toLowerCase() ?? 'none';
    const startedAt = performance.now();
    let outcome = 'failed';
    context.onSendActivities(async (_context, activities, next) => {
      for (const activity of activities) replies.add(1, wordsOf({ kind: replyKind(activity) }));
      return next();
    });
    try {
      await inSpan(SPAN.turn, SpanKind.SERVER, { 'coach.activity.type': kind, 'coach.conversation.type': context.activity.conversation?.conversationType }, async (span) => {
        outcome = await handle(context, logger);
        span.setAttribute('coach.turn.outcome', outcome);
      });
    } catch (error) {
      if (isAppError(error, 'request.forbidden')) outcome = 'refused';
      throw error;
    } finally {
      turns.add(1, wordsOf({ kind, outcome }));
      duration.record(performance.now() - startedAt, wordsOf({ kind }));
    }
  };
}

/** What a reply is, for counting: words, a card, a typing indicator. */
function replyKind(activity: Partial<Activity>): string {
  if (activity.type === ActivityTypes.Typing) return 'typing';
  if (activity.type !== ActivityTypes.Message) return 'other';
  return (activity.attachments?.length ?? 0) > 0 ? 'card' : 'text';
}

/** The turn itself; `ok`, or `failed` when the app threw and the person was told (an invoke's failure is thrown). */
function turnSteps(deps: TurnHandlerDeps): (context: TurnContext, logger: Logger) => Promise<'ok' | 'failed'> {
  return async (context, logger) => {
    try {
      assertServedTurn(context, deps.config);
    } catch (error) {
      if (isAppError(error, 'request.forbidden')) {
        // The refusal stands even when it cannot be audited; the failure to audit is logged loudly.
        await deps.audit
          .record({
            action: 'request.refused',
            outcome: 'denied',
            actor: actorOf(context.activity),
            details: { ...(error.details ?? {}), activityType: context.activity.type },
          })
          .catch((auditError: unknown) => logger.error('could not audit a refused activity', { error: auditError }));
      }
      throw error;
    }
    await deps.conversations.remember(context.activity, tenantOf(context));
    try {
      await deps.app.run(context);
      return 'ok';
    } catch (error) {
      await replyToTurnError(context, error, logger, deps.strings, deps.languageOf);
      return 'failed';
    }
  };
}

/** The one place a failed turn becomes words for the person and a log line for us. */
export async function replyToTurnError(context: TurnContext, error: unknown, logger: Logger, strings: Strings, languageOf?: TurnHandlerDeps['languageOf']): Promise<void> {
  const userFault = isAppError(error) && error.userFault;
  const log = { error, activityType: context.activity.type, conversationType: context.activity.conversation?.conversationType };
  if (userFault) logger.warn('turn refused input', log);
  else logger.error('turn failed', log);
  // Invokes expect an invoke response, not a chat message: let the HTTP layer answer 500 (or 400).
  if (context.activity.type !== ActivityTypes.Message) throw error;
  try {
    await context.sendActivity(userMessageText(error, strings, await turnLanguage(context, strings, logger, languageOf)));
  } catch (sendError) {
    logger.error('could not tell the person about a failed turn', { error: sendError });
  }
}

/** The conversation's language; the one Teams gives when that cannot be read (the store may be what failed). */
async function turnLanguage(context: TurnContext, strings: Strings, logger: Logger, languageOf: TurnHandlerDeps['languageOf']): Promise<string> {
  const userId = context.activity.from?.aadObjectId;
  if (userId && languageOf) {
    try {
      return await languageOf(userId, context.activity.locale);
    } catch (error) {
      logger.warn('could not tell the language of a failed turn', { error });
    }
  }
  return strings.supported(context.activity.locale);
}
