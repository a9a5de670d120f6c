// Refusals taken to a manager or the escalation group, with where each one stands. Reasons, states, deciders and
// concerns come from the API in the reader's language.

import type { Api } from '../api';
import { h, table } from '../dom';
import { day, t, when } from '../words';

export async function escalationsView(api: Api): Promise<HTMLElement> {
  const { items, total, open } = await api.escalations();
  return h(
    'section',
    { attrs: { 'aria-labelledby': 'escalations-title' } },
    h('h2', { attrs: { id: 'escalations-title' } }, t('escalations.title')),
    h(
      'p',
      { class: 'lead' },
      total === 0
        ? t('escalations.none')
        : [
            t('escalations.summary', { count: total, open }),
            items.length < total ? t('escalations.newestListed', { count: items.length }) : '',
            t('escalations.about'),
          ]
            .filter((part) => part !== '')
            .join(' '),
    ),
    items.length === 0
      ? false
      : table(
          t('escalations.table'),
          [t('escalations.person'), t('escalations.department'), t('escalations.reason'), t('escalations.concerns'), t('escalations.refused'), t('escalations.state'), t('escalations.decides')],
          items.map((item) => [
            item.employee,
            item.department ?? '',
            item.reason,
            item.concerns.join(', '),
            when(item.refusedAt),
            h('span', { class: `badge ${item.state}` }, item.exceptionUntil ? t('escalations.until', { state: item.stateLabel, date: day(item.exceptionUntil) }) : item.stateLabel),
            item.decidedBy
              ? t('escalations.decidedBy', { name: item.decidedBy, when: when(item.decidedAt) })
              : item.level > 0
                ? t('escalations.movedUp', { name: item.decider, count: item.level })
                : item.decider,
          ]),
        ),
  );
}
