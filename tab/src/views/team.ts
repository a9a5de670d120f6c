// A manager's direct reports and where each stands, the same view the chat's `team` card is drawn from: a Nudge per
// person where one helps and one for everyone not set up, or in aggregate mode counts only and the one button. States,
// counts, the summary and the notes come from the API in the reader's language; the server decides who may be nudged.

import { type Api, problemText, type TeamView } from '../api';
import { h, table } from '../dom';
import { number, t } from '../words';

export async function teamView(api: Api, redraw: (notice?: string) => void): Promise<HTMLElement> {
  const view = await api.team();
  const nudge = async (button: HTMLButtonElement, personId: string) => {
    button.disabled = true;
    try {
      redraw((await api.nudge(personId)).message);
    } catch (error) {
      redraw(problemText(error));
    }
  };
  const button = (label: string, personId: string, kind: string, accessibleName?: string) => {
    const element: HTMLButtonElement = h('button', { class: `button ${kind}`, attrs: { type: 'button', 'data-action': personId === 'all' ? 'nudge-all' : 'nudge', 'data-person': personId === 'all' ? undefined : personId, 'aria-label': accessibleName } }, label);
    element.addEventListener('click', () => void nudge(element, personId));
    return element;
  };
  return h(
    'section',
    { attrs: { 'aria-labelledby': 'team-title' } },
    h('h2', { attrs: { id: 'team-title' } }, t('team.title')),
    h('p', { class: 'lead' }, view.summary),
    people(view, button),
    h('h3', {}, t('team.counts')),
    h('ul', { class: 'tiles' }, ...view.counts.map((count) => h('li', { class: 'tile', attrs: { 'data-state': count.state } }, h('span', { class: 'tile-value' }, number(count.count)), h('span', { class: 'tile-label' }, count.label)))),
    h('div', { class: 'actions' }, view.nudgeable > 0 ? button(t('team.nudgeAll', { count: view.nudgeable }), 'all', 'primary') : h('p', {}, t('team.nobodyToNudge'))),
    h('div', { class: 'footnotes' }, ...view.footnotes.map((note) => h('p', {}, note))),
  );
}

/** The list of people, in individual mode; aggregate mode names nobody, so there is none. */
function people(view: TeamView, button: (label: string, personId: string, kind: string, accessibleName?: string) => HTMLButtonElement): HTMLElement | false {
  if (view.mode === 'aggregate' || view.people.length === 0) return false;
  return table(
    t('team.people'),
    [t('team.person'), t('team.state'), t('team.action')],
    view.people.map((person) => [person.name, h('span', { attrs: { 'data-state': person.state } }, person.stateText), person.nudge ? button(t('team.nudge'), person.id, 'secondary', t('team.nudgeWho', { name: person.name })) : '']),
  );
}
