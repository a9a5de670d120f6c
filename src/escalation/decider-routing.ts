// Who decides a refusal: the person's manager from Graph when that manager is usable (exists, is enabled, is not the
// person, is not someone asked before, can be reached in Teams), else the escalation group; and the card goes to them.

import type { DirectoryUser } from '../directory/graph-shapes.js';
import { UNREACHABLE_PARTITION } from '../messaging/proactive-messenger.js';
import type { EscalationContext } from './escalation-context.js';
import type { Decider, Escalation, FallbackReason } from './escalation-records.js';

/** Who decides for `subjectId`'s report `employeeId`: the subject's manager if usable, else the escalation group. */
export async function routeDecider(esc: EscalationContext, subjectId: string, employeeId: string, earlier: readonly string[]): Promise<Decider> {
  const top = subjectId !== employeeId;
  const manager = await managerOf(esc, subjectId);
  if (!manager) return fallbackDecider(esc, top ? 'top-of-chain' : 'no-manager');
  if (manager.accountEnabled === false) return fallbackDecider(esc, 'manager-disabled');
  if (manager.id === employeeId) return fallbackDecider(esc, 'self-managed');
  if (manager.id === subjectId || earlier.includes(manager.id)) return fallbackDecider(esc, 'top-of-chain');
  if (await esc.deps.store.get(UNREACHABLE_PARTITION, manager.id)) return fallbackDecider(esc, 'manager-unreachable');
  return { kind: 'user', id: manager.id, name: manager.displayName ?? 'their manager' };
}

export function fallbackDecider(esc: EscalationContext, because: FallbackReason): Decider {
  const groupId = esc.deps.settings.groupId;
  return groupId ? { kind: 'group', groupId, because } : { kind: 'none', because };
}

async function managerOf(esc: EscalationContext, userId: string): Promise<DirectoryUser | undefined> {
  if (!esc.deps.directory) return undefined;
  return esc.deps.directory.getManager(userId);
}

/**
 * Queues the current round's card to the decider: the manager, or every member of the group (one durable row, whose
 * members are looked up when it is sent, so a directory that cannot list them now delays the cards, never loses them).
 */
export async function askDecider(esc: EscalationContext, escalation: Escalation, now: Date): Promise<void> {
  const { decider } = escalation;
  const step = `ask-${escalation.round}`;
  if (decider.kind === 'user') {
    // Never the person themselves.
    if (decider.id !== escalation.employee.id) await esc.enqueue(escalation.id, decider.id, step, now);
    return;
  }
  if (decider.kind === 'group') await esc.enqueueForGroup(escalation.id, decider.groupId, step, now, [escalation.employee.id]);
}
