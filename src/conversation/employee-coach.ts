// The employee conversation: what a person writes is understood (a command asked for in words, one or two concerns,
// a phone or platform named, nothing to understand) and answered with what is true for them: the catalog's answer in
// the organisation's words, set-up steps for their own phone and passkey policy, a real status check, and a refusal
// or a request for a person recorded when that is where it ends.

import { visibleText } from '../shared/visible-text.js';
import { type ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import { type CardJson, type CardRenderer, TrustedMarkdown } from '../cards/card-renderer.js';
import type { DeviceMention, DeviceModels } from '../enrollment/device-models.js';
import type { PasskeyRules, PasskeyRulesReader } from '../enrollment/passkey-rules.js';
import { helpCard, type HelpDeps } from '../onboarding/help.js';
import { formatDeadline } from '../shared/formatting.js';
import { type AnswerFill, answerCardData, BUTTONS } from './answer-cards.js';
import { platformPicker, setupCard } from './setup-guidance.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import type { Directory } from '../directory/directory-port.js';
import { checkStatus, describeStatus } from '../enrollment/check-status.js';
import { type Guides, PLATFORM_IDS } from '../enrollment/guides.js';
import { REFUSAL_REASONS, recordRefusal } from '../escalation/refusals.js';
import { requestHelp } from '../helpdesk/help-requests.js';
import type { Logger } from '../logging/logger.js';
import type { LaterReply } from '../messaging/later-reply.js';
import type { Catalog } from '../objections/catalog-loader.js';
import { ANSWER_VARIANTS, type AnswerVariant } from '../objections/catalog-schema.js';
import { INTENT_IDS, type IntentId } from '../shared/intents.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { Store } from '../store/store-port.js';
import type { DialogStore } from './dialog-store.js';

/** What the matcher says a message is: a command asked for in words, the concerns it found, or a fallback. */
export interface Understood {
  intent: IntentId;
  confidence: number;
  /** Every concern found, most confident first. */
  intents?: readonly { intent: IntentId; score: number }[];
  command?: 'status' | 'setup' | 'help';
  fallback?: 'not-understood' | 'out-of-scope';
}

export interface IntentClassifier {
  classify(text: string): Promise<Understood>;
}

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
  devices: DeviceModels;
  passkeyRules: PasskeyRulesReader;
  /** The help card's words: the organisation, and what the coach keeps. */
  help: HelpDeps;
  /** The organisation's own reason for the roll-out, and its deadline for people in no campaign. */
  rollout: { organisation: string; reason: string; deadline?: string };
  /** The deadline of the campaign the person is in, if any (YYYY-MM-DD). */
  campaignDeadline?: (userId: string) => Promise<string | undefined>;
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
const NOT_CONCERNS: ReadonlySet<IntentId> = new Set(['setup-help', 'enrolled', 'refusal', 'human-help', 'out-of-scope', 'what-is-a-passkey', 'cross-device', 'phone-change']);
const CONCERNS: ReadonlySet<IntentId> = new Set(INTENT_IDS.filter((intent) => !NOT_CONCERNS.has(intent)));


/** Longest text classified; the rest adds nothing but cost. */
const MAX_CLASSIFIED_CHARS = 1000;
/** Concerns answered from one message, most confident first: more than two is a letter, not a chat. */
const MAX_ANSWERS = 2;
/** Intents answered with the set-up steps when the message names a phone or a platform. */
const SETUP_INTENTS: ReadonlySet<IntentId> = new Set(['setup-help', 'unsupported-phone', 'phone-change']);

export class EmployeeCoach {
  /** People whose status check is waiting or running. */
  readonly #pendingChecks = new Set<string>();

  constructor(private readonly deps: CoachDeps) {}

  /** Free text from a person: a command in words, what worries them, a claim they are done, a refusal, a request for help. */
  async answerText(context: TurnContext, userId: string, text: string): Promise<void> {
    const understood = await this.deps.classifier.classify(text.slice(0, MAX_CLASSIFIED_CHARS));
    await this.deps.objections.record({ userId, intent: understood.intent, confidence: understood.confidence, text });
    const device = this.deps.devices.mentionIn(text);
    if (understood.command === 'status') return this.statusCommand(context, userId);
    if (understood.command === 'help') return void (await context.sendActivity(MessageFactory.attachment(helpCard(this.deps.help))));
    if (understood.command === 'setup') return this.#sendCard(context, await this.setup(userId, device));
    if (understood.fallback === 'not-understood') {
      // A phone or a platform is something to go on: the steps for it.
      if (device) return this.#sendCard(context, await this.setup(userId, device));
      return this.#sendCard(context, this.#notUnderstood());
    }
    const concerns = (understood.intents?.length ? understood.intents.map((candidate) => candidate.intent) : [understood.intent]).slice(0, MAX_ANSWERS);
    const raised = concerns.filter((intent) => CONCERNS.has(intent));
    if (raised.length > 0) await this.deps.dialogs.update(userId, (state) => ({ ...state, intentsRaised: raised.reduce(addOnce, state.intentsRaised) }));
    // The refusal form comes last: whatever else they asked is answered first.
    for (const intent of [...concerns.filter((concern) => concern !== 'refusal'), ...concerns.filter((concern) => concern === 'refusal')]) await this.#answer(context, userId, intent, device);
  }

  async #answer(context: TurnContext, userId: string, intent: IntentId, device: DeviceMention | undefined): Promise<void> {
    if (device && SETUP_INTENTS.has(intent) && (intent !== 'phone-change' || device.model)) return this.#sendCard(context, await this.setup(userId, device));
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
      case 'setup-help':
        await this.#sendCard(context, await this.setup(userId, device));
        return;
      default:
        await context.sendActivity(MessageFactory.attachment(this.deps.cards.attachment('objection-answer', await this.#answerData(userId, intent, false))));
    }
  }

  /** Set-up for this person: the steps for the phone or platform they named (true for their model and policy), else the picker. */
  async setup(userId: string, device: DeviceMention | undefined): Promise<CardJson> {
    if (!device) return this.platformPicker();
    const { platform } = device;
    await this.deps.dialogs.update(userId, (state) => ({ ...state, platform }));
    return setupCard(this.deps.cards, this.deps.guides, platform, device, await this.deps.passkeyRules.rulesFor(userId));
  }

  async #sendCard(context: TurnContext, card: CardJson): Promise<void> {
    await context.sendActivity(MessageFactory.attachment({ contentType: 'application/vnd.microsoft.card.adaptive', content: card }));
  }

  /** Nothing to understand: say so, say what the coach can do, and offer the three ways on. */
  #notUnderstood(): CardJson {
    return this.deps.cards.render('notice', {
      title: "Sorry, I didn't understand that",
      paragraphs: [
        'I help with passkeys: setting one up on your phone or computer, checking whether yours is done, and questions about privacy, your phone or what your organisation sees.',
        'Ask me in your own words, or pick one of these.',
      ],
      actions: [BUTTONS['show-me-how'], BUTTONS['check-status'], BUTTONS['talk-to-person']].map((button) => ({ ...button, title: button === BUTTONS['show-me-how'] ? 'Set up a passkey' : button.title })),
    });
  }

  /** The catalog's answer, with the organisation's words and the variant true for this person's passkey policy. */
  async #answerData(userId: string, intent: IntentId, more: boolean, variant?: AnswerVariant): Promise<Record<string, unknown>> {
    const chosen = variant ?? (intent === 'synced-passkeys' ? variantFor(await this.deps.passkeyRules.rulesFor(userId)) : undefined);
    return answerCardData(this.deps.catalog, intent, { more, variant: chosen, fill: await this.#fill(userId) });
  }

  async #fill(userId: string): Promise<AnswerFill> {
    const { organisation, reason, deadline } = this.deps.rollout;
    const campaign = await this.deps.campaignDeadline?.(userId).catch((error: unknown) => {
      this.deps.logger.warn('could not read the person\'s campaign deadline', { error });
      return undefined;
    });
    const date = campaign ?? deadline;
    return { organisation, reason, deadline: date ? formatDeadline(date) : 'the date it has set' };
  }

  /** A card button (Action.Execute). Returns the card or message the invoke answers with. */
  async onAction(context: TurnContext, userId: string, verb: string, data: unknown): Promise<CardJson | string> {
    switch (verb) {
      case COACH_VERBS.tellMeMore: {
        const parsed = z.object({ intent: z.string(), variant: z.enum(ANSWER_VARIANTS).optional() }).safeParse(data);
        const intent = parsed.success ? this.deps.catalog.intents.get(parsed.data.intent as IntentId) : undefined;
        if (!parsed.success || !intent) return 'That answer is no longer available. Ask me again in your own words.';
        return this.deps.cards.render('objection-answer', await this.#answerData(userId, intent.id, true, parsed.data.variant));
      }
      case COACH_VERBS.showMeHow:
        return this.setup(userId, undefined);
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
        return this.setup(userId, { platform: parsed.data.platform });
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
    return platformPicker(this.deps.cards, this.deps.guides);
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
          ? [BUTTONS['show-me-how'], BUTTONS['check-status'], BUTTONS['talk-to-person']]
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

/** The synced-passkeys answer that is true for this person's policy; the general one when Graph could not say. */
function variantFor(rules: PasskeyRules): AnswerVariant | undefined {
  if (rules.kind !== 'rules') return undefined;
  return rules.synced ? 'synced-allowed' : 'device-bound-only';
}
