// A refusal the employee confirmed, waiting for their manager's decision (the escalation feature routes it).

import type { IntentId } from '../shared/intents.js';
import type { Store } from '../store/store-port.js';

export const REFUSALS_PARTITION = 'refusals';
export const REFUSAL_REASONS = ['privacy', 'personal-device', 'no-suitable-phone', 'other'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface Refusal {
  userId: string;
  reason: RefusalReason;
  /** What the person chose to tell their manager; only with reason "other" or when they wrote something. */
  details?: string;
  /** The concerns raised with the coach, as intents: the manager sees topics, not words. */
  intents: IntentId[];
  recordedAt: string;
  status: 'awaiting-decision';
  /** Set once the refusal has been taken to a decider (the escalation feature). */
  escalationId?: string;
}

/** Records (or replaces, if they refuse again) the person's open refusal; an escalation picks it up from here. */
export async function recordRefusal(store: Store, refusal: Omit<Refusal, 'status'>): Promise<Refusal> {
  const value: Refusal = { ...refusal, status: 'awaiting-decision' };
  await store.put(REFUSALS_PARTITION, refusal.userId, value);
  return value;
}
