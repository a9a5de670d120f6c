// The campaign's figures, each defined once: which people it counts, and what it is called (`campaigns.figures.*` in
// the strings). The status card, the tab's progress view, the CSV export and the demo's progress line all read them
// from here, so one word never stands for two numbers. Every figure counts people, not events: someone who refused
// twice is one refusal.

import { type CampaignMember, NUDGEABLE } from './campaign-records.js';
import { DEFAULT_LOCALE, Strings } from '../shared/strings.js';

/** Stages a person moves through; each includes the later ones (someone who enrolled was also reached). */
export const STAGES = ['targeted', 'reached', 'replied', 'enrolled', 'enrolledWithBackup'] as const;

/**
 * What happened along the way: "ever" counts everyone it applied to at some point and never goes down; "now" counts
 * only the people it applies to at this moment.
 */
export const OUTCOMES = ['refusedEver', 'refusedNow', 'escalatedEver', 'escalatedNow', 'exceptionEver', 'exceptionNow', 'snoozedEver', 'snoozedNow', 'unreachable', 'expired'] as const;

export const FIGURES = [...STAGES, ...OUTCOMES] as const;
export type FigureId = (typeof FIGURES)[number];
export type Figures = Record<FigureId, number>;

type Member = Pick<
  CampaignMember,
  'state' | 'reachedAt' | 'repliedAt' | 'refusedAt' | 'escalatedAt' | 'decision' | 'exceptionGrantedAt' | 'snoozes' | 'snoozedUntil' | 'expiredAt' | 'backupAt'
>;

interface Figure {
  counts(member: Member, now: Date): boolean;
}

const waitingForDecision = (member: Member) => member.state === 'escalated' && member.decision === undefined;

const DEFINITIONS: Record<FigureId, Figure> = {
  targeted: { counts: () => true },
  reached: { counts: (member) => member.reachedAt !== undefined },
  replied: { counts: (member) => member.repliedAt !== undefined },
  enrolled: { counts: (member) => member.state === 'enrolled' },
  // A second phishing-resistant method seen (the daily report, or the live check before a backup nudge).
  enrolledWithBackup: { counts: (member) => member.state === 'enrolled' && member.backupAt !== undefined },
  refusedEver: { counts: (member) => member.refusedAt !== undefined },
  // Said no, and nothing has settled it yet: not taken to a manager yet, or waiting for their decision.
  refusedNow: { counts: (member) => member.state === 'refused' || waitingForDecision(member) },
  // Rows written before escalatedAt existed still say so by their state.
  escalatedEver: { counts: (member) => member.escalatedAt !== undefined || member.state === 'escalated' },
  escalatedNow: { counts: waitingForDecision },
  exceptionEver: { counts: (member) => member.exceptionGrantedAt !== undefined || member.decision === 'exception' },
  // Until the day after its last day, when the daily wave puts the person back in the campaign.
  exceptionNow: { counts: (member) => member.state === 'escalated' && member.decision === 'exception' },
  snoozedEver: { counts: (member) => member.snoozes > 0 },
  snoozedNow: {
    counts: (member, now) => NUDGEABLE.has(member.state) && member.snoozedUntil !== undefined && Date.parse(member.snoozedUntil) > now.getTime(),
  },
  unreachable: { counts: (member) => member.state === 'unreachable' || member.state === 'failed' },
  // Not lost: a message whose moment passed before Teams could take it (the campaign ended, the deadline passed).
  expired: { counts: (member) => member.expiredAt !== undefined },
};

/** What each figure is called in a language (`campaigns.figures.<id>` in the strings). */
export function figureLabels(strings: Strings, locale: string): Record<FigureId, string> {
  return Object.fromEntries(FIGURES.map((id) => [id, strings.text(locale, `campaigns.figures.${id}`)])) as Record<FigureId, string>;
}

/** The English names (the tests read figures by them). */
export const FIGURE_LABELS: Record<FigureId, string> = figureLabels(new Strings(), DEFAULT_LOCALE);

export function noFigures(): Figures {
  return Object.fromEntries(FIGURES.map((id) => [id, 0])) as Figures;
}

/** The figures one person counts in at `now`. */
export function figuresOf(member: Member, now: Date): FigureId[] {
  return FIGURES.filter((id) => DEFINITIONS[id].counts(member, now));
}
