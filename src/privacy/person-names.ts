// Every name and UPN the coach may have written for a person, gathered before anything is erased: the words to take
// out of records that hold text about others (a security alert names the requester and the target).

import type { StoreAuditLog } from '../audit/audit-log.js';
import { type Campaign, CAMPAIGNS_PARTITION, type CampaignMember, membersPartition } from '../campaigns/campaign-records.js';
import type { Directory } from '../directory/directory-port.js';
import { type Escalation, ESCALATIONS_PARTITION } from '../escalation/escalation-records.js';
import { TAP_REQUESTS_PARTITION, type TapRequest } from '../helpdesk/tap-records.js';
import { ERASED } from '../shared/erased.js';
import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';

export async function namesOf(store: Store, audit: StoreAuditLog, directory: Directory | undefined, id: string): Promise<string[]> {
  const names = new Set<string>();
  const add = (...values: (string | null | undefined)[]) => {
    for (const value of values) if (value && value.trim() !== '' && value !== ERASED) names.add(value.trim());
  };
  const same = (other: string | undefined) => other?.toLowerCase() === id;
  // Gone from Entra (or no Graph): the records still say it.
  const user = directory ? await directory.getUser(id).catch(() => undefined) : undefined;
  add(user?.displayName, user?.userPrincipalName, user?.mail);
  for (const record of await audit.personalRecordsOf(id)) add(...record.names);
  for await (const page of pagesOf<Campaign>(store, CAMPAIGNS_PARTITION, 200)) {
    for (const campaign of page) {
      if (campaign.key.startsWith('~')) continue;
      const member = (await store.get<CampaignMember>(membersPartition(campaign.key), id))?.value;
      add(member?.displayName, member?.upn);
      if (same(campaign.value.createdBy.id)) add(campaign.value.createdBy.name);
    }
  }
  for await (const page of pagesOf<Escalation>(store, ESCALATIONS_PARTITION, 200)) {
    for (const { value } of page) {
      if (same(value.employee.id)) add(value.employee.name);
      if (value.decider.kind === 'user' && same(value.decider.id)) add(value.decider.name);
      for (const by of [value.talk?.by, value.decision?.by]) if (same(by?.id)) add(by?.name);
    }
  }
  for await (const page of pagesOf<TapRequest>(store, TAP_REQUESTS_PARTITION, 200)) {
    for (const { value } of page) {
      if (same(value.target.id)) add(value.target.name, value.target.upn);
      for (const person of [value.requester, value.manager, value.check?.by, value.managerCheck?.by, value.approval?.by, value.refusal?.by, value.reveal?.by, value.notMe?.by]) {
        if (same(person?.id)) add(person?.name);
      }
    }
  }
  return [...names];
}
