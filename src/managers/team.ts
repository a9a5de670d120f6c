// Managers and their team: `team` (direct reports and their states, a nudge per person or for everyone not set up;
// the same as plain data for the tab), `team all` (the teams below, by manager, with counts). Who is whose report
// comes from Entra on every action: a card's data or the tab's request names only who is acted on, and a nudge goes
// only to the asker's own direct report.

import type { AuditLog } from '../audit/audit-log.js';
import type { CardJson, CardRenderer } from '../cards/card-renderer.js';
import type { ManagerSettings } from '../config/app-config.js';
import type { Directory } from '../directory/directory-port.js';
import type { DirectoryUser } from '../directory/graph-shapes.js';
import type { Logger } from '../logging/logger.js';
import type { Outbox } from '../outbox/outbox.js';
import { formatDeadline } from '../shared/formatting.js';
import { resolveTimeZone } from '../shared/time-zones.js';
import { nextWorkingInstant, type WorkingHours } from '../shared/working-hours.js';
import type { Store } from '../store/store-port.js';
import { claimNudge, MANAGER_NUDGES_PARTITION, type NudgeRecord, nudgeRow } from './manager-nudges.js';
import { isDisabled, type ReportTree, type ReportWalk } from './report-tree.js';
import { TeamCards, type TeamGroup } from './team-card.js';
import { type FactsOf, NUDGEABLE_STATES, type PersonFacts, type ReportState, reportStates } from './team-states.js';
import type { NudgeResult, TeamView } from './team-views.js';

/** Who reports to whom, from Entra: ReportTree (cached, bounded), or anything that answers the same. */
export type ReportsSource = Pick<ReportTree, 'direct' | 'isManager' | 'all'>;

export interface TeamDeps {
  store: Store;
  /** What the other features know of each person (src/app/person-facts.ts). */
  facts: FactsOf;
  reports: ReportsSource;
  directory: Directory | undefined;
  outbox: Outbox;
  audit: AuditLog;
  cards: CardRenderer;
  settings: ManagerSettings;
  hours: WorkingHours;
  respectWorkingHours: boolean;
  defaultTimeZone: string;
  logger: Logger;
  now?: () => Date;
}

export interface Manager {
  id: string;
  name: string;
}

/** What a click or a command gets back: a card (the team again, with what happened on top) or a sentence. */
export type TeamAnswer = { card: CardJson } | { message: string };

/** No team to show: Entra lists no enabled direct reports, or could not be read; the sentence says which. */
export interface NoTeam {
  why: 'no-reports' | 'directory-off';
  message: string;
}

export class Team {
  readonly #deps: TeamDeps;
  readonly #cards: TeamCards;

  constructor(deps: TeamDeps) {
    this.#deps = deps;
    this.#cards = new TeamCards(deps.cards, deps.settings);
  }

  /** Whether `team` is for them (the help card lists it); false when Entra cannot say. */
  async isManager(userId: string): Promise<boolean> {
    try {
      return await this.#deps.reports.isManager(userId);
    } catch (error) {
      this.#deps.logger.warn('could not tell whether someone manages a team', { error });
      return false;
    }
  }

  async show(manager: Manager, locale: string, notice?: string): Promise<TeamAnswer> {
    const view = await this.view(manager, locale);
    return 'message' in view ? { message: view.message } : { card: this.#cards.team(view, locale, notice) };
  }

  /** The team as plain data (the tab's "My team"); a sentence instead when there is no team or Entra fails. */
  async view(manager: Manager, locale: string): Promise<TeamView | NoTeam> {
    const team = await this.#team(manager, locale);
    if ('message' in team) return team;
    return this.#cards.view({ managerId: manager.id, states: team.states, recentlyNudged: await this.#recentlyNudged(team.states), locale });
  }

  async showAll(manager: Manager, locale: string): Promise<TeamAnswer> {
    let tree: ReportWalk;
    try {
      tree = await this.#deps.reports.all(manager.id, { maxPeople: this.#deps.settings.allLimit });
    } catch (error) {
      this.#deps.logger.warn('could not read the teams below a manager', { error });
      return { message: this.#cards.text(locale, 'team.answers.directoryOff') };
    }
    const people = tree.groups.flatMap((group) => group.reports.filter(isActive));
    if (people.length === 0) return { message: this.#cards.text(locale, 'team.answers.noReports') };
    const states = new Map(reportStates(await this.#deps.facts(people.map((person) => person.id)), people, this.#now()).map((state) => [state.id, state]));
    const groups: TeamGroup[] = tree.groups.map((group) => ({
      // The first group is the manager's own: the walk starts at them and does not read their profile.
      manager: { id: group.managerId, name: group.manager?.displayName ?? (group.managerId === manager.id ? manager.name : group.managerId) },
      states: group.reports.flatMap((report) => states.get(report.id) ?? []),
    }));
    const cut = tree.truncated;
    return { card: this.#cards.all(groups, locale, cut && (cut.by === 'size' ? { by: 'size', limit: cut.maxPeople } : { by: 'depth', limit: cut.maxDepth })) };
  }

  /** One report, named by the card's data: the team again with what happened on top, or why not. */
  async nudge(manager: Manager, data: unknown, locale: string): Promise<TeamAnswer> {
    return this.#answer(manager, locale, await this.nudgeOne(manager, (data as { personId?: unknown } | undefined)?.personId, locale));
  }

  async nudgeAll(manager: Manager, locale: string): Promise<TeamAnswer> {
    return this.#answer(manager, locale, await this.nudgeEveryone(manager, locale));
  }

  /** A refusal stands alone; anything else is said on top of the team. */
  async #answer(manager: Manager, locale: string, result: NudgeResult): Promise<TeamAnswer> {
    return result.outcome === 'refused' || result.outcome === 'unavailable' ? { message: result.message } : this.show(manager, locale, result.message);
  }

  /** One report: only the asker's own direct report, never in aggregate mode, at most once per MANAGER_NUDGE_DAYS. */
  async nudgeOne(manager: Manager, personId: unknown, locale: string): Promise<NudgeResult> {
    const say = (key: string, params?: Record<string, string | number>) => this.#cards.say(locale, key, params);
    if (this.#deps.settings.view === 'aggregate') return { outcome: 'refused', message: say('answers.individualOff') };
    if (typeof personId !== 'string' || personId.length === 0 || personId.length > 64) return { outcome: 'refused', message: say('answers.notYours') };
    const team = await this.#team(manager, locale);
    if ('message' in team) return unanswered(team);
    const person = team.states.find((state) => state.id === personId);
    if (!person) {
      await this.#deps.audit.record({ action: 'team.nudge.refused', outcome: 'denied', actor: { kind: 'user', aadObjectId: manager.id, displayName: manager.name }, details: { why: 'not-a-direct-report' } });
      return { outcome: 'refused', message: say('answers.notYours') };
    }
    if (!NUDGEABLE_STATES.has(person.state)) return { outcome: 'unchanged', message: say('answers.notNeeded', { name: person.name }) };
    const claim = await claimNudge(this.#deps.store, person.id, manager, this.#deps.settings.nudgeDays, this.#now());
    if ('recent' in claim) {
      const next = formatDeadline(claim.againFrom.toISOString().slice(0, 10), locale);
      return { outcome: 'unchanged', message: say('answers.recent', { name: person.name, date: formatDeadline(claim.recent.at.slice(0, 10), locale), next }) };
    }
    await this.#queue(manager, [person], [claim.claimed], team.facts);
    return { outcome: 'done', message: say('answers.nudged', { name: person.name }) };
  }

  /** Everyone on the team a nudge helps, but those nudged within MANAGER_NUDGE_DAYS. */
  async nudgeEveryone(manager: Manager, locale: string): Promise<NudgeResult> {
    const say = (key: string, params?: Record<string, string | number>) => this.#cards.say(locale, key, params);
    const team = await this.#team(manager, locale);
    if ('message' in team) return unanswered(team);
    const candidates = team.states.filter((state) => NUDGEABLE_STATES.has(state.state));
    const claimed: ReportState[] = [];
    const records: NudgeRecord[] = [];
    let skipped = 0;
    for (const person of candidates) {
      const claim = await claimNudge(this.#deps.store, person.id, manager, this.#deps.settings.nudgeDays, this.#now());
      if ('recent' in claim) skipped += 1;
      else {
        claimed.push(person);
        records.push(claim.claimed);
      }
    }
    if (claimed.length === 0) return { outcome: 'unchanged', message: say('answers.nobody') };
    await this.#queue(manager, claimed, records, team.facts);
    return { outcome: 'done', message: [say('answers.nudgedAll', { count: claimed.length }), ...(skipped > 0 ? [say('answers.skipped', { count: skipped })] : [])].join(' ') };
  }

  /** The manager's enabled direct reports and their states; a sentence instead when there are none or Entra fails. */
  async #team(manager: Manager, locale: string): Promise<{ states: ReportState[]; facts: Map<string, PersonFacts> } | NoTeam> {
    let reports: DirectoryUser[];
    try {
      reports = (await this.#deps.reports.direct(manager.id)).filter(isActive);
    } catch (error) {
      this.#deps.logger.warn('could not read a manager’s direct reports', { error });
      return { why: 'directory-off', message: this.#cards.text(locale, 'team.answers.directoryOff') };
    }
    if (reports.length === 0) return { why: 'no-reports', message: this.#cards.text(locale, 'team.answers.noReports') };
    const facts = await this.#deps.facts(reports.map((report) => report.id));
    return { states: reportStates(facts, reports, this.#now()), facts };
  }

  async #recentlyNudged(states: readonly ReportState[]): Promise<Set<string>> {
    const records = await this.#deps.store.getMany<NudgeRecord>(MANAGER_NUDGES_PARTITION, states.map((state) => state.id));
    const since = this.#now().getTime() - this.#deps.settings.nudgeDays * 86_400_000;
    return new Set([...records].filter(([, record]) => Date.parse(record.value.at) > since).map(([id]) => id));
  }

  /** Each claimed nudge into the outbox for the person's next working moment, and into the audit trail. */
  async #queue(manager: Manager, people: readonly ReportState[], records: readonly NudgeRecord[], facts: ReadonlyMap<string, PersonFacts>): Promise<void> {
    const now = this.#now();
    const zones = await this.#zones(people.map((person) => person.id), facts);
    for (const [index, person] of people.entries()) {
      const record = records[index];
      if (!record) continue;
      const zone = zones.get(person.id) ?? this.#deps.defaultTimeZone;
      const dueAt = this.#deps.respectWorkingHours ? nextWorkingInstant(now, zone, this.#deps.hours) : now;
      await this.#deps.outbox.enqueue(nudgeRow(person.id, record, dueAt));
      await this.#deps.audit.record({
        action: 'team.nudge.queued',
        outcome: 'success',
        actor: { kind: 'user', aadObjectId: manager.id, displayName: manager.name },
        subject: { kind: 'user', aadObjectId: person.id, displayName: person.name },
        details: { state: person.state, dueAt: dueAt.toISOString() },
      });
    }
  }

  /** One person's time zone, as a nudge to them is timed (a late delivery waits for their working hours). */
  async timeZoneOf(userId: string): Promise<string> {
    return (await this.#zones([userId], await this.#deps.facts([userId]))).get(userId) ?? this.#deps.defaultTimeZone;
  }

  /** Each person's time zone: the campaign's (read when they were targeted), else their mailbox's, else the default. */
  async #zones(ids: readonly string[], facts: ReadonlyMap<string, PersonFacts>): Promise<Map<string, string>> {
    const zones = new Map<string, string>();
    for (const id of ids) {
      const zone = facts.get(id)?.member?.timeZone;
      if (zone) zones.set(id, zone);
    }
    const unknown = ids.filter((id) => !zones.has(id));
    if (unknown.length > 0 && this.#deps.directory) {
      try {
        for (const [id, profile] of await this.#deps.directory.userProfiles(unknown)) zones.set(id, resolveTimeZone(profile.mailbox?.timeZone, this.#deps.defaultTimeZone));
      } catch (error) {
        this.#deps.logger.warn('could not read time zones for nudges; the default time zone is used', { error });
      }
    }
    return zones;
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }
}

function unanswered(team: NoTeam): NudgeResult {
  return { outcome: team.why === 'no-reports' ? 'refused' : 'unavailable', message: team.message };
}

/** Accounts that are switched off (leave, departure) are not shown or nudged: the report tree's own test of it. */
const isActive = (user: DirectoryUser): boolean => !isDisabled(user);
