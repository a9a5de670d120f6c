// Refusals taken to a manager or the escalation group, with where each one stands.

import type { Api } from '../api';
import { count, day, h, table, when } from '../dom';

export async function escalationsView(api: Api): Promise<HTMLElement> {
  const { items, total, open } = await api.escalations();
  return h(
    'section',
    { attrs: { 'aria-labelledby': 'escalations-title' } },
    h('h2', { attrs: { id: 'escalations-title' } }, 'Refusals and decisions'),
    h(
      'p',
      { class: 'lead' },
      total === 0
        ? 'Nobody has refused so far.'
        : `${count(total, 'refusal')} taken to a manager, ${open} waiting for a manager's decision now${items.length < total ? ` (the newest ${items.length} are listed)` : ''}. Every refusal is here, in a campaign or not, and each time a person refused; Progress counts people in the latest campaign. The list shows the topics raised and the reason chosen, never the person's own words.`,
    ),
    items.length === 0
      ? false
      : table(
          'Refusals, newest first',
          ['Person', 'Department', 'Reason', 'Concerns', 'Refused', 'State', 'Decides'],
          items.map((item) => [
            item.employee,
            item.department ?? '',
            item.reason,
            item.concerns.join(', '),
            when(item.refusedAt),
            h('span', { class: `badge ${item.state}` }, item.stateLabel, item.exceptionUntil ? ` until ${day(item.exceptionUntil)}` : ''),
            item.decidedBy ? `${item.decidedBy}, ${when(item.decidedAt)}` : `${item.decider}${item.level > 0 ? ` (moved up ${item.level})` : ''}`,
          ]),
        ),
  );
}
