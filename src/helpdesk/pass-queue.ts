// What is waiting for someone on the helpdesk, for `tap list` and the tab alike: their own open requests, the requests
// they may approve now, and the people who asked to talk to a person. A request is shown only to those involved in it.

import { presentationLine } from './presentation-views.js';
import { approvalAwaitsPresentation } from './start-presentation.js';
import type { DirectoryUser } from '../directory/graph-shapes.js';
import { pagesOf } from '../store/pages.js';
import { approverProblem, mayApprove } from './approvers.js';
import { HELP_REQUESTS_PARTITION, type HelpRequest } from './help-requests.js';
import type { HelpQueueEntry, PassQueue, PassSummary } from './pass-views.js';
import { expireIfDue } from './request-lifecycle.js';
import type { TapAnswer, TapContext } from './tap-context.js';
import { OPEN_STATES, type Person, type TapRequest } from './tap-records.js';
import { type TapWords, wordsInTurn } from './tap-words.js';

const HELP_QUEUE_SHOWN = 50;

/** The viewer's queue; undefined for anyone who is neither on the helpdesk nor an approver (the caller says no and audits it). */
export async function passQueue(tap: TapContext, viewer: Person, words: TapWords, now = new Date()): Promise<PassQueue | undefined> {
  const helpdesk = await tap.deps.membership.isMember(viewer.id, tap.settings.helpdeskGroupId, 'the pass queue');
  const approver = await mayApprove(tap, viewer);
  if (!helpdesk && !approver) return undefined;
  const mine: PassSummary[] = [];
  const toApprove: PassSummary[] = [];
  for await (const page of tap.records.all()) {
    for (const { value } of page) {
      if (!OPEN_STATES.has(value.state) || value.expiresAt <= now.toISOString()) continue;
      if (helpdesk && value.requester.id === viewer.id) mine.push(summarise(tap, words, value, false));
      else if (approver && value.state === 'awaiting-approval' && !(await approverProblem(tap, value, viewer))) toApprove.push(summarise(tap, words, value, true));
    }
  }
  const byExpiry = (a: PassSummary, b: PassSummary) => a.expiresAt.localeCompare(b.expiresAt);
  const { help, waiting } = helpdesk ? await helpQueue(tap) : { help: [], waiting: 0 };
  return { helpdesk, approver, mine: mine.sort(byExpiry), toApprove: toApprove.sort(byExpiry), help, waitingForPerson: waiting };
}

/** The people waiting to talk to a person, oldest first, the first page of them named from the directory. */
async function helpQueue(tap: TapContext): Promise<{ help: HelpQueueEntry[]; waiting: number }> {
  const open: HelpRequest[] = [];
  for await (const page of pagesOf<HelpRequest>(tap.deps.store, HELP_REQUESTS_PARTITION, 200)) for (const { value } of page) if (value.status === 'open') open.push(value);
  open.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  const shown = open.slice(0, HELP_QUEUE_SHOWN);
  const directory = tap.deps.directory;
  const people = shown.length > 0 && directory ? await directory.getUsers(shown.map((entry) => entry.userId)).catch(() => new Map<string, DirectoryUser>()) : new Map<string, DirectoryUser>();
  const help = shown.map((entry) => {
    const person = people.get(entry.userId);
    return { userId: entry.userId, name: person?.displayName ?? entry.userId, upn: person?.userPrincipalName ?? undefined, department: person?.department ?? undefined, intents: entry.intents, platform: entry.platform, requestedAt: entry.requestedAt };
  });
  return { help, waiting: open.length };
}

/** `tap list`: the queue, as a card in the chat. */
export async function listQueue(tap: TapContext, requester: Person, teamsLocale?: string, now = new Date()): Promise<TapAnswer> {
  const words = await wordsInTurn(tap, requester, teamsLocale);
  const { say } = words;
  const queue = await passQueue(tap, requester, words, now);
  if (!queue) {
    await tap.deps.audit.record({ action: 'tap.command.denied', outcome: 'denied', actor: { kind: 'user', aadObjectId: requester.id, displayName: requester.name }, details: { command: 'tap list' } });
    return { message: tap.notHelpdesk(words) };
  }
  const line = (item: PassSummary) => say('queue.line', { id: item.id, name: item.target.name, state: item.stateLabel, time: words.time(item.expiresAt) });
  const paragraphs = [
    ...(queue.helpdesk ? [queue.mine.length > 0 ? say('queue.mine', { list: queue.mine.map(line).join('; ') }) : say('queue.noneMine')] : []),
    ...(queue.toApprove.length > 0
      ? [say('queue.toApprove', { list: queue.toApprove.map((item) => say('queue.askedBy', { line: line(item), name: item.requester })).join('; ') })]
      : queue.approver
        ? [say('queue.nothingToApprove')]
        : []),
    ...(queue.helpdesk
      ? [
          queue.help.length > 0
            ? say('queue.waiting', { count: queue.waitingForPerson, list: queue.help.map((entry) => `${entry.name} (${entry.upn ?? say('queue.noSignInName')})`).join('; ') })
            : say('queue.nobodyWaiting'),
        ]
      : []),
  ];
  return { card: tap.deps.cards.render('notice', { title: say('queue.title'), paragraphs, actions: [] }, words.locale) };
}

/** One request as a list shows it, for someone allowed to see it. */
export async function passSummary(tap: TapContext, viewer: Person, id: string, words: TapWords, now = new Date()): Promise<PassSummary | undefined> {
  const current = await tap.records.get(id);
  if (!current) return undefined;
  const request = await expireIfDue(tap, current.value, now);
  const involved = request.requester.id === viewer.id || request.approval?.by.id === viewer.id || request.refusal?.by?.id === viewer.id;
  if (!involved && (await approverProblem(tap, request, viewer))) return undefined;
  return summarise(tap, words, request, request.state === 'awaiting-approval' && !(await approverProblem(tap, request, viewer)));
}

function summarise(tap: TapContext, words: TapWords, request: TapRequest, mayDecide: boolean): PassSummary {
  const { say } = words;
  const managerCheck = request.managerCheck;
  return {
    id: request.id,
    target: { name: request.target.name, upn: request.target.upn, department: request.target.department },
    requester: request.requester.name,
    state: request.state,
    stateLabel: words.state(request.state),
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
    reason: request.reason,
    lifetimeInMinutes: request.lifetimeInMinutes ?? request.policy.defaultLifetimeInMinutes,
    oneTime: request.isUsableOnce ?? true,
    checks: [
      ...(request.check ? [say('queue.checkStated', { check: words.check(request.check.kind), name: request.check.by.name })] : []),
      ...(managerCheck ? [say(managerCheck.confirmed ? 'queue.managerConfirmed' : 'queue.managerDidNotConfirm', { name: managerCheck.by.name })] : []),
      // Verified ID's result (waiting, verified with its evidence, failed and why), as the approval card says it.
      ...[presentationLine(words, request, new Date())].filter((line): line is string => line !== undefined),
    ],
    replacesExistingPass: request.replacesExistingPass,
    // Kept as codes (privileged-accounts.ts); a list shows each reason in its reader's words.
    privileged: (request.privileged ?? []).map((reason) => words.reasons([reason])),
    mayDecide,
    awaitsPresentation: approvalAwaitsPresentation(tap, request),
  };
}
