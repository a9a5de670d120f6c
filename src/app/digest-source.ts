// The leadership digest's one count of the store: the latest campaign's figures overall and by department, from the
// tallies the status card and the tab read (the same definitions), and the concerns people raised, by the department
// their campaign record names. The objection log keeps whose event it is, so no more is stored for this; people not
// in the campaign count in everyone's concerns only (the coach does not know their department).

import { campaignStatus } from '../campaigns/campaign-report.js';
import { variantSummary } from '../campaigns/campaign-variants.js';
import { isExperiment } from '../campaigns/invitation-variants.js';
import { reportWords } from '../campaigns/report-words.js';
import { type CampaignMember, type CampaignRecords, membersPartition } from '../campaigns/campaign-records.js';
import type { DepartmentCount, DigestCount, ExperimentCount } from '../digest/digest-figures.js';
import type { WordedExperiment } from '../digest/digest-words.js';
import type { Strings } from '../shared/strings.js';
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
      // The invitation texts compared (counts only), when the campaign compares them: worded per reader below.
      ...(isExperiment(latest)
        ? { experiment: { ...(latest.variants ? { variants: [...latest.variants] } : {}), ...(latest.stoppedVariants ? { stoppedVariants: { ...latest.stoppedVariants } } : {}), rows: status.variants.map((row) => ({ ...row, counts: { ...row.counts } })) } }
        : {}),
    };
  };
}

/** The digest's lines on the invitation texts: each text's enrolment rate within 7 days as the status card words it, and the verdict. */
export function digestExperimentWords(strings: Strings): (count: ExperimentCount, locale: string) => WordedExperiment | undefined {
  return (count, locale) => {
    const words = reportWords(strings, locale);
    const summary = variantSummary({ campaign: count, variants: count.rows }, words);
    if (!summary) return undefined;
    const percent = (share: number) => new Intl.NumberFormat(locale, { style: 'percent' }).format(share);
    return {
      heading: strings.text(locale, 'digest.experimentHeading'),
      lines: summary.rows.map((row) => ({
        label: words.say(row.stopped ? 'variants.headingStopped' : 'variants.heading', { variant: row.label }),
        value:
          row.weekOver === 0
            ? words.say('variants.noneYet')
            : words.say('variants.rate', { count: words.number(row.enrolled), of: words.number(row.weekOver), rate: percent(row.enrolledRate.share), lower: percent(row.enrolledRate.lower), upper: percent(row.enrolledRate.upper) }),
      })),
      notes: [summary.verdict],
    };
  };
}
