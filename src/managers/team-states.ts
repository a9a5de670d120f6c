// Where each of a manager's reports stands with their passkey, as states only: what the campaign, the decisions, the
// helpdesk queue and the coach's own records say, never what anyone told the coach (concerns and words stay theirs).

import type { DirectoryUser } from '../directory/graph-shapes.js';
import { TEAM_STATES, type TeamState } from './team-views.js';

// The list lives with the view's types, which the tab's page reads without this module's imports.
export { TEAM_STATES, type TeamState } from './team-views.js';

/** States in which a nudge from the manager makes sense: not done, not decided, and reachable. */
export const NUDGEABLE_STATES: ReadonlySet<TeamState> = new Set(['snoozed', 'invited', 'not-invited']);

export interface ReportState {
  id: string;
  name: string;
  state: TeamState;
  /** Who the decision on a refusal is with: a person's name, or a group. */
  decider?: { kind: 'person'; id: string; name: string } | { kind: 'group' } | { kind: 'nobody' };
  /** The last local day of an exception, or until when a "not now" holds (YYYY-MM-DD). */
  until?: string;
}

/**
 * What the other features know of one person, read for the lot by the composition root (src/app/person-facts.ts):
 * this feature reads no other feature's records itself.
 */
export interface PersonFacts {
  /** The coach has seen a strong method (a status check, the campaign's check). */
  enrolled: boolean;
  /** A campaign has targeted the tenant (the latest one got past its targeting): someone not in it was left out. */
  campaignTargeted: boolean;
  /** Their place in the latest campaign, if it reached them. */
  member?: {
    state: 'pending' | 'reached' | 'replied' | 'enrolled' | 'refused' | 'escalated' | 'unreachable' | 'failed';
    campaignFinished: boolean;
    timeZone: string;
    decision?: 'security-key' | 'exception' | 'require';
    exceptionUntil?: string;
    snoozedUntil?: string;
  };
  /** An open decision on their refusal, and who has it. */
  openDecision?: { kind: 'user'; id: string; name: string } | { kind: 'group' } | { kind: 'none' };
  /** An open "talk to a person" request. */
  askedForPerson: boolean;
  /** They removed or blocked the app. */
  unreachable: boolean;
}

export type FactsOf = (ids: readonly string[]) => Promise<Map<string, PersonFacts>>;

/** The states of these people, in the order given, from their facts. */
export function reportStates(facts: ReadonlyMap<string, PersonFacts>, people: readonly DirectoryUser[], now: Date): ReportState[] {
  const today = now.toISOString().slice(0, 10);
  return people.map((person): ReportState => {
    const base = { id: person.id, name: person.displayName ?? person.userPrincipalName ?? person.id };
    const known = facts.get(person.id);
    const member = known?.member;
    if (known?.enrolled || member?.state === 'enrolled') return { ...base, state: 'enrolled' };
    if (member?.decision === 'exception' && member.exceptionUntil !== undefined && member.exceptionUntil >= today) return { ...base, state: 'exception', until: member.exceptionUntil };
    if (member?.decision === 'security-key') return { ...base, state: 'security-key' };
    if (known?.openDecision || member?.state === 'refused' || member?.state === 'escalated') return { ...base, state: 'refused', decider: deciderOf(known?.openDecision) };
    if (known?.askedForPerson) return { ...base, state: 'asked-for-person' };
    if (known?.unreachable || member?.state === 'unreachable' || member?.state === 'failed') return { ...base, state: 'unreachable' };
    if (member?.snoozedUntil !== undefined && member.snoozedUntil > now.toISOString()) return { ...base, state: 'snoozed', until: member.snoozedUntil.slice(0, 10) };
    if (member) return { ...base, state: member.campaignFinished ? 'not-invited' : 'invited' };
    return { ...base, state: known?.campaignTargeted ? 'not-targeted' : 'not-invited' };
  });
}

function deciderOf(decider: PersonFacts['openDecision']): ReportState['decider'] {
  if (!decider || decider.kind === 'none') return { kind: 'nobody' };
  return decider.kind === 'user' ? { kind: 'person', id: decider.id, name: decider.name } : { kind: 'group' };
}

/** Needs something first (TEAM_STATES order), then by name. */
export function byNeed(a: ReportState, b: ReportState): number {
  return TEAM_STATES.indexOf(a.state) - TEAM_STATES.indexOf(b.state) || a.name.localeCompare(b.name);
}

/** How many are in each state, every state present (0 when none). */
export function stateCounts(states: readonly ReportState[]): Record<TeamState, number> {
  const counts = Object.fromEntries(TEAM_STATES.map((state) => [state, 0])) as Record<TeamState, number>;
  for (const { state } of states) counts[state] += 1;
  return counts;
}
