// What an escalation keeps in the store: one row per refusal taken to a decider, and a marker per employee naming
// their one open escalation (insert-if-absent makes "one at a time" atomic). Every change is a compare-and-swap.

import { randomUUID } from 'node:crypto';
import { isAppError } from '../errors/app-error.js';
import type { IntentId } from '../shared/intents.js';
import { OpenSlots } from '../store/open-slots.js';
import { pagesOf } from '../store/pages.js';
import type { StoredRecord, Store } from '../store/store-port.js';
import { casUpdate } from '../store/cas-update.js';
import type { RefusalReason } from './refusals.js';

export const ESCALATIONS_PARTITION = 'escalations';
/** employee id → the escalation holding their one open slot. */
export const OPEN_ESCALATIONS_PARTITION = 'escalations-open';

export const CHOICES = ['security-key', 'exception', 'require', 'talk'] as const;
export type Choice = (typeof CHOICES)[number];
/** The choices that settle the escalation; "I'll talk to them" only postpones it. */
export type FinalChoice = Exclude<Choice, 'talk'>;

/** Why the decision went to the escalation group instead of a manager. */
export type FallbackReason = 'no-manager' | 'manager-disabled' | 'self-managed' | 'manager-unreachable' | 'top-of-chain';

export type Decider =
  | { kind: 'user'; id: string; name: string }
  | { kind: 'group'; groupId: string; because: FallbackReason }
  /** No manager and no escalation group configured: nobody can decide until an admin sets ESCALATION_GROUP_ID. */
  | { kind: 'none'; because: FallbackReason };

export interface Decision {
  choice: FinalChoice;
  by: { id: string; name: string };
  at: string;
  /** Exception: the last local date (YYYY-MM-DD) it covers. */
  until?: string;
  /** Exception: why, in the decider's words (shown to the people who decide, never to the employee). */
  justification?: string;
}

/** A card the bot posted to a decider: updated through the connector once the escalation is settled or moves on. */
export interface CardCopy {
  recipientId: string;
  conversationId: string;
  activityId: string;
  round: number;
}

export interface Escalation {
  id: string;
  employee: { id: string; name: string; jobTitle?: string; department?: string };
  refusal: { reason: RefusalReason; details?: string; intents: IntentId[]; recordedAt: string };
  /** The campaign the person was in when they refused, and its deadline (local date). */
  campaignId?: string;
  deadline?: string;
  state: 'open' | 'decided' | 'withdrawn';
  decider: Decider;
  /** 0: the manager; 1: the manager's manager; … */
  level: number;
  /** Deciders asked before the current one (user ids), lowest first: never asked twice when going up. */
  earlierDeciders: string[];
  /** Each card sent to the decider (the first ask, a reminder, an ask after "I'll talk to them") starts a round. */
  round: number;
  remindersAtLevel: number;
  /** When the current round goes unanswered: remind, or go up the chain. */
  nextAskAt: string;
  /** The last "I'll talk to them", shown on later cards. */
  talk?: { by: { id: string; name: string }; at: string };
  copies: CardCopy[];
  decision?: Decision;
  /** The decision's effects (the employee told, IT asked, other cards updated) are queued. */
  followedThrough?: boolean;
  createdAt: string;
}

export class EscalationRecords {
  readonly #open: OpenSlots;

  constructor(private readonly store: Store) {
    this.#open = new OpenSlots(store, OPEN_ESCALATIONS_PARTITION);
  }

  async get(id: string): Promise<StoredRecord<Escalation> | undefined> {
    if (id.length === 0 || id.length > 64) return undefined;
    return this.store.get<Escalation>(ESCALATIONS_PARTITION, id);
  }

  /** The employee's open escalation, if any. */
  async openFor(employeeId: string): Promise<StoredRecord<Escalation> | undefined> {
    const id = await this.#open.holder(employeeId);
    return id ? this.get(id) : undefined;
  }

  /**
   * Claims the employee's one open escalation id: a new one, or the one a crashed earlier attempt claimed (so a
   * retry creates the same escalation, never a second).
   */
  async claimId(employeeId: string): Promise<string> {
    const id = randomUUID();
    return (await this.#open.claim(employeeId, id)) ?? id;
  }

  /** Creates the row; an existing one (a retry, or a second run at the same moment) is kept as it is. */
  async create(escalation: Escalation): Promise<{ record: StoredRecord<Escalation>; created: boolean }> {
    try {
      return { record: await this.store.insert(ESCALATIONS_PARTITION, escalation.id, escalation), created: true };
    } catch (error) {
      if (!isAppError(error, 'store.already-exists')) throw error;
      const existing = await this.get(escalation.id);
      if (!existing) throw error;
      return { record: existing, created: false };
    }
  }

  async update(id: string, change: (escalation: Escalation) => Escalation | undefined): Promise<StoredRecord<Escalation> | undefined> {
    return casUpdate(this.store, ESCALATIONS_PARTITION, id, change);
  }

  /** The escalation is no longer open: the employee may refuse again later and get a new one. */
  async closeMarker(employeeId: string, escalationId: string): Promise<void> {
    await this.#open.release(employeeId, escalationId);
  }

  /**
   * The escalations holding an employee's open marker, a page at a time: open ones, and decided ones not yet followed
   * through (the marker is released just before that is recorded). What the scheduler looks at every run.
   */
  async *openOnes(): AsyncIterable<StoredRecord<Escalation>[]> {
    for await (const markers of this.#open.taken()) {
      const found = await this.store.getMany<Escalation>(ESCALATIONS_PARTITION, [...new Set(markers.map((marker) => marker.holder))]);
      // A marker whose escalation is not there yet was claimed by an opening a crash cut short: the refusal's own
      // marker brings it back (openEscalation reuses the claimed id).
      if (found.size > 0) yield [...found.values()];
    }
  }

  /** Every escalation, a page at a time. */
  all(pageSize = 200): AsyncIterable<StoredRecord<Escalation>[]> {
    return pagesOf<Escalation>(this.store, ESCALATIONS_PARTITION, pageSize);
  }
}
