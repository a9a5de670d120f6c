// A refusal: the form that says what the manager will see, then the decision recorded and passed on; and a request for
// a person. The manager is named only when they will decide (see escalation routing): enabled, and not the person.

import { z } from 'zod';
import type { CardJson } from '../cards/card-renderer.js';
import { REFUSAL_REASONS, recordRefusal } from '../escalation/refusals.js';
import { requestHelp } from '../helpdesk/help-requests.js';
import { visibleText } from '../shared/visible-text.js';
import type { CoachContext } from './coach-context.js';

const confirmation = z.object({ reason: z.enum(REFUSAL_REASONS), details: z.string().max(500).optional() });

export class RefusalFlow {
  constructor(private readonly coach: CoachContext) {}

  /** The form: the reasons to pick from, and what the manager will see. */
  async form(userId: string, locale: string): Promise<CardJson> {
    return this.coach.deps.cards.render('refusal-reason', { managerName: await this.#managerName(userId, locale) }, locale);
  }

  /** The form sent: the refusal recorded, the campaign told, and the person told who decides next. */
  async confirm(userId: string, data: unknown, locale: string): Promise<CardJson> {
    const { deps } = this.coach;
    const parsed = confirmation.safeParse(data);
    if (!parsed.success) return this.form(userId, locale);
    const dialog = await deps.dialogs.get(userId);
    const details = visibleText(parsed.data.details ?? '').trim() || undefined;
    await recordRefusal(deps.store, { userId, reason: parsed.data.reason, details, intents: dialog.intentsRaised, recordedAt: new Date().toISOString() });
    await this.coach.tell('refused', userId);
    await deps.audit.record({
      action: 'employee.refusal.recorded',
      outcome: 'info',
      actor: { kind: 'user', aadObjectId: userId },
      details: { reason: parsed.data.reason, intents: dialog.intentsRaised },
    });
    return deps.cards.render(
      'notice',
      {
        title: this.coach.say(locale, 'coach.refusal.recordedTitle'),
        paragraphs: [this.coach.say(locale, 'coach.refusal.passedOn', { manager: await this.#managerName(userId, locale) }), this.coach.say(locale, 'coach.refusal.offerStands')],
        actions: [this.coach.button(locale, 'another-question')],
      },
      locale,
    );
  }

  async #managerName(userId: string, locale: string): Promise<string> {
    const { directory, logger } = this.coach.deps;
    const fallback = this.coach.say(locale, 'coach.refusal.yourManager');
    if (!directory) return fallback;
    try {
      const manager = await directory.getManager(userId);
      return manager && manager.accountEnabled !== false && manager.id !== userId && manager.displayName ? manager.displayName : fallback;
    } catch (error) {
      logger.warn('could not read the manager for a refusal card', { error });
      return fallback;
    }
  }
}

/** "Talk to a person": a helpdesk request opened once (asking again changes nothing), and what happens next. */
export async function talkToPerson(coach: CoachContext, userId: string, locale: string): Promise<{ title: string; paragraphs: string[]; actions: unknown[] }> {
  const { deps } = coach;
  const dialog = await deps.dialogs.get(userId);
  const { alreadyOpen } = await requestHelp(deps.store, { userId, intents: dialog.intentsRaised, platform: dialog.platform, requestedAt: new Date().toISOString() });
  if (!alreadyOpen) await deps.audit.record({ action: 'helpdesk.request.created', outcome: 'success', actor: { kind: 'user', aadObjectId: userId }, details: { intents: dialog.intentsRaised } });
  const say = (key: string) => coach.say(locale, `coach.talkToPerson.${key}`);
  return {
    title: say(alreadyOpen ? 'alreadyTitle' : 'askedTitle'),
    paragraphs: [say(alreadyOpen ? 'already' : 'asked'), say('neverAsk')],
    actions: [],
  };
}
