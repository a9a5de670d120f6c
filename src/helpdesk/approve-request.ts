// An approver approves or refuses: only someone allowed to (approverProblem), only while the request waits, exactly
// once (a compare-and-swap: two approvers at once record one decision). Approving creates nothing: the receiver gets
// the Reveal card. Every other copy of the approval card is updated to say who decided. The requester may cancel
// their own request while it is open.

import { approverProblem } from './approvers.js';
import { expireIfDue, settled, updateCards } from './request-lifecycle.js';
import { requestIdSchema } from './submit-request.js';
import { approvalAwaitsPresentation } from './start-presentation.js';
import { approvalCard } from './tap-cards.js';
import type { TapAnswer, TapContext } from './tap-context.js';
import { OPEN_STATES, type Person } from './tap-records.js';
import { type ReplyLanguage, wordsInTurn } from './tap-words.js';

export async function decideRequest(tap: TapContext, clicker: Person, approve: boolean, data: unknown, clickedActivityId: string | undefined, language?: ReplyLanguage, now = new Date()): Promise<TapAnswer> {
  const words = await wordsInTurn(tap, clicker, language);
  const parsed = requestIdSchema.safeParse(data);
  const current = parsed.success ? await tap.records.get(parsed.data.requestId) : undefined;
  if (!current) return tap.forged(clicker, approve ? 'tap.approve' : 'tap.deny', data, words);
  const request = await expireIfDue(tap, current.value, now);
  const problem = await approverProblem(tap, request, clicker);
  if (problem) {
    await tap.audit('tap.approval.denied', clicker, request.target.id, { requestId: request.id, why: problem.code });
    return { message: words.say(problem.message) };
  }
  if (request.state !== 'awaiting-approval') {
    // Too late (expired, decided, cancelled) or too early (the manager has not answered): shown, not acted on.
    if (request.state !== 'approved' || !approve) await tap.audit('tap.approval.denied', clicker, request.target.id, { requestId: request.id, why: `request ${request.state}` });
    return { card: approvalCard(tap, words, request) };
  }
  // Policy's "required": no approval without a verified presentation (checked again on the record that is swapped).
  const blocked = (latest: typeof request) => approve && approvalAwaitsPresentation(tap, latest);
  if (blocked(request)) {
    await tap.audit('tap.approval.denied', clicker, request.target.id, { requestId: request.id, why: 'no verified presentation' });
    return { message: words.say('approvers.needsPresentation', { name: request.target.name }) };
  }
  const updated = await tap.records.update(request.id, (latest) =>
    latest.state === 'awaiting-approval' && latest.expiresAt > now.toISOString() && !blocked(latest)
      ? approve
        ? { ...latest, state: 'approved', approval: { by: clicker, at: now.toISOString() } }
        : { ...latest, state: 'refused', refusal: { by: clicker, at: now.toISOString(), why: 'refused by an approver' } }
      : undefined,
  );
  const latest = updated?.value ?? (await tap.records.get(request.id))?.value ?? request;
  if (!updated) return { card: approvalCard(tap, words, latest) };
  await tap.audit(approve ? 'tap.request.approved' : 'tap.request.refused', clicker, request.target.id, { requestId: request.id, replacesExistingPass: request.replacesExistingPass, privileged: request.privileged ?? [] });
  await updateCards(tap, latest, now, clickedActivityId);
  if (approve) await tap.send(request.id, latest.receiverId, 'reveal', now);
  else {
    await tap.send(request.id, request.requester.id, 'outcome-requester', now);
    await settled(tap, latest);
  }
  return { card: approvalCard(tap, words, latest), acted: true };
}

/** `tap cancel <id>`: the requester withdraws an open request. */
export async function cancelRequest(tap: TapContext, requester: Person, rawId: string, language?: ReplyLanguage, now = new Date()): Promise<TapAnswer> {
  const words = await wordsInTurn(tap, requester, language);
  const { say } = words;
  if (!(await tap.isHelpdesk(requester, 'tap cancel'))) return { message: tap.notHelpdesk(words) };
  const id = rawId.trim().toUpperCase();
  const current = await tap.records.get(id);
  if (!current || current.value.requester.id !== requester.id) return { message: say('requests.noSuchRequest', { id: rawId || say('requests.noIdGiven') }) };
  const updated = await tap.records.update(id, (latest) => (OPEN_STATES.has(latest.state) && latest.state !== 'revealing' ? { ...latest, state: 'cancelled', refusal: { by: requester, at: now.toISOString(), why: 'cancelled by the requester' } } : undefined));
  if (!updated) {
    // Not open any more: said as it is now (a decision or a cancel that came first), not as it was when first read.
    const state = (await tap.records.get(id))?.value.state ?? current.value.state;
    return { message: say('requests.nothingToCancel', { id, state: words.state(state) }) };
  }
  await settled(tap, updated.value);
  await updateCards(tap, updated.value, now);
  await tap.audit('tap.request.cancelled', requester, updated.value.target.id, { requestId: id });
  return { message: say('requests.cancelled', { id, name: updated.value.target.name }), acted: true };
}
