// The emulator's memory: registered users, 1:1 conversations, the messages in them (with versions), and the record
// of every activity received, which tests and people read back.

import { connectorErrors } from './errors.js';
import { pairwiseUserId, personalConversationId } from './ids.js';
import { isGuid, type ReceivedActivity, type UserInput, userInputSchema } from './schemas.js';

export interface EmulatorUser {
  /** The bot-specific `29:` id. */
  readonly id: string;
  readonly aadObjectId: string;
  readonly name: string;
  readonly tenantId: string;
  readonly email: string | undefined;
  readonly userPrincipalName: string | undefined;
  readonly givenName: string | undefined;
  readonly surname: string | undefined;
  readonly userRole: 'user' | 'guest' | 'anonymous';
  readonly installed: boolean;
  readonly blocked: boolean;
}

export interface ConversationRecord {
  readonly id: string;
  readonly conversationType: 'personal';
  readonly tenantId: string;
  /** The user's `29:` id and Entra object id (unknown only for conversations accepted in lenient mode). */
  readonly userId: string | undefined;
  readonly aadObjectId: string | undefined;
  readonly createdAt: number;
}

export type ActivityKind = 'send' | 'reply' | 'update' | 'delete';

export interface RecordedActivity {
  /** Order of arrival, from 1. */
  readonly seq: number;
  readonly kind: ActivityKind;
  readonly conversationId: string;
  /** The id the emulator gave the message (send, reply) or the id updated / deleted. */
  readonly activityId: string;
  /** The recipient's Entra object id, when the conversation's user is known. */
  readonly userId: string | undefined;
  readonly time: number;
  readonly timestamp: string;
  /** For replies: the activity replied to, from the URL. */
  readonly replyToId: string | undefined;
  /** The activity JSON as the bot sent it (for a delete: the message as it was). */
  readonly activity: ReceivedActivity;
}

export interface ActivityVersion {
  readonly time: number;
  readonly activity: ReceivedActivity;
}

export interface StoredActivity {
  readonly id: string;
  readonly conversationId: string;
  /** Every version, oldest first; the last one is what the chat shows. */
  readonly versions: readonly ActivityVersion[];
  readonly current: ReceivedActivity;
  readonly deleted: boolean;
}

export interface ActivityFilter {
  conversationId?: string;
  /** A `29:` id or an Entra object id. */
  userId?: string;
  kind?: ActivityKind;
}

type Listener<T> = (value: T) => void | Promise<void>;

interface MutableStored {
  id: string;
  conversationId: string;
  versions: ActivityVersion[];
  deleted: boolean;
}

export class EmulatorState {
  private readonly usersByAad = new Map<string, EmulatorUser>();
  private readonly aadByPairwise = new Map<string, string>();
  private readonly conversationsById = new Map<string, ConversationRecord>();
  private readonly personalByAad = new Map<string, string>();
  private readonly messages = new Map<string, Map<string, MutableStored>>();
  private readonly records: RecordedActivity[] = [];
  private readonly activityListeners = new Set<Listener<RecordedActivity>>();
  private readonly conversationListeners = new Set<Listener<ConversationRecord>>();
  private seq = 0;

  constructor(
    private readonly botId: string,
    private readonly defaultTenantId: string,
    private readonly now: () => number,
  ) {}

  // ---- users

  addUser(input: UserInput): EmulatorUser {
    const parsed = userInputSchema.parse(input);
    const aadObjectId = parsed.aadObjectId.toLowerCase();
    const previous = this.usersByAad.get(aadObjectId);
    if (previous) this.aadByPairwise.delete(previous.id);
    const user: EmulatorUser = {
      id: parsed.id ?? pairwiseUserId(this.botId, aadObjectId),
      aadObjectId,
      name: parsed.name,
      tenantId: (parsed.tenantId ?? this.defaultTenantId).toLowerCase(),
      email: parsed.email,
      userPrincipalName: parsed.userPrincipalName,
      givenName: parsed.givenName,
      surname: parsed.surname,
      userRole: parsed.userRole,
      installed: parsed.installed,
      blocked: parsed.blocked,
    };
    const holder = this.aadByPairwise.get(user.id);
    if (holder && holder !== aadObjectId) throw new RangeError(`the id ${user.id} already belongs to user ${holder}`);
    this.usersByAad.set(aadObjectId, user);
    this.aadByPairwise.set(user.id, aadObjectId);
    return user;
  }

  users(): EmulatorUser[] {
    return [...this.usersByAad.values()];
  }

  /** Finds a user by `29:` id, Entra object id, or Teams' `8:orgid:<object id>` form. */
  findUser(idOrAad: string): EmulatorUser | undefined {
    const key = idOrAad.startsWith('8:orgid:') ? idOrAad.slice('8:orgid:'.length) : idOrAad;
    const aad = key.startsWith('29:') ? this.aadByPairwise.get(key) : key.toLowerCase();
    return aad === undefined ? undefined : this.usersByAad.get(aad);
  }

  requireUser(idOrAad: string): EmulatorUser {
    const user = this.findUser(idOrAad);
    if (!user) throw new RangeError(`no registered user ${idOrAad}`);
    return user;
  }

  updateUser(idOrAad: string, change: Partial<Pick<EmulatorUser, 'blocked' | 'installed'>>): EmulatorUser {
    const user = { ...this.requireUser(idOrAad), ...change };
    this.usersByAad.set(user.aadObjectId, user);
    return user;
  }

  // ---- conversations

  conversation(id: string): ConversationRecord | undefined {
    return this.conversationsById.get(id);
  }

  conversations(): ConversationRecord[] {
    return [...this.conversationsById.values()];
  }

  personalConversationIdFor(user: EmulatorUser): string {
    return this.personalByAad.get(user.aadObjectId) ?? personalConversationId(this.botId, user.tenantId, user.aadObjectId);
  }

  /** Returns the user's 1:1 conversation, creating it (and telling listeners) the first time. */
  openPersonalConversation(user: EmulatorUser, id = this.personalConversationIdFor(user)): { conversation: ConversationRecord; created: boolean } {
    const existing = this.conversationsById.get(id);
    if (existing && existing.aadObjectId === user.aadObjectId) {
      this.personalByAad.set(user.aadObjectId, id);
      return { conversation: existing, created: false };
    }
    if (existing) throw new RangeError(`conversation ${id} already belongs to another user`);
    const conversation: ConversationRecord = {
      id,
      conversationType: 'personal',
      tenantId: user.tenantId,
      userId: user.id,
      aadObjectId: user.aadObjectId,
      createdAt: this.now(),
    };
    this.conversationsById.set(id, conversation);
    this.personalByAad.set(user.aadObjectId, id);
    this.emit(this.conversationListeners, conversation);
    return { conversation, created: true };
  }

  /** Lenient mode: a conversation the emulator never created, adopted on first use; its user comes from the activity. */
  adoptConversation(id: string, activity: ReceivedActivity | undefined): ConversationRecord {
    const recipient = activity?.recipient;
    const known = (recipient?.aadObjectId && this.findUser(recipient.aadObjectId)) || (recipient?.id && this.findUser(recipient.id)) || undefined;
    if (known) return this.openPersonalConversation(known, id).conversation;
    const aad = recipient?.aadObjectId ?? undefined;
    const conversation: ConversationRecord = {
      id,
      conversationType: 'personal',
      tenantId: this.defaultTenantId,
      userId: recipient?.id ?? undefined,
      aadObjectId: aad && isGuid(aad) ? aad.toLowerCase() : undefined,
      createdAt: this.now(),
    };
    this.conversationsById.set(id, conversation);
    this.emit(this.conversationListeners, conversation);
    return conversation;
  }

  // ---- messages

  storedActivity(conversationId: string, activityId: string): StoredActivity | undefined {
    const stored = this.messages.get(conversationId)?.get(activityId);
    return stored ? freeze(stored) : undefined;
  }

  activityState(conversationId: string, activityId: string): 'live' | 'deleted' | 'unknown' {
    const stored = this.messages.get(conversationId)?.get(activityId);
    if (!stored) return 'unknown';
    return stored.deleted ? 'deleted' : 'live';
  }

  post(kind: 'send' | 'reply', conversation: ConversationRecord, activityId: string, activity: ReceivedActivity, replyToId?: string): RecordedActivity {
    this.inConversation(conversation.id).set(activityId, {
      id: activityId,
      conversationId: conversation.id,
      versions: [{ time: this.now(), activity }],
      deleted: false,
    });
    return this.record(kind, conversation, activityId, activity, replyToId);
  }

  /** Replaces what the chat shows; in lenient mode a message the emulator never saw starts its history here. */
  update(conversation: ConversationRecord, activityId: string, activity: ReceivedActivity): RecordedActivity {
    const messages = this.inConversation(conversation.id);
    const stored = messages.get(activityId) ?? { id: activityId, conversationId: conversation.id, versions: [], deleted: false };
    if (stored.deleted) throw connectorErrors.activityNotFound();
    stored.versions.push({ time: this.now(), activity });
    messages.set(activityId, stored);
    return this.record('update', conversation, activityId, activity, undefined);
  }

  private inConversation(conversationId: string): Map<string, MutableStored> {
    let messages = this.messages.get(conversationId);
    if (!messages) {
      messages = new Map();
      this.messages.set(conversationId, messages);
    }
    return messages;
  }

  delete(conversation: ConversationRecord, activityId: string): RecordedActivity {
    const stored = this.mutable(conversation.id, activityId);
    stored.deleted = true;
    const last = stored.versions[stored.versions.length - 1];
    if (!last) throw connectorErrors.activityNotFound();
    return this.record('delete', conversation, activityId, last.activity, undefined);
  }

  private mutable(conversationId: string, activityId: string): MutableStored {
    const stored = this.messages.get(conversationId)?.get(activityId);
    if (!stored || stored.deleted) throw connectorErrors.activityNotFound();
    return stored;
  }

  // ---- the record

  activities(filter: ActivityFilter = {}): RecordedActivity[] {
    const user = filter.userId === undefined ? undefined : (this.findUser(filter.userId)?.aadObjectId ?? filter.userId.toLowerCase());
    return this.records.filter(
      (record) =>
        (filter.conversationId === undefined || record.conversationId === filter.conversationId) &&
        (filter.kind === undefined || record.kind === filter.kind) &&
        (user === undefined || record.userId === user || this.conversationsById.get(record.conversationId)?.userId === filter.userId),
    );
  }

  /** The record itself, not a copy: for reading on every new activity (waitFor) without copying it each time. */
  allActivities(): readonly RecordedActivity[] {
    return this.records;
  }

  clearActivities(): void {
    this.records.length = 0;
  }

  onActivity(listener: Listener<RecordedActivity>): () => void {
    this.activityListeners.add(listener);
    return () => this.activityListeners.delete(listener);
  }

  onConversationCreated(listener: Listener<ConversationRecord>): () => void {
    this.conversationListeners.add(listener);
    return () => this.conversationListeners.delete(listener);
  }

  private record(kind: ActivityKind, conversation: ConversationRecord, activityId: string, activity: ReceivedActivity, replyToId: string | undefined): RecordedActivity {
    const time = this.now();
    const record: RecordedActivity = {
      seq: ++this.seq,
      kind,
      conversationId: conversation.id,
      activityId,
      userId: conversation.aadObjectId,
      time,
      timestamp: new Date(time).toISOString(),
      replyToId,
      activity,
    };
    this.records.push(record);
    this.emit(this.activityListeners, record);
    return record;
  }

  /** Listeners run after the answer is decided and cannot break it; their failures are reported, not swallowed. */
  private emit<T>(listeners: Set<Listener<T>>, value: T): void {
    for (const listener of listeners) {
      Promise.resolve()
        .then(() => listener(value))
        .catch((error: unknown) => {
          console.error(`connector emulator: a listener failed: ${error instanceof Error ? error.message : String(error)}`);
        });
    }
  }
}

function freeze(stored: MutableStored): StoredActivity {
  const versions = [...stored.versions];
  const last = versions[versions.length - 1];
  if (!last) throw connectorErrors.activityNotFound();
  return { id: stored.id, conversationId: stored.conversationId, versions, current: last.activity, deleted: stored.deleted };
}
