// Who the coach has seen enrolled, and with what: the campaign's "enrolled" count reads this.

import type { Store } from '../store/store-port.js';
import type { StrongKind } from '../directory/passkey-status.js';

export const ENROLMENTS_PARTITION = 'enrolments';

export interface Enrolment {
  userId: string;
  kinds: StrongKind[];
  confirmedAt: string;
}

export async function recordEnrolment(store: Store, enrolment: Enrolment): Promise<{ first: boolean }> {
  const before = await store.get<Enrolment>(ENROLMENTS_PARTITION, enrolment.userId);
  await store.put(ENROLMENTS_PARTITION, enrolment.userId, enrolment);
  return { first: before === undefined };
}
