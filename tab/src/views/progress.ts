// Campaign progress at a glance: the funnel, enrolments over time, departments, and the concerns people raise.

import type { Scale } from 'chart.js';
import type { Api, Progress } from '../api';
import { chartFigure, seriesColours } from '../charts';
import { day, h, table, when } from '../dom';

export async function progressView(api: Api): Promise<HTMLElement> {
  const data = await api.progress();
  const section = h('section', { attrs: { 'aria-labelledby': 'progress-title' } }, h('h2', { attrs: { id: 'progress-title' } }, 'Campaign progress'));
  if (!data.campaign || !data.funnel) {
    section.append(h('p', {}, 'No campaign has started yet. An admin starts one in the chat with "campaign start".'));
  } else {
    const { campaign, funnel } = data;
    const targeted = funnel[0]?.count ?? 0;
    const enrolled = funnel.find((step) => step.stage === 'enrolled')?.count ?? 0;
    const tile = (step: { count: number; label: string }, quiet = false) => h('li', { class: quiet ? 'tile quiet' : 'tile' }, h('span', { class: 'tile-value' }, step.count), h('span', { class: 'tile-label' }, step.label));
    const outcomes = data.outcomes ?? [];
    // Shown beside the funnel, apart from the decisions: people who could not be reached, and messages that expired.
    const totals = new Set(['unreachable', 'expired']);
    const expired = data.expired ?? [];
    section.append(
      h('p', { class: 'lead' }, `${campaign.name}: ${campaign.state}, deadline ${day(campaign.deadline)}. Started ${when(campaign.startedAt)}. Figures as of ${when(data.asOf)}.`),
      h(
        'ul',
        { class: 'tiles', attrs: { 'aria-label': 'Totals' } },
        ...funnel.map((step) => tile(step)),
        ...outcomes.filter((step) => totals.has(step.stage)).map((step) => tile(step, true)),
      ),
      h('p', {}, targeted === 0 ? 'Nobody is targeted yet.' : `${Math.round((100 * enrolled) / targeted)}% of the people targeted have enrolled.`),
      ...(expired.length > 0
        ? [h('p', {}, `Expired unsent, not lost (their moment passed before Teams took them): ${expired.map((entry) => `${entry.reason.toLowerCase()}, ${entry.count}`).join('; ')}.`)]
        : []),
      h('h3', {}, 'Refusals, decisions and reminders'),
      h('p', {}, '"Ever" counts everyone it has happened to; "now" counts only the people it applies to at this moment.'),
      h('ul', { class: 'tiles', attrs: { 'aria-label': 'Refusals, decisions and reminders' } }, ...outcomes.filter((step) => !totals.has(step.stage)).map((step) => tile(step, true))),
      h('div', { class: 'charts' }, funnelChart(data), overTimeChart(data), departmentChart(data), objectionChart(data)),
    );
    return section;
  }
  section.append(h('div', { class: 'charts' }, objectionChart(data)));
  return section;
}

function funnelChart(data: Progress): HTMLElement {
  const funnel = data.funnel ?? [];
  return chartFigure(
    'From targeted to enrolled',
    () => ({
      type: 'bar',
      data: { labels: funnel.map((step) => step.label), datasets: [{ label: 'People', data: funnel.map((step) => step.count), backgroundColor: seriesColours()[0] }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    table('Funnel', ['Stage', 'People'], funnel.map((step) => [step.label, step.count]), { hiddenCaption: true }),
  );
}

function overTimeChart(data: Progress): HTMLElement {
  const days = data.enrolledByDay ?? [];
  let total = 0;
  const cumulative = days.map((entry) => (total += entry.count));
  return chartFigure(
    'Enrolments over time',
    () => ({
      type: 'line',
      data: {
        labels: days.map((entry) => day(entry.date)),
        datasets: [
          { label: 'Enrolled so far', data: cumulative, borderColor: seriesColours()[1], backgroundColor: seriesColours()[1], tension: 0.2 },
          { label: 'That day', data: days.map((entry) => entry.count), borderColor: seriesColours()[2], backgroundColor: seriesColours()[2], borderDash: [4, 4] },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    table('Enrolments by day', ['Day', 'Enrolled that day', 'Enrolled so far'], days.map((entry, index) => [day(entry.date), entry.count, cumulative[index] ?? 0]), { hiddenCaption: true }),
  );
}

function departmentChart(data: Progress): HTMLElement {
  const departments = (data.byDepartment ?? []).slice(0, 12);
  const [targeted, reached, enrolled] = seriesColours();
  return chartFigure(
    'By department',
    () => ({
      type: 'bar',
      data: {
        labels: departments.map((entry) => entry.department),
        datasets: [
          { label: 'Targeted', data: departments.map((entry) => entry.targeted), backgroundColor: targeted },
          { label: 'Reached', data: departments.map((entry) => entry.reached), backgroundColor: reached },
          { label: 'Enrolled', data: departments.map((entry) => entry.enrolled), backgroundColor: enrolled },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    table('Departments', ['Department', 'Targeted', 'Reached', 'Replied', 'Enrolled'], departments.map((entry) => [entry.department, entry.targeted, entry.reached, entry.replied, entry.enrolled]), { hiddenCaption: true }),
  );
}

function objectionChart(data: Progress): HTMLElement {
  const objections = data.objections.slice(0, 12);
  if (objections.length === 0) return h('p', { class: 'chart-empty' }, 'No concerns have been raised with the coach yet.');
  return chartFigure(
    'Concerns people raised',
    () => ({
      type: 'bar',
      data: { labels: objections.map((entry) => entry.title), datasets: [{ label: 'Times raised', data: objections.map((entry) => entry.count), backgroundColor: seriesColours()[3] }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { callback: shortLabel } } } },
    }),
    table('Concerns', ['Concern', 'Times raised'], objections.map((entry) => [entry.title, entry.count]), { hiddenCaption: true }),
  );
}

/** Long category names are cut on the axis (the tooltip and the table keep them whole). */
function shortLabel(this: Scale, value: string | number): string {
  const label = this.getLabelForValue(Number(value));
  return label.length > 36 ? `${label.slice(0, 35)}…` : label;
}
