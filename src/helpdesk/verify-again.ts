// A presentation that failed or lapsed (the person never opened the link in time) can be asked for again by the agent
// who made the request: a new presentation request, a new link to the person, the approvers' cards updated. The old
// one stays settled; a late callback for it is refused as superseded.

import { z } from 'zod';
import { presentationLapsed } from './presentation-views.js';
import { liveRequest, updateCards } from './request-lifecycle.js';
import { startPresentation } from './start-presentation.js';
import { requestCard } from './tap-cards.js';
import type { TapAnswer, TapContext } from './tap-context.js';
import type { Person } from './tap-records.js';
import { wordsInTurn } from './tap-words.js';

export async function verifyAgain(tap: TapContext, clicker: Person, data: unknown, teamsLocale?: string, now = new Date()): Promise<TapAnswer> {
  const words = await wordsInTurn(tap, clicker, teamsLocale);
  const { say } = words;
  const parsed = z.object({ requestId: z.string().max(20) }).safeParse(data);
  const request = parsed.success ? await liveRequest(tap, parsed.data.requestId, now) : undefined;
  if (!request || request.requester.id !== clicker.id) return tap.forged(clicker, 'tap.verify-again', data, words);
  const old = request.presentation;
  const name = request.target.name;
  if (request.state !== 'awaiting-approval' || request.check?.kind !== 'verified-id' || !old) return { message: say('verify.nothingToRedo', { id: request.id }) };
  if (old.status === 'verified') return { message: say('verify.alreadyVerified', { name, id: request.id }) };
  if (old.status !== 'failed' && !presentationLapsed(old, now)) return { message: say('verify.stillWaiting', { name, time: words.time(old.expiresAt) }) };
  const presentation = await startPresentation(tap, words, request, now);
  if (!presentation) return { message: say('form.verifiedIdUnavailable') };
  // Only over the presentation read here: two clicks at once make one new link (the other's request simply lapses).
  const updated = await tap.records.update(request.id, (latest) => (latest.state === 'awaiting-approval' && latest.presentation?.state === old.state ? { ...latest, presentation } : undefined));
  if (!updated) return { message: say('verify.nothingToRedo', { id: request.id }) };
  await tap.audit('tap.verifiedid.requested-again', clicker, request.target.id, { requestId: request.id, failure: old.failure ?? 'expired' });
  await tap.send(request.id, request.target.id, `verify-link@${presentation.state}`, now);
  await updateCards(tap, updated.value, now, undefined, `presentation-${presentation.state}`);
  return { card: requestCard(tap, words, updated.value, now, undefined, (await tap.presentations.get(presentation.state))?.qrCode), acted: true };
}
