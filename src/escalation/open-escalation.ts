// A recorded refusal goes to its decider. Idempotent: run again after a crash (the scheduler does, for any refusal
// without an escalation), it finishes the same escalation instead of starting a second.

import type { DirectoryUser } from '../directory/graph-shapes.js';
import { casUpdate } from '../store/cas-update.js';
import { askDecider, routeDecider } from './decider-routing.js';
import { describeDecider, type EscalationContext } from './escalation-context.js';
import type { Escalation } from './escalation-records.js';
import { dropMarker, pendingKey, REFUSALS_PARTITION, type Refusal } from './refusals.js';

export async function openEscalation(esc: EscalationContext, employeeId: string, now = new Date()): Promise<Escalation | undefined> {
  const { deps, records } = esc;
  const refusal = await deps.store.get<Refusal>(REFUSALS_PARTITION, employeeId);
  if (!refusal) return undefined;
  const id = await records.claimId(employeeId);
  let record = await records.get(id);
  if (!record) {
    const employee = await readEmployee(esc, employeeId);
    const campaign = await deps.campaigns?.contextOf(employeeId);
    const decider = await routeDecider(esc, employeeId, employeeId, []);
    const escalation: Escalation = {
      id,
      // A name the directory did not give stays empty: each card says "a colleague" in its reader's language.
      employee: { id: employeeId, name: employee?.displayName ?? '', jobTitle: employee?.jobTitle ?? undefined, department: employee?.department ?? undefined },
      refusal: { reason: refusal.value.reason, details: refusal.value.details, intents: refusal.value.intents, recordedAt: refusal.value.recordedAt },
      campaignId: campaign?.campaignId,
      deadline: campaign?.deadline,
      state: 'open',
      decider,
      level: 0,
      earlierDeciders: [],
      round: 0,
      remindersAtLevel: 0,
      nextAskAt: esc.after(now, deps.settings.reminderWorkingDays).toISOString(),
      copies: [],
      createdAt: now.toISOString(),
    };
    const { record: stored, created } = await records.create(escalation);
    record = stored;
    if (created) {
      await deps.audit.record({
        action: 'escalation.opened',
        outcome: decider.kind === 'none' ? 'failed' : 'info',
        actor: { kind: 'system', name: 'escalation' },
        subject: { kind: 'user', aadObjectId: employeeId },
        details: { escalationId: id, decider: describeDecider(decider), reason: refusal.value.reason, intents: refusal.value.intents },
      });
      if (decider.kind === 'none') deps.logger.error('a refusal has nobody to decide it: set ESCALATION_GROUP_ID', { escalationId: id, because: decider.because });
    }
  }
  const escalation = record.value;
  if (escalation.state === 'open') await askDecider(esc, escalation, now);
  // Only the link is added: a newer refusal recorded meanwhile (they said no again) keeps its own words.
  const marker = await deps.store.get(REFUSALS_PARTITION, pendingKey(employeeId));
  await casUpdate<Refusal>(deps.store, REFUSALS_PARTITION, employeeId, (latest) => (latest.escalationId === id ? undefined : { ...latest, escalationId: id }));
  // Taken: off the scheduler's list, the marker as it was before (one a new refusal wrote meanwhile stays; a crash
  // before this leaves a marker the next sweep drops).
  if (marker) await dropMarker(deps.store, marker);
  await deps.campaigns?.escalated(employeeId);
  return escalation;
}

async function readEmployee(esc: EscalationContext, userId: string): Promise<DirectoryUser | undefined> {
  try {
    return await esc.deps.directory?.getUser(userId);
  } catch (error) {
    esc.deps.logger.warn('could not read the person for an escalation card', { error });
    return undefined;
  }
}
