// Charts with Chart.js, coloured from the theme's CSS variables (so light, dark and high contrast all read well) and
// drawn without animation: the numbers are there at the first frame. Every chart has a table twin for screen readers.

import { BarController, BarElement, CategoryScale, Chart, type ChartConfiguration, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { h } from './dom';
import { currentLocale, t } from './words';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

const live = new Set<Chart>();

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#444';
}

/** The series colours of the current theme, in order. */
export function seriesColours(): string[] {
  return [1, 2, 3, 4].map((n) => cssVar(`--chart-${n}`));
}

/** A canvas in a figure, labelled by its caption; the chart is drawn once the figure is in the page. */
export function chartFigure(title: string, build: () => ChartConfiguration, twin: HTMLElement): HTMLElement {
  const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': title } });
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, title), h('div', { class: 'chart-box' }, canvas), h('details', {}, h('summary', {}, t('showNumbers')), twin));
  queueMicrotask(() => {
    const config = build();
    const text = cssVar('--text');
    const grid = cssVar('--border');
    Chart.defaults.color = text;
    Chart.defaults.borderColor = grid;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    // Axis numbers and tooltips in the reader's locale, like the tables.
    const chart = new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, locale: currentLocale(), ...config.options } });
    canvas.dataset.chart = config.type;
    live.add(chart);
  });
  return figure;
}

/** Removes every chart (before a view is redrawn, e.g. after a theme change). */
export function destroyCharts(): void {
  for (const chart of live) chart.destroy();
  live.clear();
}

export function chartCount(): number {
  return live.size;
}
