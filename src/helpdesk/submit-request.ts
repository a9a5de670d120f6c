// The agent sends the filled-in form: the identity check they made, why the pass is needed, its lifetime within the
// tenant's policy. A manager's confirmation is asked of the manager, by the coach; other checks go to the approvers.
// The manager's answer is the other half of this file: yes goes to the approvers, no stops it and alerts security.

import { z } from 'zod';
import { visibleText } from '../shared/visible-text.js';
import { askApprovers } from './approvers.js';
import { liveRequest, settled } from './request-lifecycle.js';
import { presentationRequired, startPresentation } from './start-presentation.js';
import { managerCard, offeredChecks, requestCard } from './tap-cards.js';
import type { TapAnswer, TapContext } from './tap-context.js';
import { CHECK_KINDS, type Person } from './tap-records.js';
import { wordsInTurn } from './tap-words.js';

const submitSchema = z.object({
  requestId: z.string().max(20),
  check: z.enum(CHECK_KINDS),
  note: z.string().max(500).transform(visibleText).optional(),
  reason: z.string().transform(visibleText).pipe(z.string().trim().min(3).max(500)),
  lifetime: z.coerce.number().int(),
  oneTime: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
});
export const requestIdSchema = z.object({ requestId: z.string().max(20) });

export async function submitRequest(tap: TapContext, clicker: Person, data: unknown, teamsLocale?: string, now = new Date()): Promise<TapAnswer> {
  const words = await wordsInTurn(tap, clicker, teamsLocale);
  const ids = requestIdSchema.safeParse(data);
  const request = ids.success ? await liveRequest(tap, ids.data.requestId, now) : undefined;
  if (!request || request.requester.id !== clicker.id) return tap.forged(clicker, 'tap.submit', data, words);
  const form = (error?: string) => ({ card: requestCard(tap, words, request, now, error && words.say(`form.${error}`, { name: request.target.name, min, max })) });
  const { minimumLifetimeInMinutes: min, maximumLifetimeInMinutes: max } = request.policy;
  if (request.state !== 'draft') return form();
  const parsed = submitSchema.safeParse(data);
  if (!parsed.success) return form('incomplete');
  const { check, note, reason, lifetime } = parsed.data;
  if (lifetime < min || lifetime > max) return form('lifetimeRange');
  if (check === 'manager' && !request.manager) return form('noManager');
  if (check === 'manager' && request.manager?.id === clicker.id) return form('youAreTheManager');
  // Policy may ask for Verified ID; a check the form does not offer here (the ticked credential where the real one runs) is not taken.
  if (check !== 'verified-id' && presentationRequired(tap, request)) return form('verifiedIdRequired');
  if (!offeredChecks(tap, request).includes(check)) return form('incomplete');
  const oneTime = parsed.data.oneTime === undefined ? true : parsed.data.oneTime === true || parsed.data.oneTime === 'true';
  const next = check === 'manager' ? 'awaiting-manager' : 'awaiting-approval';
  // Asked before the request moves on: a service that does not answer leaves the form as it was, to try again.
  const presentation = check === 'verified-id' ? await startPresentation(tap, words, request, now) : undefined;
  if (check === 'verified-id' && !presentation) return form('verifiedIdUnavailable');
  const updated = await tap.records.update(request.id, (latest) =>
    latest.state === 'draft'
      ? { ...latest, state: next, check: { kind: check, note: note?.trim() || undefined, by: clicker, at: now.toISOString() }, reason, lifetimeInMinutes: lifetime, isUsableOnce: oneTime, ...(presentation ? { presentation } : {}) }
      : undefined,
  );
  if (!updated) return { card: requestCard(tap, words, (await tap.records.get(request.id))?.value ?? request, now) };
  await tap.audit('tap.request.submitted', clicker, request.target.id, { requestId: request.id, check, lifetime, oneTime });
  if (presentation) await tap.send(request.id, request.target.id, `verify-link@${presentation.state}`, now);
  if (next === 'awaiting-manager' && request.manager) await tap.send(request.id, request.manager.id, 'manager-check', now);
  else await askApprovers(tap, updated.value, now);
  return { card: requestCard(tap, words, updated.value, now, undefined, presentation && (await tap.presentations.get(presentation.state))?.qrCode) };
}

/** The target's manager answers "is this them?". */
export async function confirmByManager(tap: TapContext, clicker: Person, data: unknown, teamsLocale?: string, now = new Date()): Promise<TapAnswer> {
  const words = await wordsInTurn(tap, clicker, teamsLocale);
  const parsed = z.object({ requestId: z.string().max(20), answer: z.enum(['yes', 'no']) }).safeParse(data);
  const request = parsed.success ? await liveRequest(tap, parsed.data.requestId, now) : undefined;
  if (!parsed.success || !request || request.manager?.id !== clicker.id) return tap.forged(clicker, 'tap.confirm', data, words);
  const confirmed = parsed.data.answer === 'yes';
  const updated = await tap.records.update(request.id, (latest) =>
    latest.state === 'awaiting-manager'
      ? {
          ...latest,
          state: confirmed ? 'awaiting-approval' : 'refused',
          managerCheck: { confirmed, by: clicker, at: now.toISOString() },
          ...(confirmed ? {} : { refusal: { by: clicker, at: now.toISOString(), why: 'the manager did not confirm' } }),
        }
      : undefined,
  );
  if (!updated) return { card: managerCard(tap, words, (await tap.records.get(request.id))?.value ?? request) };
  await tap.audit(confirmed ? 'tap.manager.confirmed' : 'tap.manager.denied', clicker, request.target.id, { requestId: request.id });
  if (confirmed) await askApprovers(tap, updated.value, now);
  else {
    await tap.alert('manager-denied', { key: 'alerts.managerDenied', params: { name: clicker.name, target: request.target.name, requester: request.requester.name } }, now, request.id);
    await tap.send(request.id, request.requester.id, 'outcome-requester', now);
    await settled(tap, updated.value);
  }
  return { card: managerCard(tap, words, updated.value) };
}
