// Campaign progress at a glance: the funnel, enrolments over time, departments, and the concerns people raise.
// The figures' names come from the API in the reader's language (the chat's words for them); the rest is tab.json's.

import type { Scale } from 'chart.js';
import type { Api, Progress } from '../api';
import { chartFigure, seriesColours } from '../charts';
import { h, table } from '../dom';
import { currentLocale, day, number, percent, t, when } from '../words';

export async function progressView(api: Api): Promise<HTMLElement> {
  const data = await api.progress();
  const section = h('section', { attrs: { 'aria-labelledby': 'progress-title' } }, h('h2', { attrs: { id: 'progress-title' } }, t('progress.title')));
  if (!data.campaign || !data.funnel) {
    section.append(h('p', {}, t('progress.noCampaign')));
  } else {
    const { campaign, funnel } = data;
    const targeted = funnel[0]?.count ?? 0;
    const enrolled = funnel.find((step) => step.stage === 'enrolled')?.count ?? 0;
    const tile = (step: { count: number; label: string }, quiet = false) =>
      h('li', { class: quiet ? 'tile quiet' : 'tile' }, h('span', { class: 'tile-value' }, number(step.count)), h('span', { class: 'tile-label' }, step.label));
    const outcomes = data.outcomes ?? [];
    // Shown beside the funnel, apart from the decisions: people who could not be reached, and messages that expired.
    const totals = new Set(['unreachable', 'expired']);
    const expired = data.expired ?? [];
    section.append(
      h('p', { class: 'lead' }, t('progress.lead', { name: campaign.name, state: campaign.stateLabel, deadline: day(campaign.deadline), started: when(campaign.startedAt), asOf: when(data.asOf) })),
      h(
        'ul',
        { class: 'tiles', attrs: { 'aria-label': t('progress.totals') } },
        ...funnel.map((step) => tile(step)),
        ...outcomes.filter((step) => totals.has(step.stage)).map((step) => tile(step, true)),
      ),
      h('p', {}, targeted === 0 ? t('progress.nobodyTargeted') : t('progress.enrolledShare', { percent: percent(enrolled / targeted) })),
      ...(expired.length > 0
        ? [h('p', {}, t('progress.expired', { list: expired.map((entry) => t('progress.expiredReason', { reason: entry.reason, count: entry.count })).join('; ') }))]
        : []),
      h('h3', {}, t('progress.outcomes')),
      h('p', {}, t('progress.everAndNow')),
      h('ul', { class: 'tiles', attrs: { 'aria-label': t('progress.outcomes') } }, ...outcomes.filter((step) => !totals.has(step.stage)).map((step) => tile(step, true))),
      ...variantPart(data),
      h('div', { class: 'charts' }, funnelChart(data), overTimeChart(data), departmentChart(data), objectionChart(data)),
      ...tierPart(data),
    );
    return section;
  }
  section.append(h('div', { class: 'charts' }, objectionChart(data)));
  return section;
}

/** A campaign comparing invitation texts: each text's figures with their 95% intervals, and the server's plain verdict. */
function variantPart(data: Progress): HTMLElement[] {
  const comparison = data.variants;
  if (!comparison) return [];
  const points = (share: number) => new Intl.NumberFormat(currentLocale(), { signDisplay: 'exceptZero' }).format(Math.round(share * 100) || 0);
  const rate = (value: { share: number; lower: number; upper: number }, people: number) =>
    people === 0 ? t('progress.variants.notYet') : t('progress.variants.rate', { rate: percent(value.share), lower: percent(value.lower), upper: percent(value.upper) });
  const difference = (row: (typeof comparison.rows)[number]) =>
    row.best
      ? t('progress.variants.best')
      : row.behindBest
        ? t('progress.variants.points', { difference: points(-row.behindBest.difference), lower: points(-row.behindBest.upper), upper: points(-row.behindBest.lower) })
        : t('progress.variants.notYet');
  return [
    h('h3', {}, t('progress.variants.title')),
    h('p', {}, comparison.howToRead),
    table(
      t('progress.variants.title'),
      [
        t('progress.variants.variant'),
        t('progress.variants.assigned'),
        t('progress.variants.reached'),
        t('progress.variants.weekOver'),
        t('progress.variants.replied'),
        t('progress.variants.enrolled'),
        t('progress.variants.difference'),
      ],
      comparison.rows.map((row) => [
        row.stopped ? t('progress.variants.stopped', { variant: row.label }) : row.label,
        number(row.assigned),
        number(row.reached),
        number(row.weekOver),
        `${number(row.replied)} · ${rate(row.repliedRate, row.weekOver)}`,
        `${number(row.enrolled)} · ${rate(row.enrolledRate, row.weekOver)}`,
        difference(row),
      ]),
      { hiddenCaption: true },
    ),
    h('p', { class: 'lead', attrs: { 'data-verdict': '' } }, comparison.verdict),
  ];
}

function funnelChart(data: Progress): HTMLElement {
  const funnel = data.funnel ?? [];
  return chartFigure(
    t('progress.funnel'),
    () => ({
      type: 'bar',
      data: { labels: funnel.map((step) => step.label), datasets: [{ label: t('progress.people'), data: funnel.map((step) => step.count), backgroundColor: seriesColours()[0] }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    table(t('progress.funnelTable'), [t('progress.stage'), t('progress.people')], funnel.map((step) => [step.label, number(step.count)]), { hiddenCaption: true }),
  );
}

function overTimeChart(data: Progress): HTMLElement {
  const days = data.enrolledByDay ?? [];
  let total = 0;
  const cumulative = days.map((entry) => (total += entry.count));
  return chartFigure(
    t('progress.overTime'),
    () => ({
      type: 'line',
      data: {
        labels: days.map((entry) => day(entry.date)),
        datasets: [
          { label: t('progress.enrolledSoFar'), data: cumulative, borderColor: seriesColours()[1], backgroundColor: seriesColours()[1], tension: 0.2 },
          { label: t('progress.thatDay'), data: days.map((entry) => entry.count), borderColor: seriesColours()[2], backgroundColor: seriesColours()[2], borderDash: [4, 4] },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    table(
      t('progress.overTimeTable'),
      [t('progress.day'), t('progress.enrolledThatDay'), t('progress.enrolledSoFar')],
      days.map((entry, index) => [day(entry.date), number(entry.count), number(cumulative[index] ?? 0)]),
      { hiddenCaption: true },
    ),
  );
}

function departmentChart(data: Progress): HTMLElement {
  const departments = (data.byDepartment ?? []).slice(0, 12);
  const [targeted, reached, enrolled] = seriesColours();
  // The columns are figures of the funnel: their names are the funnel's, so one word never means two numbers.
  const figure = (stage: string) => data.funnel?.find((step) => step.stage === stage)?.label ?? stage;
  return chartFigure(
    t('progress.byDepartment'),
    () => ({
      type: 'bar',
      data: {
        labels: departments.map((entry) => entry.department),
        datasets: [
          { label: figure('targeted'), data: departments.map((entry) => entry.targeted), backgroundColor: targeted },
          { label: figure('reached'), data: departments.map((entry) => entry.reached), backgroundColor: reached },
          { label: figure('enrolled'), data: departments.map((entry) => entry.enrolled), backgroundColor: enrolled },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    table(
      t('progress.departments'),
      [t('progress.department'), figure('targeted'), figure('reached'), figure('replied'), figure('enrolled')],
      departments.map((entry) => [entry.department, number(entry.targeted), number(entry.reached), number(entry.replied), number(entry.enrolled)]),
      { hiddenCaption: true },
    ),
  );
}

/** Targeted and enrolled per enrolment tier: only when more than one tier is configured (the members carry one then). */
function tierPart(data: Progress): HTMLElement[] {
  if (!data.byTier || data.byTier.length === 0) return [];
  const figure = (stage: string) => data.funnel?.find((step) => step.stage === stage)?.label ?? stage;
  return [
    h('h3', {}, t('progress.byTier')),
    table(
      t('progress.byTier'),
      [t('progress.tier'), figure('targeted'), figure('enrolled')],
      data.byTier.map((entry) => [entry.tier, number(entry.targeted), number(entry.enrolled)]),
      { hiddenCaption: true },
    ),
  ];
}

function objectionChart(data: Progress): HTMLElement {
  const objections = data.objections.slice(0, 12);
  if (objections.length === 0) return h('p', { class: 'chart-empty' }, t('progress.noConcerns'));
  return chartFigure(
    t('progress.concerns'),
    () => ({
      type: 'bar',
      data: { labels: objections.map((entry) => entry.title), datasets: [{ label: t('progress.timesRaised'), data: objections.map((entry) => entry.count), backgroundColor: seriesColours()[3] }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { callback: shortLabel } } } },
    }),
    table(t('progress.concernsTable'), [t('progress.concern'), t('progress.timesRaised')], objections.map((entry) => [entry.title, number(entry.count)]), { hiddenCaption: true }),
  );
}

/** Long category names are cut on the axis (the tooltip and the table keep them whole). */
function shortLabel(this: Scale, value: string | number): string {
  const label = this.getLabelForValue(Number(value));
  return label.length > 36 ? `${label.slice(0, 35)}…` : label;
}
