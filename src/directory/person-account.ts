// Whether an account belongs to a person of the organisation: the one rule campaigns target by and passes are
// granted by. Guests sign in at home, disabled accounts cannot sign in, and shared, room and equipment mailboxes are
// accounts nobody enrols on. Having no mailbox at all says nothing: many people's accounts have none.

import type { DirectoryUser } from './graph-shapes.js';

export type NotAPersonReason = 'guest' | 'disabled' | 'shared-or-resource-account';

/** Mailbox purposes of accounts that are not a person's (Graph `mailboxSettings.userPurpose`). */
const NOT_A_PERSON_MAILBOXES: ReadonlySet<string> = new Set(['shared', 'room', 'equipment']);

export function notAPersonsAccount(user: Pick<DirectoryUser, 'userType' | 'accountEnabled'>, mailbox?: { userPurpose?: string }): NotAPersonReason | undefined {
  if (user.userType?.toLowerCase() === 'guest') return 'guest';
  if (user.accountEnabled === false) return 'disabled';
  const purpose = mailbox?.userPurpose?.toLowerCase();
  if (purpose && NOT_A_PERSON_MAILBOXES.has(purpose)) return 'shared-or-resource-account';
  return undefined;
}
