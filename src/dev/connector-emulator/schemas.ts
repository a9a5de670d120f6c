// Schemas for everything the emulator reads from a request body: activities, conversation parameters, users, faults.

import { z } from 'zod';
import { GUID_PATTERN as GUID } from '../../shared/guid.js';
import { FAULT_STATUSES, type FaultStatus } from './errors.js';

export { isGuid } from '../../shared/guid.js';

const channelAccountSchema = z
  .object({
    id: z.string().nullish(),
    name: z.string().nullish(),
    aadObjectId: z.string().nullish(),
  })
  .passthrough();

/** An activity as a bot posts it. Only what the emulator reads is checked; everything else is kept as sent. */
export const activitySchema = z
  .object({
    type: z.string().min(1, 'Activity type is required'),
    id: z.string().nullish(),
    text: z.string().nullish(),
    replyToId: z.string().nullish(),
    from: channelAccountSchema.nullish(),
    recipient: channelAccountSchema.nullish(),
    attachments: z.array(z.object({ contentType: z.string(), content: z.unknown().optional() }).passthrough()).nullish(),
  })
  .passthrough();
export type ReceivedActivity = z.infer<typeof activitySchema>;

/** ConversationParameters as botframework-connector serializes them (POST /v3/conversations). */
export const conversationParametersSchema = z
  .object({
    isGroup: z.boolean().nullish(),
    bot: channelAccountSchema.nullish(),
    members: z.array(channelAccountSchema).nullish(),
    topicName: z.string().nullish(),
    tenantId: z.string().nullish(),
    activity: activitySchema.nullish(),
    channelData: z
      .object({ tenant: z.object({ id: z.string().nullish() }).passthrough().nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type ConversationParameters = z.infer<typeof conversationParametersSchema>;

export const USER_ROLES = ['user', 'guest', 'anonymous'] as const;

export const userInputSchema = z.object({
  /** The user's Entra object id. */
  aadObjectId: z.string().regex(GUID, 'aadObjectId must be a GUID'),
  /** The bot-specific `29:` id; derived from the bot and the object id when omitted. */
  id: z.string().startsWith('29:', "a Teams user id starts with '29:'").optional(),
  name: z.string().min(1),
  tenantId: z.string().regex(GUID, 'tenantId must be a GUID').optional(),
  email: z.string().optional(),
  userPrincipalName: z.string().optional(),
  givenName: z.string().optional(),
  surname: z.string().optional(),
  userRole: z.enum(USER_ROLES).default('user'),
  /** Whether the app is installed in the user's personal scope (Teams refuses proactive chats otherwise). */
  installed: z.boolean().default(true),
  /** Whether the user has blocked the bot's chat. */
  blocked: z.boolean().default(false),
});
export type UserInput = z.input<typeof userInputSchema>;

export const userInputListSchema = z.array(userInputSchema);

export const addConversationSchema = z.object({
  /** The conversation id to register (e.g. from an inbound activity); derived from the user when omitted. */
  id: z.string().min(1).optional(),
  /** The user's `29:` id or Entra object id; the user must be registered. */
  userId: z.string().min(1),
});
export type AddConversationInput = z.infer<typeof addConversationSchema>;

/** A fault as posted to /_emulator/faults: `path` is a prefix, `pathPattern` a regular expression. */
export const faultBodySchema = z
  .object({
    method: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    pathPattern: z.string().min(1).optional(),
    status: z
      .number()
      .int()
      .refine((status): status is FaultStatus => (FAULT_STATUSES as readonly number[]).includes(status), {
        message: `status must be one of ${FAULT_STATUSES.join(', ')}`,
      })
      .optional(),
    drop: z.enum(['request', 'answer']).optional(),
    times: z.number().int().min(1).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    code: z.string().min(1).optional(),
    message: z.string().min(1).optional(),
  })
  .strict()
  .refine((fault) => !(fault.path && fault.pathPattern), { message: 'give path or pathPattern, not both' })
  .refine((fault) => fault.status !== undefined || (fault.delayMs ?? 0) > 0 || fault.drop !== undefined, { message: 'a fault needs a status, a delayMs or a drop' })
  .refine((fault) => fault.status === undefined || fault.drop === undefined, { message: 'a fault either answers with a status or drops the connection, not both' });

/** PUT /_emulator/latency: the delay before every /v3 answer, 0 to turn it off. */
export const latencyBodySchema = z.object({ ms: z.number().int().min(0).max(600_000) }).strict();

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
