// Remembers where each conversation lives so later features can message people proactively: a person's 1:1 chat by
// the person (personal-chats), a team's or a group chat by its conversation id (conversation-refs).

import { type Activity, type ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/store-port.js';
import type { AddressCheck } from './demo-address-check.js';
import { setBounded } from '../shared/bounded-map.js';
import { botAddedIn } from '../shared/bot-added.js';

/** Team channels and group chats by conversation id (a 1:1 chat is kept by its person only). */
export const CONVERSATIONS_PARTITION = 'conversation-refs';
/** One row per person: the reference of their personal (1:1) chat with the bot, keyed by Entra object id. */
export const PERSONAL_CHATS_PARTITION = 'personal-chats';

export interface StoredConversation {
  reference: Partial<ConversationReference>;
  conversationType: string;
  tenantId?: string;
  /** When this row was last written. An unchanged reference is not rewritten, so this is not "last seen". */
  storedAt: string;
}

export interface ConversationReferencesOptions {
  maxCached?: number;
  logger?: Logger;
  /** Demo mode: which service URLs may be kept (see demo-address-check.ts). Without it every one is kept. */
  acceptsAddress?: AddressCheck;
  /**
   * True while the coach is opening the person's 1:1 chat itself, for a message (it installed the app for them): Teams'
   * notice of that install then leaves the chat to the sender, which stores the chat it opens. Asked on install notices
   * only; on another instance than the installing one it costs the install marker's read, instead of the chat's read
   * and write.
   */
  chatBeingOpened?: (userId: string) => Promise<boolean>;
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
}

/** In the destinations cache: the row was read and is not there. */
const NO_ROW = '';

/** A refused address is logged once per this long per connector, not on every turn that brings it. */
const REFUSAL_LOG_EVERY_MS = 10 * 60_000;
/**
 * A row's refused address is not checked again, for the same activity, for this long (demo mode's address check
 * trusts its own verdicts as long): a curl or benchmark posting from an address it refused costs one check a minute,
 * not a reference built and checked on every turn.
 */
const REFUSAL_TRUSTED_MS = 60_000;

export class ConversationReferences {
  readonly #store: Store;
  /** Last reference written per row: most turns come from a known conversation, and rewriting an identical row costs a write per turn. */
  readonly #written = new Map<string, string>();
  /** Where each row this instance read or wrote leads (sameDestination's fields): no read to learn it again. */
  readonly #destinations = new Map<string, string>();
  readonly #maxCached: number;
  readonly #logger: Logger | undefined;
  readonly #acceptsAddress: AddressCheck | undefined;
  readonly #refusalLoggedAt = new Map<string, number>();
  /** Rows whose new address was refused: the activity's fingerprint, and when. */
  readonly #refused = new Map<string, { fingerprint: string; at: number }>();
  readonly #now: () => number;
  /** 1:1 chats the sender opened, to be written with its next outcomes (storeOpenedChats): person → row. */
  readonly #opened = new Map<string, StoredConversation>();
  readonly #chatBeingOpened: ((userId: string) => Promise<boolean>) | undefined;

  constructor(store: Store, options: ConversationReferencesOptions = {}) {
    this.#store = store;
    this.#maxCached = options.maxCached ?? 10_000;
    this.#logger = options.logger;
    this.#acceptsAddress = options.acceptsAddress;
    this.#chatBeingOpened = options.chatBeingOpened;
    this.#now = options.now ?? Date.now;
  }

  async remember(activity: Partial<Activity>, tenantId: string | undefined): Promise<void> {
    const conversationId = activity.conversation?.id;
    if (!conversationId) return;
    const conversationType = activity.conversation?.conversationType ?? 'personal';
    const userId = activity.from?.aadObjectId;
    // A 1:1 chat is found by its person; one without a person to file it under is not kept at all.
    const rows: [string, string][] = conversationType === 'personal' ? (userId ? [[PERSONAL_CHATS_PARTITION, userId]] : []) : [[CONVERSATIONS_PARTITION, conversationId]];
    // Everything the reference is made of (TurnContext.getConversationReference, the message's id aside): most turns
    // come from a chat this instance has seen exactly so, and end here without building anything.
    const fingerprint = JSON.stringify([activity.from, activity.recipient, activity.conversation, activity.channelId, activity.locale, activity.serviceUrl, conversationType, tenantId]);
    const now = this.#now();
    if (rows.every(([partition, key]) => this.#settled(`${partition}\u0000${key}`, fingerprint, now))) return;
    const reference = TurnContext.getConversationReference(activity);
    // The activity id points at one message; the reference is about the conversation.
    delete reference.activityId;
    const value: StoredConversation = { reference, conversationType, tenantId, storedAt: new Date().toISOString() };
    const serviceUrl = reference.serviceUrl ?? '';
    let refused: string | undefined;
    let checked = false;
    for (const [partition, key] of rows) {
      const cacheKey = `${partition}\u0000${key}`;
      if (this.#settled(cacheKey, fingerprint, now)) continue;
      // Known to lead there already (this instance wrote or read it): nothing to read or write.
      const known = this.#destinations.get(cacheKey);
      if (known === destinationOf(value)) {
        this.#remember(cacheKey, fingerprint);
        continue;
      }
      // Teams announcing an install the coach made to send a message: the sender stores the chat it opens, so the
      // notice needs neither the chat's read nor its write (half of them reach the instance that did not install).
      if (partition === PERSONAL_CHATS_PARTITION && userId && isInstallNotice(activity) && (await this.#chatBeingOpened?.(userId))) continue;
      // A read costs a fraction of a write: a row that already leads to the same place is left as it is. A row this
      // instance just found missing (the chat of an invitation on its way) is not looked for again.
      const stored = known === NO_ROW ? undefined : (await this.#store.get<StoredConversation>(partition, key))?.value;
      this.#noteDestination(cacheKey, stored);
      if (stored && sameDestination(stored, value)) {
        this.#remember(cacheKey, fingerprint);
        continue;
      }
      const movesAddress = stored !== undefined && stored.reference.serviceUrl !== serviceUrl;
      if (!stored || movesAddress) {
        if (!checked) refused = await this.#acceptsAddress?.(serviceUrl);
        checked = true;
        if (refused) {
          setBounded(this.#refused, cacheKey, { fingerprint, at: now }, this.#maxCached);
          // The person's own chat is the address that matters: say where it stays.
          if (partition === PERSONAL_CHATS_PARTITION || rows.length === 1) this.#logRefusal(serviceUrl, stored, refused);
          continue;
        }
      }
      // What Teams just said about the chat is newer than a chat the sender opened and has not written yet.
      if (partition === PERSONAL_CHATS_PARTITION) this.#opened.delete(key);
      await this.#store.put(partition, key, value);
      this.#noteDestination(cacheKey, value);
      this.#remember(cacheKey, fingerprint);
      if (movesAddress) this.#logMove(partition, stored, serviceUrl);
    }
  }

  /** Kept, but said: a chat whose address changes is rare with real Teams (a region move), and worth seeing. */
  #logMove(partition: string, stored: StoredConversation, serviceUrl: string): void {
    const fields = { chat: partition === PERSONAL_CHATS_PARTITION ? "a person's 1:1 chat" : 'a conversation', fromHost: hostOf(stored.reference.serviceUrl), toHost: hostOf(serviceUrl) };
    // In demo mode moving between the connector emulator and the Playground is the normal thing.
    if (this.#acceptsAddress) this.#logger?.info('a chat is now reached at another connector', fields);
    else this.#logger?.warn('an authenticated activity moved a chat to another Bot Connector address', fields);
  }

  #logRefusal(serviceUrl: string, stored: StoredConversation | undefined, why: string): void {
    const host = hostOf(serviceUrl);
    const last = this.#refusalLoggedAt.get(host);
    if (last !== undefined && this.#now() - last < REFUSAL_LOG_EVERY_MS) return;
    if (this.#refusalLoggedAt.size >= 1_000) this.#refusalLoggedAt.clear();
    this.#refusalLoggedAt.set(host, this.#now());
    this.#logger?.warn(`not keeping an activity's serviceUrl as its chat's address for later messages: ${why}`, {
      serviceUrl,
      keptHost: stored ? hostOf(stored.reference.serviceUrl) : undefined,
    });
  }

  /**
   * Stores the 1:1 chat the bot opened itself (a campaign invitation), so later messages go straight into it. With
   * `withOutcomes` the row is written by the next storeOpenedChats (the sender's, with the outcomes it settles), in one
   * transaction with the other chats opened meanwhile; this instance knows the chat from memory until then. A crash
   * before that loses the row only: the next message opens the chat again (Teams gives back the same 1:1 chat).
   */
  async rememberPersonalChat(userId: string, chat: { conversationId: string; serviceUrl: string; tenantId: string; botId: string }, options: { withOutcomes?: boolean } = {}): Promise<void> {
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: chat.serviceUrl,
      bot: { id: chat.botId, name: '' },
      user: { id: userId, name: '', aadObjectId: userId },
      conversation: { id: chat.conversationId, conversationType: 'personal', tenantId: chat.tenantId, isGroup: false, name: '' },
    };
    const value: StoredConversation = { reference, conversationType: 'personal', tenantId: chat.tenantId, storedAt: new Date().toISOString() };
    // Teams' own notice of the install often stored this chat already (its turn and this call race): no rewrite then.
    const cacheKey = `${PERSONAL_CHATS_PARTITION}\u0000${userId}`;
    const known = this.#destinations.get(cacheKey);
    if (known === destinationOf(value)) return;
    if (options.withOutcomes) {
      this.#opened.set(userId, value);
      this.#noteDestination(cacheKey, value);
      return;
    }
    const stored = known === NO_ROW ? undefined : (await this.#store.get<StoredConversation>(PERSONAL_CHATS_PARTITION, userId))?.value;
    if (stored && sameDestination(stored, value)) {
      this.#noteDestination(cacheKey, stored);
      return;
    }
    await this.#store.put(PERSONAL_CHATS_PARTITION, userId, value);
    this.#noteDestination(cacheKey, value);
  }

  /** A team's or group chat's reference (a 1:1 chat is found by its person: personalChatOf). */
  async byConversationId(conversationId: string): Promise<StoredConversation | undefined> {
    return (await this.#store.get<StoredConversation>(CONVERSATIONS_PARTITION, conversationId))?.value;
  }

  /**
   * Writes the chats opened since the last call (rememberPersonalChat with `withOutcomes`), all in the same turn of the
   * event loop, so the batching store sends them as one transaction. Never throws: a chat it could not write is kept
   * for the next call (and said), unless a newer one replaced it meanwhile.
   */
  async storeOpenedChats(): Promise<void> {
    if (this.#opened.size === 0) return;
    const chats = [...this.#opened];
    this.#opened.clear();
    await Promise.all(
      chats.map(async ([userId, value]) => {
        try {
          await this.#store.put(PERSONAL_CHATS_PARTITION, userId, value);
        } catch (error) {
          if (!this.#opened.has(userId)) this.#opened.set(userId, value);
          this.#logger?.warn('could not store a 1:1 chat the coach opened; trying again with the next outcomes', { error });
        }
      }),
    );
  }

  async personalChatOf(aadObjectId: string): Promise<StoredConversation | undefined> {
    const opened = this.#opened.get(aadObjectId);
    if (opened) return opened;
    const chat = (await this.#store.get<StoredConversation>(PERSONAL_CHATS_PARTITION, aadObjectId))?.value;
    this.#noteDestination(`${PERSONAL_CHATS_PARTITION}\u0000${aadObjectId}`, chat);
    return chat;
  }

  /** What the row leads to, as just read or written (NO_ROW: there is none). */
  #noteDestination(cacheKey: string, conversation: StoredConversation | undefined): void {
    setBounded(this.#destinations, cacheKey, conversation ? destinationOf(conversation) : NO_ROW, this.#maxCached);
  }

  /** Nothing to do for the row: written with exactly this, or its address refused for exactly this a moment ago. */
  #settled(cacheKey: string, fingerprint: string, now: number): boolean {
    if (this.#written.get(cacheKey) === fingerprint) return true;
    const refused = this.#refused.get(cacheKey);
    return refused !== undefined && refused.fingerprint === fingerprint && now - refused.at < REFUSAL_TRUSTED_MS;
  }

  #remember(cacheKey: string, fingerprint: string): void {
    setBounded(this.#written, cacheKey, fingerprint, this.#maxCached);
  }
}

/** Teams telling the bot the app was installed for the person: the bot added to their 1:1 chat, or the install itself. */
function isInstallNotice(activity: Partial<Activity>): boolean {
  if (activity.type === 'installationUpdate') return (activity.action ?? '').startsWith('add');
  return activity.type === 'conversationUpdate' && botAddedIn(activity);
}

/** Both rows lead to the same chat: the same conversation, at the same service URL, with the same bot and tenant. */
function sameDestination(a: StoredConversation, b: StoredConversation): boolean {
  return destinationOf(a) === destinationOf(b);
}

function destinationOf(conversation: StoredConversation): string {
  const { reference } = conversation;
  return JSON.stringify([reference.conversation?.id, reference.serviceUrl, reference.bot?.id, conversation.tenantId, conversation.conversationType]);
}

function hostOf(serviceUrl: string | undefined): string {
  try {
    return new URL(serviceUrl ?? '').host;
  } catch {
    return String(serviceUrl);
  }
}
