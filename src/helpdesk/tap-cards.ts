// What the pass feature shows: the agent's request form, the approver's card, the manager's check, the receiver's
// Reveal card, the dialog with the pass, the notices and security's alerts. Every card is read from the stored request.

import { type Attachment, CardFactory, type TaskModuleTaskInfo } from 'botbuilder';
import { type CardJson, PersonText, TrustedMarkdown } from '../cards/card-renderer.js';
import type { TemporaryAccessPassMethod } from '../directory/graph-shapes.js';
import type { TapContext } from './tap-context.js';
import { presentationLine } from './presentation-views.js';
import { approvalAwaitsPresentation, presentationRequired } from './start-presentation.js';
import { CHECK_KINDS, type CheckKind, type TapAlert, type TapRequest } from './tap-records.js';
import { REASONS_SEPARATOR, type TapWords } from './tap-words.js';

export const TAP_VERBS = {
  submit: 'tap.submit',
  confirm: 'tap.confirm',
  approve: 'tap.approve',
  deny: 'tap.deny',
  reveal: 'tap.reveal',
  notMe: 'tap.not-me',
  verifyAgain: 'tap.verify-again',
} as const;

/**
 * The checks an agent may choose for this request: the manager only when there is one; Verified ID where it is set up
 * (and then not the older check an agent only ticked), and nothing else where policy requires it.
 */
export function offeredChecks(tap: TapContext, request: TapRequest): CheckKind[] {
  const verifiedId = tap.deps.verifiedId !== undefined;
  if (presentationRequired(tap, request)) return verifiedId ? ['verified-id'] : [];
  return CHECK_KINDS.filter((kind) => (kind !== 'manager' || request.manager) && (kind === 'verified-id' ? verifiedId : kind === 'verified-credential' ? !verifiedId : true));
}

/** The agent's form (a draft only its requester can send), or where the request stands once sent. */
export function requestCard(tap: TapContext, words: TapWords, request: TapRequest, now: Date, error?: string, qrCode?: string): CardJson {
  const { say } = words;
  const name = request.target.name;
  const open = request.state === 'draft' && request.expiresAt > now.toISOString();
  const facts = [
    { title: say('facts.for'), value: `${name} (${request.target.upn})` },
    ...(request.target.department ? [{ title: say('facts.department'), value: request.target.department }] : []),
    { title: say('facts.request'), value: request.id },
    { title: say('facts.openUntil'), value: words.time(request.expiresAt) },
  ];
  const warnings = [
    ...(request.replacesExistingPass ? [say('form.replacesPass', { name })] : []),
    ...(request.privileged ? [say('form.privileged', { reasons: words.reasons(request.privileged) })] : []),
  ];
  const recoveryUrl = tap.deps.accountRecoveryUrl;
  const verifying = !open && request.presentation && request.check?.kind === 'verified-id';
  return tap.deps.cards.render(
    'tap-request',
    {
      title: open ? say('form.title', { name }) : say('form.titleSent', { id: request.id, state: words.state(request.state) }),
      intro: open
        ? say('form.intro')
        : request.state === 'awaiting-manager'
          ? say('form.sentToManager', { manager: request.manager?.name ?? say('someone.theirManager'), name })
          : say('form.sentForApproval'),
      facts,
      warning: warnings.join(' '),
      error: error ?? '',
      open,
      checks: offeredChecks(tap, request).map((kind) => ({ title: words.check(kind), value: kind })),
      // A person whose wallet went with their phone cannot present: Microsoft's route is a new credential through account recovery.
      recovery: open && recoveryUrl && tap.deps.verifiedId ? say('form.lostWallet', { name, url: recoveryUrl }) : '',
      verify: verifying ? say('form.verifyLinkSent', { name, time: words.time(request.presentation?.expiresAt ?? request.expiresAt) }) : '',
      verifyUrl: new TrustedMarkdown(verifying ? (request.presentation?.url ?? '') : ''),
      qrCode: new TrustedMarkdown(verifying ? (qrCode ?? '') : ''),
      minLifetime: request.policy.minimumLifetimeInMinutes,
      maxLifetime: request.policy.maximumLifetimeInMinutes,
      defaultLifetime: Math.min(request.policy.maximumLifetimeInMinutes, Math.max(request.policy.minimumLifetimeInMinutes, request.policy.defaultLifetimeInMinutes)),
      requestId: request.id,
    },
    words.locale,
  );
}

/** The approver's card: who asks, for whom, why, the checks and who made them; buttons while it waits. */
export function approvalCard(tap: TapContext, words: TapWords, request: TapRequest, now = new Date()): CardJson {
  const { say } = words;
  const name = request.target.name;
  const open = request.state === 'awaiting-approval';
  // Policy's "required": no Approve button until the presentation is verified (and a click is refused anyway).
  const blocked = approvalAwaitsPresentation(tap, request);
  const managerCheck = request.managerCheck;
  const presentation = presentationLine(words, request, now);
  const checks = [
    ...(request.check && request.check.kind !== 'verified-id' ? [say('approval.checkStated', { check: words.check(request.check.kind), name: request.check.by.name, time: words.time(request.check.at) })] : []),
    ...(presentation ? [presentation] : []),
    ...(managerCheck ? [say(managerCheck.confirmed ? 'approval.managerConfirmed' : 'approval.managerDidNotConfirm', { name: managerCheck.by.name, time: words.time(managerCheck.at) })] : []),
  ];
  const status =
    request.state === 'approved' || request.state === 'revealing' || request.state === 'revealed' || request.state === 'revoked'
      ? say('approval.approvedBy', { name: request.approval?.by.name ?? say('someone.anApprover'), time: words.time(request.approval?.at ?? request.createdAt) })
      : request.state === 'refused'
        ? request.refusal?.by
          ? say('approval.refusedBy', { name: request.refusal.by.name, time: words.time(request.refusal.at) })
          : say('approval.refused', { time: words.time(request.refusal?.at ?? request.createdAt) })
        : open
          ? ''
          : say('approval.noLongerWaiting', { state: words.state(request.state) });
  const count = request.lifetimeInMinutes ?? request.policy.defaultLifetimeInMinutes;
  return tap.deps.cards.render(
    'tap-approval',
    {
      title: say('approval.title', { name }),
      intro: say('approval.intro', { requester: request.requester.name, name, upn: request.target.upn }),
      facts: [
        { title: say('facts.request'), value: request.id },
        { title: say('facts.validFor'), value: say(request.isUsableOnce ? 'approval.minutesOnce' : 'approval.minutes', { count }) },
        { title: say('facts.openUntil'), value: words.time(request.expiresAt) },
      ],
      checks,
      // The agent's own words: shown as typed, never as markdown.
      reason: new PersonText(request.reason ?? ''),
      checkNote: request.check?.note ? new PersonText(request.check.note) : '',
      warning: [
        ...(request.replacesExistingPass ? [say('approval.replacesPass', { name })] : []),
        ...(request.privileged ? [say('approval.privileged', { reasons: words.reasons(request.privileged) })] : []),
        ...(open && blocked ? [say('approval.needsPresentation', { name })] : []),
      ].join(' '),
      status,
      open,
      approvable: open && !blocked,
      approveTitle: say(request.replacesExistingPass ? 'approval.approveAndReplace' : 'approval.approve'),
      requestId: request.id,
    },
    words.locale,
  );
}

/** The target's manager is asked, by the coach, whether the person is really asking. */
export function managerCard(tap: TapContext, words: TapWords, request: TapRequest): CardJson {
  const { say } = words;
  const name = request.target.name;
  const open = request.state === 'awaiting-manager';
  return tap.deps.cards.render(
    'tap-manager-check',
    {
      title: say('manager.title', { name }),
      paragraphs: [say('manager.asks', { requester: request.requester.name, name }), say('manager.confirmOnly')],
      status: open ? '' : request.managerCheck ? say(request.managerCheck.confirmed ? 'manager.answeredYes' : 'manager.answeredNo') : say('approval.noLongerWaiting', { state: words.state(request.state) }),
      open,
      requestId: request.id,
    },
    words.locale,
  );
}

/** The receiver's card once approved: the Reveal button opens the dialog that creates and shows the pass. */
export function revealCard(tap: TapContext, words: TapWords, request: TapRequest): Attachment {
  const { say } = words;
  const approver = request.approval?.by.name ?? say('someone.anApprover');
  return tap.deps.cards.attachment(
    'tap-reveal',
    {
      title: say('reveal.title', { name: request.target.name }),
      paragraphs: [
        say(request.replacesExistingPass ? 'reveal.approvedReplacing' : 'reveal.approved', { approver: capitalised(approver, words.locale), id: request.id }),
        say('reveal.howTo', { name: request.target.name, time: words.time(request.expiresAt) }),
      ],
      requestId: request.id,
    },
    words.locale,
  );
}

/** The dialog that shows the pass, once: never a chat message, so it is not kept anywhere. */
export function passDialog(tap: TapContext, words: TapWords, request: TapRequest, pass: string, method: TemporaryAccessPassMethod, now: Date): TaskModuleTaskInfo {
  const { say } = words;
  const name = request.target.name;
  const from = words.time(method.startDateTime ?? method.createdDateTime ?? now.toISOString());
  return {
    title: say('pass.title'),
    height: 'medium',
    width: 'medium',
    card: CardFactory.adaptiveCard(
      tap.deps.cards.render(
        'tap-pass',
        {
          name,
          pass: new TrustedMarkdown(pass),
          paragraphs: [
            say(method.isUsableOnce ? 'pass.validForOnce' : 'pass.validFor', { count: method.lifetimeInMinutes, time: from }),
            say('pass.readIt', { name }),
            say(request.manager ? 'pass.toldWithManager' : 'pass.told', { name }),
          ],
        },
        words.locale,
      ),
    ),
  };
}

/** The agent hears that their request was stopped, and why. */
export function stoppedNotice(tap: TapContext, words: TapWords, request: TapRequest): Attachment {
  const { say } = words;
  const why =
    request.managerCheck && !request.managerCheck.confirmed
      ? say('stopped.managerDenied')
      : request.state === 'refused' && request.refusal?.by
        ? say('stopped.refusedBy', { name: request.refusal.by.name })
        : words.state(request.state);
  return tap.deps.cards.attachment('notice', { title: say('stopped.title', { id: request.id }), paragraphs: [say('stopped.text', { name: request.target.name, why })], actions: [] }, words.locale);
}

export function alertNotice(tap: TapContext, words: TapWords, alert: TapAlert): Attachment {
  const params = alert.say?.params;
  const reasons = params?.reasons;
  const text = alert.say ? words.say(alert.say.key, reasons === undefined ? params : { ...params, reasons: words.reasons(String(reasons).split(REASONS_SEPARATOR)) }) : (alert.text ?? '');
  return tap.deps.cards.attachment('notice', { title: words.say(`alerts.titles.${alert.kind}`), paragraphs: [text], actions: [] }, words.locale);
}

/** A pass was created: the person, their manager and security are each told, with "This wasn't me" for the first two. */
export function createdNotice(tap: TapContext, words: TapWords, request: TapRequest, step: string): Attachment {
  const { say } = words;
  const name = request.target.name;
  const who = say('created.who', { requester: request.requester.name, approver: request.approval?.by.name ?? say('someone.anApprover') });
  const time = words.time(request.reveal?.createdAt ?? request.reveal?.at ?? request.createdAt);
  const notMe = { title: say('created.notMe'), verb: TAP_VERBS.notMe, data: { requestId: request.id } };
  const notice = (title: string, paragraphs: string[], actions: (typeof notMe)[]) => tap.deps.cards.attachment('notice', { title, paragraphs, actions }, words.locale);
  if (step === 'notice-target') return notice(say('created.forYouTitle'), [say('created.forYou', { who, time }), say('created.forYouNotMe')], [notMe]);
  if (step === 'notice-manager') return notice(say('created.forManagerTitle', { name }), [say('created.forManager', { name, who, time }), say('created.forManagerNotMe', { name })], [notMe]);
  const check = request.check ? words.check(request.check.kind) : say('created.noChecks');
  const checks = request.managerCheck?.confirmed ? say('created.confirmedByManager', { check }) : check;
  return notice(say('created.forSecurityTitle', { name }), [say('created.forSecurity', { id: request.id, name, upn: request.target.upn, who, time, checks })], []);
}

/** "an approver" at the start of a sentence. */
function capitalised(text: string, locale: string): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}
