// "Talk to a person": a request in the helpdesk's queue (the helpdesk feature shows and works it).

import type { IntentId } from '../objections/catalog-schema.js';
import type { Store } from '../store/store-port.js';

export const HELP_REQUESTS_PARTITION = 'help-requests';

export interface HelpRequest {
  userId: string;
  /** Topics raised with the coach so far, so the agent does not start from nothing. */
  intents: IntentId[];
  platform?: string;
  requestedAt: string;
  status: 'open';
}

/** One open request per person: asking twice does not put them in the queue twice. */
export async function requestHelp(store: Store, request: Omit<HelpRequest, 'status'>): Promise<{ request: HelpRequest; alreadyOpen: boolean }> {
  const existing = await store.get<HelpRequest>(HELP_REQUESTS_PARTITION, request.userId);
  if (existing?.value.status === 'open') return { request: existing.value, alreadyOpen: true };
  const value: HelpRequest = { ...request, status: 'open' };
  await store.put(HELP_REQUESTS_PARTITION, request.userId, value);
  return { request: value, alreadyOpen: false };
}
