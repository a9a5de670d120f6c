// The manager's card, in their language: their direct reports who need something first, each with their state and a
// Nudge where one helps (MANAGER_VIEW=individual), or counts per state only (aggregate); and for `team all`, the
// teams below them by manager, with counts. States only: nothing anyone told the coach is on it. The card is drawn
// from the team's view (plain data), which the tab's "My team" shows too, so the two cannot disagree.

import type { CardJson, CardRenderer } from '../cards/card-renderer.js';
import { formatDeadline } from '../shared/formatting.js';
import type { Params } from '../shared/strings.js';
import { byNeed, NUDGEABLE_STATES, type ReportState, stateCounts, TEAM_STATES } from './team-states.js';
import type { TeamView } from './team-views.js';

export const TEAM_VERBS = {
  nudge: 'team.nudge',
  nudgeAll: 'team.nudge-all',
  refresh: 'team.refresh',
  refreshAll: 'team.refresh-all',
} as const;

/** People listed on one card at most: a card stays readable (and within Teams' size limit) for a large team. */
export const MAX_LISTED = 40;
/** `team all` in aggregate mode folds teams smaller than this into one line, so no count points at one person. */
export const MIN_GROUP = 5;

export interface CardSettings {
  view: 'individual' | 'aggregate';
  nudgeDays: number;
}

export interface TeamViewInput {
  managerId: string;
  states: readonly ReportState[];
  /** People nudged within MANAGER_NUDGE_DAYS: no Nudge for them. */
  recentlyNudged: ReadonlySet<string>;
  locale: string;
}

export interface TeamGroup {
  manager: { id: string; name: string };
  states: readonly ReportState[];
}

export class TeamCards {
  constructor(
    private readonly cards: CardRenderer,
    private readonly settings: CardSettings,
  ) {}

  /** A sentence of strings/<locale>/team.json (`key` in full, `team.…`). */
  text(locale: string, key: string, params?: Params): string {
    return this.cards.strings.text(locale, key, params);
  }

  say(locale: string, key: string, params?: Params): string {
    return this.text(locale, `team.${key}`, params);
  }

  /**
   * The team as plain data in the reader's words: the one place that says who is listed, in what order, who a nudge
   * helps, what is counted and which notes apply. The card below and the tab's "My team" both show this.
   */
  view({ managerId, states, recentlyNudged, locale }: TeamViewInput): TeamView {
    const say = (key: string, params?: Params) => this.say(locale, key, params);
    const counts = stateCounts(states);
    const individual = this.settings.view === 'individual';
    const helps = (person: ReportState) => NUDGEABLE_STATES.has(person.state) && !recentlyNudged.has(person.id);
    return {
      mode: this.settings.view,
      summary: say('summary', { enrolled: counts.enrolled, count: states.length }),
      total: states.length,
      enrolled: counts.enrolled,
      people: individual ? [...states].sort(byNeed).map((person) => ({ id: person.id, name: person.name, state: person.state, stateText: this.stateText(person, managerId, locale), nudge: helps(person) })) : [],
      counts: TEAM_STATES.filter((state) => counts[state] > 0).map((state) => ({ state, label: say(`counts.${state}`), count: counts[state] })),
      nudgeable: states.filter(helps).length,
      footnotes: [say('privacyNote'), ...(individual ? [] : [say('aggregateNote')]), say('nudgeLimit', { count: this.settings.nudgeDays })],
    };
  }

  /** The `team` card of a view: the first MAX_LISTED people with a Nudge where one helps, or the counts in aggregate mode. */
  team(view: TeamView, locale: string, notice?: string): CardJson {
    const say = (key: string, params?: Params) => this.say(locale, key, params);
    const listed = view.people.slice(0, MAX_LISTED);
    return this.cards.render('team', {
      title: say('title'),
      notice: notice ?? '',
      summary: view.summary,
      people: listed.map((person) => ({
        id: person.id,
        name: person.name,
        state: person.stateText,
        nudge: person.nudge ? say('nudge') : '',
        // Every button says "Nudge": a screen reader says whom.
        nudgeWho: say('nudgeWho', { name: person.name }),
      })),
      counts: view.mode === 'aggregate' ? view.counts.map((count) => ({ title: count.label, value: String(count.count) })) : [],
      footnotes: [...(view.people.length > listed.length ? [say('more', { count: view.people.length - listed.length })] : []), ...view.footnotes],
      actions: [
        ...(view.nudgeable > 0 ? [{ title: say('nudgeAll', { count: view.nudgeable }), verb: TEAM_VERBS.nudgeAll, data: {} }] : []),
        { title: say('refresh'), verb: TEAM_VERBS.refresh, data: {} },
      ],
    });
  }

  /** `team all`: a line per manager below (folded when small, in aggregate mode), and the counts of everyone. */
  all(groups: readonly TeamGroup[], locale: string, truncated?: { by: 'depth' | 'size'; limit: number }): CardJson {
    const say = (key: string, params?: Params) => this.say(locale, key, params);
    const everyone = groups.flatMap((group) => group.states);
    const counts = stateCounts(everyone);
    const lines: { title: string; value: string }[] = [];
    const small: ReportState[] = [];
    for (const group of groups) {
      if (group.states.length === 0) continue;
      if (this.settings.view === 'aggregate' && group.states.length < MIN_GROUP) small.push(...group.states);
      else lines.push(this.#groupLine(group.manager.name, group.states, locale));
    }
    if (small.length > 0) lines.push(this.#groupLine(say('all.smaller', { count: MIN_GROUP }), small, locale));
    return this.cards.render('team', {
      title: say('titleAll'),
      notice: '',
      summary: say('summary', { enrolled: counts.enrolled, count: everyone.length }),
      people: [],
      counts: [...lines, ...TEAM_STATES.filter((state) => counts[state] > 0).map((state) => ({ title: say(`counts.${state}`), value: String(counts[state]) }))],
      footnotes: [
        ...(truncated ? [say(truncated.by === 'size' ? 'all.truncatedSize' : 'all.truncatedDepth', { count: truncated.limit })] : []),
        say('privacyNote'),
        ...(this.settings.view === 'aggregate' ? [say('aggregateNote')] : []),
      ],
      actions: [{ title: say('refresh'), verb: TEAM_VERBS.refreshAll, data: {} }],
    });
  }

  #groupLine(name: string, states: readonly ReportState[], locale: string): { title: string; value: string } {
    const counts = stateCounts(states);
    const waiting = states.length - counts.enrolled - counts.exception - counts['security-key'] - counts.refused;
    const parts = [this.text(locale, 'team.all.group', { manager: name, enrolled: counts.enrolled, count: states.length })];
    if (waiting > 0) parts.push(this.text(locale, 'team.all.waiting', { count: waiting }));
    if (counts.refused > 0) parts.push(this.text(locale, 'team.all.refused', { count: counts.refused }));
    const [title = '', ...rest] = parts;
    return { title, value: rest.join(' · ') || '✓' };
  }

  stateText(person: ReportState, managerId: string, locale: string): string {
    const decider = person.decider;
    const params: Params = {
      ...(person.until ? { date: formatDeadline(person.until, locale) } : {}),
      ...(person.state === 'refused' ? { decider: decider?.kind === 'person' ? (decider.id === managerId ? this.text(locale, 'team.decider.you') : decider.name) : this.say(locale, `decider.${decider?.kind ?? 'nobody'}`) } : {}),
    };
    return this.say(locale, `states.${person.state}`, params);
  }
}
