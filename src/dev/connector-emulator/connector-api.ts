// The Bot Connector v3 routes Teams bots use: create a 1:1 conversation, send, reply, update, delete, read members.
// Each handler: parse the body, find the conversation, apply Teams' limits, check the user, then act.

import { connectorErrors } from './errors.js';
import type { ActivityIds } from './ids.js';
import { retryAfterSeconds, type SlidingWindowCounter, type WindowBucket } from '../../shared/sliding-window.js';
import { type ConnectorLimits, messageBytes } from './limits.js';
import {
  activitySchema,
  type ConversationParameters,
  conversationParametersSchema,
  describeZodError,
  isGuid,
  type ReceivedActivity,
} from './schemas.js';
import type { ConversationRecord, EmulatorState, EmulatorUser } from './state.js';

export interface ApiRequest {
  readonly method: string;
  /** Decoded path segments after `v3`. */
  readonly segments: readonly string[];
  readonly path: string;
  readonly body: unknown;
}

export interface ApiResult {
  readonly status: number;
  readonly body?: unknown;
  readonly conversationId?: string;
}

export interface ConnectorApiDeps {
  readonly state: EmulatorState;
  readonly limiter: SlidingWindowCounter;
  readonly limits: ConnectorLimits;
  readonly ids: ActivityIds;
  /** When set, `bot.id` in a create request must name this bot. */
  readonly botId: string | undefined;
  /** Accept conversations and messages the emulator never saw (demo and fixture convenience; Teams answers 404). */
  readonly lenient: boolean;
}

export function createConnectorApi(deps: ConnectorApiDeps): (request: ApiRequest) => ApiResult {
  const { state } = deps;

  function throttle(buckets: WindowBucket[]): void {
    const decision = deps.limiter.tryAcquire(buckets);
    if (!decision.allowed) throw connectorErrors.throttled(retryAfterSeconds(decision.retryAfterMs));
  }

  const tenantBucket = (tenantId: string): WindowBucket => ({ key: `tenant:${tenantId}`, windows: deps.limits.perTenant });
  const sendBucket = (conversationId: string): WindowBucket => ({ key: `send:${conversationId}`, windows: deps.limits.perConversationSend });
  const readBucket = (conversationId: string): WindowBucket => ({ key: `read:${conversationId}`, windows: deps.limits.perConversationRead });

  function parseActivity(body: unknown): ReceivedActivity {
    const parsed = activitySchema.safeParse(body);
    if (!parsed.success) throw connectorErrors.badArgument(`Invalid activity: ${describeZodError(parsed.error)}`);
    if (messageBytes(parsed.data) > deps.limits.maxMessageBytes) throw connectorErrors.tooBig();
    return parsed.data;
  }

  function findConversation(id: string, activity?: ReceivedActivity): ConversationRecord {
    const conversation = state.conversation(id);
    if (conversation) return conversation;
    if (deps.lenient) return state.adoptConversation(id, activity);
    throw connectorErrors.conversationNotFound();
  }

  /** Teams refuses writes into a chat whose user blocked the bot or removed the app. */
  function ensureDeliverable(conversation: ConversationRecord): void {
    const user = conversation.aadObjectId ? state.findUser(conversation.aadObjectId) : undefined;
    if (!user) return;
    if (user.blocked) throw connectorErrors.blockedByUser();
    if (!user.installed) throw connectorErrors.notInRoster();
  }

  function createConversation(body: unknown): ApiResult {
    const parsed = conversationParametersSchema.safeParse(body);
    if (!parsed.success) throw connectorErrors.badArgument(`Incorrect conversation creation parameters: ${describeZodError(parsed.error)}`);
    const parameters = parsed.data;
    const activity = parameters.activity ? parseActivity(parameters.activity) : undefined;
    const user = resolveMember(parameters);
    const conversationId = state.personalConversationIdFor(user);
    throttle([tenantBucket(user.tenantId), sendBucket(conversationId)]);
    if (user.blocked) throw connectorErrors.blockedByUser();
    if (!user.installed) throw connectorErrors.notInstalled();
    const { conversation } = state.openPersonalConversation(user, conversationId);
    if (!activity) return { status: 201, body: { id: conversation.id }, conversationId: conversation.id };
    const activityId = deps.ids.next();
    state.post('send', conversation, activityId, activity);
    return { status: 201, body: { id: conversation.id, activityId }, conversationId: conversation.id };
  }

  /** The one member of a 1:1 create, checked the way Teams checks it (tenant, bot, the user being known). */
  function resolveMember(parameters: ConversationParameters): EmulatorUser {
    if (parameters.isGroup) throw connectorErrors.badArgument('Incorrect conversation creation parameters: a bot cannot create a group chat.');
    const members = parameters.members ?? [];
    const member = members[0];
    if (members.length !== 1 || !member) {
      throw connectorErrors.badArgument('Incorrect conversation creation parameters: a 1:1 conversation needs exactly one member.');
    }
    const tenantId = (parameters.channelData?.tenant?.id ?? parameters.tenantId ?? '').toLowerCase();
    if (!tenantId) throw connectorErrors.badArgument('Incorrect conversation creation parameters: channelData.tenant.id is required.');
    if (deps.botId && parameters.bot?.id && stripBotPrefix(parameters.bot.id) !== stripBotPrefix(deps.botId)) {
      throw connectorErrors.badArgument('Incorrect conversation creation parameters: bot.id is not the calling bot.');
    }
    const memberId = member.id || member.aadObjectId || '';
    if (!memberId) throw connectorErrors.badArgument('Incorrect conversation creation parameters: the member has no id.');
    const user = state.findUser(memberId);
    if (memberId.startsWith('29:') && (!user || user.tenantId !== tenantId)) throw connectorErrors.unknownPairwiseId();
    if (!memberId.startsWith('29:') && !isGuid(memberId.replace(/^8:orgid:/, ''))) throw connectorErrors.unknownPairwiseId();
    // An object id Teams cannot reach in this tenant looks, to the bot, like an app that is not installed for the user.
    if (!user || user.tenantId !== tenantId) throw connectorErrors.notInstalled();
    return user;
  }

  function send(conversationId: string, body: unknown, replyToId?: string): ApiResult {
    const activity = parseActivity(body);
    const conversation = findConversation(conversationId, activity);
    throttle([tenantBucket(conversation.tenantId), sendBucket(conversation.id)]);
    ensureDeliverable(conversation);
    const activityId = deps.ids.next();
    state.post(replyToId === undefined ? 'send' : 'reply', conversation, activityId, activity, replyToId);
    return { status: 201, body: { id: activityId }, conversationId };
  }

  function update(conversationId: string, activityId: string, body: unknown): ApiResult {
    const activity = parseActivity(body);
    if (activity.type !== 'message') throw connectorErrors.badArgument('Only message activities can be updated.');
    const conversation = findConversation(conversationId, activity);
    const known = state.activityState(conversationId, activityId);
    if (known === 'deleted' || (known === 'unknown' && !deps.lenient)) throw connectorErrors.activityNotFound();
    throttle([tenantBucket(conversation.tenantId)]);
    ensureDeliverable(conversation);
    state.update(conversation, activityId, activity);
    return { status: 200, body: { id: activityId }, conversationId };
  }

  function remove(conversationId: string, activityId: string): ApiResult {
    const conversation = findConversation(conversationId);
    if (state.activityState(conversationId, activityId) !== 'live') throw connectorErrors.activityNotFound();
    throttle([tenantBucket(conversation.tenantId)]);
    ensureDeliverable(conversation);
    state.delete(conversation, activityId);
    return { status: 200, conversationId };
  }

  function members(conversationId: string, memberId: string | undefined, paged: boolean): ApiResult {
    const conversation = findConversation(conversationId);
    throttle([tenantBucket(conversation.tenantId), readBucket(conversation.id)]);
    const user = conversation.aadObjectId ? state.findUser(conversation.aadObjectId) : undefined;
    const roster = user ? [teamsChannelAccount(user)] : [];
    if (memberId === undefined) return { status: 200, body: paged ? { members: roster } : roster, conversationId };
    const found = state.findUser(memberId);
    if (!user || !found || found.aadObjectId !== user.aadObjectId) throw connectorErrors.memberNotFound();
    return { status: 200, body: teamsChannelAccount(user), conversationId };
  }

  return function handle(request: ApiRequest): ApiResult {
    const { method, segments, body } = request;
    const [root, conversationId, collection, itemId, ...rest] = segments;
    if (root !== 'conversations' || rest.length > 0) throw connectorErrors.notFound(method, request.path);
    if (conversationId === undefined) {
      if (method === 'POST') return createConversation(body);
      throw connectorErrors.methodNotAllowed(method, request.path);
    }
    if (collection === 'activities' && itemId === undefined) {
      if (method === 'POST') return send(conversationId, body);
      throw connectorErrors.methodNotAllowed(method, request.path);
    }
    if (collection === 'activities' && itemId !== undefined) {
      if (method === 'POST') return send(conversationId, body, itemId);
      if (method === 'PUT') return update(conversationId, itemId, body);
      if (method === 'DELETE') return remove(conversationId, itemId);
      throw connectorErrors.methodNotAllowed(method, request.path);
    }
    if (collection === 'members' || (collection === 'pagedmembers' && itemId === undefined)) {
      if (method === 'GET') return members(conversationId, itemId, collection === 'pagedmembers');
      throw connectorErrors.methodNotAllowed(method, request.path);
    }
    throw connectorErrors.notFound(method, request.path);
  };
}

function stripBotPrefix(id: string): string {
  return id.replace(/^28:/, '').toLowerCase();
}

/** TeamsChannelAccount as Teams returns it for a member of a chat. */
export function teamsChannelAccount(user: EmulatorUser): Record<string, string> {
  const account: Record<string, string | undefined> = {
    id: user.id,
    name: user.name,
    aadObjectId: user.aadObjectId,
    givenName: user.givenName,
    surname: user.surname,
    email: user.email,
    userPrincipalName: user.userPrincipalName,
    tenantId: user.tenantId,
    userRole: user.userRole,
  };
  return Object.fromEntries(Object.entries(account).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
