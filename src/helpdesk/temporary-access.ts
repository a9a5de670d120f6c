// Temporary Access Passes for the helpdesk, with four eyes: an agent asks (`tap request <upn>`), the checks are made
// (the manager's own answer is collected by the coach, never typed by the agent), a second person approves, and the
// pass is created only when the designated receiver clicks "Reveal": shown once in a Teams dialog, never in the chat,
// never stored or logged. The person, their manager and security are told, and "This wasn't me" undoes it.
// Every state change is a compare-and-swap on the request; every step is audited.
//
// This is the feature's one face for the chat, the tab and the outbox: each method is one use case, in its own file.

import type { TaskModuleTaskInfo, TurnContext } from 'botbuilder';
import type { OutboxRow } from '../outbox/outbox.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import { cancelRequest, decideRequest } from './approve-request.js';
import { mayApprove } from './approvers.js';
import { type CloseHelpOutcome, closeHelp } from './close-help.js';
import { listQueue, passQueue, passSummary } from './pass-queue.js';
import type { PassQueue, PassSummary } from './pass-views.js';
import { type CallbackOutcome, lapsePresentations, presentationCallback } from './presentation-callback.js';
import { verifyAgain } from './verify-again.js';
import { reportNotMe } from './report-not-me.js';
import { requestPass } from './request-pass.js';
import { expireDue } from './request-lifecycle.js';
import { FullSweep } from '../shared/full-sweep.js';
import { revealPass } from './reveal-pass.js';
import { confirmByManager, submitRequest } from './submit-request.js';
import { type TapAnswer, TapContext, type TemporaryAccessDeps } from './tap-context.js';
import { tapDelivery } from './tap-delivery.js';
import type { Person, TapRecords } from './tap-records.js';
import { type ReplyLanguage, TapWords } from './tap-words.js';
import { DEFAULT_LOCALE } from '../shared/strings.js';

export { TAP_VERBS } from './tap-cards.js';
export type { TapAnswer, TemporaryAccessDeps, VerifiedIdDeps } from './tap-context.js';
export type { CallbackOutcome } from './presentation-callback.js';
export type { HelpQueueEntry, PassQueue, PassSummary } from './pass-views.js';

export class TemporaryAccess implements OutboxHandler {
  readonly #tap: TapContext;
  readonly #delivery: OutboxHandler;

  constructor(deps: TemporaryAccessDeps) {
    this.#tap = new TapContext(deps);
    this.#delivery = tapDelivery(this.#tap);
  }

  get records(): TapRecords {
    return this.#tap.records;
  }

  // A reply in a turn is in the actor's conversation language, else the language of their Teams (`teamsLocale`).
  request = (requester: Person, upn: string, teamsLocale?: string): Promise<TapAnswer> => requestPass(this.#tap, requester, upn, teamsLocale);
  submit = (clicker: Person, data: unknown, teamsLocale?: string): Promise<TapAnswer> => submitRequest(this.#tap, clicker, data, teamsLocale);
  confirm = (clicker: Person, data: unknown, teamsLocale?: string): Promise<TapAnswer> => confirmByManager(this.#tap, clicker, data, teamsLocale);
  // Deciding, cancelling and closing a help request also answer the tab, which says its reader's language ({ reader }).
  decide = (clicker: Person, approve: boolean, data: unknown, clickedActivityId: string | undefined, language?: ReplyLanguage): Promise<TapAnswer> =>
    decideRequest(this.#tap, clicker, approve, data, clickedActivityId, language);
  cancel = (requester: Person, rawId: string, language?: ReplyLanguage): Promise<TapAnswer> => cancelRequest(this.#tap, requester, rawId, language);
  reveal = (clicker: Person, data: unknown, teamsLocale?: string): Promise<TaskModuleTaskInfo | string> => revealPass(this.#tap, clicker, data, teamsLocale);
  verifyAgain = (clicker: Person, data: unknown, teamsLocale?: string): Promise<TapAnswer> => verifyAgain(this.#tap, clicker, data, teamsLocale);
  notMe = (clicker: Person, data: unknown, teamsLocale?: string): Promise<TapAnswer> => reportNotMe(this.#tap, clicker, data, teamsLocale);
  list = (requester: Person, teamsLocale?: string): Promise<TapAnswer> => listQueue(this.#tap, requester, teamsLocale);
  /** Verified ID's Request Service calls back (POST /api/verifiedid/callback): its secret header and body, nothing else. */
  presentationCallback = (secretHeader: string | undefined, body: unknown): Promise<CallbackOutcome> => presentationCallback(this.#tap, secretHeader, body);
  closeHelp = (agent: Person, who: string, language?: ReplyLanguage): Promise<{ outcome: CloseHelpOutcome; message: string }> => closeHelp(this.#tap, agent, who, language);

  // The tab's lists: their states, checks and privileged reasons in the tab reader's `locale`.
  queue = (viewer: Person, locale = DEFAULT_LOCALE): Promise<PassQueue | undefined> => passQueue(this.#tap, viewer, new TapWords(locale, this.#tap));
  summary = (viewer: Person, id: string, locale = DEFAULT_LOCALE): Promise<PassSummary | undefined> => passSummary(this.#tap, viewer, id, new TapWords(locale, this.#tap));
  mayApprove = (person: Person): Promise<boolean> => mayApprove(this.#tap, person);

  /** The scheduler's sweep (see request-lifecycle.ts). */
  /** Expires what is due: the open requests every run, every request once a day per instance (and at its first run). */
  expireDue = async (now = new Date()): Promise<number> => {
    const expired = await expireDue(this.#tap, now, { everything: this.#sweep.due(now) });
    // Presentations of requests still open whose link lapsed unanswered.
    await lapsePresentations(this.#tap, now);
    return expired;
  };
  readonly #sweep = new FullSweep();

  expiry = (row: OutboxRow, now: Date): Promise<string | undefined> => this.#delivery.expiry?.(row, now) ?? Promise.resolve(undefined);
  deliver = (row: OutboxRow): Promise<DeliveryResult> => this.#delivery.deliver(row);
  settled = (row: OutboxRow, result: DeliveryResult): Promise<void> => this.#delivery.settled(row, result);
}

/** Who clicked or typed, from the authenticated activity only: card data never names the person acting. */
export function actorFrom(context: TurnContext): Person | undefined {
  const id = context.activity.from?.aadObjectId;
  return id ? { id, name: context.activity.from?.name?.trim() || 'Someone' } : undefined;
}
