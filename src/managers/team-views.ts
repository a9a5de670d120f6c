// How a manager's team looks as plain data: the states and the view the `team` card and the tab's "My team" both
// draw. No imports: the tab's front end reads these types too (through src/tab/api-contract.ts).

/**
 * A report's state, most in need of something first: a refusal waiting for a decision, a request for a person, a
 * message that cannot reach them, a "not now", an invitation not acted on, nobody invited them yet; then those the
 * campaign left out (it targets everyone the registration report shows without a passkey, so mostly people who had one
 * already: the coach does not read each person's methods for this view), and the settled ones (a security key on its
 * way, an exception, enrolled).
 */
export const TEAM_STATES = ['refused', 'asked-for-person', 'unreachable', 'snoozed', 'invited', 'not-invited', 'not-targeted', 'security-key', 'exception', 'enrolled'] as const;
export type TeamState = (typeof TEAM_STATES)[number];

/** One direct report as the manager sees them: where they stand, never what they told the coach. */
export interface TeamMember {
  id: string;
  name: string;
  state: TeamState;
  /** The state in the reader's words, the card's sentence ("Said no; the decision is with you"). */
  stateText: string;
  /** A nudge helps now: the state calls for one and nobody asked for one within MANAGER_NUDGE_DAYS. */
  nudge: boolean;
}

/** A manager's team, worded in the reader's language; what the chat's card shows is drawn from this. */
export interface TeamView {
  /** MANAGER_VIEW: `aggregate` lists nobody, so the view holds no one's name or id. */
  mode: 'individual' | 'aggregate';
  /** "1 of 4 people have a passkey." */
  summary: string;
  total: number;
  enrolled: number;
  /** Everyone on the team, those who need something first; empty in aggregate mode. */
  people: TeamMember[];
  /** How many are in each state (the states someone is in, in TEAM_STATES order), with the state's short label. */
  counts: { state: TeamState; label: string; count: number }[];
  /** How many "nudge everyone not set up" would nudge now (0: nobody, so no such button). */
  nudgeable: number;
  /** The privacy note, the aggregate note in aggregate mode, and the nudge limit. */
  footnotes: string[];
}

/** What a nudge did: done, nothing to do (too recent, not needed, nobody left), refused by a rule, or Entra not answering. */
export interface NudgeResult {
  outcome: 'done' | 'unchanged' | 'refused' | 'unavailable';
  message: string;
}
