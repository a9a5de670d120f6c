// How pass requests look to the people who work them: the states, and a request and the queue as lists show them.
// No imports: the tab's front end reads these types too (through src/tab/api-contract.ts).

export const TAP_STATES = ['draft', 'awaiting-manager', 'awaiting-approval', 'approved', 'revealing', 'revealed', 'refused', 'cancelled', 'expired', 'revoked'] as const;
export type TapState = (typeof TAP_STATES)[number];

/** A pass request as the helpdesk's lists show it: never the pass, never the agent's free-text check note. */
export interface PassSummary {
  id: string;
  target: { name: string; upn: string; department?: string };
  requester: string;
  state: TapState;
  /** The state in the reader's words; `checks` too. */
  stateLabel: string;
  createdAt: string;
  expiresAt: string;
  reason?: string;
  lifetimeInMinutes: number;
  oneTime: boolean;
  checks: string[];
  replacesExistingPass: boolean;
  /** Why the account is privileged, one reason each, in the reader's words (empty for an ordinary account). */
  privileged: string[];
  /** The viewer may approve or refuse it now. */
  mayDecide: boolean;
  /** Policy (VERIFIED_ID_REQUIRED) holds its approval until Verified ID's presentation is verified: refusing is possible. */
  awaitsPresentation: boolean;
}

/** Someone waiting to talk to a person, with the topics they raised with the coach (intent ids). */
export interface HelpQueueEntry {
  userId: string;
  name: string;
  upn?: string;
  department?: string;
  intents: string[];
  platform?: string;
  requestedAt: string;
}

export interface PassQueue {
  helpdesk: boolean;
  approver: boolean;
  mine: PassSummary[];
  toApprove: PassSummary[];
  /** The oldest first, at most a page of them. */
  help: HelpQueueEntry[];
  waitingForPerson: number;
}
