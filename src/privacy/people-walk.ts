// The people the coach holds data about, found where their object ids are kept, read a page at a time from a saved
// place: each daily check goes on from where the last one stopped, so no run reads every partition, and every person
// is looked at once per full round.

import { AUDIT_PERSONAL } from '../audit/audit-entry.js';
import { type Campaign, CAMPAIGNS_PARTITION, membersPartition } from '../campaigns/campaign-records.js';
import { DIALOGS_PARTITION } from '../conversation/dialog-store.js';
import { ENROLMENTS_PARTITION } from '../enrollment/enrolments.js';
import { type Escalation, ESCALATIONS_PARTITION, OPEN_ESCALATIONS_PARTITION } from '../escalation/escalation-records.js';
import { REFUSALS_PARTITION } from '../escalation/refusals.js';
import { HELP_REQUESTS_PARTITION, type HelpRequest } from '../helpdesk/help-requests.js';
import { TAP_OPEN_PARTITION, TAP_REQUESTS_PARTITION, type TapRequest } from '../helpdesk/tap-records.js';
import { CONVERSATIONS_PARTITION, PERSONAL_CHATS_PARTITION, type StoredConversation } from '../messaging/conversation-references.js';
import { INSTALLED_FOR_PARTITION, UNREACHABLE_PARTITION } from '../messaging/proactive-messenger.js';
import { OBJECTION_EVENTS_PARTITION } from '../objections/objection-log.js';
import { DIGEST_DELIVERIES_PARTITION } from '../digest/digest-records.js';
import { pagesOf } from '../store/pages.js';
import type { Store, StoredRecord } from '../store/store-port.js';
import { isObjectId } from './erasure.js';

/** Where the walk stopped: the partition, and the last key read in it. */
export interface WalkPlace {
  partition: string;
  after?: string;
}

interface Source {
  partition: string;
  idsOf(record: StoredRecord<unknown>): (string | undefined)[];
}

const byKey = (record: StoredRecord<unknown>) => [record.key];

/** Every partition that names people, in a fixed order; one per campaign for its members. */
async function sources(store: Store): Promise<Source[]> {
  const list: Source[] = [PERSONAL_CHATS_PARTITION, DIALOGS_PARTITION, ENROLMENTS_PARTITION, REFUSALS_PARTITION, UNREACHABLE_PARTITION, INSTALLED_FOR_PARTITION, OPEN_ESCALATIONS_PARTITION, TAP_OPEN_PARTITION].map((partition) => ({ partition, idsOf: byKey }));
  list.push(
    { partition: HELP_REQUESTS_PARTITION, idsOf: (record) => [record.key, (record.value as HelpRequest).closed?.by.id] },
    { partition: OBJECTION_EVENTS_PARTITION, idsOf: (record) => [(record.value as { userId?: string }).userId] },
    { partition: DIGEST_DELIVERIES_PARTITION, idsOf: (record) => [record.key.split('|')[0]] },
    { partition: CONVERSATIONS_PARTITION, idsOf: (record) => [(record.value as StoredConversation).reference.user?.aadObjectId] },
    {
      partition: ESCALATIONS_PARTITION,
      idsOf: (record) => {
        const escalation = record.value as Escalation;
        return [escalation.employee.id, escalation.decider.kind === 'user' ? escalation.decider.id : undefined, escalation.talk?.by.id, escalation.decision?.by.id, ...escalation.earlierDeciders];
      },
    },
    {
      partition: TAP_REQUESTS_PARTITION,
      idsOf: (record) => {
        const request = record.value as TapRequest;
        return [request.target.id, request.requester.id, request.manager?.id, request.receiverId, request.check?.by.id, request.approval?.by.id, request.reveal?.by.id];
      },
    },
  );
  for await (const page of pagesOf<Campaign>(store, CAMPAIGNS_PARTITION, 200)) {
    for (const campaign of page) if (!campaign.key.startsWith('~')) list.push({ partition: membersPartition(campaign.key), idsOf: byKey });
  }
  // Last and largest: everyone who ever acted or was acted on in the audit trail (names erased are tombstones).
  list.push({ partition: AUDIT_PERSONAL, idsOf: (record) => [(record.value as { aadObjectId?: string }).aadObjectId] });
  return list;
}

/**
 * Object ids from `from` on, a page at a time, each page with the place after it; ends after the last partition. A
 * place whose partition is gone (a campaign deleted) starts the round again.
 */
export async function* walkPeople(store: Store, from: WalkPlace | undefined, pageSize = 500): AsyncIterable<{ ids: string[]; next: WalkPlace }> {
  const all = await sources(store);
  const start = from ? Math.max(0, all.findIndex((source) => source.partition === from.partition)) : 0;
  for (let index = start; index < all.length; index++) {
    const source = all[index] as Source;
    let after = index === start && from?.partition === source.partition ? from.after : undefined;
    for (;;) {
      const page = await store.list<unknown>(source.partition, { limit: pageSize, ...(after ? { startAfter: after } : {}) });
      if (page.records.length === 0) break;
      after = page.records.at(-1)?.key;
      const ids = page.records.flatMap((record) => source.idsOf(record)).filter((id): id is string => id !== undefined && isObjectId(id));
      yield { ids: [...new Set(ids.map((id) => id.toLowerCase()))], next: { partition: source.partition, ...(after ? { after } : {}) } };
      if (!page.continuationToken) break;
    }
  }
}
