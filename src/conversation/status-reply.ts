// "Check my status": the person's own sign-in methods read in real time, in the background (Graph's reports throttle
// is small; the turn answers at once and the result follows), explained in the person's language.

import { type ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import { type CardJson, TrustedMarkdown } from '../cards/card-renderer.js';
import { checkStatus, type StatusOutcome } from '../enrollment/check-status.js';
import type { CoachContext } from './coach-context.js';

export class StatusReplies {
  /** People whose status check is waiting or running. */
  readonly #pending = new Set<string>();

  constructor(private readonly coach: CoachContext) {}

  /** `status` asked for: say a check is under way, then post its answer. */
  async command(context: TurnContext, userId: string, locale: string): Promise<void> {
    await context.sendActivity(this.coach.say(locale, 'coach.checking'));
    this.inBackground(context, userId, locale);
  }

  /** Starts a check whose answer is posted to this conversation; one per person at a time (asking again changes nothing). */
  inBackground(context: TurnContext, userId: string, locale: string): void {
    if (this.#pending.has(userId)) return;
    this.#pending.add(userId);
    const reference = TurnContext.getConversationReference(context.activity);
    this.coach.deps.background.run('status-check', async () => {
      try {
        await this.#checkAndReply(userId, reference, locale);
      } finally {
        this.#pending.delete(userId);
      }
    });
  }

  async #checkAndReply(userId: string, reference: Partial<ConversationReference>, locale: string): Promise<void> {
    const { deps } = this.coach;
    let card: CardJson;
    try {
      const outcome = await checkStatus(deps, userId);
      if (outcome.kind === 'enrolled') await this.coach.tell('enrolled', userId, outcome.status.strong.length);
      const described = describeStatus(this.coach, locale, outcome);
      const actions = outcome.kind === 'not-enrolled' || outcome.kind === 'below-tier' ? [this.coach.button(locale, 'set-up'), this.coach.button(locale, 'check-status'), this.coach.button(locale, 'talk-to-person')] : [];
      card = deps.cards.render('notice', { title: described.title, paragraphs: described.paragraphs.map((p) => new TrustedMarkdown(p)), actions }, locale);
    } catch (error) {
      deps.logger.error('status check failed', { error });
      card = deps.cards.render('notice', { ...describeStatus(this.coach, locale, { kind: 'unavailable' }), actions: [] }, locale);
    }
    await deps.replyLater(reference, async (turn) => {
      await turn.sendActivity(MessageFactory.attachment({ contentType: 'application/vnd.microsoft.card.adaptive', content: card }));
    });
  }
}

/** Plain sentences about a status, for the status card. */
export function describeStatus(coach: CoachContext, locale: string, outcome: StatusOutcome): { title: string; paragraphs: string[] } {
  const say = (key: string, params?: Record<string, string>) => coach.say(locale, `status.${key}`, params);
  if (outcome.kind === 'unavailable') return { title: say('unavailableTitle'), paragraphs: [say('unavailable')] };
  const list = (items: string[]) => new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
  if (outcome.kind === 'enrolled') {
    const kinds = [...new Set(outcome.status.strong.map((method) => say(`strong.${method.kind}`)))];
    return {
      title: say(outcome.firstTime ? 'enrolledFirstTitle' : 'enrolledTitle'),
      paragraphs: [say('enrolled', { methods: list(kinds) }), ...(outcome.firstTime ? [say('thanks')] : [])],
    };
  }
  if (outcome.kind === 'below-tier') {
    const kinds = [...new Set(outcome.status.strong.map((method) => say(`strong.${method.kind}`)))];
    const missing = outcome.missing.map((code) => (code.startsWith('kind:') ? say('tierMissing.kind', { method: say(`strong.${code.slice('kind:'.length)}`) }) : say(`tierMissing.${code}`)));
    return { title: say('belowTierTitle'), paragraphs: [say('belowTierHave', { methods: list(kinds) }), say(`tierBecause.${outcome.because}`), ...missing, say('belowTierNext')] };
  }
  const weak = outcome.status.weak.map((kind) => say(`weak.${kind}`));
  return {
    title: say('notEnrolledTitle'),
    paragraphs: [weak.length > 0 ? say('onlyWeak', { methods: list(weak) }) : say('onlyPassword'), say('missedStep'), say('tryAgain')],
  };
}
