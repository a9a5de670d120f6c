// A click on the decider's card: only the recorded decider decides (the clicker comes from the authenticated activity,
// the card's data names only the escalation), exactly once (a compare-and-swap that also checks the decider has not
// changed meanwhile), and an exception needs a date within the limit and a reason. "I'll talk to them" decides
// nothing: it asks again after some working days.

import { z } from 'zod';
import { addDateKeyDays, localParts } from '../shared/wall-clock.js';
import { visibleText } from '../shared/visible-text.js';
import { type DecideResult, describeDecider, type EscalationContext, sameDecider } from './escalation-context.js';
import { CHOICES, type Decision, type Escalation } from './escalation-records.js';
import { followThrough } from './follow-through.js';

const decideSchema = z.object({
  escalationId: z.string().min(1).max(64),
  choice: z.enum(CHOICES),
  until: z.string().optional(),
  justification: z.string().optional(),
});

export async function decideEscalation(esc: EscalationContext, clicker: { id: string; name?: string }, data: unknown, clickedActivityId?: string, now = new Date(), retried = false): Promise<DecideResult> {
  const { deps, records } = esc;
  const parsed = decideSchema.safeParse(data);
  if (!parsed.success) return { message: 'That button is no longer active.' };
  const { escalationId, choice } = parsed.data;
  const current = await records.get(escalationId);
  if (!current) return { message: 'That decision request no longer exists.' };
  const escalation = current.value;
  // The name the directory gave the manager when routing; for a group member, the name Teams sent with the click.
  const who = { id: clicker.id, name: (escalation.decider.kind === 'user' ? escalation.decider.name : clicker.name?.trim()) || 'Someone' };
  if (!(await mayDecide(esc, escalation, clicker.id))) {
    await deps.audit.record({
      action: 'escalation.decision.denied',
      outcome: 'denied',
      actor: { kind: 'user', aadObjectId: clicker.id, displayName: clicker.name },
      subject: { kind: 'user', aadObjectId: escalation.employee.id },
      details: { escalationId, choice, decider: describeDecider(escalation.decider) },
    });
    if (clicker.id === escalation.employee.id) return { message: "This decision is about you, so someone else has to make it. I've noted the attempt." };
    return { message: `Only ${esc.deciderName(escalation.decider)} can decide this. I've noted the attempt.` };
  }
  if (escalation.state !== 'open') return { card: esc.card(escalation, {}) };
  if (choice === 'talk') return talkFirst(esc, escalation, who, now);

  let until: string | undefined;
  let justification: string | undefined;
  if (choice === 'exception') {
    until = parsed.data.until?.trim();
    justification = visibleText(parsed.data.justification ?? '').trim() || undefined;
    const problem = exceptionProblem(esc, until, justification, localParts(now, deps.timeZone).dateKey);
    if (problem) return { card: esc.card(escalation, { error: problem }) };
  }
  const decision: Decision = { choice, by: who, at: now.toISOString(), ...(until ? { until } : {}), ...(justification ? { justification } : {}) };
  // Exactly one decision: whoever swaps the open row first wins; everyone after sees what was decided.
  // The authority checked above must still hold: a run that took it up the chain meanwhile hands it to someone else.
  const swapped = await records.update(escalationId, (latest) =>
    latest.state === 'open' && sameDecider(latest.decider, escalation.decider) ? { ...latest, state: 'decided', decision, followedThrough: false } : undefined,
  );
  if (!swapped) {
    const settled = await records.get(escalationId);
    if (settled?.value.state === 'open' && !retried) return decideEscalation(esc, clicker, data, clickedActivityId, now, true);
    return { card: esc.card(settled?.value ?? escalation, {}) };
  }
  await deps.audit.record({
    action: 'escalation.decided',
    outcome: 'success',
    actor: { kind: 'user', aadObjectId: who.id, displayName: clicker.name },
    subject: { kind: 'user', aadObjectId: escalation.employee.id },
    details: { escalationId, choice, until: until ?? null, level: escalation.level, decider: describeDecider(escalation.decider) },
  });
  await followThrough(esc, swapped.value, clickedActivityId);
  return { card: esc.card(swapped.value, {}) };
}

/** What is wrong with an exception's date and reason, in words for the decider; undefined when nothing is. */
function exceptionProblem(esc: EscalationContext, until: string | undefined, justification: string | undefined, today: string): string | undefined {
  const { maxExceptionDays } = esc.deps.settings;
  const latest = addDateKeyDays(today, maxExceptionDays);
  if (!until || !/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(until)) || new Date(`${until}T12:00:00Z`).toISOString().slice(0, 10) !== until) return 'Choose the last day of the exception.';
  if (until <= today) return 'The exception has to end after today.';
  if (until > latest) return `An exception can last at most ${maxExceptionDays} days, until ${latest}.`;
  if (!justification || justification.length < 3) return 'Say briefly why the exception is needed: it is kept with the decision.';
  if (justification.length > 500) return 'Keep the reason under 500 characters.';
  return undefined;
}

async function talkFirst(esc: EscalationContext, escalation: Escalation, who: { id: string; name: string }, now: Date): Promise<DecideResult> {
  const askAgain = esc.after(now, esc.deps.settings.talkWorkingDays);
  const updated = await esc.records.update(escalation.id, (latest) =>
    latest.state === 'open' && sameDecider(latest.decider, escalation.decider) ? { ...latest, talk: { by: who, at: now.toISOString() }, nextAskAt: askAgain.toISOString(), remindersAtLevel: 0 } : undefined,
  );
  if (!updated) {
    const settled = await esc.records.get(escalation.id);
    return { card: esc.card(settled?.value ?? escalation, {}) };
  }
  await esc.deps.audit.record({
    action: 'escalation.talk',
    outcome: 'info',
    actor: { kind: 'user', aadObjectId: who.id },
    subject: { kind: 'user', aadObjectId: escalation.employee.id },
    details: { escalationId: escalation.id, askAgainAt: askAgain.toISOString() },
  });
  const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: esc.deps.timeZone }).format(askAgain);
  return { card: esc.card(updated.value, { note: `Thanks. I'll ask again on ${day} if nothing has been decided by then; you can decide here at any time.` }) };
}

async function mayDecide(esc: EscalationContext, escalation: Escalation, userId: string): Promise<boolean> {
  const { decider } = escalation;
  if (userId === escalation.employee.id) return false;
  if (decider.kind === 'user') return decider.id === userId;
  if (decider.kind === 'group' && esc.deps.directory) {
    try {
      return (await esc.deps.directory.transitiveGroupIds(userId)).has(decider.groupId);
    } catch (error) {
      // Fail closed: a decision nobody can verify is not taken.
      esc.deps.logger.warn('could not check escalation group membership; refusing the decision', { error });
      return false;
    }
  }
  return false;
}
