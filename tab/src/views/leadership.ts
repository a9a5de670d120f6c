// The leadership digest as of now: everyone and each department (small ones together), as the weekly card words them,
// then the organisations below the reader by manager, one level down at a click. The server words every figure.

import type { Api, Leadership } from '../api';
import { append, h, table } from '../dom';
import { t, when } from '../words';

export async function leadershipView(api: Api, manager?: { id: string; name: string }): Promise<HTMLElement> {
  const view = await api.leadership(manager?.id);
  const section = h('section', { attrs: { 'aria-labelledby': 'leadership-title' } });
  const redraw = async (next?: { id: string; name: string }) => section.replaceWith(await leadershipView(api, next));
  append(
    section,
    h('h2', { attrs: { id: 'leadership-title' } }, view.title),
    h('p', { class: 'lead' }, `${view.subtitle} (${when(view.asOf)})`),
    h('h3', {}, t('leadership.byDepartment')),
    departments(view),
    ...view.notes.map((note) => h('p', { class: 'note' }, note)),
    h('h3', {}, t('leadership.byManager')),
    manager ? h('p', {}, t('leadership.showing', { name: view.byManager.manager.name }), ' ', h('button', { attrs: { type: 'button' }, on: { click: () => void redraw() } }, t('leadership.up'))) : false,
    view.byManager.lines.length === 0
      ? false
      : table(
          t('leadership.byManager'),
          [t('leadership.line'), t('leadership.enrolled'), t('leadership.refusedNow'), t('leadership.exceptionEver'), ''],
          view.byManager.lines.map((line) => [
            line.label,
            line.enrolledWords,
            String(line.refusedNow),
            String(line.exceptionEver),
            line.drill && line.managerId
              ? h('button', { attrs: { type: 'button' }, on: { click: () => void redraw({ id: line.managerId as string, name: line.name ?? line.label }) } }, t('leadership.down', { name: line.name ?? line.label }))
              : '',
          ]),
        ),
    ...view.byManager.notes.map((note) => h('p', { class: 'note' }, note)),
  );
  return section;
}

function departments(view: Leadership): HTMLTableElement {
  return table(
    t('leadership.byDepartment'),
    [t('leadership.line'), view.labels.enrolled, view.labels.change, view.labels.refusedNow, view.labels.exceptionEver, view.labels.concerns],
    [view.overall, ...view.rows].map((row) => [row.label, row.words.enrolled, row.words.change, row.words.refusedNow, row.words.exceptionEver, row.words.concerns]),
  );
}
