// The scheduler's run: refusals not yet taken anywhere are opened, decisions a crash left half done are followed
// through, and unanswered escalations are reminded in working hours, then go up the management chain.

import { isWithinWorkingHours } from '../shared/working-hours.js';
import { askDecider, fallbackDecider, routeDecider } from './decider-routing.js';
import { describeDecider, type EscalationContext } from './escalation-context.js';
import type { Decider, Escalation } from './escalation-records.js';
import { followThrough } from './follow-through.js';
import { openEscalation } from './open-escalation.js';
import { allRefusals, pendingRefusals } from './refusals.js';

/**
 * `everything`: read every refusal and escalation ever kept, not only those marked as waiting (the daily sweep, which
 * also finds what a crash left unmarked and what was recorded before the markers existed).
 */
export async function escalationTick(esc: EscalationContext, now = new Date(), options: { everything?: boolean } = {}): Promise<void> {
  const { deps } = esc;
  for await (const page of options.everything ? allRefusals(deps.store) : pendingRefusals(deps.store)) {
    for (const refusal of page) {
      if (refusal.value.escalationId) continue;
      try {
        await openEscalation(esc, refusal.key, now);
      } catch (error) {
        deps.logger.warn('could not open an escalation; trying again on the next run', { error });
      }
    }
  }

  // Deciders are reminded in working hours only: one due at the weekend waits for Monday's first run.
  const workingNow = isWithinWorkingHours(now, deps.timeZone, deps.hours);
  for await (const page of options.everything ? esc.records.all() : esc.records.openOnes()) {
    for (const { value: escalation } of page) {
      try {
        if (escalation.state === 'decided' && !escalation.followedThrough) await followThrough(esc, escalation);
        else if (escalation.state === 'open' && Date.parse(escalation.nextAskAt) <= now.getTime() && workingNow) await nudgeDecider(esc, escalation, now);
      } catch (error) {
        deps.logger.warn('escalation follow-up failed; trying again on the next run', { escalationId: escalation.id, error });
      }
    }
  }
}

/** An unanswered round: remind the decider, or after enough reminders take it to the decider's own manager. */
async function nudgeDecider(esc: EscalationContext, escalation: Escalation, now: Date): Promise<void> {
  const { settings } = esc.deps;
  const nextAskAt = esc.after(now, settings.reminderWorkingDays).toISOString();
  const { decider } = escalation;
  // Nobody to ask, nor anybody to remind: it waits for ESCALATION_GROUP_ID (opening it said so, loudly).
  if (decider.kind === 'none' && !settings.groupId) return;
  let next: Decider | undefined;
  if (decider.kind === 'user' && escalation.remindersAtLevel >= settings.remindersBeforeUp) {
    next = await routeDecider(esc, decider.id, escalation.employee.id, [...escalation.earlierDeciders, decider.id]);
  } else if (decider.kind === 'none' && settings.groupId) {
    // Nobody could decide when it opened; an escalation group has been configured since.
    next = fallbackDecider(esc, decider.because);
  }
  const updated = await esc.records.update(escalation.id, (latest) => {
    // Applied once: another run (or instance) that got here first moved the round on.
    if (latest.state !== 'open' || latest.round !== escalation.round || Date.parse(latest.nextAskAt) > now.getTime()) return undefined;
    if (next && latest.decider.kind === 'user') {
      return { ...latest, decider: next, level: latest.level + 1, earlierDeciders: [...latest.earlierDeciders, latest.decider.id], round: latest.round + 1, remindersAtLevel: 0, nextAskAt };
    }
    if (next) return { ...latest, decider: next, round: latest.round + 1, remindersAtLevel: 0, nextAskAt };
    return { ...latest, round: latest.round + 1, remindersAtLevel: latest.remindersAtLevel + 1, nextAskAt };
  });
  if (!updated) return;
  const subject = { kind: 'user' as const, aadObjectId: escalation.employee.id };
  if (next) {
    // The earlier decider's cards say where it went; the new decider gets the card.
    for (const copy of escalation.copies) await esc.enqueue(escalation.id, copy.recipientId, `update-${copy.activityId}`, now);
    await esc.deps.audit.record({
      action: 'escalation.moved-up',
      outcome: 'info',
      actor: { kind: 'system', name: 'escalation' },
      subject,
      details: { escalationId: escalation.id, from: describeDecider(escalation.decider), to: describeDecider(next), level: updated.value.level },
    });
  } else {
    await esc.deps.audit.record({
      action: 'escalation.reminded',
      outcome: 'info',
      actor: { kind: 'system', name: 'escalation' },
      subject,
      details: { escalationId: escalation.id, reminder: updated.value.remindersAtLevel, decider: describeDecider(escalation.decider) },
    });
  }
  await askDecider(esc, updated.value, now);
}
