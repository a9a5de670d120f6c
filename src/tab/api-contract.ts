// The JSON the tab's API answers with: one definition for the server (src/tab/tab-service.ts) and the page
// (tab/src/api.ts). Only types, and only from modules without imports, so the page's build can read them.
// Labels, titles, reasons and messages are in the language the page asked for (its Accept-Language); codes (`state`,
// `stage`, roles, audit outcomes) are the page's to word.

import type { WordedRow } from '../digest/digest-words.js';
import type { HelpQueueEntry, PassQueue, PassSummary } from '../helpdesk/pass-views.js';

export type { HelpQueueEntry, PassQueue, PassSummary, TapState } from '../helpdesk/pass-views.js';
export type { TeamMember, TeamState, TeamView } from '../managers/team-views.js';

/** `manager`: Entra lists enabled direct reports for them (not a group); the others are groups. */
export const TAB_ROLES = ['admin', 'helpdesk', 'approver', 'security', 'manager', 'leadership'] as const;
export type TabRole = (typeof TAB_ROLES)[number];

export interface Me {
  name: string;
  roles: TabRole[];
}

export interface Progress {
  /** When these figures were counted (they are counted at most every few seconds). */
  asOf: string;
  campaign?: { name: string; state: string; stateLabel: string; deadline: string; startedAt: string; finishedAt?: string };
  /** The stages, each including the later ones (src/campaigns/campaign-figures.ts defines every figure). */
  funnel?: { stage: string; label: string; count: number }[];
  /** Refusals, decisions, reminders, the unreachable and the expired: "ever" and "now" figures, as on the status card. */
  outcomes?: { stage: string; label: string; count: number }[];
  /** Why messages expired unsent (their moment passed: the campaign ended, the deadline passed), people by reason. */
  expired?: { reason: string; count: number }[];
  enrolledByDay?: { date: string; count: number }[];
  byDepartment?: { department: string; targeted: number; reached: number; replied: number; enrolled: number }[];
  /** People targeted and enrolled per enrolment tier id; absent unless more than one tier is configured (README, "Enrolment tiers"). */
  byTier?: { tier: string; targeted: number; enrolled: number }[];
  /** A campaign comparing invitation texts: each text's figures, as on the status card (src/campaigns/campaign-variants.ts). */
  variants?: VariantComparison;
  objections: { intent: string; title: string; count: number }[];
}

/** A share of 1 with its 95% interval. */
export interface SharedRate {
  share: number;
  lower: number;
  upper: number;
}

export interface VariantComparison {
  /** Whether a text gets more people enrolled, or that it is too early to tell, in the reader's language. */
  verdict: string;
  howToRead: string;
  rows: {
    id: string;
    label: string;
    stopped: boolean;
    best: boolean;
    assigned: number;
    reached: number;
    /** Reached at least 7 days ago: the rates' people. */
    weekOver: number;
    replied: number;
    enrolled: number;
    repliedRate: SharedRate;
    enrolledRate: SharedRate;
    /** The best text's lead over this one (best − this), shares of 1 with its 95% interval. */
    behindBest?: { difference: number; lower: number; upper: number };
  }[];
}

export interface EscalationItem {
  id: string;
  employee: string;
  department?: string;
  reason: string;
  concerns: string[];
  refusedAt: string;
  state: 'open' | 'decided' | 'withdrawn';
  stateLabel: string;
  decider: string;
  level: number;
  decidedBy?: string;
  decidedAt?: string;
  exceptionUntil?: string;
}

export interface Escalations {
  total: number;
  open: number;
  /** The newest first, at most a page of them. */
  items: EscalationItem[];
}

/** What an action from the tab did: done (200), refused by a rule (403), no such request (404), nothing changed (409), Graph not answering (503). */
export interface ActionResult {
  outcome: 'done' | 'refused' | 'not-found' | 'unchanged' | 'unavailable';
  message: string;
  request?: PassSummary;
}

/** Whom `POST team/nudge` nudges: one direct report by object id, or everyone on the team a nudge helps. */
export interface TeamNudgeRequest {
  personId: string | 'all';
}

/** The queue as the tab shows it: the topics by their catalog titles instead of intent ids. */
export type TabHelpEntry = Omit<HelpQueueEntry, 'intents'> & { topics: string[] };
export type TabPassQueue = Omit<PassQueue, 'help'> & { help: TabHelpEntry[] };

export interface AuditParty {
  kind: string;
  displayName?: string;
  upn?: string;
  aadObjectId?: string;
  /** A system actor's name. */
  name?: string;
  erased?: boolean;
  /** False when the object id is not the person the entry sealed. */
  matchesRef?: boolean;
  /** Names no seal covers (entries written before names were sealed). */
  unsealed?: string[];
}

export interface AuditView {
  verification: {
    ok: boolean;
    entries: number;
    lastSeq: number;
    problemCount: number;
    problems: { seq: number; kind: string; message: string }[];
    keyIds: string[];
    /** The newest anchor the trail was held to; absent when none was written yet. */
    anchor?: { seq: number; at: string; source: string };
    /** Where anchors were read from. */
    anchorSources: string[];
    /** Entries up to `seq` were verified in full at `at` (the checkpoint); `entries` counts those read since. */
    from?: { seq: number; at?: string };
  };
  windowDays: number;
  /** The newest first: entries as the export writes them, each marked verified or not. */
  entries: { seq: number; at: string; action: string; outcome: string; actor?: AuditParty; subject?: AuditParty; verified: boolean }[];
}


/** One line of the leadership view: the digest's figures for everyone, a department, or the small ones together, as
 * the digest's card words them (the same type: the two cannot drift apart). */
export type LeadershipLine = WordedRow;

/** A manager's organisation (them and everyone below them), or the small ones together. */
export interface ManagerLine {
  /** Whose organisation, and their name; absent for the line of teams too small to show. */
  managerId?: string;
  name?: string;
  label: string;
  /** People of it in the campaign, and the same figures as the digest's. */
  targeted: number;
  enrolled: number;
  refusedNow: number;
  exceptionEver: number;
  enrolledWords: string;
  /** Someone reports to them: the view can go one level down. */
  drill: boolean;
}

export interface Leadership {
  /** When the figures were counted. */
  asOf: string;
  title: string;
  subtitle: string;
  labels: { enrolled: string; change: string; refusedNow: string; exceptionEver: string; concerns: string };
  overall: LeadershipLine;
  /** By department, small ones folded into Other (the digest's own lines). */
  rows: LeadershipLine[];
  notes: string[];
  /** By manager, from the person the view is about down (the viewer unless they went down a level). */
  byManager: { manager: { id: string; name: string }; lines: ManagerLine[]; notes: string[] };
}
