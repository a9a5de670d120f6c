// The digest in a reader's language: each line's figures with the names the status card and the tab give them
// (`campaigns.figures.*`), the change since the baseline, the concerns raised most by their catalog titles, and notes
// that say how the figures are made. The card (digest-card.ts) and the tab's Leadership view show the same words.

import type { Strings } from '../shared/strings.js';
import { ALL, changeSince, type DigestFigures, type DigestRow, enrolledShare, type ExperimentCount, OTHER } from './digest-figures.js';

/** One line as a reader sees it, with its numbers beside the words (the tab charts them, tests recount them). */
export interface WordedRow {
  key: string;
  label: string;
  targeted: number;
  enrolled: number;
  refusedNow: number;
  exceptionEver: number;
  /** Percentage points since the baseline; absent when there is nothing like it to compare with. */
  changePoints?: number;
  concerns: { intent: string; title: string; count: number }[];
  /** The same, worded: "62% (31 of 50)", "+4 points since 4 Jan 2027", "3", "1", "Privacy (4), …". */
  words: { enrolled: string; change: string; refusedNow: string; exceptionEver: string; concerns: string };
}

export interface WordedDigest {
  title: string;
  subtitle: string;
  /** What each figure is called, in the order the lines give them. */
  labels: { enrolled: string; change: string; refusedNow: string; exceptionEver: string; concerns: string };
  overall: WordedRow;
  rows: WordedRow[];
  /** The invitation texts compared, when the campaign compares them: a line per text and the verdict. */
  experiment?: WordedExperiment;
  notes: string[];
}

export interface WordedExperiment {
  heading: string;
  lines: { label: string; value: string }[];
  notes: string[];
}

export interface DigestLanguage {
  strings: Strings;
  locale: string;
  /** A concern's title in the catalog of the language. */
  concernTitle(intent: string, locale: string): string;
  /** The invitation texts compared, in the language (the campaign feature's words and statistics). */
  experiment?(count: ExperimentCount, locale: string): WordedExperiment | undefined;
}

/** `baseline`: the snapshot the figures are compared with (its week's counted date is named). */
export function wordDigest(figures: DigestFigures, baseline: DigestFigures | undefined, language: DigestLanguage): WordedDigest {
  const { strings, locale } = language;
  const say = (key: string, params?: Record<string, string | number>) => strings.text(locale, `digest.${key}`, params);
  const numbers = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent' });
  const date = (iso: string) => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));
  const since = baseline ? date(baseline.asOf) : '';
  const comparable = baseline !== undefined && baseline.campaign?.id !== undefined && baseline.campaign.id === figures.campaign?.id;
  const word = (row: DigestRow, label: string): WordedRow => {
    const change = changeSince(row, figures, baseline);
    const share = enrolledShare(row);
    const concerns = row.topConcerns.map(({ intent, count }) => ({ intent, title: language.concernTitle(intent, locale), count }));
    return {
      key: row.key,
      label,
      targeted: row.targeted,
      enrolled: row.enrolled,
      refusedNow: row.refusedNow,
      exceptionEver: row.exceptionEver,
      ...(change === undefined ? {} : { changePoints: change }),
      concerns,
      words: {
        enrolled: share === undefined ? say('nobodyYet') : say('enrolledOf', { share: percent.format(share), enrolled: numbers.format(row.enrolled), targeted: numbers.format(row.targeted) }),
        change: change === undefined ? say(!baseline ? 'noComparisonYet' : comparable ? 'notComparable' : 'newCampaign') : change === 0 ? say('noChange', { date: since }) : say(change > 0 ? 'up' : 'down', { count: Math.abs(change), date: since }),
        refusedNow: numbers.format(row.refusedNow),
        exceptionEver: numbers.format(row.exceptionEver),
        concerns: concerns.length === 0 ? say('noConcerns') : concerns.map(({ title, count }) => say('concern', { title, count: numbers.format(count) })).join(', '),
      },
    };
  };
  const figure = (id: string) => strings.text(locale, `campaigns.figures.${id}`);
  const experiment = figures.experiment ? language.experiment?.(figures.experiment, locale) : undefined;
  const notes = [
    figures.breakdownHidden ? say('breakdownHidden', { min: figures.minDepartment }) : say('folding', { min: figures.minDepartment }),
    say('definitions'),
    say('concernsNote'),
  ];
  return {
    title: say('title'),
    subtitle: figures.campaign ? say('subtitle', { campaign: figures.campaign.name, date: date(figures.asOf) }) : say('noCampaign'),
    labels: { enrolled: figure('enrolled'), change: say('changeLabel'), refusedNow: figure('refusedNow'), exceptionEver: figure('exceptionEver'), concerns: say('concernsLabel') },
    overall: word(figures.overall, say('everyone')),
    rows: figures.rows.map((row) => word(row, row.key === OTHER ? say('other', { count: row.departments.length }) : row.key === ALL ? say('everyone') : row.key)),
    ...(experiment ? { experiment } : {}),
    notes,
  };
}
