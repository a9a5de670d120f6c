// What admins see: the preview before a start (who would be reached, who is left out and why), the status of a
// running campaign (the funnel, by department), and the CSV export. All of it read page by page from the store.

import type { Directory } from '../directory/directory-port.js';
import type { Outbox } from '../outbox/outbox.js';
import { formatDeadline } from '../shared/formatting.js';
import { FIGURE_LABELS, FIGURES, type FigureId, type Figures, figuresOf, noFigures, OUTCOMES, STAGES } from './campaign-figures.js';
import type { Campaign, CampaignMember, CampaignRecords } from './campaign-records.js';
import { letIoThrough } from './let-io-through.js';
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
}

export interface CampaignPreview {
  targeted: number;
  excluded: Partial<Record<ExclusionReason, number>>;
  byDepartment: { department: string; count: number }[];
  sample: string[];
}

export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  enrolled: 'Already have a passkey or Windows Hello',
  guest: 'Guests',
  'break-glass': 'Emergency-access accounts',
  'excluded-group': 'In an excluded group',
  'not-in-included-group': 'Outside the pilot groups',
  disabled: 'Disabled accounts',
  'no-teams-licence': 'No Teams licence',
  'shared-or-resource-account': 'Shared, room or resource accounts',
  'not-found': 'No longer in the directory',
};

export async function campaignStatus(records: CampaignRecords, campaign: Campaign, now = new Date()): Promise<CampaignStatus> {
  const total = noFigures();
  const departments = new Map<string, Figures>();
  const unreachable: Record<string, number> = {};
  const expired: Record<string, number> = {};
  const enrolledOn = new Map<string, number>();
  for await (const page of records.members(campaign.id, 1000)) {
    await letIoThrough();
    for (const { value: member } of page) {
      const figures = departments.get(member.department) ?? noFigures();
      departments.set(member.department, figures);
      for (const id of figuresOf(member, now)) {
        total[id] += 1;
        figures[id] += 1;
      }
      if (member.state === 'unreachable' || member.state === 'failed') {
        const reason = member.reason?.split(':')[0] ?? 'unknown';
        unreachable[reason] = (unreachable[reason] ?? 0) + 1;
      }
      if (member.expiredAt) expired[member.expiredReason ?? 'unknown'] = (expired[member.expiredReason ?? 'unknown'] ?? 0) + 1;
      if (member.state === 'enrolled' && member.enrolledAt) enrolledOn.set(member.enrolledAt.slice(0, 10), (enrolledOn.get(member.enrolledAt.slice(0, 10)) ?? 0) + 1);
    }
  }
  const byDepartment = [...departments].map(([department, figures]) => ({ department, figures })).sort((a, b) => b.figures.targeted - a.figures.targeted || a.department.localeCompare(b.department));
  const enrolledByDay = [...enrolledOn].map(([date, count]) => ({ date, count })).sort((a, b) => a.date.localeCompare(b.date));
  return { campaign, asOf: now, total, byDepartment, unreachable, expired, enrolledByDay };
}

/** Runs the targeting rules without changing anything: who a campaign started now would reach. */
export async function campaignPreview(directory: Directory, policy: TargetingPolicy, sampleSize = 5): Promise<CampaignPreview> {
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  const departments = new Map<string, number>();
  const sample: string[] = [];
  let targeted = 0;
  for await (const page of findTargets(directory, policy)) {
    for (const [reason, count] of Object.entries(page.excluded) as [ExclusionReason, number][]) excluded[reason] = (excluded[reason] ?? 0) + count;
    for (const target of page.targets) {
      targeted += 1;
      departments.set(target.department, (departments.get(target.department) ?? 0) + 1);
      if (sample.length < sampleSize) sample.push(`${target.displayName} (${target.department})`);
    }
  }
  const byDepartment = [...departments].map(([department, count]) => ({ department, count })).sort((a, b) => b.count - a.count || a.department.localeCompare(b.department));
  return { targeted, excluded, byDepartment, sample };
}

const STATE_LABELS: Record<Campaign['state'], string> = { targeting: 'finding people', running: 'running', paused: 'paused', finished: 'finished' };

export function statusCardData(status: CampaignStatus, outboxWaiting?: number, sendingProblem?: string): Record<string, unknown> {
  const { campaign, total } = status;
  const percent = (part: number) => (total.targeted === 0 ? '' : ` (${Math.round((100 * part) / total.targeted)}%)`);
  const notes = [
    sendingProblem,
    outboxWaiting ? `${outboxWaiting} messages are waiting for their time (working hours) or for Teams.` : undefined,
    campaign.state === 'targeting' ? 'Still reading the directory: the numbers grow until every page of the report has been read.' : undefined,
    'Each stage includes the later ones: someone who enrolled was also reached. "Ever" counts everyone it has happened to; "now" counts only the people it applies to at this moment.',
  ].filter((note): note is string => note !== undefined);
  const unreachableRows = Object.entries(status.unreachable).map(([reason, count]) => ({ label: UNREACHABLE_LABELS[reason] ?? reason, value: String(count) }));
  const expiredRows = Object.entries(status.expired).map(([reason, count]) => ({ label: expiryLabel(reason), value: String(count) }));
  const summaryIds: FigureId[] = [...STAGES, 'unreachable', 'expired'];
  return {
    title: `Campaign: ${campaign.name}`,
    subtitle: `${STATE_LABELS[campaign.state]} · started ${campaign.createdAt.slice(0, 10)} · deadline ${formatDeadline(campaign.deadline)}`,
    summary: summaryIds.map((id) => ({ title: FIGURE_LABELS[id], value: `${total[id]}${id === 'targeted' ? '' : percent(total[id])}` })),
    sections: [
      { heading: 'Refusals, decisions and reminders', rows: OUTCOMES.filter((id) => !summaryIds.includes(id)).map((id) => ({ label: FIGURE_LABELS[id], value: String(total[id]) })) },
      {
        heading: 'By department',
        rows: status.byDepartment.slice(0, 15).map(({ department, figures }) => ({
          label: department,
          value: `${figures.targeted} targeted, ${figures.reached} reached, ${figures.enrolled} enrolled, ${figures.refusedEver} refused (ever)`,
        })),
      },
      ...(unreachableRows.length > 0 ? [{ heading: 'Could not be reached (not reinstalled or messaged again)', rows: unreachableRows }] : []),
      ...(expiredRows.length > 0 ? [{ heading: 'A message expired unsent (not lost: its moment had passed)', rows: expiredRows }] : []),
    ],
    notes: [...notes, ...(status.byDepartment.length > 15 ? [`Showing the 15 largest of ${status.byDepartment.length} departments; the export has everyone.`] : [])],
    actions: [{ title: 'Refresh', verb: 'campaign.status', data: {} }],
  };
}

/** "the campaign had ended" → "The campaign had ended". */
export function expiryLabel(reason: string): string {
  return reason === 'unknown' ? 'Reason not recorded' : `${reason.charAt(0).toUpperCase()}${reason.slice(1)}`;
}

const UNREACHABLE_LABELS: Record<string, string> = {
  'removed-app': 'Removed the app',
  'blocked-app': 'Blocked the bot',
  'no-teams': 'Teams could not install the app (licence or policy)',
  'not-in-directory': 'Left the directory',
};

export function previewCardData(preview: CampaignPreview): Record<string, unknown> {
  const excludedRows = EXCLUSION_REASONS.filter((reason) => (preview.excluded[reason] ?? 0) > 0).map((reason) => ({
    label: EXCLUSION_LABELS[reason],
    value: String(preview.excluded[reason]),
  }));
  return {
    title: 'Campaign preview',
    subtitle: 'Who a campaign started now would reach. Nothing has been sent.',
    summary: [{ title: 'Would be reached', value: String(preview.targeted) }],
    sections: [
      { heading: 'By department', rows: preview.byDepartment.slice(0, 15).map(({ department, count }) => ({ label: department, value: String(count) })) },
      { heading: 'Left out', rows: excludedRows.length > 0 ? excludedRows : [{ label: 'Nobody', value: '0' }] },
      { heading: 'For example', rows: preview.sample.map((name, index) => ({ label: String(index + 1), value: name })) },
    ],
    notes: ['The registration report lags by a few hours: people who enrolled very recently may still be counted.'],
    actions: [{ title: 'Start a campaign', verb: 'campaign.start-form', data: {} }],
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
] as const;

function csvValues(m: CampaignMember): (string | number | undefined)[] {
  return [m.userId, m.upn, m.displayName, m.department, m.state, m.nudges, m.snoozes, m.reachedAt, m.repliedAt, m.enrolledAt, m.refusedAt, m.escalatedAt, m.decision, m.exceptionUntil, m.exceptionGrantedAt, m.snoozedUntil, m.reason, m.expiredAt, m.expiredReason];
}

/**
 * The campaign's people as CSV lines, a page at a time (the first is the header). After the person's fields, one
 * column per figure of the status card, 1 or 0 as of `now`: each column adds up to the card's number.
 */
export async function* campaignCsv(records: CampaignRecords, campaignId: string, now = new Date()): AsyncIterable<string> {
  yield `${[...CSV_FIELDS, ...FIGURES].join(',')}\r\n`;
  for await (const page of records.members(campaignId, 1000)) {
    yield page
      .map(({ value: m }) => {
        const counted = new Set(figuresOf(m, now));
        return [...csvValues(m), ...FIGURES.map((id) => (counted.has(id) ? 1 : 0))].map(csvField).join(',');
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
