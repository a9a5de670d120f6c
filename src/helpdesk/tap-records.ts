// What a Temporary Access Pass request keeps in the store. Never the pass itself: its value exists only in the
// Graph answer and the dialog that shows it, once.

import { randomInt } from 'node:crypto';
import { isAppError } from '../errors/app-error.js';
import { OpenSlots } from '../store/open-slots.js';
import { pagesOf } from '../store/pages.js';
import { WindowSlots } from '../store/window-slots.js';
import type { StoredRecord, Store } from '../store/store-port.js';
import { casUpdate } from '../store/cas-update.js';
import type { TapState } from './pass-views.js';

export const TAP_REQUESTS_PARTITION = 'tap-requests';
/** target id → the request holding their one open slot: one at a time, atomically. */
export const TAP_OPEN_PARTITION = 'tap-open';
/** Hourly attempt slots: one set per agent (the rate limit) and one for the whole helpdesk (the burst alert). */
export const TAP_ATTEMPTS_PARTITION = 'tap-attempts';
/** Security alerts not tied to a request (a refused privileged attempt, a burst): the card is made from these. */
export const TAP_ALERTS_PARTITION = 'tap-alerts';

/** Where a pending Verified ID presentation is found when its callback comes: by its `state` (see presentation-records.ts). */
export const TAP_PRESENTATIONS_PARTITION = 'tap-presentations';

/**
 * 'verified-id' is Verified ID with Face Check, run by the coach; 'verified-credential' is the older check an agent
 * only ticked, kept so requests that chose it still read, and offered only where Verified ID is not set up.
 */
export const CHECK_KINDS = ['video-id', 'manager', 'in-person', 'verified-id', 'verified-credential'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export type { TapState } from './pass-views.js';
/** States in which the request still holds the target's one open slot. */
export const OPEN_STATES: ReadonlySet<TapState> = new Set(['draft', 'awaiting-manager', 'awaiting-approval', 'approved', 'revealing']);

export interface Person {
  id: string;
  name: string;
}

export interface TapRequest {
  /** Short and typeable (`tap cancel T-4KQ7ZM`); not a secret: every action checks who clicks. */
  id: string;
  requester: Person;
  target: Person & { upn: string; department?: string };
  manager?: Person;
  /** Who may reveal the approved pass (the requester, or by policy the target's manager). */
  receiverId: string;
  state: TapState;
  createdAt: string;
  expiresAt: string;
  /** The tenant policy's bounds when the request was opened. */
  policy: { minimumLifetimeInMinutes: number; maximumLifetimeInMinutes: number; defaultLifetimeInMinutes: number; isUsableOnce: boolean };
  /** The target already had a usable pass when the request was opened: approving means replacing it. */
  replacesExistingPass: boolean;
  /** Why the target counts as privileged (roles, break-glass, groups); only present when policy allows such requests. */
  privileged?: string[];
  /** The agent's identity check. */
  check?: { kind: CheckKind; note?: string; by: Person; at: string };
  /** Verified ID with Face Check, when that is the check: where the presentation stands, and its evidence. */
  presentation?: PresentationEvidence;
  /** The manager's own answer, collected by the bot. */
  managerCheck?: { confirmed: boolean; by: Person; at: string };
  reason?: string;
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
  approval?: { by: Person; at: string };
  refusal?: { by?: Person; at: string; why: string };
  reveal?: { by: Person; at: string; methodId?: string; createdAt?: string; attempts: { at: string; outcome: string }[] };
  notMe?: { by: Person; at: string; removedMethods: number };
  /** Approval cards posted (updated once the request is settled). */
  copies: { recipientId: string; conversationId: string; activityId: string }[];
}

export const PRESENTATION_FAILURES = ['wrong-person', 'low-confidence', 'wrong-issuer', 'revoked', 'no-face-check', 'wrong-credential', 'declined', 'service-error', 'expired'] as const;
export type PresentationFailure = (typeof PRESENTATION_FAILURES)[number];

/** What the approvers see of a Verified ID presentation; never the person's claims, never the callback's secret. */
export interface PresentationEvidence {
  /** Our `state` of the presentation request (the key of its pending record). */
  state: string;
  status: 'waiting' | 'retrieved' | 'verified' | 'failed';
  /** The `openid-vc://` link the wallet opens. */
  url: string;
  createdAt: string;
  /** When the service stops accepting a presentation for it. */
  expiresAt: string;
  /** When it was verified or failed. */
  at?: string;
  /** The DID of the credential's issuer, as verified by the service and checked by the coach. */
  issuer?: string;
  /** Face Check's match confidence, 0-100. */
  matchConfidence?: number;
  failure?: PresentationFailure;
  /** The service's own error code, when it reported one. */
  serviceCode?: string;
}

export interface TapAlert {
  id: string;
  kind: 'privileged-attempt' | 'rate-limit' | 'burst' | 'manager-denied' | 'not-me';
  at: string;
  /** What happened, by key (`helpdesk.alerts.*`) and values: each member of security reads it in their language. */
  say?: { key: string; params: Record<string, string | number> };
  /** Alerts kept before they were localised: their English text. */
  text?: string;
}

export class TapRecords {
  readonly #open: OpenSlots;
  readonly #hourly: WindowSlots;

  constructor(private readonly store: Store) {
    this.#open = new OpenSlots(store, TAP_OPEN_PARTITION);
    this.#hourly = new WindowSlots(store, TAP_ATTEMPTS_PARTITION, 3_600_000);
  }

  async get(id: string): Promise<StoredRecord<TapRequest> | undefined> {
    if (!/^T-[A-Z0-9]{6}$/.test(id)) return undefined;
    return this.store.get<TapRequest>(TAP_REQUESTS_PARTITION, id);
  }

  async create(request: TapRequest): Promise<void> {
    await this.store.insert(TAP_REQUESTS_PARTITION, request.id, request);
  }

  async update(id: string, change: (request: TapRequest) => TapRequest | undefined): Promise<StoredRecord<TapRequest> | undefined> {
    return casUpdate(this.store, TAP_REQUESTS_PARTITION, id, change);
  }

  /** Claims the target's open slot for `requestId`; the id of the request holding it otherwise. */
  async claimTarget(targetId: string, requestId: string): Promise<string | undefined> {
    return this.#open.claim(targetId, requestId);
  }

  async releaseTarget(targetId: string, requestId: string): Promise<void> {
    await this.#open.release(targetId, requestId);
  }

  /** One of the agent's `limit` attempts in the last hour; false when they have used them all. */
  async takeAgentSlot(agentId: string, limit: number, now: Date): Promise<boolean> {
    return this.#hourly.take(`agent:${agentId}`, limit, now);
  }

  /** One of the helpdesk's `limit` attempts in the last hour (for the burst alert); false past the limit. */
  async takeHelpdeskSlot(limit: number, now: Date): Promise<boolean> {
    return this.#hourly.take('helpdesk', limit, now);
  }

  /**
   * The requests holding a target's open slot, a page at a time: every request in an open state holds one (taken
   * right after it is created), so the sweep reads these instead of every request ever kept. A slot whose request is
   * gone or settled (a crash between settling and releasing) is freed on the way.
   */
  async *openRequests(): AsyncIterable<StoredRecord<TapRequest>[]> {
    for await (const slots of this.#open.taken()) {
      const requests = await this.store.getMany<TapRequest>(TAP_REQUESTS_PARTITION, [...new Set(slots.map((slot) => slot.holder))]);
      const open: StoredRecord<TapRequest>[] = [];
      for (const slot of slots) {
        const request = requests.get(slot.holder);
        if (request && OPEN_STATES.has(request.value.state)) open.push(request);
        else await this.#open.release(slot.key, slot.holder);
      }
      if (open.length > 0) yield open;
    }
  }

  /** Requests of one agent, newest first (for `tap list`); scans the requests, which are few. */
  all(): AsyncIterable<StoredRecord<TapRequest>[]> {
    return pagesOf<TapRequest>(this.store, TAP_REQUESTS_PARTITION, 200);
  }

  async saveAlert(alert: TapAlert): Promise<void> {
    await this.store.put(TAP_ALERTS_PARTITION, alert.id, alert);
  }

  async alert(id: string): Promise<TapAlert | undefined> {
    return (await this.store.get<TapAlert>(TAP_ALERTS_PARTITION, id))?.value;
  }

  /** True at most once per `windowMs` for `key` (a burst alert an hour), across instances: conditional writes decide. */
  async oncePer(key: string, windowMs: number, now: Date): Promise<boolean> {
    const rowKey = `once:${key}`;
    const current = await this.store.get<{ at: string }>(TAP_ALERTS_PARTITION, rowKey);
    if (current && now.getTime() - Date.parse(current.value.at) < windowMs) return false;
    try {
      if (current) await this.store.update(TAP_ALERTS_PARTITION, rowKey, { at: now.toISOString() }, current.etag);
      else await this.store.insert(TAP_ALERTS_PARTITION, rowKey, { at: now.toISOString() });
      return true;
    } catch (error) {
      if (isAppError(error, 'store.already-exists') || isAppError(error, 'store.conflict')) return false;
      throw error;
    }
  }
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newTapRequestId(): string {
  let id = 'T-';
  for (let index = 0; index < 6; index++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}
