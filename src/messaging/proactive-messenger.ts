// Messages the bot starts: into the person's known 1:1 chat, or — for someone it has never talked to — after
// installing the app for them through Graph, by opening the chat with the message in the same Bot Connector call.
// Every connector call waits for the shared tenant rate limiter; failures come back as "try again" or "give up".

import type { Activity } from 'botbuilder';
import type { CoachAdapter } from './teams-adapter.js';
import type { Directory, InstallOutcome } from '../directory/directory-port.js';
import type { SlidingWindowLimiter } from '../directory/rate-limiter.js';
import { isAppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { connectorEndpoint, type EndpointGuard, GRAPH_ENDPOINT, RetryableDeliveryError } from './delivery-errors.js';
import type { Store } from '../store/store-port.js';
import type { ConversationReferences } from './conversation-references.js';
import { setBounded } from '../shared/bounded-map.js';

/** Rows of people who removed or blocked the app: never reinstalled, never messaged by a campaign again. */
export const UNREACHABLE_PARTITION = 'unreachable';
/** person → when the coach installed the app for them to send a message (see messageUnderway). */
export const INSTALLED_FOR_PARTITION = 'installed-for-message';
/** How long after such an install Teams' notice of it still needs no welcome of its own. */
const MESSAGE_GREETS_MS = 60 * 60_000;

export type UnreachableReason = 'removed-app' | 'blocked-app' | 'no-teams' | 'not-in-directory';

/** The person cannot be messaged, now or later, for `reason`. */
export class UnreachableError extends Error {
  constructor(
    readonly reason: UnreachableReason,
    message: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}

export interface Delivered {
  conversationId: string;
  activityId?: string;
}

export interface ProactiveMessengerOptions {
  adapter: CoachAdapter;
  /** The bot's app id ('' in demo mode). */
  botAppId: string;
  /** The bot's id as Teams shows it (`28:<app id>`). */
  botId: string;
  tenantId: string;
  /** Where to open chats with people the bot has never talked to. */
  serviceUrl: string;
  conversations: ConversationReferences;
  store: Store;
  /** Shared by every proactive Bot Connector call of this instance: the tenant's requests per second, less the reserve. */
  limiter: SlidingWindowLimiter;
  /** To install the app for people who do not have it; without it (or without catalogAppId) the chat is opened directly. */
  directory?: Directory;
  catalogAppId?: string;
  /** Asked before every Bot Connector and Graph call, and told what came of it (the outbox's circuit breakers). */
  guard?: EndpointGuard;
  /** One Bot Connector call's limit: a connection that hangs counts as no answer. */
  callTimeoutMs?: number;
  /**
   * The chats this messenger opens are written with the sender's outcomes (ConversationReferences.storeOpenedChats,
   * which the sender then calls), a few to a transaction, instead of one write each right after opening.
   */
  storeChatsWithOutcomes?: boolean;
  logger: Logger;
}

/** Default limit of one Bot Connector call. */
const CALL_TIMEOUT_MS = 30_000;

/** Teams' code for an app a tenant admin blocked (for everyone, or for some people by a policy). */
const BLOCKED_BY_ADMIN = 'BotDisabledByAdmin';

interface ConnectorFailure {
  statusCode?: number;
  code?: string;
  retryAfterMs?: number;
}

/** Installs this instance made to message someone, remembered here too (most notices come back to the same instance). */
const INSTALLS_REMEMBERED = 10_000;

export class ProactiveMessenger {
  /** person → when the app was installed for them to message them (by this instance, or as its marker said). */
  readonly #installedHere = new Map<string, number>();

  constructor(private readonly options: ProactiveMessengerOptions) {}

  /**
   * Sends `activity` to the person's 1:1 chat. Throws UnreachableError (give up) or RetryableDeliveryError.
   * `appInstalled`: what the caller read about the app recently; when true the chat is opened without installing
   * first (an install would answer 409), and installed after all if Teams says the app is not there.
   */
  async send(userId: string, activity: Partial<Activity>, hint: { appInstalled?: boolean } = {}): Promise<Delivered> {
    const { store, conversations } = this.options;
    const unreachable = await store.get<{ reason: UnreachableReason }>(UNREACHABLE_PARTITION, userId);
    if (unreachable) throw new UnreachableError(unreachable.value.reason, 'the person removed or blocked the app earlier');
    const known = await conversations.personalChatOf(userId);
    const conversationId = known?.reference.conversation?.id;
    if (known && conversationId) {
      try {
        return await this.#post(known.reference.serviceUrl ?? this.options.serviceUrl, conversationId, activity);
      } catch (error) {
        // A chat Teams no longer knows (deleted, or the app reinstalled): open it again below.
        if (!(error instanceof StaleConversationError)) throw error;
      }
    }
    if (hint.appInstalled) {
      try {
        return await this.#create(userId, activity, 'not-yet');
      } catch (error) {
        // Gone since it was read (and Teams' notice of the removal did not arrive): the usual way below.
        if (!(error instanceof AppMissingError)) throw error;
      }
    }
    const installed = await this.#install(userId);
    return this.#create(userId, activity, installed === 'installed' ? 'just-now' : 'checked');
  }

  /** True for an hour after the coach installed the app for the person in order to message them. */
  async messageUnderway(userId: string, now = new Date()): Promise<boolean> {
    const here = this.#installedHere.get(userId);
    if (here !== undefined && now.getTime() - here < MESSAGE_GREETS_MS) return true;
    const noted = await this.options.store.get<{ at: string }>(INSTALLED_FOR_PARTITION, userId);
    if (noted === undefined) return false;
    const at = Date.parse(noted.value.at);
    // Known from now on: an install notice asks twice (for the chat, and for the welcome).
    setBounded(this.#installedHere, userId, at, INSTALLS_REMEMBERED);
    return now.getTime() - at < MESSAGE_GREETS_MS;
  }

  /**
   * Replaces a message the bot posted earlier (a decision card once it is settled). Throws UnreachableError when
   * the chat is gone for good, RetryableDeliveryError when worth another try; a message Teams no longer has is
   * reported as false (nothing left to update).
   */
  async update(userId: string, conversationId: string, activityId: string, activity: Partial<Activity>): Promise<boolean> {
    const known = await this.options.conversations.personalChatOf(userId);
    const serviceUrl = (known?.reference.conversation?.id === conversationId ? known.reference.serviceUrl : undefined) ?? this.options.serviceUrl;
    const client = await this.options.adapter.proactiveClient(this.options.botAppId, serviceUrl);
    await this.options.limiter.acquire();
    try {
      await this.#connector(serviceUrl, () => client.conversations.updateActivity(conversationId, activityId, { ...activity, id: activityId, type: 'message' } as Activity, { timeout: this.#timeout() }));
      return true;
    } catch (error) {
      if (error instanceof RetryableDeliveryError) throw error;
      const failure = this.#failure(error);
      if (failure.statusCode === 404) return false;
      throw this.#classify(failure, 'update', serviceUrl);
    }
  }

  /** Remembers that the person removed or blocked the app (from Teams' own notice, or a 403 on a send). */
  async markUnreachable(userId: string, reason: UnreachableReason): Promise<void> {
    await this.options.store.put(UNREACHABLE_PARTITION, userId, { reason, at: new Date().toISOString() });
  }

  /** The person reinstalled the app or wrote to the bot: reachable again. */
  async markReachable(userId: string): Promise<void> {
    // Teams announces every install, the coach's own included: a read spares the write when there is nothing to undo.
    if (await this.options.store.get(UNREACHABLE_PARTITION, userId)) await this.options.store.delete(UNREACHABLE_PARTITION, userId);
  }

  async #post(serviceUrl: string, conversationId: string, activity: Partial<Activity>): Promise<Delivered> {
    const client = await this.options.adapter.proactiveClient(this.options.botAppId, serviceUrl);
    await this.options.limiter.acquire();
    try {
      const response = await this.#connector(serviceUrl, () => client.conversations.sendToConversation(conversationId, activity as Activity, { timeout: this.#timeout() }));
      return { conversationId, activityId: response.id };
    } catch (error) {
      if (error instanceof RetryableDeliveryError) throw error;
      const failure = this.#failure(error);
      if (failure.statusCode === 404) throw new StaleConversationError();
      throw this.#classify(failure, 'send', serviceUrl);
    }
  }

  /** `install`: 'just-now' (Teams may lag behind), 'checked' (installed, or this instance cannot install), 'not-yet' (trusted a recent read). */
  async #create(userId: string, activity: Partial<Activity>, install: 'just-now' | 'checked' | 'not-yet'): Promise<Delivered> {
    const { tenantId, botId, serviceUrl } = this.options;
    const client = await this.options.adapter.proactiveClient(this.options.botAppId, serviceUrl);
    await this.options.limiter.acquire();
    try {
      const response = await this.#connector(serviceUrl, () =>
        client.conversations.createConversation(
          { isGroup: false, bot: { id: botId, name: '' }, members: [{ id: userId, name: '' }], tenantId, channelData: { tenant: { id: tenantId } }, activity: activity as Activity },
          { timeout: this.#timeout() },
        ),
      );
      await this.options.conversations.rememberPersonalChat(userId, {
        conversationId: response.id,
        serviceUrl: this.options.serviceUrl,
        tenantId,
        botId,
      }, { withOutcomes: this.options.storeChatsWithOutcomes });
      return { conversationId: response.id, activityId: response.activityId };
    } catch (error) {
      if (error instanceof RetryableDeliveryError) throw error;
      const failure = this.#failure(error);
      // Right after an install Teams may not know yet that the app is there: worth another try a little later.
      if (install === 'just-now' && failure.statusCode === 403 && failure.code === 'ForbiddenOperationException') throw new RetryableDeliveryError('Teams does not show the app as installed yet', 15_000);
      if (install === 'not-yet' && failure.statusCode === 403 && failure.code === 'ForbiddenOperationException') throw new AppMissingError();
      throw this.#classify(failure, 'create', serviceUrl);
    }
  }

  /** Installs the app for the person: 'installed' now, 'already-installed', or 'skipped' when this instance cannot install. */
  async #install(userId: string): Promise<InstallOutcome | 'skipped'> {
    const { directory, catalogAppId } = this.options;
    if (!directory || !catalogAppId) return 'skipped';
    // Installing the app makes Teams announce it to the bot; the message on its way is the person's first word from
    // the coach, whatever it is (an invitation, an approval card, a notice), so that announcement brings no welcome.
    const guard = this.options.guard;
    if (guard && !guard.permit(GRAPH_ENDPOINT)) {
      throw new RetryableDeliveryError('Microsoft Graph is not answering; the install waits for it', Math.max(0, guard.nextPermitAt(GRAPH_ENDPOINT) - Date.now()), { reason: 'endpoint-down', endpoint: GRAPH_ENDPOINT });
    }
    await this.options.store.put(INSTALLED_FOR_PARTITION, userId, { at: new Date().toISOString() });
    setBounded(this.#installedHere, userId, Date.now(), INSTALLS_REMEMBERED);
    try {
      const outcome = await directory.installAppForUser(userId, catalogAppId);
      guard?.answered(GRAPH_ENDPOINT);
      return outcome;
    } catch (error) {
      if (isAppError(error, 'directory.unavailable')) guard?.failed(GRAPH_ENDPOINT);
      else guard?.answered(GRAPH_ENDPOINT);
      if (isAppError(error, 'directory.not-found')) throw new UnreachableError('not-in-directory', 'the person is not in the directory (any more)');
      if (isAppError(error, 'directory.denied')) throw new UnreachableError('no-teams', 'Teams cannot install the app for this person (no Teams licence, or app policy blocks it)');
      if (isAppError(error, 'directory.throttled') || isAppError(error, 'directory.unavailable')) {
        const retryAfter = (error as { details?: { retryAfterMs?: number } }).details?.retryAfterMs;
        const reason = isAppError(error, 'directory.throttled') ? 'throttled' : 'outage';
        throw new RetryableDeliveryError(`installing the app: ${(error as Error).message}`, retryAfter, { reason, endpoint: GRAPH_ENDPOINT });
      }
      throw error;
    }
  }

  #failure(error: unknown): ConnectorFailure {
    const candidate = error as { statusCode?: number; code?: string; response?: { headers?: { get?(name: string): string | undefined }; bodyAsText?: string } };
    const statusCode = typeof candidate.statusCode === 'number' ? candidate.statusCode : undefined;
    let code = typeof candidate.code === 'string' ? candidate.code : undefined;
    const body = candidate.response?.bodyAsText;
    if (body) {
      try {
        code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? code;
      } catch {
        // Not JSON: keep what the error said.
      }
    }
    const retryAfter = Number(candidate.response?.headers?.get?.('retry-after'));
    return { statusCode, code, retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined };
  }

  #classify(failure: ConnectorFailure, what: 'send' | 'create' | 'update', serviceUrl: string): Error {
    const { statusCode, code } = failure;
    const endpoint = connectorEndpoint(serviceUrl);
    if (statusCode === 429) {
      // The tenant is over Teams' rate: every proactive call of this instance waits, not just this one.
      const wait = failure.retryAfterMs ?? 1_000;
      this.options.limiter.blockFor(wait);
      return new RetryableDeliveryError('Teams throttled the bot (429)', wait, { reason: 'throttled', endpoint });
    }
    // The bot's credentials or registration refused, or the app blocked by an admin: nobody can be messaged.
    if (statusCode === 401 || (statusCode === 403 && code === BLOCKED_BY_ADMIN)) {
      return new RetryableDeliveryError(`Teams refused the bot (${statusCode}${code ? ` ${code}` : ''})`, undefined, { reason: 'tenant', endpoint, code: `${statusCode}${code ? ` ${code}` : ''}` });
    }
    if (statusCode === 403 && code === 'ConversationBlockedByUser') return new UnreachableError('blocked-app', 'the person blocked the bot');
    if (statusCode === 403 && code === 'BotNotInConversationRoster') return new UnreachableError('removed-app', 'the person removed the app');
    if (statusCode === 403) return new UnreachableError('no-teams', `Teams refused to ${what} the chat (403 ${code ?? ''})`.trim());
    if (statusCode === 404) return new UnreachableError('not-in-directory', `Teams does not know this person (404 ${code ?? ''})`.trim());
    if (statusCode === 412) return new RetryableDeliveryError(`Teams answered 412${code ? ` (${code})` : ''}`, failure.retryAfterMs, { reason: 'transient', endpoint });
    if (statusCode === undefined || statusCode >= 500) {
      return new RetryableDeliveryError(`Teams answered ${statusCode ?? 'nothing'}${code ? ` (${code})` : ''}`, failure.retryAfterMs, { reason: 'outage', endpoint });
    }
    return new Error(`Teams refused the message: ${statusCode}${code ? ` (${code})` : ''}`);
  }

  /** One Bot Connector call, if its breaker lets it go; what came of it is told to the breaker. */
  async #connector<T>(serviceUrl: string, call: () => Promise<T>): Promise<T> {
    const guard = this.options.guard;
    const endpoint = connectorEndpoint(serviceUrl);
    if (guard && !guard.permit(endpoint)) {
      throw new RetryableDeliveryError('the Bot Connector is not answering; the message waits for it', Math.max(0, guard.nextPermitAt(endpoint) - Date.now()), { reason: 'endpoint-down', endpoint });
    }
    try {
      const result = await call();
      guard?.answered(endpoint);
      return result;
    } catch (error) {
      const { statusCode } = this.#failure(error);
      if (statusCode === undefined || statusCode >= 500) guard?.failed(endpoint);
      else guard?.answered(endpoint);
      throw error;
    }
  }

  #timeout(): number {
    return this.options.callTimeoutMs ?? CALL_TIMEOUT_MS;
  }
}

class StaleConversationError extends Error {}

/** Teams will not open the chat because the app is not installed for the person. */
class AppMissingError extends Error {}
