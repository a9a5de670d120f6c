// Who approves a pass: a member of the approvers (or, for a privileged account when policy allows one, of security)
// who is none of the people the request is about: not its requester, its target, the manager who confirmed it, nor
// the person who will reveal it.

import type { TapContext } from './tap-context.js';
import type { Person, TapRequest } from './tap-records.js';

/** Member of a group that approves some requests (the approvers, or security when privileged passes are allowed). */
export async function mayApprove(tap: TapContext, person: Person): Promise<boolean> {
  const { approversGroupId, securityGroupId, allowPrivileged } = tap.settings;
  if (await tap.deps.membership.isMember(person.id, approversGroupId, 'the pass queue')) return true;
  return allowPrivileged && (await tap.deps.membership.isMember(person.id, securityGroupId, 'the pass queue'));
}

/** Why this person may not approve this request (`message`: the key of the words in helpdesk.json), or undefined when they may. */
export async function approverProblem(tap: TapContext, request: TapRequest, clicker: Person): Promise<{ code: string; message: string } | undefined> {
  if (clicker.id === request.requester.id) return { code: 'own-request', message: 'approvers.ownRequest' };
  if (clicker.id === request.target.id) return { code: 'target', message: 'approvers.target' };
  if (clicker.id === request.managerCheck?.by.id) return { code: 'confirmed-it', message: 'approvers.confirmedIt' };
  if (clicker.id === request.receiverId) return { code: 'receiver', message: 'approvers.receiver' };
  if (!(await tap.deps.membership.isMember(clicker.id, approversOf(tap, request), 'the pass approval'))) {
    return { code: 'not-approver', message: request.privileged ? 'approvers.securityOnly' : 'approvers.approversOnly' };
  }
  return undefined;
}

/**
 * The approval cards go out to everyone who may approve, but the people the request is about: one durable row for the
 * group, whose members are looked up when it is sent, so a directory that cannot list them now delays the cards
 * instead of losing them.
 */
export async function askApprovers(tap: TapContext, request: TapRequest, now: Date): Promise<void> {
  await tap.sendToGroup(request.id, approversOf(tap, request), 'approve-ask', now, [request.requester.id, request.target.id, request.managerCheck?.by.id, request.receiverId]);
}

/** Who approves: the security group for a privileged account (when policy allows one at all), else the approvers. */
function approversOf(tap: TapContext, request: TapRequest): string | undefined {
  return request.privileged ? tap.settings.securityGroupId : tap.settings.approversGroupId;
}
