// What every pass use case works with: the feature's dependencies, its records, and the few steps they all take
// (audit an action, alert security, queue a message, refuse a forged click, read a time the way the cards write it).

import type { CardJson } from '../cards/card-renderer.js';
import type { TapSettings } from '../config/app-config.js';
import type { GroupMembership } from '../directory/group-membership.js';
import type { VerifiedIdRequirement } from '../config/verified-id-settings.js';
import type { VerifiedIdService } from '../directory/verified-id-client.js';
import type { OutboxFeatureDeps } from '../outbox/outbox-router.js';
import { PresentationRecords } from './presentation-records.js';
import { newTapRequestId, type Person, type TapAlert, TapRecords } from './tap-records.js';
import type { TapWords } from './tap-words.js';

export interface TemporaryAccessDeps extends OutboxFeatureDeps {
  settings: TapSettings;
  /** The service's one group-membership cache (campaign admins and the tab read the same). */
  membership: GroupMembership;
  /** Emergency-access accounts (object ids and UPNs, lower-case): always privileged. */
  breakGlass: readonly string[];
  timeZone: string;
  /** Verified ID with Face Check (README, "Verified ID with Face Check"); absent where it is not set up. */
  verifiedId?: VerifiedIdDeps;
  /** Which requests need a verified presentation before approval; read even where Verified ID is absent (then none can be approved: fail closed). */
  verifiedIdRequired: VerifiedIdRequirement;
  /** Where Entra account recovery starts, offered for a person whose wallet is lost. */
  accountRecoveryUrl?: string;
}

export interface VerifiedIdDeps {
  service: VerifiedIdService;
  /** The tenant's DID: the verifier, and the one issuer accepted. */
  authorityDid: string;
  faceMatchThreshold: number;
  /** Where the service calls back (the public URL of POST /api/verifiedid/callback). */
  callbackUrl: () => string;
  /** How the wallet names who asks. */
  clientName: string;
}

/** What a command or click answers; `acted` when this very call changed the request (not someone quicker). */
export type TapAnswer = ({ card: CardJson } | { message: string }) & { acted?: boolean };

export class TapContext {
  readonly records: TapRecords;
  readonly presentations: PresentationRecords;

  constructor(readonly deps: TemporaryAccessDeps) {
    this.records = new TapRecords(deps.store);
    this.presentations = new PresentationRecords(deps.store);
  }

  get settings(): TapSettings {
    return this.deps.settings;
  }

  async audit(action: string, actor: Person, subjectId: string | undefined, details: Record<string, unknown>): Promise<void> {
    await this.deps.audit.record({
      action,
      outcome: action.endsWith('.denied') || action.endsWith('refused') ? 'denied' : action.endsWith('failed') ? 'failed' : 'info',
      actor: actor.id === 'system' ? { kind: 'system', name: 'tap' } : { kind: 'user', aadObjectId: actor.id, displayName: actor.name },
      ...(subjectId ? { subject: { kind: 'user' as const, aadObjectId: subjectId } } : {}),
      details,
    });
  }

  /**
   * Security hears of it: the alert is kept (the card is made from it, in each reader's words) and queued for the
   * group, whose members are looked up when it is sent (a directory that cannot list them now is asked again until it can).
   */
  async alert(kind: TapAlert['kind'], say: NonNullable<TapAlert['say']>, now: Date, requestId?: string): Promise<void> {
    const id = `A-${now.getTime().toString(36)}-${newTapRequestId().slice(2)}`;
    await this.records.saveAlert({ id, kind, at: now.toISOString(), say });
    await this.deps.audit.record({ action: `tap.alert.${kind}`, outcome: 'info', actor: { kind: 'system', name: 'tap' }, details: { alertId: id, requestId: requestId ?? null } });
    await this.sendToGroup(id, this.settings.securityGroupId, 'alert', now);
  }

  async send(subjectId: string, userId: string, step: string, now: Date): Promise<void> {
    await this.deps.outbox.enqueue({ kind: 'tap', subjectId: subjectId, userId, step, dueAt: now.toISOString() });
  }

  /** The step for every member of the group but `except`: one durable row now, the members looked up when it is sent. */
  async sendToGroup(subjectId: string, groupId: string | undefined, step: string, now: Date, except: (string | undefined)[] = []): Promise<void> {
    if (!groupId) return;
    const others = except.filter((id): id is string => id !== undefined);
    await this.deps.outbox.enqueueForGroup({ kind: 'tap', subjectId, step, dueAt: now.toISOString() }, groupId, others);
  }

  /** Whether the person is on the helpdesk; a refusal is audited. */
  async isHelpdesk(person: Person, what: string): Promise<boolean> {
    if (await this.deps.membership.isMember(person.id, this.settings.helpdeskGroupId, 'the pass command')) return true;
    await this.deps.audit.record({ action: 'tap.command.denied', outcome: 'denied', actor: { kind: 'user', aadObjectId: person.id, displayName: person.name }, details: { command: what } });
    return false;
  }

  notHelpdesk(words: TapWords): string {
    return words.say(this.settings.helpdeskGroupId ? 'requests.notHelpdesk' : 'requests.noHelpdeskGroup');
  }

  /** Card data that names a request the clicker may not act on (or none): nothing happens, and it is audited. */
  async forged(clicker: Person, verb: string, data: unknown, words: TapWords): Promise<TapAnswer> {
    const requestId = (data as { requestId?: unknown } | undefined)?.requestId;
    await this.deps.audit.record({
      action: 'tap.action.denied',
      outcome: 'denied',
      actor: { kind: 'user', aadObjectId: clicker.id, displayName: clicker.name },
      details: { verb, requestId: typeof requestId === 'string' ? requestId.slice(0, 20) : null },
    });
    return { message: words.say('requests.notYours') };
  }

  /** A step after the pass exists: its failure is logged for security to follow up, never undoes what happened. */
  async bestEffort(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.deps.logger.error(`pass request: ${what} failed`, { error });
    }
  }
}
