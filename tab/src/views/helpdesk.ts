// The helpdesk's queues: pass requests waiting for this person's approval, their own open requests, and the people
// who asked to talk to someone. The buttons call the same rules as the cards in the chat.

import type { Api, PassSummary } from '../api';
import { h, table, when } from '../dom';

export async function helpdeskView(api: Api, redraw: (notice?: string) => void): Promise<HTMLElement> {
  const queue = await api.passes();
  const act = async (button: HTMLButtonElement, id: string, action: 'approve' | 'deny' | 'cancel' | 'helped') => {
    button.disabled = true;
    try {
      redraw((action === 'helped' ? await api.helped(id) : await api.decide(id, action)).message);
    } catch (error) {
      redraw((error as Error).message);
    }
  };
  const button = (label: string, id: string, action: 'approve' | 'deny' | 'cancel' | 'helped', kind: string, accessibleName?: string) => {
    const element: HTMLButtonElement = h('button', { class: `button ${kind}`, attrs: { type: 'button', 'data-action': action, 'data-request': id, 'aria-label': accessibleName } }, label);
    element.addEventListener('click', () => void act(element, id, action));
    return element;
  };
  const facts = (request: PassSummary) =>
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Reason'),
      h('dd', {}, request.reason ?? ''),
      h('dt', {}, 'Checks'),
      h('dd', {}, request.checks.join('; ') || 'none yet'),
      h('dt', {}, 'Valid for'),
      h('dd', {}, `${request.lifetimeInMinutes} minutes${request.oneTime ? ', one sign-in' : ''}`),
      h('dt', {}, 'Open until'),
      h('dd', {}, when(request.expiresAt)),
    );
  const section = h('section', { attrs: { 'aria-labelledby': 'helpdesk-title' } }, h('h2', { attrs: { id: 'helpdesk-title' } }, 'Helpdesk'));

  if (queue.approver || queue.toApprove.length > 0) {
    section.append(
      h('h3', {}, 'Waiting for your approval'),
      queue.toApprove.length === 0
        ? h('p', {}, 'Nothing is waiting for you.')
        : h(
            'ul',
            { class: 'cards' },
            ...queue.toApprove.map((request) =>
              h(
                'li',
                { class: 'card', attrs: { 'data-request': request.id } },
                h('h4', {}, `${request.target.name} (${request.target.upn})`),
                h('p', {}, `Asked by ${request.requester}. Request ${request.id}.`),
                request.replacesExistingPass ? h('p', { class: 'warning' }, 'They already have a valid pass: approving replaces it.') : false,
                request.privileged.length > 0 ? h('p', { class: 'warning' }, `Privileged account: ${request.privileged.join(', ')}.`) : false,
                facts(request),
                h('div', { class: 'actions' }, button('Approve', request.id, 'approve', 'primary'), button('Refuse', request.id, 'deny', 'secondary')),
              ),
            ),
          ),
    );
  }
  if (queue.helpdesk) {
    section.append(
      h('h3', {}, 'Your open pass requests'),
      queue.mine.length === 0
        ? h('p', {}, 'You have no open requests. Start one in the chat: tap request <sign-in name>.')
        : table(
            'Your open pass requests',
            ['Request', 'For', 'State', 'Open until', 'Action'],
            queue.mine.map((request) => [request.id, request.target.name, request.stateLabel, when(request.expiresAt), request.state === 'revealing' ? '' : button('Cancel', request.id, 'cancel', 'secondary')]),
            { hiddenCaption: true },
          ),
      h('h3', {}, `Waiting to talk to a person (${queue.waitingForPerson})`),
      queue.help.length === 0
        ? h('p', {}, 'Nobody is waiting.')
        : table(
            'Waiting to talk to a person, longest first',
            ['Person', 'Department', 'Topics raised', 'Device', 'Since', 'Contact', 'Queue'],
            queue.help.map((entry) => [
              entry.name,
              entry.department ?? '',
              entry.topics.join(', '),
              entry.platform ?? '',
              when(entry.requestedAt),
              entry.upn ? h('a', { attrs: { href: `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(entry.upn)}`, target: '_blank', rel: 'noopener noreferrer' } }, `Chat with ${entry.name}`) : '',
              button('Helped', entry.userId, 'helped', 'secondary', `${entry.name} was helped: take them out of the queue`),
            ]),
            { hiddenCaption: true },
          ),
    );
  }
  return section;
}
