// The employee conversation: objections answered from the catalog, set-up steps per platform, a real
// status check, and a refusal or a request for a person recorded when that is where it ends.

import { visibleText } from '../shared/visible-text.js';
import { type ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import { type CardJson, type CardRenderer, TrustedMarkdown } from '../cards/card-renderer.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import type { Directory } from '../directory/directory-port.js';
import { checkStatus, describeStatus } from '../enrollment/check-status.js';
import { type Guides, PLATFORM_IDS, type PlatformId } from '../enrollment/guides.js';
import { REFUSAL_REASONS, recordRefusal } from '../escalation/refusals.js';
import { requestHelp } from '../helpdesk/help-requests.js';
import type { Logger } from '../logging/logger.js';
import type { LaterReply } from '../messaging/later-reply.js';
import type { Catalog } from '../objections/catalog-loader.js';
import type { FollowUp } from '../objections/catalog-schema.js';
import { INTENT_IDS, type IntentId } from '../shared/intents.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { Store } from '../store/store-port.js';
import type { DialogStore } from './dialog-store.js';

export interface IntentClassifier {
  classify(text: string): Promise<{ intent: IntentId; confidence: number }>;
}

/** Delivers a message into a conversation after the turn that asked for it has ended. */

export interface CoachDeps {
  cards: CardRenderer;
  guides: Guides;
  catalog: Catalog;
  classifier: IntentClassifier;
  dialogs: DialogStore;
  objections: ObjectionLog;
  store: Store;
  audit: AuditLog;
  directory: Directory | undefined;
  background: BackgroundWork;
  replyLater: LaterReply;
  logger: Logger;
  retentionDays: number;
  keepsObjectionText: boolean;
  /** Told what people decide, so a campaign stops nudging them (campaigns listen; errors are logged, never shown). */
  events?: CoachEvents;
}

export interface CoachEvents {
  /** Graph shows a passkey: confirmed by a live status check. */
  enrolled(userId: string): Promise<void>;
  /** The person said they have done it; checked live before they are nudged again. */
  saidEnrolled(userId: string): Promise<void>;
  /** A refusal was recorded. */
  refused(userId: string): Promise<void>;
}


/** Intents that are worries about passkeys (what a manager is told about, as topics): all but the conversational ones. */
const NOT_CONCERNS: ReadonlySet<IntentId> = new Set(['setup-help', 'enrolled', 'refusal', 'human-help', 'out-of-scope']);
const CONCERNS: ReadonlySet<IntentId> = new Set(INTENT_IDS.filter((intent) => !NOT_CONCERNS.has(intent)));

const BUTTONS: Record<FollowUp, { title: string; verb: string; data?: Record<string, string> }> = {
  'show-me-how': { title: 'That helps: show me how', verb: COACH_VERBS.showMeHow },
  'tell-me-more': { title: 'Tell me more', verb: COACH_VERBS.tellMeMore },
  'another-concern': { title: 'I have another concern', verb: COACH_VERBS.anotherConcern },
  'still-no': { title: "I still don't want to", verb: COACH_VERBS.stillNo },
  'talk-to-person': { title: 'Talk to a person', verb: COACH_VERBS.talkToPerson },
  'check-status': { title: 'Check my status', verb: COACH_VERBS.checkStatus },
  'security-key': { title: 'Use a security key', verb: COACH_VERBS.choosePlatform, data: { platform: 'security-key' } },
  'windows-hello': { title: 'Use Windows Hello', verb: COACH_VERBS.choosePlatform, data: { platform: 'windows' } },
};

/** Longest text classified; the rest adds nothing but cost. */
const MAX_CLASSIFIED_CHARS = 1000;

export class EmployeeCoach {
  /** People whose status check is waiting or running. */
  readonly #pendingChecks = new Set<string>();

  constructor(private readonly deps: CoachDeps) {}

  /** Free text from a person: what worries them, a claim they are done, a refusal, or a request for help. */
  async answerText(context: TurnContext, userId: string, text: string): Promise<void> {
    const { intent, confidence } = await this.deps.classifier.classify(text.slice(0, MAX_CLASSIFIED_CHARS));
    await this.deps.objections.record({ userId, intent, confidence, text });
    if (CONCERNS.has(intent)) await this.deps.dialogs.update(userId, (state) => ({ ...state, intentsRaised: addOnce(state.intentsRaised, intent) }));
    switch (intent) {
      case 'enrolled':
        await this.#tell('saidEnrolled', userId);
        await context.sendActivity('Thanks! Let me check your account now.');
        this.statusInBackground(context, userId);
        return;
      case 'refusal':
        await context.sendActivity(MessageFactory.attachment(await this.refusalCardAttachment(userId)));
        return;
      case 'human-help':
        await context.sendActivity(MessageFactory.attachment(this.deps.cards.attachment('notice', await this.talkToPerson(userId))));
        return;
      default:
        await context.sendActivity(MessageFactory.attachment(this.deps.cards.attachment('objection-answer', this.answerData(intent, false))));
    }
  }

  /** A card button (Action.Execute). Returns the card or message the invoke answers with. */
  async onAction(context: TurnContext, userId: string, verb: string, data: unknown): Promise<CardJson | string> {
    switch (verb) {
      case COACH_VERBS.tellMeMore: {
        const parsed = z.object({ intent: z.string() }).safeParse(data);
        const intent = parsed.success ? this.deps.catalog.intents.get(parsed.data.intent as IntentId) : undefined;
        if (!intent) return 'That answer is no longer available. Ask me again in your own words.';
        return this.deps.cards.render('objection-answer', this.answerData(intent.id, true));
      }
      case COACH_VERBS.showMeHow:
        return this.platformPicker();
      case COACH_VERBS.anotherConcern:
        return this.deps.cards.render('notice', {
          title: "What's on your mind?",
          paragraphs: ['Type it in your own words, the way you would ask a colleague. I will answer with the facts, and you decide what to do with them.'],
          actions: [],
        });
      case COACH_VERBS.stillNo:
        return this.deps.cards.render('refusal-reason', { managerName: await this.managerName(userId) });
      case COACH_VERBS.talkToPerson:
        return this.deps.cards.render('notice', await this.talkToPerson(userId));
      case COACH_VERBS.choosePlatform: {
        const parsed = z.object({ platform: z.enum(PLATFORM_IDS) }).safeParse(data);
        if (!parsed.success) return this.platformPicker();
        await this.deps.dialogs.update(userId, (state) => ({ ...state, platform: parsed.data.platform }));
        return this.platformSteps(parsed.data.platform);
      }
      case COACH_VERBS.checkStatus:
        this.statusInBackground(context, userId);
        return 'Checking your sign-in methods… I will post the answer here in a moment.';
      case COACH_VERBS.confirmRefusal:
        return this.confirmRefusal(userId, data);
      default:
        return 'That button is no longer active. Type "help" to see what I can do.';
    }
  }

  /** `status` typed as a command. */
  async #tell(event: keyof CoachEvents, userId: string): Promise<void> {
    try {
      await this.deps.events?.[event](userId);
    } catch (error) {
      // The conversation goes on: a campaign that missed the news checks the report before its next nudge.
      this.deps.logger.error('telling the campaign failed', { event, error });
    }
  }

  async statusCommand(context: TurnContext, userId: string): Promise<void> {
    await context.sendActivity('Checking your sign-in methods… I will post the answer here in a moment.');
    this.statusInBackground(context, userId);
  }

  platformPicker(): CardJson {
    return this.deps.cards.render('platform-picker', { platforms: this.deps.guides.platforms.map((p) => ({ id: p.id, label: p.label })) });
  }

  async talkToPerson(userId: string): Promise<{ title: string; paragraphs: string[]; actions: unknown[] }> {
    const dialog = await this.deps.dialogs.get(userId);
    const { alreadyOpen } = await requestHelp(this.deps.store, { userId, intents: dialog.intentsRaised, platform: dialog.platform, requestedAt: new Date().toISOString() });
    if (!alreadyOpen) await this.deps.audit.record({ action: 'helpdesk.request.created', outcome: 'success', actor: { kind: 'user', aadObjectId: userId }, details: { intents: dialog.intentsRaised } });
    return {
      title: alreadyOpen ? 'The helpdesk already has your request' : 'I asked the helpdesk to contact you',
      paragraphs: [
        alreadyOpen
          ? 'Someone from the helpdesk will get in touch. You do not need to ask again.'
          : 'Someone from the helpdesk will contact you in Teams. They will see which topics we talked about, not your messages.',
        'The helpdesk will never ask you for a password or a code over chat or phone. If anyone does, do not share it.',
      ],
      actions: [],
    };
  }

  private platformSteps(platform: PlatformId): CardJson {
    const guide = this.deps.guides.platforms.find((p) => p.id === platform);
    if (!guide) return this.platformPicker();
    return this.deps.cards.render('platform-steps', {
      title: guide.title,
      requirements: guide.requirements,
      steps: guide.steps.map((step) => new TrustedMarkdown(step)),
      troubleshooting: guide.troubleshooting.map((item) => new TrustedMarkdown(item)),
      links: guide.links,
      mySecurityInfoUrl: this.deps.guides.mySecurityInfoUrl,
    });
  }

  private answerData(intentId: IntentId, more: boolean): Record<string, unknown> {
    const intent = this.deps.catalog.intents.get(intentId);
    if (!intent) throw new Error(`catalog has no intent ${intentId}`);
    const followUps = [...intent.followUps];
    if (!more && intent.more && !followUps.includes('tell-me-more')) followUps.unshift('tell-me-more');
    const actions = followUps
      .filter((followUp) => !(more && followUp === 'tell-me-more'))
      .map((followUp) => {
        const button = BUTTONS[followUp];
        return { title: button.title, verb: button.verb, data: followUp === 'tell-me-more' ? { intent: intent.id } : (button.data ?? {}) };
      });
    return { title: intent.title, answer: new TrustedMarkdown(more && intent.more ? intent.more : intent.answer), actions };
  }

  private async refusalCardAttachment(userId: string) {
    return this.deps.cards.attachment('refusal-reason', { managerName: await this.managerName(userId) });
  }

  private async confirmRefusal(userId: string, data: unknown): Promise<CardJson> {
    const parsed = z.object({ reason: z.enum(REFUSAL_REASONS), details: z.string().max(500).optional() }).safeParse(data);
    if (!parsed.success) {
      return this.deps.cards.render('refusal-reason', { managerName: await this.managerName(userId) });
    }
    const dialog = await this.deps.dialogs.get(userId);
    const details = visibleText(parsed.data.details ?? '').trim() || undefined;
    await recordRefusal(this.deps.store, { userId, reason: parsed.data.reason, details, intents: dialog.intentsRaised, recordedAt: new Date().toISOString() });
    await this.#tell('refused', userId);
    await this.deps.audit.record({
      action: 'employee.refusal.recorded',
      outcome: 'info',
      actor: { kind: 'user', aadObjectId: userId },
      details: { reason: parsed.data.reason, intents: dialog.intentsRaised },
    });
    return this.deps.cards.render('notice', {
      title: 'Your decision is recorded',
      paragraphs: [
        `I've passed it to ${await this.managerName(userId)} to decide. You will hear back here.`,
        'If you change your mind in the meantime, just say so, or type "setup": the offer stands.',
      ],
      actions: [{ title: 'I have another question', verb: COACH_VERBS.anotherConcern, data: {} }],
    });
  }

  private async managerName(userId: string): Promise<string> {
    if (!this.deps.directory) return 'your manager';
    try {
      // Named only when they are the one who will decide (see escalation routing): enabled, and not the person.
      const manager = await this.deps.directory.getManager(userId);
      return manager && manager.accountEnabled !== false && manager.id !== userId && manager.displayName ? manager.displayName : 'your manager';
    } catch (error) {
      this.deps.logger.warn('could not read the manager for a refusal card', { error });
      return 'your manager';
    }
  }

  private statusInBackground(context: TurnContext, userId: string): void {
    // The read waits its turn in Graph's small reports throttle: the turn answers at once, the result follows.
    // One check per person at a time: asking again while one waits changes nothing but the queue's length.
    if (this.#pendingChecks.has(userId)) return;
    this.#pendingChecks.add(userId);
    const reference = TurnContext.getConversationReference(context.activity);
    this.deps.background.run('status-check', async () => {
      try {
        await this.#checkAndReply(userId, reference);
      } finally {
        this.#pendingChecks.delete(userId);
      }
    });
  }

  async #checkAndReply(userId: string, reference: Partial<ConversationReference>): Promise<void> {
    let card: CardJson;
    try {
      const outcome = await checkStatus(this.deps, userId);
      if (outcome.kind === 'enrolled') await this.#tell('enrolled', userId);
      const described = describeStatus(outcome);
      const actions =
        outcome.kind === 'not-enrolled'
          ? [BUTTONS['show-me-how'], BUTTONS['check-status'], BUTTONS['talk-to-person']].map((b) => ({ title: b.title, verb: b.verb, data: b.data ?? {} }))
          : [];
      card = this.deps.cards.render('notice', { title: described.title, paragraphs: described.paragraphs.map((p) => new TrustedMarkdown(p)), actions });
    } catch (error) {
      this.deps.logger.error('status check failed', { error });
      card = this.deps.cards.render('notice', { ...describeStatus({ kind: 'unavailable' }), actions: [] });
    }
    await this.deps.replyLater(reference, async (turn) => {
      await turn.sendActivity(MessageFactory.attachment({ contentType: 'application/vnd.microsoft.card.adaptive', content: card }));
    });
  }
}

function addOnce<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? [...list] : [...list, item];
}
