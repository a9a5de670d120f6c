// What every escalation use case works with: the feature's dependencies, its records, and the steps they share
// (the words of a reader's language, render a decider's card, count working days, queue a message, describe a decider for the audit).

import type { CardJson } from '../cards/card-renderer.js';
import { addWorkingDays, type WorkingHours } from '../shared/working-hours.js';
import { localParts } from '../shared/wall-clock.js';
import type { EscalationSettings } from '../config/app-config.js';
import type { OutboxFeatureDeps } from '../outbox/outbox-router.js';
import type { IntentId } from '../shared/intents.js';
import { deciderCardData, type Wording } from './escalation-cards.js';
import { type Decider, type Decision, type Escalation, EscalationRecords } from './escalation-records.js';

/** What escalations need from campaigns: the person's campaign, and telling it what happened. */
export interface CampaignLink {
  /** The active campaign the person is in, with its deadline. */
  contextOf(userId: string): Promise<{ campaignId: string; deadline: string } | undefined>;
  escalated(userId: string): Promise<void>;
  decided(userId: string, decision: Decision, campaignId: string | undefined): Promise<void>;
}

export interface EscalationDeps extends OutboxFeatureDeps {
  settings: EscalationSettings;
  hours: WorkingHours;
  /** Zone of working days for reminders (the tenant's). */
  timeZone: string;
  concernTitle: (intent: IntentId, locale?: string) => string;
  campaigns?: CampaignLink;
}

export type DecideResult = { card: CardJson } | { message: string };

export interface CardView {
  reminder?: boolean;
  /** This copy's reader no longer decides: it went to someone else. */
  movedOn?: boolean;
  error?: string;
  note?: string;
}

export class EscalationContext {
  readonly records: EscalationRecords;

  constructor(readonly deps: EscalationDeps) {
    this.records = new EscalationRecords(deps.store);
  }

  /** The words of one language. */
  wording(locale: string): Wording {
    return { strings: this.deps.cards.strings, locale };
  }

  /** The words of a message the coach starts for `userId`: in their language. */
  async wordingFor(userId: string): Promise<Wording> {
    return this.wording(await this.deps.languages.ofRecipient(userId));
  }

  /** The decider's card as this copy should show it (a reminder, moved on to someone else, a problem with the click), in `locale`. */
  card(escalation: Escalation, view: CardView, locale: string): CardJson {
    const data = deciderCardData(
      escalation,
      {
        concernTitle: this.deps.concernTitle,
        reminder: view.reminder,
        movedOn: view.movedOn,
        error: view.error,
        today: localParts(new Date(), this.deps.timeZone).dateKey,
        maxExceptionDays: this.deps.settings.maxExceptionDays,
      },
      this.wording(locale),
    );
    if (view.note) data.status = view.note;
    return this.deps.cards.render('escalation', data, locale);
  }

  /** The decider's card sent to `userId` (a new card, or an update of theirs): in their language. */
  async cardFor(userId: string, escalation: Escalation, view: CardView): Promise<CardJson> {
    return this.card(escalation, view, await this.deps.languages.ofRecipient(userId));
  }

  /** `workingDays` working days after `now`, in the tenant's working hours. */
  after(now: Date, workingDays: number): Date {
    return addWorkingDays(now, this.deps.timeZone, workingDays, this.deps.hours);
  }

  async enqueue(escalationId: string, userId: string, step: string, now: Date): Promise<void> {
    await this.deps.outbox.enqueue({ kind: 'escalation', subjectId: escalationId, userId, step, dueAt: now.toISOString() });
  }

  /** The step for every member of the group but `except`, looked up when the row is sent. */
  async enqueueForGroup(escalationId: string, groupId: string, step: string, now: Date, except: string[] = []): Promise<void> {
    await this.deps.outbox.enqueueForGroup({ kind: 'escalation', subjectId: escalationId, step, dueAt: now.toISOString() }, groupId, except);
  }
}

/** The person was asked before and no longer decides (it went up the chain, or to the group). */
export function movedOnFrom(escalation: Escalation, userId: string): boolean {
  const stillDecides = escalation.decider.kind === 'user' && escalation.decider.id === userId;
  return escalation.earlierDeciders.includes(userId) && !stillDecides;
}

export function sameDecider(a: Decider, b: Decider): boolean {
  if (a.kind === 'user' && b.kind === 'user') return a.id === b.id;
  if (a.kind === 'group' && b.kind === 'group') return a.groupId === b.groupId;
  return a.kind === b.kind;
}

export function describeDecider(decider: Decider): Record<string, string> {
  return decider.kind === 'user' ? { kind: 'manager', id: decider.id } : decider.kind === 'group' ? { kind: 'group', groupId: decider.groupId, because: decider.because } : { kind: 'none', because: decider.because };
}
