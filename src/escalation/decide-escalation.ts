// A click on the decider's card: only the recorded decider decides (the clicker comes from the authenticated activity,
// the card's data names only the escalation), exactly once (a compare-and-swap that also checks the decider has not
// changed meanwhile), and an exception needs a date within the limit and a reason. "I'll talk to them" decides
// nothing: it asks again after some working days. The answer is in the clicker's language in this turn.

import { z } from 'zod';
import { addDateKeyDays, localParts } from '../shared/wall-clock.js';
import { formatDeadline } from '../shared/formatting.js';
import { visibleText } from '../shared/visible-text.js';
import { deciderName, formatDay, type Wording } from './escalation-cards.js';
import { type DecideResult, describeDecider, type EscalationContext, sameDecider } from './escalation-context.js';
import { CHOICES, type Decision, type Escalation } from './escalation-records.js';
import { followThrough } from './follow-through.js';

const decideSchema = z.object({
  escalationId: z.string().min(1).max(64),
  choice: z.enum(CHOICES),
  until: z.string().optional(),
  justification: z.string().optional(),
});

/** Who clicked, from the authenticated activity, and the language their Teams is set to (the activity's locale). */
export interface Clicker {
  id: string;
  name?: string;
  locale?: string;
}

export async function decideEscalation(esc: EscalationContext, clicker: Clicker, data: unknown, clickedActivityId?: string, now = new Date(), retried = false): Promise<DecideResult> {
  const { deps, records } = esc;
  const wording = esc.wording(await deps.languages.inTurn(clicker.id, clicker.locale));
  const { strings, locale } = wording;
  const parsed = decideSchema.safeParse(data);
  if (!parsed.success) return { message: strings.text(locale, 'escalation.click.stale') };
  const { escalationId, choice } = parsed.data;
  const current = await records.get(escalationId);
  if (!current) return { message: strings.text(locale, 'escalation.click.gone') };
  const escalation = current.value;
  // The name the directory gave the manager when routing; for a group member, the name Teams sent with the click
  // (kept empty when there is none: each reader's card then says "someone" in their own language).
  const who = { id: clicker.id, name: (escalation.decider.kind === 'user' ? escalation.decider.name : clicker.name?.trim()) ?? '' };
  if (!(await mayDecide(esc, escalation, clicker.id))) {
    await deps.audit.record({
      action: 'escalation.decision.denied',
      outcome: 'denied',
      actor: { kind: 'user', aadObjectId: clicker.id, displayName: clicker.name },
      subject: { kind: 'user', aadObjectId: escalation.employee.id },
      details: { escalationId, choice, decider: describeDecider(escalation.decider) },
    });
    if (clicker.id === escalation.employee.id) return { message: strings.text(locale, 'escalation.click.aboutYou') };
    return { message: strings.text(locale, 'escalation.click.onlyDecider', { name: deciderName(escalation.decider, wording) }) };
  }
  if (escalation.state !== 'open') return { card: esc.card(escalation, {}, locale) };
  if (choice === 'talk') return talkFirst(esc, escalation, who, now, locale);

  let until: string | undefined;
  let justification: string | undefined;
  if (choice === 'exception') {
    until = parsed.data.until?.trim();
    justification = visibleText(parsed.data.justification ?? '').trim() || undefined;
    const problem = exceptionProblem(esc, until, justification, localParts(now, deps.timeZone).dateKey, wording);
    if (problem) return { card: esc.card(escalation, { error: problem }, locale) };
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
    return { card: esc.card(settled?.value ?? escalation, {}, locale) };
  }
  await deps.audit.record({
    action: 'escalation.decided',
    outcome: 'success',
    actor: { kind: 'user', aadObjectId: who.id, displayName: clicker.name },
    subject: { kind: 'user', aadObjectId: escalation.employee.id },
    details: { escalationId, choice, until: until ?? null, level: escalation.level, decider: describeDecider(escalation.decider) },
  });
  await followThrough(esc, swapped.value, clickedActivityId);
  return { card: esc.card(swapped.value, {}, locale) };
}

/** What is wrong with an exception's date and reason, in words for the decider; undefined when nothing is. */
function exceptionProblem(esc: EscalationContext, until: string | undefined, justification: string | undefined, today: string, { strings, locale }: Wording): string | undefined {
  const { maxExceptionDays } = esc.deps.settings;
  const latest = addDateKeyDays(today, maxExceptionDays);
  if (!until || !/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(until)) || new Date(`${until}T12:00:00Z`).toISOString().slice(0, 10) !== until) return strings.text(locale, 'escalation.exception.chooseDay');
  if (until <= today) return strings.text(locale, 'escalation.exception.afterToday');
  if (until > latest) return strings.text(locale, 'escalation.exception.tooLong', { days: maxExceptionDays, date: formatDeadline(latest, locale) });
  if (!justification || justification.length < 3) return strings.text(locale, 'escalation.exception.reason');
  if (justification.length > 500) return strings.text(locale, 'escalation.exception.reasonTooLong');
  return undefined;
}

async function talkFirst(esc: EscalationContext, escalation: Escalation, who: { id: string; name: string }, now: Date, locale: string): Promise<DecideResult> {
  const askAgain = esc.after(now, esc.deps.settings.talkWorkingDays);
  const updated = await esc.records.update(escalation.id, (latest) =>
    latest.state === 'open' && sameDecider(latest.decider, escalation.decider) ? { ...latest, talk: { by: who, at: now.toISOString() }, nextAskAt: askAgain.toISOString(), remindersAtLevel: 0 } : undefined,
  );
  if (!updated) {
    const settled = await esc.records.get(escalation.id);
    return { card: esc.card(settled?.value ?? escalation, {}, locale) };
  }
  await esc.deps.audit.record({
    action: 'escalation.talk',
    outcome: 'info',
    actor: { kind: 'user', aadObjectId: who.id },
    subject: { kind: 'user', aadObjectId: escalation.employee.id },
    details: { escalationId: escalation.id, askAgainAt: askAgain.toISOString() },
  });
  const note = esc.deps.cards.strings.text(locale, 'escalation.status.talkNote', { date: formatDay(askAgain, locale, esc.deps.timeZone) });
  return { card: esc.card(updated.value, { note }, locale) };
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
