// After a decision: the employee is told, IT is asked for a key when one is offered, every other copy of the card is
// updated, the campaign hears of it; each queued once (outbox keys), then marked done, so the scheduler repairs a
// crash in between. And when the person enrols meanwhile, nobody needs to decide: the cards say so.

import type { EscalationContext } from './escalation-context.js';
import type { Escalation } from './escalation-records.js';

export async function followThrough(esc: EscalationContext, escalation: Escalation, clickedActivityId?: string): Promise<void> {
  const { deps, records } = esc;
  const decision = escalation.decision;
  if (!decision || escalation.followedThrough) return;
  const now = new Date();
  await esc.enqueue(escalation.id, escalation.employee.id, 'outcome', now);
  if (decision.choice === 'security-key' && deps.settings.securityKeyGroupId) await esc.enqueueForGroup(escalation.id, deps.settings.securityKeyGroupId, 'key-request', now);
  for (const copy of escalation.copies) if (copy.activityId !== clickedActivityId) await esc.enqueue(escalation.id, copy.recipientId, `update-${copy.activityId}`, now);
  await deps.campaigns?.decided(escalation.employee.id, decision, escalation.campaignId);
  await records.closeMarker(escalation.employee.id, escalation.id);
  await records.update(escalation.id, (latest) => (latest.followedThrough ? undefined : { ...latest, followedThrough: true }));
}

/** The person enrolled after all: nobody needs to decide; the cards say so. */
export async function withdrawEscalation(esc: EscalationContext, employeeId: string, now = new Date()): Promise<void> {
  const { deps, records } = esc;
  const open = await records.openFor(employeeId);
  if (open?.value.state !== 'open') return;
  const updated = await records.update(open.value.id, (latest) => (latest.state === 'open' ? { ...latest, state: 'withdrawn' } : undefined));
  if (!updated) return;
  for (const copy of updated.value.copies) await esc.enqueue(updated.value.id, copy.recipientId, `update-${copy.activityId}`, now);
  await records.closeMarker(employeeId, updated.value.id);
  await deps.audit.record({ action: 'escalation.withdrawn', outcome: 'info', actor: { kind: 'system', name: 'escalation' }, subject: { kind: 'user', aadObjectId: employeeId }, details: { escalationId: updated.value.id } });
}
