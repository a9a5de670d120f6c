// Temporary Access Passes for the helpdesk, with four eyes: an agent asks (`tap request <upn>`), the checks are made
// (the manager's own answer is collected by the coach, never typed by the agent), a second person approves, and the
// pass is created only when the designated receiver clicks "Reveal": shown once in a Teams dialog, never in the chat,
// never stored or logged. The person, their manager and security are told, and "This wasn't me" undoes it.
// Every state change is a compare-and-swap on the request; every step is audited.

import { CardFactory, MessageFactory, type TaskModuleTaskInfo, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { formatDeadline } from '../shared/formatting.js';
import { type CardJson, PersonText, TrustedMarkdown } from '../cards/card-renderer.js';
import type { TapSettings } from '../config/load-config.js';
import type { Directory, DirectoryUser, TemporaryAccessPassMethod, UserProfile } from '../directory/directory.js';
import { type NotAPersonReason, notAPersonsAccount } from '../directory/person-account.js';
import type { GroupMembership } from '../directory/group-membership.js';
import { isAppError } from '../errors/app-error.js';
import { UnreachableError, } from '../messaging/proactive-messenger.js';
import type { OutboxRow } from '../outbox/outbox.js';
import type { OutboxFeatureDeps } from '../outbox/outbox-router.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import { isGuid } from '../shared/guid.js';
import { visibleText } from '../shared/visible-text.js';
import { pagesOf } from '../store/pages.js';
import { closeHelpRequest, HELP_REQUESTS_PARTITION, type HelpRequest } from './help-requests.js';
import type { HelpQueueEntry, PassQueue, PassSummary } from './pass-views.js';
import { CHECK_KINDS, CHECK_LABELS, newTapRequestId, OPEN_STATES, type Person, type TapAlert, TapRecords, type TapRequest } from './tap-records.js';

export const TAP_VERBS = {
  submit: 'tap.submit',
  confirm: 'tap.confirm',
  approve: 'tap.approve',
  deny: 'tap.deny',
  reveal: 'tap.reveal',
  notMe: 'tap.not-me',
} as const;

export interface TemporaryAccessDeps extends OutboxFeatureDeps {
  settings: TapSettings;
  /** The service's one group-membership cache (campaign admins and the tab read the same). */
  membership: GroupMembership;
  /** Emergency-access accounts (object ids and UPNs, lower-case): always privileged. */
  breakGlass: readonly string[];
  timeZone: string;
}

/** What a command or click answers; `acted` when this very call changed the request (not someone quicker). */
export type TapAnswer = ({ card: CardJson } | { message: string }) & { acted?: boolean };
export type { HelpQueueEntry, PassQueue, PassSummary } from './pass-views.js';

const HELP_QUEUE_SHOWN = 50;

const submitSchema = z.object({
  requestId: z.string().max(20),
  check: z.enum(CHECK_KINDS),
  note: z.string().max(500).transform(visibleText).optional(),
  reason: z.string().transform(visibleText).pipe(z.string().trim().min(3).max(500)),
  lifetime: z.coerce.number().int(),
  oneTime: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
});
const requestIdSchema = z.object({ requestId: z.string().max(20) });

/** A lost Graph answer (timeout, 5xx): created again once, which replaces the first (both audited). */
const CREATE_ATTEMPTS = 3;

export class TemporaryAccess implements OutboxHandler {
  readonly records: TapRecords;
  readonly #membership: GroupMembership;

  constructor(private readonly deps: TemporaryAccessDeps) {
    this.records = new TapRecords(deps.store);
    this.#membership = deps.membership;
  }

  // ---- Commands ---------------------------------------------------------------------------------------------------

  /** `tap request <upn>`: checks, then the request form (a draft only its requester can send). */
  async request(requester: Person, upn: string, now = new Date()): Promise<TapAnswer> {
    const { directory, settings } = this.deps;
    if (!(await this.#isHelpdesk(requester, 'tap request'))) return { message: this.#notHelpdesk() };
    if (!directory) return { message: 'Passes need Microsoft Graph, which is not configured here.' };
    if (!upn) return { message: 'Tell me whose pass it is: tap request <their sign-in name>, for example tap request anna@contoso.com.' };

    // Every attempt takes one of the helpdesk's and one of the agent's hourly slots before anything is looked up,
    // refused attempts too: an agent probing names or racing the limit with many requests at once gets exactly the
    // limit, no more, and security hears of a burst across the helpdesk however it is spread.
    if (!(await this.records.takeHelpdeskSlot(settings.burstPerHour, now)) && (await this.records.oncePer('burst', 3_600_000, now))) {
      await this.#alert('burst', `More than ${settings.burstPerHour} pass requests were asked for across the helpdesk in the last hour.`, now);
    }
    if (!(await this.records.takeAgentSlot(requester.id, settings.requestsPerHour, now))) {
      await this.#audit('tap.request.refused', requester, undefined, { why: 'rate-limit', limit: settings.requestsPerHour });
      if (await this.records.oncePer(`rate-limit:${requester.id}`, 3_600_000, now)) {
        await this.#alert('rate-limit', `${requester.name} tried to ask for more than ${settings.requestsPerHour} passes in an hour; the attempts past the limit were refused.`, now);
      }
      return { message: `You've asked for ${settings.requestsPerHour} passes in the last hour, the most allowed. Security has been told; if this is a real rush, ask them.` };
    }

    let profile: UserProfile | undefined;
    try {
      // One Graph batch: the account and what its mailbox is for (a person's, shared, a room).
      profile = (await directory.userProfiles([upn])).get(upn);
    } catch (error) {
      this.deps.logger.warn('could not look the person up for a pass request', { error });
      return { message: "Microsoft Graph isn't answering just now, so I can't look the person up. Try again in a minute." };
    }
    if (!profile) return { message: `I can't find ${upn} in the directory. Check the sign-in name and try again.` };
    const target = profile.user;
    if (target.id === requester.id) {
      await this.#audit('tap.request.refused', requester, target.id, { why: 'self' });
      return { message: "You can't request a pass for yourself: ask a colleague on the helpdesk." };
    }
    const notAPerson = notAPersonsAccount(target, profile.mailbox);
    if (notAPerson) {
      await this.#audit('tap.request.refused', requester, target.id, { why: notAPerson });
      return { message: NOT_A_PERSON_ANSWERS[notAPerson](target.displayName ?? upn) };
    }

    const privileged = await this.#privilegedReasons(target);
    if (privileged.length > 0 && !settings.allowPrivileged) {
      await this.#audit('tap.request.refused', requester, target.id, { why: 'privileged', privileged });
      await this.#alert('privileged-attempt', `${requester.name} asked for a pass for ${target.displayName ?? upn}, a privileged account (${privileged.join(', ')}). It was refused.`, now);
      return { message: `${target.displayName ?? upn} has a privileged account (${privileged.join(', ')}), so I can't create a pass for them. Security has been told. Privileged accounts recover through their own break-glass process.` };
    }

    let policy: Awaited<ReturnType<Directory['temporaryAccessPassPolicy']>>;
    try {
      policy = await directory.temporaryAccessPassPolicy();
    } catch (error) {
      this.deps.logger.warn('could not read the pass policy', { error });
      return { message: "I couldn't read the tenant's pass policy just now. Try again in a minute." };
    }
    if (policy.state !== 'enabled') return { message: 'Temporary Access Passes are switched off in this tenant\'s authentication methods policy.' };

    // Unknown counts as "has one": the approver is told approving may replace a pass, never that it will not.
    const existing = await directory.temporaryAccessPasses(target.id).catch((error: unknown) => {
      this.deps.logger.warn('could not read the person\'s current pass; assuming they may have one', { error });
      return undefined;
    });
    let manager: DirectoryUser | undefined;
    try {
      manager = await directory.getManager(target.id);
    } catch (error) {
      // Not "no manager": who confirms and who reveals may depend on it, so nothing is decided on a guess.
      this.deps.logger.warn('could not read the manager for a pass request', { error });
      return { message: "Microsoft Graph isn't answering just now, so I can't check who the person's manager is. Try again in a minute." };
    }
    const usableManager = manager && manager.accountEnabled !== false && manager.id !== target.id ? { id: manager.id, name: manager.displayName ?? 'their manager' } : undefined;
    if (settings.receiver === 'manager' && !usableManager) {
      return { message: `Passes here are revealed to the person's manager, and ${target.displayName ?? upn} has none the coach can reach, so I can't open a request. Ask security how to proceed.` };
    }
    if (settings.receiver === 'manager' && usableManager?.id === requester.id) {
      return { message: `Passes here are revealed to the person's manager, and that is you: ask a colleague on the helpdesk to request it.` };
    }
    const id = newTapRequestId();
    const request: TapRequest = {
      id,
      requester,
      target: { id: target.id, name: target.displayName ?? upn, upn: target.userPrincipalName ?? upn, department: target.department ?? undefined },
      manager: usableManager,
      receiverId: settings.receiver === 'manager' && usableManager ? usableManager.id : requester.id,
      state: 'draft',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + settings.requestMinutes * 60_000).toISOString(),
      policy: {
        minimumLifetimeInMinutes: Math.max(10, policy.minimumLifetimeInMinutes),
        maximumLifetimeInMinutes: Math.min(43200, policy.maximumLifetimeInMinutes),
        defaultLifetimeInMinutes: policy.defaultLifetimeInMinutes,
        isUsableOnce: policy.isUsableOnce,
      },
      replacesExistingPass: existing === undefined || existing.some((pass) => pass.isUsable !== false),
      ...(privileged.length > 0 ? { privileged } : {}),
      copies: [],
    };
    // The record first, then the person's slot: a slot always names a request that exists, so one whose request is
    // missing is stale and may be taken over (see #claim). A request that loses the slot is withdrawn at once.
    await this.records.create(request);
    const holder = await this.#claim(target.id, id, now);
    if (holder) {
      await this.records.update(id, (latest) => (latest.state === 'draft' ? { ...latest, state: 'cancelled', refusal: { at: now.toISOString(), why: `request ${holder} was already open` } } : undefined));
      return { message: `There is already an open pass request for ${target.displayName ?? upn} (${holder}). Cancel it first, or wait for it to expire.` };
    }
    if (privileged.length > 0) {
      await this.#alert('privileged-attempt', `${requester.name} opened a pass request for ${request.target.name}, a privileged account (${privileged.join(', ')}). Only the security group can approve it.`, now);
    }
    await this.#audit('tap.request.opened', requester, target.id, { requestId: id, privileged, replacesExistingPass: request.replacesExistingPass });
    return { card: this.#requestCard(request, now) };
  }

  /**
   * What is waiting for this person, for `tap list` and the tab alike: their own open requests (helpdesk), the
   * requests they may approve now (approvers), and the people who asked to talk to a person (helpdesk). Undefined
   * for anyone who is neither (the caller says no and audits it).
   */
  async queue(viewer: Person, now = new Date()): Promise<PassQueue | undefined> {
    const { helpdeskGroupId } = this.deps.settings;
    const helpdesk = await this.#membership.isMember(viewer.id, helpdeskGroupId, 'the pass queue');
    const approver = await this.mayApprove(viewer);
    if (!helpdesk && !approver) return undefined;
    const mine: PassSummary[] = [];
    const toApprove: PassSummary[] = [];
    for await (const page of this.records.all()) {
      for (const { value } of page) {
        if (!OPEN_STATES.has(value.state) || value.expiresAt <= now.toISOString()) continue;
        if (helpdesk && value.requester.id === viewer.id) mine.push(this.#summary(value, false));
        else if (approver && value.state === 'awaiting-approval' && !(await this.#approverProblem(value, viewer))) toApprove.push(this.#summary(value, true));
      }
    }
    const byExpiry = (a: PassSummary, b: PassSummary) => a.expiresAt.localeCompare(b.expiresAt);
    const help: HelpQueueEntry[] = [];
    let waiting = 0;
    if (helpdesk) {
      const open: HelpRequest[] = [];
      for await (const page of pagesOf<HelpRequest>(this.deps.store, HELP_REQUESTS_PARTITION, 200)) for (const { value } of page) if (value.status === 'open') open.push(value);
      open.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
      waiting = open.length;
      const shown = open.slice(0, HELP_QUEUE_SHOWN);
      const people = shown.length > 0 && this.deps.directory ? await this.deps.directory.getUsers(shown.map((entry) => entry.userId)).catch(() => new Map<string, DirectoryUser>()) : new Map<string, DirectoryUser>();
      for (const entry of shown) {
        const person = people.get(entry.userId);
        help.push({ userId: entry.userId, name: person?.displayName ?? entry.userId, upn: person?.userPrincipalName ?? undefined, department: person?.department ?? undefined, intents: entry.intents, platform: entry.platform, requestedAt: entry.requestedAt });
      }
    }
    return { helpdesk, approver, mine: mine.sort(byExpiry), toApprove: toApprove.sort(byExpiry), help, waitingForPerson: waiting };
  }

  /** `tap list`: the queue, as a card in the chat. */
  async list(requester: Person, now = new Date()): Promise<TapAnswer> {
    const queue = await this.queue(requester, now);
    if (!queue) {
      await this.deps.audit.record({ action: 'tap.command.denied', outcome: 'denied', actor: { kind: 'user', aadObjectId: requester.id, displayName: requester.name }, details: { command: 'tap list' } });
      return { message: this.#notHelpdesk() };
    }
    const line = (item: PassSummary) => `${item.id}: ${item.target.name}, ${item.stateLabel} (until ${this.#time(item.expiresAt)})`;
    const paragraphs = [
      ...(queue.helpdesk ? [queue.mine.length > 0 ? `Open requests: ${queue.mine.map(line).join('; ')}.` : 'You have no open pass requests.'] : []),
      ...(queue.toApprove.length > 0 ? [`Waiting for your approval: ${queue.toApprove.map((item) => `${line(item)}, asked by ${item.requester}`).join('; ')}.`] : queue.approver ? ['Nothing is waiting for your approval.'] : []),
      ...(queue.helpdesk
        ? [queue.help.length > 0 ? `Waiting to talk to a person (${queue.waitingForPerson}): ${queue.help.map((entry) => `${entry.name} (${entry.upn ?? 'no sign-in name'})`).join('; ')}.` : 'Nobody is waiting to talk to a person.']
        : []),
    ];
    return { card: this.deps.cards.render('notice', { title: 'Your pass requests and the queue', paragraphs, actions: [] }) };
  }

  /**
   * `queue done <upn>` and the tab's "Helped" button: someone in the "talk to a person" queue was helped, so they
   * leave it (they can ask again). Helpdesk only; the person is named by sign-in name or object id.
   */
  async closeHelp(agent: Person, who: string, now = new Date()): Promise<{ outcome: 'done' | 'refused' | 'not-found' | 'unchanged' | 'unavailable'; message: string }> {
    if (!(await this.#isHelpdesk(agent, 'queue done'))) {
      return { outcome: 'refused', message: this.deps.settings.helpdeskGroupId ? 'Sorry, the "talk to a person" queue is worked by the helpdesk only.' : this.#notHelpdesk() };
    }
    const wanted = who.trim();
    if (!wanted) return { outcome: 'not-found', message: 'Tell me who was helped: queue done <their sign-in name>.' };
    // A sign-in name is at most 113 characters before the @ and a domain after it: anything longer names nobody.
    if (wanted.length > 320 || /\s/.test(wanted)) return { outcome: 'not-found', message: 'That is not a sign-in name. Type queue done <their sign-in name>.' };
    const isId = isGuid(wanted);
    // Graph names the person (by sign-in name or id); someone who left the directory can still leave the queue by id.
    let person: DirectoryUser | undefined;
    try {
      person = await this.deps.directory?.getUser(wanted);
    } catch (error) {
      if (!isId) {
        this.deps.logger.warn('could not look the person up to close their help request', { error });
        return { outcome: 'unavailable', message: "Microsoft Graph isn't answering just now, so I can't look the person up. Try again in a minute." };
      }
    }
    if (!person && !isId) return { outcome: 'not-found', message: `I can't find ${wanted} in the directory.` };
    const userId = person?.id ?? wanted.toLowerCase();
    const name = person?.displayName ?? wanted;
    const current = await this.deps.store.get<HelpRequest>(HELP_REQUESTS_PARTITION, userId);
    if (!current) return { outcome: 'not-found', message: `${name} is not in the "talk to a person" queue.` };
    const closed = await closeHelpRequest(this.deps.store, userId, agent, now);
    if (!closed) return { outcome: 'unchanged', message: `${name} was already marked as helped${current.value.closed ? ` by ${current.value.closed.by.name}` : ''}.` };
    await this.#audit('helpdesk.request.closed', agent, userId, { requestedAt: closed.requestedAt });
    return { outcome: 'done', message: `${name} is marked as helped and leaves the queue.` };
  }

  /** One request as a list shows it, for someone allowed to see it. */
  async summary(viewer: Person, id: string, now = new Date()): Promise<PassSummary | undefined> {
    const current = await this.records.get(id);
    if (!current) return undefined;
    const request = await this.#expireIfDue(current.value, now);
    const involved = request.requester.id === viewer.id || request.approval?.by.id === viewer.id || request.refusal?.by?.id === viewer.id;
    if (!involved && (await this.#approverProblem(request, viewer))) return undefined;
    return this.#summary(request, request.state === 'awaiting-approval' && !(await this.#approverProblem(request, viewer)));
  }

  #summary(request: TapRequest, mayDecide: boolean): PassSummary {
    return {
      id: request.id,
      target: { name: request.target.name, upn: request.target.upn, department: request.target.department },
      requester: request.requester.name,
      state: request.state,
      stateLabel: STATE_LABELS[request.state],
      createdAt: request.createdAt,
      expiresAt: request.expiresAt,
      reason: request.reason,
      lifetimeInMinutes: request.lifetimeInMinutes ?? request.policy.defaultLifetimeInMinutes,
      oneTime: request.isUsableOnce ?? true,
      checks: [
        ...(request.check ? [`${CHECK_LABELS[request.check.kind]}, stated by ${request.check.by.name}`] : []),
        ...(request.managerCheck ? [`${request.managerCheck.by.name} (manager) ${request.managerCheck.confirmed ? 'confirmed' : 'did not confirm'} it was them`] : []),
      ],
      replacesExistingPass: request.replacesExistingPass,
      privileged: request.privileged ?? [],
      mayDecide,
    };
  }

  /** `tap cancel <id>`: the requester withdraws an open request. */
  async cancel(requester: Person, rawId: string, now = new Date()): Promise<TapAnswer> {
    if (!(await this.#isHelpdesk(requester, 'tap cancel'))) return { message: this.#notHelpdesk() };
    const id = rawId.trim().toUpperCase();
    const current = await this.records.get(id);
    if (!current || current.value.requester.id !== requester.id) return { message: `You have no request ${rawId || '(no id given)'}. Type "tap list" to see yours.` };
    const updated = await this.records.update(id, (latest) => (OPEN_STATES.has(latest.state) && latest.state !== 'revealing' ? { ...latest, state: 'cancelled', refusal: { by: requester, at: now.toISOString(), why: 'cancelled by the requester' } } : undefined));
    if (!updated) return { message: `Request ${id} is ${STATE_LABELS[current.value.state]}: there is nothing to cancel.` };
    await this.#settled(updated.value);
    await this.#updateCards(updated.value, now);
    await this.#audit('tap.request.cancelled', requester, updated.value.target.id, { requestId: id });
    return { message: `Request ${id} for ${updated.value.target.name} is cancelled.`, acted: true };
  }

  // ---- Card actions -----------------------------------------------------------------------------------------------

  /** The requester sends the filled-in form. */
  async submit(clicker: Person, data: unknown, now = new Date()): Promise<TapAnswer> {
    const ids = requestIdSchema.safeParse(data);
    const request = ids.success ? await this.#live(ids.data.requestId, now) : undefined;
    if (!request || request.requester.id !== clicker.id) return this.#forged(clicker, 'tap.submit', data);
    if (request.state !== 'draft') return { card: this.#requestCard(request, now) };
    const parsed = submitSchema.safeParse(data);
    if (!parsed.success) return { card: this.#requestCard(request, now, 'Choose the identity check, say why the pass is needed, and give a lifetime in minutes.') };
    const { check, note, reason, lifetime } = parsed.data;
    const { minimumLifetimeInMinutes: min, maximumLifetimeInMinutes: max } = request.policy;
    if (lifetime < min || lifetime > max) return { card: this.#requestCard(request, now, `The tenant policy allows ${min} to ${max} minutes.`) };
    if (check === 'manager' && !request.manager) return { card: this.#requestCard(request, now, `${request.target.name} has no manager the coach can ask. Choose another check.`) };
    if (check === 'manager' && request.manager?.id === clicker.id) return { card: this.#requestCard(request, now, `You are ${request.target.name}'s manager, so your own confirmation is no second check. Choose another one.`) };
    const oneTime = parsed.data.oneTime === undefined ? true : parsed.data.oneTime === true || parsed.data.oneTime === 'true';
    const next = check === 'manager' ? 'awaiting-manager' : 'awaiting-approval';
    const updated = await this.records.update(request.id, (latest) =>
      latest.state === 'draft'
        ? { ...latest, state: next, check: { kind: check, note: note?.trim() || undefined, by: clicker, at: now.toISOString() }, reason, lifetimeInMinutes: lifetime, isUsableOnce: oneTime }
        : undefined,
    );
    if (!updated) return { card: this.#requestCard((await this.records.get(request.id))?.value ?? request, now) };
    await this.#audit('tap.request.submitted', clicker, request.target.id, { requestId: request.id, check, lifetime, oneTime });
    if (next === 'awaiting-manager' && request.manager) await this.#send(request.id, request.manager.id, 'manager-check', now);
    else await this.#askApprovers(updated.value, now);
    return { card: this.#requestCard(updated.value, now) };
  }

  /** The target's manager answers "is this them?". */
  async confirm(clicker: Person, data: unknown, now = new Date()): Promise<TapAnswer> {
    const parsed = z.object({ requestId: z.string().max(20), answer: z.enum(['yes', 'no']) }).safeParse(data);
    const request = parsed.success ? await this.#live(parsed.data.requestId, now) : undefined;
    if (!parsed.success || !request || request.manager?.id !== clicker.id) return this.#forged(clicker, 'tap.confirm', data);
    const confirmed = parsed.data.answer === 'yes';
    const updated = await this.records.update(request.id, (latest) =>
      latest.state === 'awaiting-manager'
        ? {
            ...latest,
            state: confirmed ? 'awaiting-approval' : 'refused',
            managerCheck: { confirmed, by: clicker, at: now.toISOString() },
            ...(confirmed ? {} : { refusal: { by: clicker, at: now.toISOString(), why: 'the manager did not confirm' } }),
          }
        : undefined,
    );
    if (!updated) return { card: this.#managerCard((await this.records.get(request.id))?.value ?? request) };
    await this.#audit(confirmed ? 'tap.manager.confirmed' : 'tap.manager.denied', clicker, request.target.id, { requestId: request.id });
    if (confirmed) await this.#askApprovers(updated.value, now);
    else {
      await this.#alert('manager-denied', `${clicker.name} did not confirm that ${request.target.name} was asking the helpdesk (${request.requester.name}) for a pass. The request was stopped.`, now, request.id);
      await this.#send(request.id, request.requester.id, 'outcome-requester', now);
      await this.#settled(updated.value);
    }
    return { card: this.#managerCard(updated.value) };
  }

  /** An approver approves or refuses. */
  async decide(clicker: Person, approve: boolean, data: unknown, clickedActivityId: string | undefined, now = new Date()): Promise<TapAnswer> {
    const parsed = requestIdSchema.safeParse(data);
    const current = parsed.success ? await this.records.get(parsed.data.requestId) : undefined;
    if (!current) return this.#forged(clicker, approve ? 'tap.approve' : 'tap.deny', data);
    const request = await this.#expireIfDue(current.value, now);
    const problem = await this.#approverProblem(request, clicker);
    if (problem) {
      await this.#audit('tap.approval.denied', clicker, request.target.id, { requestId: request.id, why: problem.code });
      return { message: problem.message };
    }
    if (request.state !== 'awaiting-approval') {
      // Too late (expired, decided, cancelled) or too early (the manager has not answered): shown, not acted on.
      if (request.state !== 'approved' || !approve) await this.#audit('tap.approval.denied', clicker, request.target.id, { requestId: request.id, why: `request ${request.state}` });
      return { card: this.#approvalCard(request) };
    }
    const updated = await this.records.update(request.id, (latest) =>
      latest.state === 'awaiting-approval' && latest.expiresAt > now.toISOString()
        ? approve
          ? { ...latest, state: 'approved', approval: { by: clicker, at: now.toISOString() } }
          : { ...latest, state: 'refused', refusal: { by: clicker, at: now.toISOString(), why: 'refused by an approver' } }
        : undefined,
    );
    const latest = updated?.value ?? (await this.records.get(request.id))?.value ?? request;
    if (!updated) return { card: this.#approvalCard(latest) };
    await this.#audit(approve ? 'tap.request.approved' : 'tap.request.refused', clicker, request.target.id, { requestId: request.id, replacesExistingPass: request.replacesExistingPass, privileged: request.privileged ?? [] });
    await this.#updateCards(latest, now, clickedActivityId);
    if (approve) await this.#send(request.id, latest.receiverId, 'reveal', now);
    else {
      await this.#send(request.id, request.requester.id, 'outcome-requester', now);
      await this.#settled(latest);
    }
    return { card: this.#approvalCard(latest), acted: true };
  }

  /**
   * The receiver opens the dialog: the approval is checked again and moved to "revealing" atomically, the pass is
   * created, and shown in the dialog only. A second click, or anyone else's, shows nothing.
   */
  async reveal(clicker: Person, data: unknown, now = new Date()): Promise<TaskModuleTaskInfo | string> {
    const parsed = requestIdSchema.safeParse(data);
    const current = parsed.success ? await this.records.get(parsed.data.requestId) : undefined;
    if (!current || current.value.receiverId !== clicker.id) {
      await this.#audit('tap.reveal.denied', clicker, current?.value.target.id, { requestId: parsed.success ? parsed.data.requestId.slice(0, 20) : null });
      return 'There is nothing to show here.';
    }
    const request = await this.#expireIfDue(current.value, now);
    const claimed = await this.records.update(request.id, (latest) =>
      latest.state === 'approved' && latest.expiresAt > now.toISOString() ? { ...latest, state: 'revealing', reveal: { by: clicker, at: now.toISOString(), attempts: [] } } : undefined,
    );
    if (!claimed) {
      await this.#audit('tap.reveal.denied', clicker, request.target.id, { requestId: request.id, state: request.state });
      return request.state === 'revealed' || request.state === 'revealing' ? 'This pass has already been shown, and it is shown only once. If it was lost, open a new request.' : `There is nothing to show: the request is ${STATE_LABELS[request.state]}.`;
    }
    // Roles can change while a request waits: a target who became privileged since was approved by the wrong group
    // (or not at all under the default policy), so nothing is created.
    const privilegedNow = claimed.value.privileged ? [] : await this.#privilegedReasons({ id: request.target.id, userPrincipalName: request.target.upn } as DirectoryUser);
    if (privilegedNow.length > 0 && privilegedNow.every((reason) => UNCHECKED_REASONS.has(reason))) {
      // Graph could not say: nothing is created (fail closed), but the approval stands for another try.
      await this.records.update(request.id, (latest) => (latest.state === 'revealing' ? { ...latest, state: 'approved' } : undefined));
      await this.#audit('tap.reveal.denied', clicker, request.target.id, { requestId: request.id, why: 'privilege not checkable', privileged: privilegedNow });
      return "I couldn't check the account's admin roles just now, so nothing was created. Close this and try Reveal again in a minute.";
    }
    if (privilegedNow.length > 0) {
      await this.records.update(request.id, (latest) => (latest.state === 'revealing' ? { ...latest, state: 'refused', refusal: { at: now.toISOString(), why: `the account became privileged (${privilegedNow.join(', ')})` } } : undefined));
      await this.#settled(request);
      await this.#audit('tap.reveal.denied', clicker, request.target.id, { requestId: request.id, why: 'privileged', privileged: privilegedNow });
      await this.#alert('privileged-attempt', `A pass for ${request.target.name} (request ${request.id}) was about to be created, but the account is now privileged (${privilegedNow.join(', ')}). Nothing was created.`, now, request.id);
      return `${request.target.name}'s account is now privileged, so no pass was created. Security has been told.`;
    }
    const created = await this.#create(claimed.value, clicker);
    if (!created) {
      // Nothing usable came back: the approval stands, and another click tries again.
      await this.records.update(request.id, (latest) => (latest.state === 'revealing' ? { ...latest, state: 'approved' } : undefined));
      return "Microsoft Graph didn't create the pass just now. Close this and try Reveal again in a minute.";
    }
    const { pass, method } = created;
    const minutes = method.lifetimeInMinutes;
    return {
      title: 'Temporary Access Pass',
      height: 'medium',
      width: 'medium',
      card: CardFactory.adaptiveCard(
        this.deps.cards.render('tap-pass', {
          name: request.target.name,
          pass: new TrustedMarkdown(pass),
          paragraphs: [
            `Valid for ${minutes} minutes${method.isUsableOnce ? ', for one sign-in only' : ''}, from ${this.#time(method.startDateTime ?? method.createdDateTime ?? now.toISOString())}.`,
            `Read it to ${request.target.name} on the call where you checked who they are; never send it in a chat or an email. This is the only time it is shown.`,
            `${request.target.name}${request.manager ? ', their manager' : ''} and security have been told that a pass was created.`,
          ],
        }),
      ),
    };
  }

  /** "This wasn't me", from the target or their manager: the pass goes, sessions end, new methods go, security is alerted. */
  async notMe(clicker: Person, data: unknown, now = new Date()): Promise<TapAnswer> {
    const parsed = requestIdSchema.safeParse(data);
    const current = parsed.success ? await this.records.get(parsed.data.requestId) : undefined;
    if (!current || (clicker.id !== current.value.target.id && clicker.id !== current.value.manager?.id)) return this.#forged(clicker, 'tap.not-me', data);
    const request = current.value;
    const updated = await this.records.update(request.id, (latest) => (latest.state === 'revealed' ? { ...latest, state: 'revoked', notMe: { by: clicker, at: now.toISOString(), removedMethods: 0 } } : undefined));
    if (!updated) {
      return { message: request.state === 'revoked' ? 'This was already reported: the pass is gone and security knows.' : 'There is no pass from this request to undo.' };
    }
    const directory = this.deps.directory;
    let removed = 0;
    const problems: string[] = [];
    if (directory) {
      if (request.reveal?.methodId) await directory.deleteTemporaryAccessPass(request.target.id, request.reveal.methodId).catch((error: unknown) => problems.push(`deleting the pass: ${(error as Error).message}`));
      await directory.revokeSignInSessions(request.target.id).catch((error: unknown) => problems.push(`revoking sessions: ${(error as Error).message}`));
      const since = request.reveal?.createdAt ?? request.reveal?.at ?? request.createdAt;
      const methods = await directory.authenticationMethods(request.target.id).catch((error: unknown) => {
        problems.push(`reading methods: ${(error as Error).message}`);
        return [];
      });
      for (const method of methods) {
        if (method['@odata.type'] === '#microsoft.graph.passwordAuthenticationMethod') continue;
        if (!method.createdDateTime || method.createdDateTime < since) continue;
        try {
          await directory.deleteAuthenticationMethod(request.target.id, method);
          removed += 1;
        } catch (error) {
          problems.push(`removing a method: ${(error as Error).message}`);
        }
      }
    }
    await this.records.update(request.id, (latest) => ({ ...latest, notMe: { by: clicker, at: now.toISOString(), removedMethods: removed } }));
    await this.#audit('tap.not-me', clicker, request.target.id, { requestId: request.id, removedMethods: removed, problems });
    await this.#alert(
      'not-me',
      `${clicker.name} reported that the pass created for ${request.target.name} (request ${request.id}, by ${request.requester.name}, approved by ${request.approval?.by.name ?? 'unknown'}) was not asked for. The pass was deleted, sessions revoked and ${removed} method(s) registered since removed.${problems.length > 0 ? ` Problems: ${problems.join('; ')}.` : ''}`,
      now,
      request.id,
    );
    return {
      message: `Thanks for telling us. The pass is deleted, ${clicker.id === request.target.id ? 'you are' : `${request.target.name} is`} signed out everywhere${removed > 0 ? `, ${removed} sign-in method(s) added since the pass was created are removed` : ''}, and security has been alerted.${problems.length > 0 ? ' Some steps failed; security has the details.' : ''}`,
    };
  }

  // ---- Creating the pass ------------------------------------------------------------------------------------------

  /** Creates the pass (again once if Graph's answer was lost: that replaces the first); records everything but the value. */
  async #create(request: TapRequest, clicker: Person): Promise<{ pass: string; method: TemporaryAccessPassMethod } | undefined> {
    const directory = this.deps.directory;
    if (!directory) return undefined;
    let created: { pass: string; method: TemporaryAccessPassMethod; attempt: number; at: string } | undefined;
    // Only creating (and, after a lost answer, checking which pass Graph holds) is retried: once a pass exists, nothing
    // that fails afterwards may create another.
    for (let attempt = 1; attempt <= CREATE_ATTEMPTS && !created; attempt++) {
      const at = new Date().toISOString();
      try {
        const method = await directory.createTemporaryAccessPass(request.target.id, { lifetimeInMinutes: request.lifetimeInMinutes ?? request.policy.defaultLifetimeInMinutes, isUsableOnce: request.isUsableOnce ?? true });
        const pass = method.temporaryAccessPass;
        if (!pass) throw new Error('Graph returned no pass value');
        // After a lost answer the first creation may still land after this one and replace it: show a pass only if it
        // is the one Graph holds now.
        if (attempt > 1) {
          const current = await directory.temporaryAccessPasses(request.target.id);
          if (!current.some((candidate) => candidate.id === method.id)) throw new Error('an earlier attempt replaced this pass after it was created');
        }
        created = { pass, method, attempt, at };
      } catch (error) {
        const outcome = error instanceof Error ? error.message.slice(0, 200) : String(error);
        await this.#bestEffort('recording a failed creation', async () => {
          await this.records.update(request.id, (latest) => ({ ...latest, reveal: latest.reveal ? { ...latest.reveal, attempts: [...latest.reveal.attempts, { at, outcome: `failed: ${outcome}` }] } : latest.reveal }));
          await this.#audit('tap.create.failed', clicker, request.target.id, { requestId: request.id, attempt, error: outcome });
        });
        // A refusal (policy, permission, the user gone) will not change on a retry; a lost or throttled answer may.
        if (isAppError(error, 'directory.denied') || isAppError(error, 'directory.not-found') || isAppError(error, 'directory.failed')) return undefined;
        // A lost answer means Graph is slow: give the first request time to land before creating again.
        const retryAfterMs = (error as { details?: { retryAfterMs?: number } }).details?.retryAfterMs;
        const status = (error as { details?: { statusCode?: number } }).details?.statusCode;
        const lost = isAppError(error, 'directory.unavailable') && (status === undefined || status <= 0);
        if (attempt < CREATE_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterMs ?? (lost ? 2_000 : 500), 5_000)));
      }
    }
    if (!created) return undefined;
    const { pass, method, attempt, at } = created;
    // The pass exists: it is shown whatever happens below; each step that fails is logged for security to follow up.
    await this.#bestEffort('recording the pass', async () => {
      await this.records.update(request.id, (latest) => ({
        ...latest,
        state: 'revealed',
        reveal: { by: clicker, at: latest.reveal?.at ?? at, methodId: method.id, createdAt: method.createdDateTime ?? at, attempts: [...(latest.reveal?.attempts ?? []), { at, outcome: 'created' }] },
      }));
      await this.#audit('tap.created', clicker, request.target.id, { requestId: request.id, attempt, methodId: method.id, lifetimeInMinutes: method.lifetimeInMinutes, isUsableOnce: method.isUsableOnce, approvedBy: request.approval?.by.id ?? null });
      await this.#settled({ ...request, state: 'revealed' });
    });
    await this.#bestEffort('queuing the notices', async () => {
      const now = new Date();
      await this.#send(request.id, request.target.id, 'notice-target', now);
      if (request.manager) await this.#send(request.id, request.manager.id, 'notice-manager', now);
      for (const member of await this.#members(this.deps.settings.securityGroupId)) await this.#send(request.id, member, 'notice-security', now);
    });
    return { pass, method };
  }

  async #bestEffort(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.deps.logger.error(`pass request: ${what} failed`, { error });
    }
  }

  // ---- The outbox handler -----------------------------------------------------------------------------------------

  async deliver(row: OutboxRow): Promise<DeliveryResult> {
    try {
      if (row.step === 'alert') {
        const alert = await this.records.alert(row.campaignId);
        if (!alert) return { outcome: 'cancelled', reason: 'no such alert' };
        return this.#post(row.userId, this.deps.cards.attachment('notice', { title: ALERT_TITLES[alert.kind], paragraphs: [alert.text], actions: [] }));
      }
      const request = (await this.records.get(row.campaignId))?.value;
      if (!request) return { outcome: 'cancelled', reason: 'no such request' };
      if (row.step === 'manager-check') {
        if (request.state !== 'awaiting-manager') return { outcome: 'cancelled', reason: `the request is ${request.state}` };
        return this.#post(row.userId, CardFactory.adaptiveCard(this.#managerCard(request)));
      }
      if (row.step === 'approve-ask') {
        if (request.state !== 'awaiting-approval') return { outcome: 'cancelled', reason: `the request is ${request.state}` };
        return this.#post(row.userId, CardFactory.adaptiveCard(this.#approvalCard(request)));
      }
      if (row.step.startsWith('update-')) {
        const copy = request.copies.find((candidate) => candidate.activityId === row.step.slice('update-'.length));
        if (!copy) return { outcome: 'cancelled', reason: 'no such card' };
        const done = await this.deps.messenger.update(row.userId, copy.conversationId, copy.activityId, MessageFactory.attachment(CardFactory.adaptiveCard(this.#approvalCard(request))));
        return done ? { outcome: 'sent', conversationId: copy.conversationId, activityId: copy.activityId } : { outcome: 'cancelled', reason: 'Teams no longer has the card' };
      }
      if (row.step === 'reveal') {
        if (request.state !== 'approved') return { outcome: 'cancelled', reason: `the request is ${request.state}` };
        return this.#post(
          row.userId,
          this.deps.cards.attachment('tap-reveal', {
            title: `Pass for ${request.target.name} approved`,
            paragraphs: [
              `${request.approval?.by.name ?? 'An approver'} approved request ${request.id}${request.replacesExistingPass ? ', replacing the pass they already had' : ''}.`,
              `When ${request.target.name} is with you, click Reveal: the pass is created then and shown once, in a dialog that is not kept in this chat. The approval lapses at ${this.#time(request.expiresAt)}.`,
            ],
            requestId: request.id,
          }),
        );
      }
      if (row.step === 'outcome-requester') {
        const why = request.refusal?.why ?? STATE_LABELS[request.state];
        return this.#post(row.userId, this.deps.cards.attachment('notice', { title: `Request ${request.id} stopped`, paragraphs: [`The pass request for ${request.target.name} was stopped: ${why}.`], actions: [] }));
      }
      if (row.step.startsWith('notice-')) return this.#post(row.userId, this.deps.cards.attachment('notice', this.#notice(request, row.step)));
      return { outcome: 'failed', reason: `unknown step ${row.step}` };
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      if (error.reason === 'removed-app' || error.reason === 'blocked-app') await this.deps.messenger.markUnreachable(row.userId, error.reason);
      return { outcome: 'failed', reason: `${error.reason}: ${error.message}` };
    }
  }

  async settled(row: OutboxRow, result: DeliveryResult): Promise<void> {
    if (row.step !== 'approve-ask' || result.outcome !== 'sent' || !result.conversationId || !result.activityId) return;
    const copy = { recipientId: row.userId, conversationId: result.conversationId, activityId: result.activityId };
    const updated = await this.records.update(row.campaignId, (latest) => (latest.copies.some((known) => known.activityId === copy.activityId) ? undefined : { ...latest, copies: [...latest.copies, copy] }));
    if (updated && updated.value.state !== 'awaiting-approval') await this.#send(row.campaignId, row.userId, `update-${copy.activityId}`, new Date());
  }

  async #post(userId: string, attachment: ReturnType<typeof CardFactory.adaptiveCard>): Promise<DeliveryResult> {
    const delivered = await this.deps.messenger.send(userId, MessageFactory.attachment(attachment));
    return { outcome: 'sent', ...delivered };
  }

  // ---- Rules ------------------------------------------------------------------------------------------------------

  /** Member of a group that approves some requests (the approvers, or security when privileged passes are allowed). */
  async mayApprove(person: Person): Promise<boolean> {
    const { approversGroupId, securityGroupId, allowPrivileged } = this.deps.settings;
    if (await this.#membership.isMember(person.id, approversGroupId, 'the pass queue')) return true;
    return allowPrivileged && (await this.#membership.isMember(person.id, securityGroupId, 'the pass queue'));
  }

  async #approverProblem(request: TapRequest, clicker: Person): Promise<{ code: string; message: string } | undefined> {
    if (clicker.id === request.requester.id) return { code: 'own-request', message: 'You opened this request, so someone else has to approve it.' };
    if (clicker.id === request.target.id) return { code: 'target', message: "The pass is for you, so you can't approve it." };
    if (clicker.id === request.managerCheck?.by.id) return { code: 'confirmed-it', message: 'You confirmed it was them, so someone else has to approve it.' };
    if (clicker.id === request.receiverId) return { code: 'receiver', message: 'You will reveal this pass, so someone else has to approve it.' };
    if (!(await this.#membership.isMember(clicker.id, this.#approversOf(request), 'the pass approval'))) {
      return { code: 'not-approver', message: request.privileged ? 'This pass is for a privileged account: only the security group can approve it.' : 'Only the pass approvers can approve this.' };
    }
    return undefined;
  }

  /** Who approves: the security group for a privileged account (when policy allows one at all), else the approvers. */
  #approversOf(request: TapRequest): string | undefined {
    return request.privileged ? this.deps.settings.securityGroupId : this.deps.settings.approversGroupId;
  }

  async #askApprovers(request: TapRequest, now: Date): Promise<void> {
    for (const member of await this.#members(this.#approversOf(request))) {
      if (member === request.requester.id || member === request.target.id || member === request.managerCheck?.by.id || member === request.receiverId) continue;
      await this.#send(request.id, member, 'approve-ask', now);
    }
  }

  async #privilegedReasons(target: DirectoryUser): Promise<string[]> {
    const reasons: string[] = [];
    const ids = [target.id.toLowerCase(), (target.userPrincipalName ?? '').toLowerCase()];
    if (this.deps.breakGlass.some((entry) => ids.includes(entry))) reasons.push('break-glass account');
    const directory = this.deps.directory;
    if (!directory) return reasons;
    // Fail closed: an account whose roles cannot be read is treated as privileged.
    try {
      const roles = await directory.directoryRoles(target.id);
      if (roles.active.length > 0) reasons.push(`admin role: ${roles.active.join(', ')}`);
      if (roles.eligible.length > 0) reasons.push(`eligible for: ${roles.eligible.join(', ')}`);
    } catch (error) {
      this.deps.logger.warn('could not read admin roles; treating the account as privileged', { error });
      reasons.push(ROLES_UNCHECKED);
    }
    if (this.deps.settings.privilegedGroupIds.length > 0) {
      const groups = await directory.transitiveGroupIds(target.id).catch(() => undefined);
      if (!groups) reasons.push(GROUPS_UNCHECKED);
      else if (this.deps.settings.privilegedGroupIds.some((id) => groups.has(id))) reasons.push('member of a privileged group');
    }
    return reasons;
  }

  async #isHelpdesk(person: Person, what: string): Promise<boolean> {
    const groupId = this.deps.settings.helpdeskGroupId;
    if (await this.#membership.isMember(person.id, groupId, 'the pass command')) return true;
    await this.deps.audit.record({ action: 'tap.command.denied', outcome: 'denied', actor: { kind: 'user', aadObjectId: person.id, displayName: person.name }, details: { command: what } });
    return false;
  }

  #notHelpdesk(): string {
    return this.deps.settings.helpdeskGroupId
      ? "Sorry, pass requests are only for the helpdesk. If you need a pass yourself, type \"talk to a person\" and the helpdesk will contact you."
      : 'Pass requests are switched off: no helpdesk group is configured (HELPDESK_GROUP_ID).';
  }

  async #members(groupId: string | undefined): Promise<string[]> {
    if (!groupId || !this.deps.directory) return [];
    return this.deps.directory.groupMemberIds(groupId);
  }

  /** The target's slot, taking it over from a request that has expired. */
  async #claim(targetId: string, requestId: string, now: Date): Promise<string | undefined> {
    const holder = await this.records.claimTarget(targetId, requestId);
    if (!holder) return undefined;
    const held = (await this.records.get(holder))?.value;
    if (held && OPEN_STATES.has((await this.#expireIfDue(held, now)).state)) return holder;
    await this.records.releaseTarget(targetId, holder);
    return this.records.claimTarget(targetId, requestId);
  }

  async #live(id: string, now: Date): Promise<TapRequest | undefined> {
    const current = await this.records.get(id);
    return current ? this.#expireIfDue(current.value, now) : undefined;
  }

  async #expireIfDue(request: TapRequest, now: Date): Promise<TapRequest> {
    if (!isDue(request, now)) return request;
    const updated = await this.records.update(request.id, (latest) => (isDue(latest, now) ? { ...latest, state: 'expired' } : undefined));
    if (!updated) return (await this.records.get(request.id))?.value ?? request;
    // A reveal that never finished (the process stopped while Graph was creating): a pass may exist that nobody saw.
    const abandoned = request.state === 'revealing';
    await this.#audit(abandoned ? 'tap.reveal.abandoned' : 'tap.request.expired', { id: 'system', name: 'system' }, request.target.id, { requestId: request.id });
    await this.#settled(updated.value);
    if (!abandoned) await this.#updateCards(updated.value, now);
    return updated.value;
  }

  /** The request no longer holds the target's slot. */
  async #settled(request: TapRequest): Promise<void> {
    await this.records.releaseTarget(request.target.id, request.id);
  }

  /** Every approval card posted for the request shows where it stands now (but the one just clicked, which did). */
  async #updateCards(request: TapRequest, now: Date, exceptActivityId?: string): Promise<void> {
    for (const copy of request.copies) if (copy.activityId !== exceptActivityId) await this.#send(request.id, copy.recipientId, `update-${copy.activityId}`, now);
  }

  /**
   * The scheduler's sweep: open requests past their time expire now, not when someone next touches them, so the
   * person's slot is free and the approvers' cards stop offering buttons that would only say "expired".
   */
  async expireDue(now = new Date()): Promise<number> {
    const due: TapRequest[] = [];
    for await (const page of this.records.all()) for (const { value } of page) if (isDue(value, now)) due.push(value);
    let expired = 0;
    for (const request of due) if ((await this.#expireIfDue(request, now)).state === 'expired') expired += 1;
    return expired;
  }

  async #forged(clicker: Person, verb: string, data: unknown): Promise<TapAnswer> {
    const requestId = (data as { requestId?: unknown } | undefined)?.requestId;
    await this.deps.audit.record({
      action: 'tap.action.denied',
      outcome: 'denied',
      actor: { kind: 'user', aadObjectId: clicker.id, displayName: clicker.name },
      details: { verb, requestId: typeof requestId === 'string' ? requestId.slice(0, 20) : null },
    });
    return { message: "That isn't yours to act on, or the request no longer exists. I've noted the attempt." };
  }

  async #alert(kind: TapAlert['kind'], text: string, now: Date, requestId?: string): Promise<void> {
    const id = `A-${now.getTime().toString(36)}-${newTapRequestId().slice(2)}`;
    await this.records.saveAlert({ id, kind, at: now.toISOString(), text });
    await this.deps.audit.record({ action: `tap.alert.${kind}`, outcome: 'info', actor: { kind: 'system', name: 'tap' }, details: { alertId: id, requestId: requestId ?? null } });
    for (const member of await this.#members(this.deps.settings.securityGroupId)) {
      await this.deps.outbox.enqueue({ kind: 'tap', campaignId: id, userId: member, step: 'alert', dueAt: now.toISOString() });
    }
  }

  async #send(requestId: string, userId: string, step: string, now: Date): Promise<void> {
    await this.deps.outbox.enqueue({ kind: 'tap', campaignId: requestId, userId, step, dueAt: now.toISOString() });
  }

  async #audit(action: string, actor: Person, subjectId: string | undefined, details: Record<string, unknown>): Promise<void> {
    await this.deps.audit.record({
      action,
      outcome: action.endsWith('.denied') || action.endsWith('refused') ? 'denied' : action.endsWith('failed') ? 'failed' : 'info',
      actor: actor.id === 'system' ? { kind: 'system', name: 'tap' } : { kind: 'user', aadObjectId: actor.id, displayName: actor.name },
      ...(subjectId ? { subject: { kind: 'user' as const, aadObjectId: subjectId } } : {}),
      details,
    });
  }

  // ---- Cards ------------------------------------------------------------------------------------------------------

  #requestCard(request: TapRequest, now: Date, error?: string): CardJson {
    const open = request.state === 'draft' && request.expiresAt > now.toISOString();
    const facts = [
      { title: 'For', value: `${request.target.name} (${request.target.upn})` },
      ...(request.target.department ? [{ title: 'Department', value: request.target.department }] : []),
      { title: 'Request', value: request.id },
      { title: 'Open until', value: this.#time(request.expiresAt) },
    ];
    const warnings = [
      ...(request.replacesExistingPass ? [`${request.target.name} already has a valid pass: an approved request replaces it.`] : []),
      ...(request.privileged ? [`Privileged account (${request.privileged.join(', ')}): only the security group can approve.`] : []),
    ];
    return this.deps.cards.render('tap-request', {
      title: open ? `Temporary Access Pass for ${request.target.name}` : `Request ${request.id}: ${STATE_LABELS[request.state]}`,
      intro: open
        ? 'Check who you are talking to before you send this. A second person approves it, and the pass is created only when you reveal it.'
        : request.state === 'awaiting-manager'
          ? `Sent. ${request.manager?.name ?? 'Their manager'} is asked to confirm it is really ${request.target.name} asking; then an approver decides.`
          : `Sent for approval. You will get a message here when it is approved.`,
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

  #approvalCard(request: TapRequest): CardJson {
    const open = request.state === 'awaiting-approval';
    const checks = [
      ...(request.check ? [`${CHECK_LABELS[request.check.kind]}: stated by ${request.check.by.name} at ${this.#time(request.check.at)}`] : []),
      ...(request.managerCheck ? [`${request.managerCheck.by.name} (the manager) ${request.managerCheck.confirmed ? 'confirmed' : 'did not confirm'} it was them, at ${this.#time(request.managerCheck.at)}, answering the coach directly`] : []),
    ];
    const status =
      request.state === 'approved' || request.state === 'revealing' || request.state === 'revealed' || request.state === 'revoked'
        ? `Approved by ${request.approval?.by.name ?? 'an approver'} at ${this.#time(request.approval?.at ?? request.createdAt)}.`
        : request.state === 'refused'
          ? `Refused${request.refusal?.by ? ` by ${request.refusal.by.name}` : ''} at ${this.#time(request.refusal?.at ?? request.createdAt)}.`
          : open
            ? ''
            : `No longer waiting: ${STATE_LABELS[request.state]}.`;
    return this.deps.cards.render('tap-approval', {
      title: `Approve a Temporary Access Pass for ${request.target.name}?`,
      intro: `${request.requester.name} (helpdesk) asks for a pass for ${request.target.name} (${request.target.upn}). Approve only if the checks below convince you that it is really them.`,
      facts: [
        { title: 'Request', value: request.id },
        { title: 'Valid for', value: `${request.lifetimeInMinutes ?? request.policy.defaultLifetimeInMinutes} minutes${request.isUsableOnce ? ', one sign-in' : ''}` },
        { title: 'Open until', value: this.#time(request.expiresAt) },
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

  #managerCard(request: TapRequest): CardJson {
    const open = request.state === 'awaiting-manager';
    return this.deps.cards.render('tap-manager-check', {
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

  #notice(request: TapRequest, step: string): { title: string; paragraphs: string[]; actions: { title: string; verb: string; data: Record<string, string> }[] } {
    const who = `created by ${request.requester.name} (helpdesk) and approved by ${request.approval?.by.name ?? 'an approver'}`;
    const when = this.#time(request.reveal?.createdAt ?? request.reveal?.at ?? request.createdAt);
    const notMe = { title: "This wasn't me", verb: TAP_VERBS.notMe, data: { requestId: request.id } };
    if (step === 'notice-target') {
      return {
        title: 'A Temporary Access Pass was created for you',
        paragraphs: [
          `A one-off pass to sign in to your account was ${who}, at ${when}. It lets you set up a passkey without your usual sign-in.`,
          "If you didn't ask the helpdesk for it, click below: the pass is deleted at once, you are signed out everywhere, and security is alerted.",
        ],
        actions: [notMe],
      };
    }
    if (step === 'notice-manager') {
      return {
        title: `A Temporary Access Pass was created for ${request.target.name}`,
        paragraphs: [`A one-off pass to sign in to ${request.target.name}'s account was ${who}, at ${when}.`, `If ${request.target.name} did not ask for it, click below: it is undone and security is alerted.`],
        actions: [notMe],
      };
    }
    return {
      title: `Pass created for ${request.target.name}`,
      paragraphs: [`Request ${request.id}: a Temporary Access Pass for ${request.target.name} (${request.target.upn}) was ${who}, at ${when}. Checks: ${request.check ? CHECK_LABELS[request.check.kind] : 'none'}${request.managerCheck?.confirmed ? ', confirmed by the manager' : ''}.`],
      actions: [],
    };
  }

  #time(iso: string): string {
    const at = new Date(iso);
    const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: this.deps.timeZone, timeZoneName: 'short' }).format(at);
    return `${time}, ${formatDeadline(iso.slice(0, 10))}`;
  }
}

const ROLES_UNCHECKED = 'admin roles could not be checked';
const GROUPS_UNCHECKED = 'group membership could not be checked';
/** Reasons that say Graph could not answer, not that the account is privileged. */
const UNCHECKED_REASONS: ReadonlySet<string> = new Set([ROLES_UNCHECKED, GROUPS_UNCHECKED]);

/** A creation takes seconds; a reveal still "revealing" after this was cut off (a crash) and frees the person's slot. */
const ABANDONED_REVEAL_MS = 10 * 60_000;

/** Past its time: an open request after its expiry, or a reveal cut off long ago. */
function isDue(request: TapRequest, now: Date): boolean {
  if (request.state === 'revealing') return now.getTime() - Date.parse(request.reveal?.at ?? request.createdAt) > ABANDONED_REVEAL_MS;
  return OPEN_STATES.has(request.state) && request.expiresAt <= now.toISOString();
}

/** Accounts that are not a person's get no pass, and the agent is told why. */
const NOT_A_PERSON_ANSWERS: Record<NotAPersonReason, (name: string) => string> = {
  guest: (name) => `${name} is a guest from another organisation: they sign in with their home account, so a pass here would not help. Their own IT can help them.`,
  disabled: (name) => `${name}'s account is disabled: a pass would not help.`,
  'shared-or-resource-account': (name) => `${name} is a shared, room or equipment account, not a person's: nobody sets up a passkey on it, so I can't create a pass for it.`,
};

const STATE_LABELS: Record<TapRequest['state'], string> = {
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

export function actorFrom(context: TurnContext): Person | undefined {
  const id = context.activity.from?.aadObjectId;
  return id ? { id, name: context.activity.from?.name?.trim() || 'Someone' } : undefined;
}
