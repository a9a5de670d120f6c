// "Talk to a person": a request in the helpdesk's queue (the helpdesk feature shows and works it).

import { casUpdate } from '../store/cas-update.js';
import { isAppError } from '../errors/app-error.js';
import type { IntentId } from '../shared/intents.js';
import { pagesOf } from '../store/pages.js';
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

/**
 * One open request per person: asking twice does not put them in the queue twice. Reopening a closed request is a
 * compare-and-swap, so a purge or a close working from the old record cannot undo it. (Asking again in the very
 * moment an agent closes the open request can still be answered "already open" just before the close lands; the
 * person can ask again.)
 */
export async function requestHelp(store: Store, request: Omit<HelpRequest, 'status' | 'closed'>): Promise<{ request: HelpRequest; alreadyOpen: boolean }> {
  const value: HelpRequest = { ...request, status: 'open' };
  for (let attempt = 0; attempt < 20; attempt++) {
    const existing = await store.get<HelpRequest>(HELP_REQUESTS_PARTITION, request.userId);
    if (existing?.value.status === 'open') return { request: existing.value, alreadyOpen: true };
    try {
      if (existing) await store.update(HELP_REQUESTS_PARTITION, request.userId, value, existing.etag);
      else await store.insert(HELP_REQUESTS_PARTITION, request.userId, value);
      return { request: value, alreadyOpen: false };
    } catch (error) {
      if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.already-exists')) throw error;
    }
  }
  throw new Error(`help request of ${request.userId} kept changing under 20 attempts`);
}

/** Marks the person's open request handled (compare-and-swap); undefined when they have none open. */
export async function closeHelpRequest(store: Store, userId: string, by: { id: string; name: string }, now: Date): Promise<HelpRequest | undefined> {
  // The topics and the device were for the agent who helps; once helped, only who closed it and when are kept.
  const updated = await casUpdate<HelpRequest>(store, HELP_REQUESTS_PARTITION, userId, (request) =>
    request.status === 'open' ? { userId: request.userId, intents: [], requestedAt: request.requestedAt, status: 'closed', closed: { by, at: now.toISOString() } } : undefined,
  );
  return updated?.value;
}

/** Deletes requests closed more than `retentionDays` ago (open ones stay until someone helps); returns how many. */
export async function purgeClosedHelpRequests(store: Store, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  const old: { key: string; etag: string }[] = [];
  for await (const page of pagesOf<HelpRequest>(store, HELP_REQUESTS_PARTITION, 500)) for (const { key, value, etag } of page) if (value.status === 'closed' && (value.closed?.at ?? '') < cutoff) old.push({ key, etag });
  let deleted = 0;
  for (const { key, etag } of old) {
    try {
      // Only as listed: a person who asked again since keeps their new request.
      await store.delete(HELP_REQUESTS_PARTITION, key, etag);
      deleted += 1;
    } catch (error) {
      if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.not-found')) throw error;
    }
  }
  return deleted;
}
