// The leadership digest's one count of the store: the latest campaign's figures overall and by department, from the
// tallies the status card and the tab read (the same definitions), and the concerns people raised, by the department
// their campaign record names. The objection log keeps whose event it is, so no more is stored for this; people not
// in the campaign count in everyone's concerns only (the coach does not know their department).

import { campaignStatus } from '../campaigns/campaign-report.js';
import { type CampaignMember, type CampaignRecords, membersPartition } from '../campaigns/campaign-records.js';
import type { DepartmentCount, DigestCount } from '../digest/digest-figures.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import type { Store } from '../store/store-port.js';

export function digestSource(store: Store, campaigns: CampaignRecords, objections: ObjectionLog): (now: Date) => Promise<DigestCount> {
  return async (now) => {
    const asOf = now.toISOString();
    const concerns: Record<string, number> = { ...(await objections.countsByIntent()) };
    const latest = (await campaigns.latest())?.value;
    if (!latest) return { asOf, total: { targeted: 0, enrolled: 0, refusedNow: 0, exceptionEver: 0 }, concerns, departments: [] };
    const status = await campaignStatus(campaigns, latest, now);
    const departments = new Map<string, DepartmentCount>(
      status.byDepartment.map(({ department, figures }) => [department, { department, targeted: figures.targeted, enrolled: figures.enrolled, refusedNow: figures.refusedNow, exceptionEver: figures.exceptionEver, concerns: {} }]),
    );
    const partition = membersPartition(latest.id);
    for await (const page of objections.topics()) {
      const members = await store.getMany<CampaignMember>(partition, [...new Set(page.map((event) => event.userId))]);
      for (const event of page) {
        const member = members.get(event.userId)?.value;
        const department = member && !member.erased ? departments.get(member.department) : undefined;
        if (department) department.concerns[event.intent] = (department.concerns[event.intent] ?? 0) + 1;
      }
    }
    const { total } = status;
    return {
      asOf,
      campaign: { id: latest.id, name: latest.name },
      total: { targeted: total.targeted, enrolled: total.enrolled, refusedNow: total.refusedNow, exceptionEver: total.exceptionEver },
      concerns,
      departments: [...departments.values()],
    };
  };
}
