// A message for every member of a group is one durable row: when its time comes the group's members are looked up in
// Graph and the message is queued for each of them. A group Graph cannot list now (an outage, throttling) is looked up
// again later like any other outage, until it is delivered or its moment passes: it is never dropped.

import type { Directory } from '../directory/directory-port.js';
import { isAppError } from '../errors/app-error.js';
import { type EndpointGuard, GRAPH_ENDPOINT, RetryableDeliveryError } from '../messaging/delivery-errors.js';
import { GROUP_PREFIX, type Outbox, type OutboxRow } from './outbox.js';
import type { DeliveryResult } from './outbox-sender.js';

export interface GroupFanOutDeps {
  outbox: Outbox;
  directory: Directory | undefined;
  guard?: EndpointGuard;
}

export function isGroupRow(row: OutboxRow): boolean {
  return row.group !== undefined || row.userId.startsWith(GROUP_PREFIX);
}

/** Queues the row's message for each member of its group; throws RetryableDeliveryError while Graph cannot say who they are. */
export function groupFanOut(deps: GroupFanOutDeps): (row: OutboxRow) => Promise<DeliveryResult> {
  return async (row) => {
    const groupId = row.group?.id ?? row.userId.slice(GROUP_PREFIX.length);
    if (!deps.directory) return { outcome: 'cancelled', reason: 'no directory to look the group up in' };
    const members = await membersOf(deps, groupId);
    if (members === undefined) return { outcome: 'failed', reason: `the group ${groupId} does not exist` };
    const except = new Set(row.group?.except ?? []);
    const now = new Date().toISOString();
    for (const member of members) {
      if (!except.has(member)) await deps.outbox.enqueue({ ...(row.kind ? { kind: row.kind } : {}), subjectId: row.subjectId, userId: member, step: row.step, dueAt: now });
    }
    return { outcome: 'sent' };
  };
}

async function membersOf(deps: GroupFanOutDeps, groupId: string): Promise<string[] | undefined> {
  const { guard, directory } = deps;
  if (guard && !guard.permit(GRAPH_ENDPOINT)) {
    throw new RetryableDeliveryError('Microsoft Graph is not answering; the group is looked up when it does', Math.max(0, guard.nextPermitAt(GRAPH_ENDPOINT) - Date.now()), { reason: 'endpoint-down', endpoint: GRAPH_ENDPOINT });
  }
  try {
    const members = await (directory as Directory).groupMemberIds(groupId);
    guard?.answered(GRAPH_ENDPOINT);
    return members;
  } catch (error) {
    if (isAppError(error, 'directory.unavailable')) {
      guard?.failed(GRAPH_ENDPOINT);
      throw new RetryableDeliveryError(`listing the group: ${error.message}`, undefined, { reason: 'outage', endpoint: GRAPH_ENDPOINT });
    }
    guard?.answered(GRAPH_ENDPOINT);
    if (isAppError(error, 'directory.throttled')) {
      const retryAfter = (error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
      throw new RetryableDeliveryError(`listing the group: ${error.message}`, retryAfter, { reason: 'throttled', endpoint: GRAPH_ENDPOINT });
    }
    if (isAppError(error, 'directory.not-found')) return undefined;
    throw error;
  }
}
