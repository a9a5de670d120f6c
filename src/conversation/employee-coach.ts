// The employee conversation: what a person writes is understood (a command asked for in words, one or two concerns,
// a phone or platform named, nothing to understand) and answered in their language with what is true for them: the
// catalog's answer in the organisation's words, set-up steps for their own phone and passkey policy, a real status
// check, and a refusal or a request for a person recorded when that is where it ends.

import { MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { CardJson } from '../cards/card-renderer.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import type { DeviceMention } from '../enrollment/device-models.js';
import { PLATFORM_IDS } from '../enrollment/guides.js';
import type { PasskeyRules } from '../enrollment/passkey-rules.js';
import { ANSWER_VARIANTS, type AnswerVariant } from '../objections/catalog-schema.js';
import { helpCardJson } from '../onboarding/help.js';
import { formatDeadline } from '../shared/formatting.js';
import { INTENT_IDS, type IntentId } from '../shared/intents.js';
import { organisationIn } from '../shared/strings.js';
import { type AnswerFill, answerCardData } from './answer-cards.js';
import { CoachContext, type CoachDeps } from './coach-context.js';
import { RefusalFlow, talkToPerson } from './refusal-flow.js';
import { platformPicker, setupCard } from './setup-guidance.js';
import { StatusReplies } from './status-reply.js';

export type { CoachDeps, CoachEvents, IntentClassifier, Understood } from './coach-context.js';

/** Intents that are worries about passkeys (what a manager is told about, as topics): all but the conversational ones. */
const NOT_CONCERNS: ReadonlySet<IntentId> = new Set(['setup-help', 'enrolled', 'refusal', 'human-help', 'out-of-scope', 'what-is-a-passkey', 'cross-device', 'phone-change']);
const CONCERNS: ReadonlySet<IntentId> = new Set(INTENT_IDS.filter((intent) => !NOT_CONCERNS.has(intent)));

/** Longest text classified; the rest adds nothing but cost. */
const MAX_CLASSIFIED_CHARS = 1000;
/** Concerns answered from one message, most confident first: more than two is a letter, not a chat. */
const MAX_ANSWERS = 2;
/** Intents answered with the set-up steps when the message names a phone or a platform. */
const SETUP_INTENTS: ReadonlySet<IntentId> = new Set(['setup-help', 'unsupported-phone', 'phone-change']);

const tellMeMoreData = z.object({ intent: z.string(), variant: z.enum(ANSWER_VARIANTS).optional() });

export class EmployeeCoach {
  readonly #coach: CoachContext;
  readonly #status: StatusReplies;
  readonly #refusals: RefusalFlow;
  /** Whether an intent's answer names the deadline, per language (only then is the person's campaign read). */
  readonly #namesDeadline = new Map<string, boolean>();

  constructor(private readonly deps: CoachDeps) {
    this.#coach = new CoachContext(deps);
    this.#status = new StatusReplies(this.#coach);
    this.#refusals = new RefusalFlow(this.#coach);
  }

  /** The language of the conversation so far, for a command typed or a button clicked. */
  async localeOf(context: TurnContext, userId: string): Promise<string> {
    return this.deps.language.forClick(userId, context.activity.locale);
  }

  /** Free text from a person: a command in words, what worries them, a claim they are done, a refusal, a request for help. */
  async answerText(context: TurnContext, userId: string, text: string): Promise<void> {
    const { locale, readAs, switched } = await this.deps.language.forMessage(userId, text, context.activity.locale);
    if (switched) return void (await context.sendActivity(this.#coach.say(locale, 'language.switched')));
    // Read in the language it is written in; answered in the language of the conversation.
    const understood = await this.deps.classifier.classify(text.slice(0, MAX_CLASSIFIED_CHARS), { locale: readAs });
    const recorded = this.deps.objections.record({ userId, intent: understood.intent, confidence: understood.confidence, text });
    const concerns = (understood.intents?.length ? understood.intents.map((candidate) => candidate.intent) : [understood.intent]).slice(0, MAX_ANSWERS);
    const raised = understood.command || understood.fallback === 'not-understood' ? [] : concerns.filter((intent) => CONCERNS.has(intent));
    // The event and the concerns raised are written at once (one flush of the batching store, not one after the
    // other; they live in two partitions, so two writes), and before any answer.
    await Promise.all([recorded, raised.length > 0 ? this.deps.dialogs.update(userId, (state) => ({ ...state, intentsRaised: raised.reduce(addOnce, state.intentsRaised) })) : undefined]);
    const device = this.deps.devices.mentionIn(text);
    if (understood.command === 'status') return this.#status.command(context, userId, locale);
    if (understood.command === 'help') return this.#send(context, helpCardJson(this.deps.help, locale));
    if (understood.command === 'setup') return this.#send(context, await this.setup(userId, device, locale));
    if (understood.fallback === 'not-understood') {
      // A phone or a platform is something to go on: the steps for it.
      return this.#send(context, device ? await this.setup(userId, device, locale) : this.#notUnderstood(locale));
    }
    // The refusal form comes last: whatever else they asked is answered first.
    const ordered = [...concerns.filter((concern) => concern !== 'refusal'), ...concerns.filter((concern) => concern === 'refusal')];
    for (const intent of ordered) await this.#answer(context, userId, intent, device, locale);
  }

  async #answer(context: TurnContext, userId: string, intent: IntentId, device: DeviceMention | undefined, locale: string): Promise<void> {
    if (device && SETUP_INTENTS.has(intent) && (intent !== 'phone-change' || device.model)) return this.#send(context, await this.setup(userId, device, locale));
    switch (intent) {
      case 'enrolled':
        await this.#coach.tell('saidEnrolled', userId);
        await context.sendActivity(this.#coach.say(locale, 'coach.checkingAfterDone'));
        this.#status.inBackground(context, userId, locale);
        return;
      case 'refusal':
        return this.#send(context, await this.#refusals.form(userId, locale));
      case 'human-help':
        return this.#send(context, this.deps.cards.render('notice', await talkToPerson(this.#coach, userId, locale), locale));
      case 'setup-help':
        return this.#send(context, await this.setup(userId, device, locale));
      default:
        return this.#send(context, this.deps.cards.render('objection-answer', await this.#answerData(userId, intent, locale, false), locale));
    }
  }

  /** Set-up for this person: the steps for the phone or platform they named (true for their model and policy), else the picker. */
  async setup(userId: string, device: DeviceMention | undefined, locale: string): Promise<CardJson> {
    if (!device) return platformPicker(this.#coach, locale);
    const { platform } = device;
    await this.deps.dialogs.update(userId, (state) => ({ ...state, platform }));
    return setupCard(this.#coach, locale, platform, device, await this.deps.passkeyRules.rulesFor(userId));
  }

  /** `status` typed as a command. */
  async statusCommand(context: TurnContext, userId: string): Promise<void> {
    await this.#status.command(context, userId, await this.localeOf(context, userId));
  }

  /** `setup` typed as a command: the platform picker. */
  async setupCommand(context: TurnContext, userId: string): Promise<void> {
    await this.#send(context, platformPicker(this.#coach, await this.localeOf(context, userId)));
  }

  /** `talk to a person` typed as a command. */
  async talkToPersonCommand(context: TurnContext, userId: string): Promise<void> {
    const locale = await this.localeOf(context, userId);
    await this.#send(context, this.deps.cards.render('notice', await talkToPerson(this.#coach, userId, locale), locale));
  }

  /** A card button (Action.Execute). Returns the card or message the invoke answers with. */
  async onAction(context: TurnContext, userId: string, verb: string, data: unknown): Promise<CardJson | string> {
    const locale = await this.localeOf(context, userId);
    const say = (key: string) => this.#coach.say(locale, key);
    switch (verb) {
      case COACH_VERBS.tellMeMore: {
        const parsed = tellMeMoreData.safeParse(data);
        const intent = parsed.success ? this.deps.catalog(locale).intents.get(parsed.data.intent as IntentId) : undefined;
        if (!parsed.success || !intent) return say('coach.answerGone');
        return this.deps.cards.render('objection-answer', await this.#answerData(userId, intent.id, locale, true, parsed.data.variant), locale);
      }
      case COACH_VERBS.showMeHow:
        return platformPicker(this.#coach, locale);
      case COACH_VERBS.anotherConcern:
        return this.deps.cards.render('notice', { title: say('coach.anotherConcern.title'), paragraphs: [say('coach.anotherConcern.text')], actions: [] }, locale);
      case COACH_VERBS.stillNo:
        return this.#refusals.form(userId, locale);
      case COACH_VERBS.talkToPerson:
        return this.deps.cards.render('notice', await talkToPerson(this.#coach, userId, locale), locale);
      case COACH_VERBS.choosePlatform: {
        const parsed = z.object({ platform: z.enum(PLATFORM_IDS) }).safeParse(data);
        if (!parsed.success) return platformPicker(this.#coach, locale);
        return this.setup(userId, { platform: parsed.data.platform }, locale);
      }
      case COACH_VERBS.checkStatus:
        this.#status.inBackground(context, userId, locale);
        return say('coach.checking');
      case COACH_VERBS.confirmRefusal:
        return this.#refusals.confirm(userId, data, locale);
      default:
        return say('bot.staleButton');
    }
  }

  async #send(context: TurnContext, card: CardJson): Promise<void> {
    await context.sendActivity(MessageFactory.attachment({ contentType: 'application/vnd.microsoft.card.adaptive', content: card }));
  }

  /** Nothing to understand: say so, say what the coach can do, and offer the three ways on. */
  #notUnderstood(locale: string): CardJson {
    const say = (key: string) => this.#coach.say(locale, `coach.notUnderstood.${key}`);
    return this.deps.cards.render(
      'notice',
      { title: say('title'), paragraphs: [say('what'), say('how')], actions: [this.#coach.button(locale, 'set-up'), this.#coach.button(locale, 'check-status'), this.#coach.button(locale, 'talk-to-person')] },
      locale,
    );
  }

  /** The catalog's answer, with the organisation's words and the variant true for this person's passkey policy. */
  async #answerData(userId: string, intent: IntentId, locale: string, more: boolean, variant?: AnswerVariant): Promise<Record<string, unknown>> {
    const chosen = variant ?? (intent === 'synced-passkeys' ? variantFor(await this.deps.passkeyRules.rulesFor(userId)) : undefined);
    const catalog = this.deps.catalog(locale);
    // Only an answer that names the deadline pays for reading the person's campaign.
    const known = `${locale}|${intent}`;
    let namesDeadline = this.#namesDeadline.get(known);
    if (namesDeadline === undefined) {
      const entry = catalog.intents.get(intent);
      namesDeadline = JSON.stringify([entry?.answer, entry?.more, entry?.variants]).includes('{{deadline}}');
      this.#namesDeadline.set(known, namesDeadline);
    }
    return answerCardData(this.#coach, catalog, intent, { locale, more, variant: chosen, fill: await this.#fill(userId, locale, namesDeadline) });
  }

  async #fill(userId: string, locale: string, namesDeadline: boolean): Promise<AnswerFill> {
    const { reasons, deadline } = this.deps.rollout;
    const organisation = organisationIn(this.deps.cards.strings, locale, this.deps.rollout.organisation);
    const reason = reasons[locale] ?? this.#coach.say(locale, 'coach.rolloutReason');
    if (!namesDeadline) return { organisation, reason, deadline: '' };
    const campaign = await this.deps.campaignDeadline?.(userId).catch((error: unknown) => {
      this.deps.logger.warn("could not read the person's campaign deadline", { error });
      return undefined;
    });
    const date = campaign ?? deadline;
    return { organisation, reason, deadline: date ? this.#coach.say(locale, 'coach.deadlinePhrase', { date: formatDeadline(date, locale) }) : this.#coach.say(locale, 'coach.deadlineUnset') };
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
