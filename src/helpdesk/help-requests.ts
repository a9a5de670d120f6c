// "Talk to a person": a request in the helpdesk's queue (the helpdesk feature shows and works it).

import { casUpdate } from '../campaigns/campaign-records.js';
import type { IntentId } from '../objections/catalog-schema.js';
import type { Store } from '../store/store-port.js';

export const HELP_REQUESTS_PARTITION = 'help-requests';

export interface HelpRequest {
  userId: string;
  /** Topics raised with the coach so far, so the agent does not start from nothing. */
  intents: IntentId[];
  platform?: string;
  requestedAt: string;
  status: 'open' | 'closed';
  /** Who on the helpdesk marked it handled, and when (the person may ask again afterwards). */
  closed?: { by: { id: string; name: string }; at: string };
}

/** One open request per person: asking twice does not put them in the queue twice. */
export async function requestHelp(store: Store, request: Omit<HelpRequest, 'status' | 'closed'>): Promise<{ request: HelpRequest; alreadyOpen: boolean }> {
  const existing = await store.get<HelpRequest>(HELP_REQUESTS_PARTITION, request.userId);
  if (existing?.value.status === 'open') return { request: existing.value, alreadyOpen: true };
  const value: HelpRequest = { ...request, status: 'open' };
  await store.put(HELP_REQUESTS_PARTITION, request.userId, value);
  return { request: value, alreadyOpen: false };
}

/** Marks the person's open request handled (compare-and-swap); undefined when they have none open. */
export async function closeHelpRequest(store: Store, userId: string, by: { id: string; name: string }, now: Date): Promise<HelpRequest | undefined> {
  const updated = await casUpdate<HelpRequest>(store, HELP_REQUESTS_PARTITION, userId, (request) => (request.status === 'open' ? { ...request, status: 'closed', closed: { by, at: now.toISOString() } } : undefined));
  return updated?.value;
}
