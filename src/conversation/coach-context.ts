// What the employee conversation works with: its dependencies, and the few things every part of it does (say a
// sentence in the person's language, offer the usual buttons, tell a campaign what the person decided).

import type { AuditLog } from '../audit/audit-log.js';
import type { CardRenderer } from '../cards/card-renderer.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import type { Directory } from '../directory/directory-port.js';
import type { DeviceModels } from '../enrollment/device-models.js';
import type { Guides } from '../enrollment/guides.js';
import type { EnrolmentTierResolver } from '../directory/enrolment-tier-resolver.js';
import type { PasskeyRulesReader } from '../enrollment/passkey-rules.js';
import type { Logger } from '../logging/logger.js';
import type { LaterReply } from '../messaging/later-reply.js';
import type { Catalog } from '../objections/catalog-loader.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import type { HelpDeps } from '../onboarding/help.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { IntentId } from '../shared/intents.js';
import type { Params, Strings } from '../shared/strings.js';
import type { Store } from '../store/store-port.js';
import type { DialogStore } from './dialog-store.js';
import type { LanguageChooser } from './language.js';

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
  /** The languages it has a model for. */
  readonly locales: readonly string[];
  classify(text: string, options: { locale: string }): Promise<Understood>;
}

export interface CoachEvents {
  /** Graph shows a passkey: confirmed by a live status check (`strongMethods`: how many phishing-resistant ones). */
  enrolled(userId: string, strongMethods: number): Promise<void>;
  /** The person said they have done it; checked live before they are nudged again. */
  saidEnrolled(userId: string): Promise<void>;
  /** A refusal was recorded. */
  refused(userId: string): Promise<void>;
}

export interface CoachDeps {
  cards: CardRenderer;
  strings: Strings;
  /** The set-up guides in a language (English where a language has none). */
  guides: (locale: string) => Guides;
  /** The catalog in a language (English where a language has none). */
  catalog: (locale: string) => Catalog;
  classifier: IntentClassifier;
  language: LanguageChooser;
  dialogs: DialogStore;
  objections: ObjectionLog;
  store: Store;
  audit: AuditLog;
  directory: Directory | undefined;
  background: BackgroundWork;
  replyLater: LaterReply;
  logger: Logger;
  devices: DeviceModels;
  passkeyRules: PasskeyRulesReader;
  /** ENROLMENT_TIERS per person: what the status check holds their methods against. */
  tiers?: EnrolmentTierResolver;
  /** The help card's words: the organisation, and what the coach keeps. */
  help: HelpDeps;
  /** The organisation's own reason for the roll-out by language (a language without one says the coach's own), and its deadline for people in no campaign. */
  rollout: { organisation: string | undefined; reasons: Readonly<Record<string, string>>; deadline?: string };
  /** The deadline of the campaign the person is in, if any (YYYY-MM-DD). */
  campaignDeadline?: (userId: string) => Promise<string | undefined>;
  /** Told what people decide, so a campaign stops nudging them (campaigns listen; errors are logged, never shown). */
  events?: CoachEvents;
}

export interface Button {
  title: string;
  verb: string;
  data: Record<string, string>;
}

/** The buttons the conversation offers, by what they do. */
const BUTTON_VERBS = {
  'show-me-how': { verb: COACH_VERBS.showMeHow, data: {} },
  'tell-me-more': { verb: COACH_VERBS.tellMeMore, data: {} },
  'another-concern': { verb: COACH_VERBS.anotherConcern, data: {} },
  'still-no': { verb: COACH_VERBS.stillNo, data: {} },
  'talk-to-person': { verb: COACH_VERBS.talkToPerson, data: {} },
  'check-status': { verb: COACH_VERBS.checkStatus, data: {} },
  'security-key': { verb: COACH_VERBS.choosePlatform, data: { platform: 'security-key' } },
  'windows-hello': { verb: COACH_VERBS.choosePlatform, data: { platform: 'windows' } },
  'set-up': { verb: COACH_VERBS.showMeHow, data: {} },
  'another-question': { verb: COACH_VERBS.anotherConcern, data: {} },
} as const satisfies Record<string, { verb: string; data: Record<string, string> }>;
export type ButtonName = keyof typeof BUTTON_VERBS;

export class CoachContext {
  constructor(readonly deps: CoachDeps) {}

  say(locale: string, key: string, params?: Params): string {
    return this.deps.strings.text(locale, key, params);
  }

  button(locale: string, name: ButtonName): Button {
    const { verb, data } = BUTTON_VERBS[name];
    return { title: this.say(locale, `coach.buttons.${name}`), verb, data: { ...data } };
  }

  /** Tells the campaign what the person decided; the conversation goes on if that fails (the next wave checks the report). */
  async tell(event: Exclude<keyof CoachEvents, 'enrolled'>, userId: string): Promise<void>;
  async tell(event: 'enrolled', userId: string, strongMethods: number): Promise<void>;
  async tell(event: keyof CoachEvents, userId: string, strongMethods = 0): Promise<void> {
    try {
      if (event === 'enrolled') await this.deps.events?.enrolled(userId, strongMethods);
      else await this.deps.events?.[event](userId);
    } catch (error) {
      this.deps.logger.error('telling the campaign failed', { event, error });
    }
  }
}
