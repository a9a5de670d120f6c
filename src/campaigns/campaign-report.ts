// What admins see: the preview before a start (who would be reached, who is left out and why), the status of a
// running campaign (the funnel, by department), and the CSV export. All of it read page by page from the store.

import type { Directory } from '../directory/directory-port.js';
import type { Outbox } from '../outbox/outbox.js';
import { formatDeadline } from '../shared/formatting.js';
import { FIGURES, type FigureId, type Figures, figureLabels, figuresOf, OUTCOMES, STAGES } from './campaign-figures.js';
import { CAMPAIGN_EXPIRY } from './campaign-delivery.js';
import { variantCardParts } from './campaign-variants.js';
import type { ReportWords } from './report-words.js';
import type { Campaign, CampaignMember, CampaignRecords } from './campaign-records.js';
import { figuresFrom, type TierCounts } from './campaign-tallies.js';
import { variantsOf } from './invitation-variants.js';
import { noVariantCounts, type VariantCounts, variantMarks } from './variant-figures.js';
import { EXCLUSION_REASONS, type ExclusionReason, findTargets, type TargetingPolicy } from './targeting.js';

export interface CampaignStatus {
  campaign: Campaign;
  /** When the figures were counted ("now" in the figures that say so). */
  asOf: Date;
  total: Figures;
  byDepartment: { department: string; figures: Figures }[];
  /** Why people could not be reached (removed or blocked the app, no Teams), for the admin to follow up. */
  unreachable: Record<string, number>;
  /** Why a message to them expired unsent (the campaign ended, the deadline passed), by reason. */
  expired: Record<string, number>;
  /** Enrolments per UTC day (YYYY-MM-DD, oldest first), for the progress chart. */
  enrolledByDay: { date: string; count: number }[];
  /** Each invitation text's figures: the campaign's texts in its order (stopped ones too), then any other a member holds. */
  variants: { id: string; stoppedAt?: string; counts: VariantCounts }[];
  /** People targeted and enrolled per enrolment tier, most targeted first; empty unless more than one tier is configured. */
  byTier: ({ tier: string } & TierCounts)[];
}

export interface CampaignPreview {
  targeted: number;
  excluded: Partial<Record<ExclusionReason, number>>;
  byDepartment: { department: string; count: number }[];
  sample: string[];
  /** How many of them the first-wave group holds; undefined without one. */
  firstWave?: number;
}

export async function campaignStatus(records: CampaignRecords, campaign: Campaign, now = new Date()): Promise<CampaignStatus> {
  // The tallies the member writes keep (campaign-tallies.ts): the same figures as counting every member, from a few rows.
  const { total, byDepartment: departments, unreachable, expired, enrolledOn, variants: texts, byTier: tiers } = figuresFrom(await records.counts(campaign.id, now.getTime()), now);
  const byDepartment = [...departments].map(([department, figures]) => ({ department, figures })).sort((a, b) => b.figures.targeted - a.figures.targeted || a.department.localeCompare(b.department));
  const enrolledByDay = [...enrolledOn].map(([date, count]) => ({ date, count })).sort((a, b) => a.date.localeCompare(b.date));
  const ids = [...new Set([...variantsOf(campaign), ...texts.keys()])];
  const variants = ids.map((id) => ({ id, ...(campaign.stoppedVariants?.[id] ? { stoppedAt: campaign.stoppedVariants[id] } : {}), counts: texts.get(id) ?? noVariantCounts() }));
  const byTier = [...tiers].map(([tier, counts]) => ({ tier, ...counts })).sort((a, b) => b.targeted - a.targeted || a.tier.localeCompare(b.tier));
  return { campaign, asOf: now, total, byDepartment, unreachable, expired, enrolledByDay, variants, byTier };
}

/** Runs the targeting rules without changing anything: who a campaign started now would reach. */
export async function campaignPreview(directory: Directory, policy: TargetingPolicy, sampleSize = 5): Promise<CampaignPreview> {
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  const departments = new Map<string, number>();
  const sample: string[] = [];
  let targeted = 0;
  let firstWave = 0;
  for await (const page of findTargets(directory, policy)) {
    for (const [reason, count] of Object.entries(page.excluded) as [ExclusionReason, number][]) excluded[reason] = (excluded[reason] ?? 0) + count;
    for (const target of page.targets) {
      targeted += 1;
      if (target.firstWave) firstWave += 1;
      departments.set(target.department, (departments.get(target.department) ?? 0) + 1);
      if (sample.length < sampleSize) sample.push(`${target.displayName} (${target.department})`);
    }
  }
  const byDepartment = [...departments].map(([department, count]) => ({ department, count })).sort((a, b) => b.count - a.count || a.department.localeCompare(b.department));
  return { targeted, excluded, byDepartment, sample, ...(policy.firstWaveGroupId ? { firstWave } : {}) };
}

/** `sendingProblem`: what holds sending back now (an endpoint down, Teams refusing the tenant), shown first. */
export function statusCardData(status: CampaignStatus, outboxWaiting: number | undefined, words: ReportWords, sendingProblem?: string): Record<string, unknown> {
  const { campaign, total } = status;
  const { say, number, locale } = words;
  const labels = figureLabels(words.strings, locale);
  const percent = (part: number) => (total.targeted === 0 ? '' : ` (${new Intl.NumberFormat(locale, { style: 'percent' }).format(part / total.targeted)})`);
  const notes = [
    sendingProblem,
    outboxWaiting ? say('waiting', { count: outboxWaiting }) : undefined,
    campaign.state === 'targeting' ? say('stillReading') : undefined,
    say('stagesNote'),
  ].filter((note): note is string => note !== undefined);
  const unreachableRows = Object.entries(status.unreachable).map(([reason, count]) => ({ label: words.label('unreachable', reason), value: number(count) }));
  const expiredRows = Object.entries(status.expired).map(([reason, count]) => ({ label: expiryLabel(reason, words), value: number(count) }));
  const summaryIds: FigureId[] = [...STAGES, 'unreachable', 'expired'];
  // Only a campaign that compares texts: with one, the card is as it always was.
  const variants = variantCardParts(status, words);
  return {
    title: say('title', { name: campaign.name }),
    subtitle: say('subtitle', { state: say(`state.${campaign.state}`), started: words.date(campaign.createdAt.slice(0, 10)), deadline: formatDeadline(campaign.deadline, locale) }),
    summary: summaryIds.map((id) => ({ title: labels[id], value: `${number(total[id])}${id === 'targeted' ? '' : percent(total[id])}` })),
    sections: [
      { heading: say('outcomesHeading'), rows: OUTCOMES.filter((id) => !summaryIds.includes(id)).map((id) => ({ label: labels[id], value: number(total[id]) })) },
      {
        heading: say('byDepartment'),
        rows: status.byDepartment.slice(0, 15).map(({ department, figures }) => ({
          label: department,
          value: say('departmentRow', { targeted: number(figures.targeted), reached: number(figures.reached), enrolled: number(figures.enrolled), refused: number(figures.refusedEver) }),
        })),
      },
      // Members carry a tier only when more than one is configured: with ENROLMENT_TIERS unset, the card is as it was.
      ...(status.byTier.length > 0 ? [{ heading: say('byTier'), rows: status.byTier.map(({ tier, targeted, enrolled }) => ({ label: tier, value: say('tierRow', { targeted: number(targeted), enrolled: number(enrolled) }) })) }] : []),
      ...(unreachableRows.length > 0 ? [{ heading: say('unreachableHeading'), rows: unreachableRows }] : []),
      ...(expiredRows.length > 0 ? [{ heading: say('expiredHeading'), rows: expiredRows }] : []),
      ...variants.sections,
    ],
    notes: [...notes, ...(status.byDepartment.length > 15 ? [say('largestDepartments', { count: status.byDepartment.length })] : []), ...variants.notes],
    actions: [{ title: say('refresh'), verb: 'campaign.status', data: {} }, ...variants.actions],
  };
}

/** The reasons as stored on the member and in the CSV (English, campaign-delivery.ts), by their key in the strings. */
const EXPIRY_KEYS: Readonly<Record<string, string>> = { [CAMPAIGN_EXPIRY.ended]: 'ended', [CAMPAIGN_EXPIRY.deadline]: 'deadline', unknown: 'unknown' };

/** Why messages expired, in the words' language (`campaigns.expired.*`); a reason with no name is shown as stored. */
export function expiryLabel(reason: string, words: ReportWords): string {
  const key = EXPIRY_KEYS[reason];
  return key ? words.strings.text(words.locale, `campaigns.expired.${key}`) : reason;
}

export function previewCardData(preview: CampaignPreview, words: ReportWords): Record<string, unknown> {
  const { say, number } = words;
  const excludedRows = EXCLUSION_REASONS.filter((reason) => (preview.excluded[reason] ?? 0) > 0).map((reason) => ({
    label: words.label('excluded', reason),
    value: number(preview.excluded[reason] ?? 0),
  }));
  return {
    title: say('previewTitle'),
    subtitle: say('previewSubtitle'),
    summary: [{ title: say('wouldBeReached'), value: number(preview.targeted) }, ...(preview.firstWave === undefined ? [] : [{ title: say('firstWave'), value: number(preview.firstWave) }])],
    sections: [
      { heading: say('byDepartment'), rows: preview.byDepartment.slice(0, 15).map(({ department, count }) => ({ label: department, value: number(count) })) },
      { heading: say('leftOut'), rows: excludedRows.length > 0 ? excludedRows : [{ label: say('nobody'), value: number(0) }] },
      { heading: say('forExample'), rows: preview.sample.map((name, index) => ({ label: String(index + 1), value: name })) },
    ],
    notes: [say('reportLags')],
    actions: [{ title: say('startCampaign'), verb: 'campaign.start-form', data: {} }],
  };
}

const CSV_FIELDS = [
  'userId',
  'userPrincipalName',
  'displayName',
  'department',
  'state',
  'nudges',
  'snoozes',
  'reachedAt',
  'repliedAt',
  'enrolledAt',
  'refusedAt',
  'escalatedAt',
  'decision',
  'exceptionUntil',
  'exceptionGrantedAt',
  'snoozedUntil',
  'reason',
  'expiredAt',
  'expiredReason',
  'variant',
  'tier',
  'backupAt',
  'backupDeclinedAt',
] as const;

/** With two texts or more: each person's marks for the comparison, 1 or 0, each adding up to the status card's figure. */
const VARIANT_MARKS = ['reachedWeekAgo', 'repliedWithin7Days', 'enrolledWithin7Days'] as const;

function csvValues(m: CampaignMember): (string | number | undefined)[] {
  return [m.userId, m.upn, m.displayName, m.department, m.state, m.nudges, m.snoozes, m.reachedAt, m.repliedAt, m.enrolledAt, m.refusedAt, m.escalatedAt, m.decision, m.exceptionUntil, m.exceptionGrantedAt, m.snoozedUntil, m.reason, m.expiredAt, m.expiredReason, m.variant, m.tier, m.backupAt, m.backupDeclinedAt];
}

function markValues(m: CampaignMember, now: Date): number[] {
  const marks = variantMarks(m, now);
  return [marks.weekOver, marks.replied, marks.enrolled].map((mark) => (mark ? 1 : 0));
}

/**
 * The campaign's people as CSV lines, a page at a time (the first is the header). After the person's fields (their
 * invitation text among them), one column per figure of the status card, 1 or 0 as of `now`: each column adds up to the
 * card's number; a campaign comparing texts adds the comparison's marks, which add up per text the same way.
 */
export async function* campaignCsv(records: CampaignRecords, campaignId: string, now = new Date()): AsyncIterable<string> {
  const campaign = (await records.get(campaignId))?.value;
  const compared = campaign !== undefined && variantsOf(campaign).length > 1;
  yield `${[...CSV_FIELDS, ...FIGURES, ...(compared ? VARIANT_MARKS : [])].join(',')}\r\n`;
  for await (const page of records.members(campaignId, 1000)) {
    yield page
      .map(({ value: m }) => {
        const counted = new Set(figuresOf(m, now));
        return [...csvValues(m), ...FIGURES.map((id) => (counted.has(id) ? 1 : 0)), ...(compared ? markValues(m, now) : [])].map(csvField).join(',');
      })
      .map((line) => `${line}\r\n`)
      .join('');
  }
}

/** RFC 4180 quoting, and a leading quote for text a spreadsheet would run as a formula. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows waiting in the outbox for a campaign (for the status card); stops counting at `limit`. */
export async function waitingInOutbox(outbox: Outbox, campaignId: string, limit = 100_000): Promise<number> {
  let waiting = 0;
  for await (const page of outbox.waiting()) {
    waiting += page.filter((record) => record.value.subjectId === campaignId).length;
    if (waiting >= limit) break;
  }
  return waiting;
}
