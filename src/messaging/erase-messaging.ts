// Right to erasure, for what messaging keeps: the person's 1:1 chat, whether they can be reached, the app installed
// for them, and their name in the addresses of team and group chats (a reference keeps the last person who spoke).

import { casUpdate } from '../store/cas-update.js';
import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';
import { type ErasureCounts, type ErasureSubject, isPerson } from '../shared/erased.js';
import { CONVERSATIONS_PARTITION, PERSONAL_CHATS_PARTITION, type StoredConversation } from './conversation-references.js';
import { INSTALLED_FOR_PARTITION, UNREACHABLE_PARTITION } from './proactive-messenger.js';

export async function eraseMessaging(store: Store, subject: ErasureSubject): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  // A team's or group chat's address: the conversation stays reachable, without the person who last spoke in it.
  for await (const page of pagesOf<StoredConversation>(store, CONVERSATIONS_PARTITION, 500)) {
    for (const row of page) {
      if (!namesSpeaker(subject, row.value)) continue;
      const changed = await casUpdate<StoredConversation>(store, CONVERSATIONS_PARTITION, row.key, (stored) => {
        if (!namesSpeaker(subject, stored)) return undefined;
        const { user: _user, ...reference } = stored.reference;
        return { ...stored, reference };
      });
      if (changed) counts.conversationAddresses = (counts.conversationAddresses ?? 0) + 1;
    }
  }
  for (const [partition, kind] of [
    [PERSONAL_CHATS_PARTITION, 'personalChat'],
    [UNREACHABLE_PARTITION, 'unreachableMark'],
    [INSTALLED_FOR_PARTITION, 'installNote'],
  ] as const) {
    if (!(await store.get(partition, subject.id))) continue;
    await store.delete(partition, subject.id);
    counts[kind] = 1;
  }
  return counts;
}

function namesSpeaker(subject: ErasureSubject, conversation: StoredConversation): boolean {
  const user = conversation.reference.user;
  return user !== undefined && (isPerson(subject, user.aadObjectId) || isPerson(subject, user.id));
}
