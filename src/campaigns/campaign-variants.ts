// What a campaign that compares invitation texts tells its readers about them: each text's figures with their 95%
// intervals, how far each is behind the best, and one plain sentence on whether the difference is clear yet. The same
// rows for the status card, the tab and the leadership digest, in the reader's language.

import type { Campaign } from './campaign-records.js';
import type { CampaignStatus } from './campaign-report.js';
import { activeVariants, isExperiment } from './invitation-variants.js';
import type { ReportWords } from './report-words.js';
import { type Arm, type Difference, newcombe, type Rate, verdict, wilson } from './variant-stats.js';
import type { VariantCounts } from './variant-figures.js';

export const STOP_VARIANT_VERB = 'campaign.stop-variant';

export interface VariantRow extends VariantCounts {
  id: string;
  /** The admin's name for the text, in the reader's language. */
  label: string;
  stopped: boolean;
  /** Replied and enrolled within 7 days, of the people reached at least 7 days ago (`weekOver`). */
  repliedRate: Rate;
  enrolledRate: Rate;
  /** The text with the highest enrolment rate so far (none while nobody's week is over). */
  best: boolean;
  /** The best text's lead over this one (best − this, Newcombe's interval); absent for the best, or without people. */
  behindBest?: Difference;
}

export interface VariantSummary {
  rows: VariantRow[];
  /** Whether a text gets more people enrolled, or that it is too early to tell. */
  verdict: string;
  /** How to read the rates and intervals. */
  howToRead: string;
}

/** The texts' rows and verdict; undefined for a campaign with one text (nothing is compared). */
export function variantSummary(status: { campaign: Pick<Campaign, 'variants' | 'stoppedVariants'>; variants: CampaignStatus['variants'] }, words: ReportWords): VariantSummary | undefined {
  if (!isExperiment(status.campaign)) return undefined;
  const label = (id: string) => variantLabel(words, id);
  const shown = status.variants.filter((variant) => variant.counts.assigned > 0 || !variant.stoppedAt);
  const arms: Arm[] = shown.map(({ id, counts }) => ({ id, successes: counts.enrolled, trials: counts.weekOver }));
  const measured = arms.filter((arm) => arm.trials > 0);
  const best = measured.reduce<Arm | undefined>((top, arm) => (!top || arm.successes / arm.trials > top.successes / top.trials ? arm : top), undefined);
  const rows = shown.map(({ id, stoppedAt, counts }): VariantRow => {
    const behind = best && best.id !== id && counts.weekOver > 0 ? newcombe(best.successes, best.trials, counts.enrolled, counts.weekOver) : undefined;
    return {
      id,
      label: label(id),
      stopped: stoppedAt !== undefined,
      ...counts,
      repliedRate: wilson(counts.replied, counts.weekOver),
      enrolledRate: wilson(counts.enrolled, counts.weekOver),
      best: best?.id === id,
      ...(behind ? { behindBest: behind } : {}),
    };
  });
  return { rows, verdict: verdictSentence(arms, words), howToRead: words.say('variants.howToRead') };
}

/** The admin's name for a text ("Security first"). */
export function variantLabel(words: ReportWords, id: string): string {
  return words.strings.text(words.locale, `campaigns.variants.${id}.label`);
}

function verdictSentence(arms: readonly Arm[], words: ReportWords): string {
  const found = verdict(arms);
  const name = (arm: Arm) => variantLabel(words, arm.id);
  if (!found) return '';
  if (found.kind === 'tooFew') return words.say('variants.tooFew', { min: found.min, variant: name(found.arm), count: found.arm.trials });
  const interval = { difference: points(words, found.lead.difference), lower: points(words, found.lead.lower), upper: points(words, found.lead.upper) };
  // "20 points ahead": the sentence says the direction, the number needs no sign.
  if (found.kind === 'clear') return words.say('variants.clear', { best: name(found.best), next: name(found.next), ...interval, difference: points(words, found.lead.difference, false) });
  return words.say('variants.unclear', { best: name(found.best), other: name(found.other), lower: interval.lower, upper: interval.upper });
}

/** A share as a whole percentage, the reader's way ("31%", "31 %"). */
export function share(words: ReportWords, value: number): string {
  return new Intl.NumberFormat(words.locale, { style: 'percent', maximumFractionDigits: 0 }).format(value);
}

/** A difference of shares in whole percentage points, signed ("+6", "-4", "0") unless told not to. */
export function points(words: ReportWords, value: number, signed = true): string {
  const rounded = Math.round(value * 100);
  return new Intl.NumberFormat(words.locale, { signDisplay: signed ? 'exceptZero' : 'auto' }).format(rounded === 0 ? 0 : rounded);
}

/** The status card's part: a section per text, the verdict and how to read it, and a Stop button per text still sent. */
export function variantCardParts(status: Pick<CampaignStatus, 'campaign' | 'variants'>, words: ReportWords) {
  const summary = variantSummary(status, words);
  if (!summary) return { sections: [], notes: [], actions: [] };
  const { say, number } = words;
  const rate = (count: number, of: number, value: Rate) =>
    of === 0 ? say('variants.noneYet') : say('variants.rate', { count: number(count), of: number(of), rate: share(words, value.share), lower: share(words, value.lower), upper: share(words, value.upper) });
  const sections = summary.rows.map((row) => ({
    heading: say(row.stopped ? 'variants.headingStopped' : 'variants.heading', { variant: row.label }),
    rows: [
      { label: say('variants.assigned'), value: number(row.assigned) },
      { label: say('variants.reached'), value: number(row.reached) },
      { label: say('variants.weekOver'), value: number(row.weekOver) },
      { label: say('variants.replied'), value: rate(row.replied, row.weekOver, row.repliedRate) },
      { label: say('variants.enrolled'), value: rate(row.enrolled, row.weekOver, row.enrolledRate) },
      ...(row.best ? [{ label: say('variants.difference'), value: say('variants.best') }] : []),
      ...(row.behindBest
        ? [{ label: say('variants.difference'), value: say('variants.behind', { difference: points(words, -row.behindBest.difference), lower: points(words, -row.behindBest.upper), upper: points(words, -row.behindBest.lower) }) }]
        : []),
    ],
  }));
  return { sections, notes: [summary.verdict, summary.howToRead].filter((note) => note !== ''), actions: stopActions(status.campaign, words) };
}

/** A Stop button per text new invitations still use, while at least two are (the last one is never stopped). */
function stopActions(campaign: Campaign, words: ReportWords): { title: string; verb: string; data: Record<string, string> }[] {
  const active = activeVariants(campaign);
  if (campaign.state === 'finished' || active.length < 2) return [];
  return active.map((id) => ({ title: words.say('variants.stop', { variant: variantLabel(words, id) }), verb: STOP_VARIANT_VERB, data: { campaignId: campaign.id, variant: id } }));
}
