// The helpdesk's queues: pass requests waiting for this person's approval, their own open requests, and the people
// who asked to talk to someone. The buttons call the same rules as the cards in the chat. States, checks, privileged
// reasons, topics, devices and the answers to the buttons come from the API in the reader's language.

import { type Api, type PassSummary, problemText } from '../api';
import { h, table } from '../dom';
import { t, when } from '../words';

type Action = 'approve' | 'deny' | 'cancel' | 'helped';

export async function helpdeskView(api: Api, redraw: (notice?: string) => void): Promise<HTMLElement> {
  const queue = await api.passes();
  const act = async (button: HTMLButtonElement, id: string, action: Action) => {
    button.disabled = true;
    try {
      redraw((action === 'helped' ? await api.helped(id) : await api.decide(id, action)).message);
    } catch (error) {
      redraw(problemText(error));
    }
  };
  const button = (label: string, id: string, action: Action, kind: string, accessibleName?: string) => {
    const element: HTMLButtonElement = h('button', { class: `button ${kind}`, attrs: { type: 'button', 'data-action': action, 'data-request': id, 'aria-label': accessibleName } }, label);
    element.addEventListener('click', () => void act(element, id, action));
    return element;
  };
  const facts = (request: PassSummary) =>
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('helpdesk.reason')),
      h('dd', {}, request.reason ?? ''),
      h('dt', {}, t('helpdesk.checks')),
      h('dd', {}, request.checks.join('; ') || t('helpdesk.noChecks')),
      h('dt', {}, t('helpdesk.validFor')),
      h('dd', {}, t(request.oneTime ? 'helpdesk.minutesOnce' : 'helpdesk.minutes', { count: request.lifetimeInMinutes })),
      h('dt', {}, t('helpdesk.openUntil')),
      h('dd', {}, when(request.expiresAt)),
    );
  const section = h('section', { attrs: { 'aria-labelledby': 'helpdesk-title' } }, h('h2', { attrs: { id: 'helpdesk-title' } }, t('helpdesk.title')));

  if (queue.approver || queue.toApprove.length > 0) {
    section.append(
      h('h3', {}, t('helpdesk.toApprove')),
      queue.toApprove.length === 0
        ? h('p', {}, t('helpdesk.nothingToApprove'))
        : h(
            'ul',
            { class: 'cards' },
            ...queue.toApprove.map((request) =>
              h(
                'li',
                { class: 'card', attrs: { 'data-request': request.id } },
                h('h4', {}, `${request.target.name} (${request.target.upn})`),
                h('p', {}, t('helpdesk.askedBy', { name: request.requester, id: request.id })),
                request.replacesExistingPass ? h('p', { class: 'warning' }, t('helpdesk.replacesPass')) : false,
                request.privileged.length > 0 ? h('p', { class: 'warning' }, t('helpdesk.privileged', { reasons: request.privileged.join('; ') })) : false,
                facts(request),
                // Policy waits for a verified Verified ID presentation: no Approve until then (the server refuses it too).
                request.awaitsPresentation ? h('p', { class: 'warning' }, t('helpdesk.awaitsPresentation')) : false,
                h(
                  'div',
                  { class: 'actions' },
                  request.awaitsPresentation ? false : button(t('helpdesk.approve'), request.id, 'approve', 'primary'),
                  button(t('helpdesk.refuse'), request.id, 'deny', request.awaitsPresentation ? 'primary' : 'secondary'),
                ),
              ),
            ),
          ),
    );
  }
  if (queue.helpdesk) {
    section.append(
      h('h3', {}, t('helpdesk.mine')),
      queue.mine.length === 0
        ? h('p', {}, t('helpdesk.noneMine'))
        : table(
            t('helpdesk.mine'),
            [t('helpdesk.request'), t('helpdesk.for'), t('helpdesk.state'), t('helpdesk.openUntil'), t('helpdesk.action')],
            queue.mine.map((request) => [
              request.id,
              request.target.name,
              request.stateLabel,
              when(request.expiresAt),
              request.state === 'revealing' ? '' : button(t('helpdesk.cancel'), request.id, 'cancel', 'secondary'),
            ]),
            { hiddenCaption: true },
          ),
      h('h3', {}, t('helpdesk.waiting', { count: queue.waitingForPerson })),
      queue.help.length === 0
        ? h('p', {}, t('helpdesk.nobodyWaiting'))
        : table(
            t('helpdesk.waitingTable'),
            [t('helpdesk.person'), t('helpdesk.department'), t('helpdesk.topics'), t('helpdesk.device'), t('helpdesk.since'), t('helpdesk.contact'), t('helpdesk.queue')],
            queue.help.map((entry) => [
              entry.name,
              entry.department ?? '',
              entry.topics.join(', '),
              entry.platform ?? '',
              when(entry.requestedAt),
              entry.upn
                ? h('a', { attrs: { href: `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(entry.upn)}`, target: '_blank', rel: 'noopener noreferrer' } }, t('helpdesk.chatWith', { name: entry.name }))
                : '',
              button(t('helpdesk.helped'), entry.userId, 'helped', 'secondary', t('helpdesk.helpedLabel', { name: entry.name })),
            ]),
            { hiddenCaption: true },
          ),
    );
  }
  return section;
}
