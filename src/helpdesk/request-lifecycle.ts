// How a pass request moves through time: it holds its person's one open slot until it settles, expires when its
// time is up (a sweep finds the ones nobody touches), and every approval card posted for it is updated when it does.

import type { TapContext } from './tap-context.js';
import { OPEN_STATES, type TapRequest } from './tap-records.js';

/** A creation takes seconds; a reveal still "revealing" after this was cut off (a crash) and frees the person's slot. */
const ABANDONED_REVEAL_MS = 10 * 60_000;

/** Past its time: an open request after its expiry, or a reveal cut off long ago. */
export function isDue(request: TapRequest, now: Date): boolean {
  if (request.state === 'revealing') return now.getTime() - Date.parse(request.reveal?.at ?? request.createdAt) > ABANDONED_REVEAL_MS;
  return OPEN_STATES.has(request.state) && request.expiresAt <= now.toISOString();
}

/** The request as it stands now: expired first if its time is up. */
export async function liveRequest(tap: TapContext, id: string, now: Date): Promise<TapRequest | undefined> {
  const current = await tap.records.get(id);
  return current ? expireIfDue(tap, current.value, now) : undefined;
}

export async function expireIfDue(tap: TapContext, request: TapRequest, now: Date): Promise<TapRequest> {
  if (!isDue(request, now)) return request;
  const updated = await tap.records.update(request.id, (latest) => (isDue(latest, now) ? { ...latest, state: 'expired' } : undefined));
  if (!updated) return (await tap.records.get(request.id))?.value ?? request;
  // A reveal that never finished (the process stopped while Graph was creating): a pass may exist that nobody saw.
  const abandoned = request.state === 'revealing';
  await tap.audit(abandoned ? 'tap.reveal.abandoned' : 'tap.request.expired', { id: 'system', name: 'system' }, request.target.id, { requestId: request.id });
  await settled(tap, updated.value);
  if (!abandoned) await updateCards(tap, updated.value, now);
  return updated.value;
}

/** The target's slot, taking it over from a request that has expired; the id of the request holding it otherwise. */
export async function claimTarget(tap: TapContext, targetId: string, requestId: string, now: Date): Promise<string | undefined> {
  const holder = await tap.records.claimTarget(targetId, requestId);
  if (!holder) return undefined;
  const held = (await tap.records.get(holder))?.value;
  if (held && OPEN_STATES.has((await expireIfDue(tap, held, now)).state)) return holder;
  await tap.records.releaseTarget(targetId, holder);
  return tap.records.claimTarget(targetId, requestId);
}

/** The request no longer holds the target's slot. */
export async function settled(tap: TapContext, request: TapRequest): Promise<void> {
  await tap.records.releaseTarget(request.target.id, request.id);
}

/**
 * Every approval card posted for the request shows where it stands now (but the one just clicked, which did). A step is
 * sent once per name: an update on the way to a decision (a Verified ID result) is `update-<activity>@<tag>`, so the
 * update that settles the card is still to come.
 */
export async function updateCards(tap: TapContext, request: TapRequest, now: Date, exceptActivityId?: string, tag?: string): Promise<void> {
  for (const copy of request.copies) if (copy.activityId !== exceptActivityId) await tap.send(request.id, copy.recipientId, `update-${copy.activityId}${tag ? `@${tag}` : ''}`, now);
}

/**
 * The scheduler's sweep: open requests past their time expire now, not when someone next touches them, so the
 * person's slot is free and the approvers' cards stop offering buttons that would only say "expired".
 */
export async function expireDue(tap: TapContext, now: Date, options: { everything?: boolean } = {}): Promise<number> {
  const due: TapRequest[] = [];
  // The open ones, found through their slots; now and then every request, for one a crash left without its slot.
  const pages = options.everything ? tap.records.all() : tap.records.openRequests();
  for await (const page of pages) for (const { value } of page) if (isDue(value, now)) due.push(value);
  let expired = 0;
  for (const request of due) if ((await expireIfDue(tap, request, now)).state === 'expired') expired += 1;
  return expired;
}
