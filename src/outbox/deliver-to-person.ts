// One message to one person for an outbox handler: sent, or given up when the person removed or blocked the app (and
// marked unreachable, so nothing else is tried for them). Anything else thrown is the sender's to retry.

import type { Activity } from 'botbuilder';
import { type ProactiveMessenger, UnreachableError } from '../messaging/proactive-messenger.js';
import type { DeliveryResult } from './outbox-sender.js';

export async function deliverToPerson(messenger: ProactiveMessenger, userId: string, activity: Partial<Activity>, hint: { appInstalled?: boolean } = {}): Promise<DeliveryResult> {
  try {
    return { outcome: 'sent', ...(await messenger.send(userId, activity, hint)) };
  } catch (error) {
    return givenUpWhenUnreachable(messenger, userId, error);
  }
}

/**
 * What a delivery that threw comes to: given up (and the person marked unreachable when they removed or blocked the
 * app) for an UnreachableError; anything else is thrown again, for the sender to retry. For handlers whose step sends
 * or updates several activities.
 */
export async function givenUpWhenUnreachable(messenger: ProactiveMessenger, userId: string, error: unknown): Promise<DeliveryResult> {
  if (!(error instanceof UnreachableError)) throw error;
  if (error.reason === 'removed-app' || error.reason === 'blocked-app') await messenger.markUnreachable(userId, error.reason);
  return { outcome: 'failed', reason: `${error.reason}: ${error.message}` };
}
