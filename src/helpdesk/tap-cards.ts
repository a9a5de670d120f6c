// What the pass feature shows: the agent's request form, the approver's card, the manager's check, the receiver's
// Reveal card, the dialog with the pass, the notices and security's alerts. Every card is read from the stored request.

import { type Attachment, CardFactory, type TaskModuleTaskInfo } from 'botbuilder';
import { type CardJson, PersonText, TrustedMarkdown } from '../cards/card-renderer.js';
import type { TemporaryAccessPassMethod } from '../directory/graph-shapes.js';
import type { TapContext } from './tap-context.js';
import { CHECK_KINDS, CHECK_LABELS, type TapAlert, type TapRequest } from './tap-records.js';

export const TAP_VERBS = {
  submit: 'tap.submit',
  confirm: 'tap.confirm',
  approve: 'tap.approve',
  deny: 'tap.deny',
  reveal: 'tap.reveal',
  notMe: 'tap.not-me',
} as const;

export const STATE_LABELS: Record<TapRequest['state'], string> = {
  draft: 'not sent yet',
  'awaiting-manager': "waiting for the manager's confirmation",
  'awaiting-approval': 'waiting for approval',
  approved: 'approved, waiting to be revealed',
  revealing: 'being created',
  revealed: 'created and shown',
  refused: 'refused',
  cancelled: 'cancelled',
  expired: 'expired',
  revoked: 'undone after "this wasn\'t me"',
};

const ALERT_TITLES: Record<TapAlert['kind'], string> = {
  'privileged-attempt': 'Pass requested for a privileged account',
  'rate-limit': 'Pass request rate limit reached',
  burst: 'Many pass requests in the last hour',
  'manager-denied': 'A manager did not confirm a pass request',
  'not-me': "Urgent: \"this wasn't me\" after a pass was created",
};

/** The agent's form (a draft only its requester can send), or where the request stands once sent. */
export function requestCard(tap: TapContext, request: TapRequest, now: Date, error?: string): CardJson {
  const open = request.state === 'draft' && request.expiresAt > now.toISOString();
  const facts = [
    { title: 'For', value: `${request.target.name} (${request.target.upn})` },
    ...(request.target.department ? [{ title: 'Department', value: request.target.department }] : []),
    { title: 'Request', value: request.id },
    { title: 'Open until', value: tap.time(request.expiresAt) },
  ];
  const warnings = [
    ...(request.replacesExistingPass ? [`${request.target.name} already has a valid pass: an approved request replaces it.`] : []),
    ...(request.privileged ? [`Privileged account (${request.privileged.join(', ')}): only the security group can approve.`] : []),
  ];
  return tap.deps.cards.render('tap-request', {
    title: open ? `Temporary Access Pass for ${request.target.name}` : `Request ${request.id}: ${STATE_LABELS[request.state]}`,
    intro: open
      ? 'Check who you are talking to before you send this. A second person approves it, and the pass is created only when you reveal it.'
      : request.state === 'awaiting-manager'
        ? `Sent. ${request.manager?.name ?? 'Their manager'} is asked to confirm it is really ${request.target.name} asking; then an approver decides.`
        : 'Sent for approval: the approvers get it as soon as Teams and the directory let the coach reach them. You will get a message here when it is approved.',
    facts,
    warning: warnings.join(' '),
    error: error ?? '',
    open,
    checks: CHECK_KINDS.filter((kind) => kind !== 'manager' || request.manager).map((kind) => ({ title: CHECK_LABELS[kind], value: kind })),
    minLifetime: request.policy.minimumLifetimeInMinutes,
    maxLifetime: request.policy.maximumLifetimeInMinutes,
    defaultLifetime: Math.min(request.policy.maximumLifetimeInMinutes, Math.max(request.policy.minimumLifetimeInMinutes, request.policy.defaultLifetimeInMinutes)),
    requestId: request.id,
  });
}

/** The approver's card: who asks, for whom, why, the checks and who made them; buttons while it waits. */
export function approvalCard(tap: TapContext, request: TapRequest): CardJson {
  const open = request.state === 'awaiting-approval';
  const checks = [
    ...(request.check ? [`${CHECK_LABELS[request.check.kind]}: stated by ${request.check.by.name} at ${tap.time(request.check.at)}`] : []),
    ...(request.managerCheck ? [`${request.managerCheck.by.name} (the manager) ${request.managerCheck.confirmed ? 'confirmed' : 'did not confirm'} it was them, at ${tap.time(request.managerCheck.at)}, answering the coach directly`] : []),
  ];
  const status =
    request.state === 'approved' || request.state === 'revealing' || request.state === 'revealed' || request.state === 'revoked'
      ? `Approved by ${request.approval?.by.name ?? 'an approver'} at ${tap.time(request.approval?.at ?? request.createdAt)}.`
      : request.state === 'refused'
        ? `Refused${request.refusal?.by ? ` by ${request.refusal.by.name}` : ''} at ${tap.time(request.refusal?.at ?? request.createdAt)}.`
        : open
          ? ''
          : `No longer waiting: ${STATE_LABELS[request.state]}.`;
  return tap.deps.cards.render('tap-approval', {
    title: `Approve a Temporary Access Pass for ${request.target.name}?`,
    intro: `${request.requester.name} (helpdesk) asks for a pass for ${request.target.name} (${request.target.upn}). Approve only if the checks below convince you that it is really them.`,
    facts: [
      { title: 'Request', value: request.id },
      { title: 'Valid for', value: `${request.lifetimeInMinutes ?? request.policy.defaultLifetimeInMinutes} minutes${request.isUsableOnce ? ', one sign-in' : ''}` },
      { title: 'Open until', value: tap.time(request.expiresAt) },
    ],
    checks,
    // The agent's own words: shown as typed, never as markdown.
    reason: new PersonText(request.reason ?? ''),
    checkNote: request.check?.note ? new PersonText(request.check.note) : '',
    warning: [
      ...(request.replacesExistingPass ? [`${request.target.name} already has a valid pass: approving replaces it.`] : []),
      ...(request.privileged ? [`Privileged account: ${request.privileged.join(', ')}.`] : []),
    ].join(' '),
    status,
    open,
    approveTitle: request.replacesExistingPass ? 'Approve and replace their pass' : 'Approve',
    requestId: request.id,
  });
}

/** The target's manager is asked, by the coach, whether the person is really asking. */
export function managerCard(tap: TapContext, request: TapRequest): CardJson {
  const open = request.state === 'awaiting-manager';
  return tap.deps.cards.render('tap-manager-check', {
    title: `Is ${request.target.name} asking the helpdesk for access right now?`,
    paragraphs: [
      `${request.requester.name} from the helpdesk says ${request.target.name} is talking to them and needs a temporary pass to sign in.`,
      'Please confirm only if you know it is really them, for example because they just told you. If you are not sure, say no: nothing is created, and security is told.',
    ],
    status: open ? '' : request.managerCheck ? `You answered: ${request.managerCheck.confirmed ? 'yes' : 'no'}.` : `No longer waiting: ${STATE_LABELS[request.state]}.`,
    open,
    requestId: request.id,
  });
}

/** The receiver's card once approved: the Reveal button opens the dialog that creates and shows the pass. */
export function revealCard(tap: TapContext, request: TapRequest): Attachment {
  return tap.deps.cards.attachment('tap-reveal', {
    title: `Pass for ${request.target.name} approved`,
    paragraphs: [
      `${request.approval?.by.name ?? 'An approver'} approved request ${request.id}${request.replacesExistingPass ? ', replacing the pass they already had' : ''}.`,
      `When ${request.target.name} is with you, click Reveal: the pass is created then and shown once, in a dialog that is not kept in this chat. The approval lapses at ${tap.time(request.expiresAt)}.`,
    ],
    requestId: request.id,
  });
}

/** The dialog that shows the pass, once: never a chat message, so it is not kept anywhere. */
export function passDialog(tap: TapContext, request: TapRequest, pass: string, method: TemporaryAccessPassMethod, now: Date): TaskModuleTaskInfo {
  return {
    title: 'Temporary Access Pass',
    height: 'medium',
    width: 'medium',
    card: CardFactory.adaptiveCard(
      tap.deps.cards.render('tap-pass', {
        name: request.target.name,
        pass: new TrustedMarkdown(pass),
        paragraphs: [
          `Valid for ${method.lifetimeInMinutes} minutes${method.isUsableOnce ? ', for one sign-in only' : ''}, from ${tap.time(method.startDateTime ?? method.createdDateTime ?? now.toISOString())}.`,
          `Read it to ${request.target.name} on the call where you checked who they are; never send it in a chat or an email. This is the only time it is shown.`,
          `${request.target.name}${request.manager ? ', their manager' : ''} and security are being told that a pass was created.`,
        ],
      }),
    ),
  };
}

/** The agent hears that their request was stopped, and why. */
export function stoppedNotice(tap: TapContext, request: TapRequest): Attachment {
  const why = request.refusal?.why ?? STATE_LABELS[request.state];
  return tap.deps.cards.attachment('notice', { title: `Request ${request.id} stopped`, paragraphs: [`The pass request for ${request.target.name} was stopped: ${why}.`], actions: [] });
}

export function alertNotice(tap: TapContext, alert: TapAlert): Attachment {
  return tap.deps.cards.attachment('notice', { title: ALERT_TITLES[alert.kind], paragraphs: [alert.text], actions: [] });
}

/** A pass was created: the person, their manager and security are each told, with "This wasn't me" for the first two. */
export function createdNotice(tap: TapContext, request: TapRequest, step: string): Attachment {
  const who = `created by ${request.requester.name} (helpdesk) and approved by ${request.approval?.by.name ?? 'an approver'}`;
  const when = tap.time(request.reveal?.createdAt ?? request.reveal?.at ?? request.createdAt);
  const notMe = { title: "This wasn't me", verb: TAP_VERBS.notMe, data: { requestId: request.id } };
  if (step === 'notice-target') {
    return tap.deps.cards.attachment('notice', {
      title: 'A Temporary Access Pass was created for you',
      paragraphs: [
        `A one-off pass to sign in to your account was ${who}, at ${when}. It lets you set up a passkey without your usual sign-in.`,
        "If you didn't ask the helpdesk for it, click below: the pass is deleted at once, you are signed out everywhere, and security is alerted.",
      ],
      actions: [notMe],
    });
  }
  if (step === 'notice-manager') {
    return tap.deps.cards.attachment('notice', {
      title: `A Temporary Access Pass was created for ${request.target.name}`,
      paragraphs: [`A one-off pass to sign in to ${request.target.name}'s account was ${who}, at ${when}.`, `If ${request.target.name} did not ask for it, click below: it is undone and security is alerted.`],
      actions: [notMe],
    });
  }
  return tap.deps.cards.attachment('notice', {
    title: `Pass created for ${request.target.name}`,
    paragraphs: [`Request ${request.id}: a Temporary Access Pass for ${request.target.name} (${request.target.upn}) was ${who}, at ${when}. Checks: ${request.check ? CHECK_LABELS[request.check.kind] : 'none'}${request.managerCheck?.confirmed ? ', confirmed by the manager' : ''}.`],
    actions: [],
  });
}
