// What the admins', helpdesk's and managers' tab shows and does, for a viewer whose Teams SSO token was checked. Every
// view is gated on group membership, or for "My team" on having direct reports, read through the directory (fail
// closed); every action calls the same use-case function as the chat (TemporaryAccess.decide / cancel, Team.nudgeOne /
// nudgeEveryone), so the rules, the audit entries and the cards in the chat are one.
// What the views say comes in the reader's language (`locale`, the page's): the figures, states, checks, concerns and
// devices in the chat's own words for them, the rest from `tab.json`; the page words its own interface.

import { loadAnchorBook } from '../audit/anchor-check.js';
import type { AnchorSource } from '../audit/audit-anchor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { exportAudit } from '../audit/audit-export.js';
import { auditOverview } from '../audit/audit-overview.js';
import type { VerifyReport } from '../audit/audit-verify.js';
import { figureLabels, OUTCOMES, STAGES } from '../campaigns/campaign-figures.js';
import { type CampaignStatus, campaignStatus, expiryLabel } from '../campaigns/campaign-report.js';
import { variantSummary } from '../campaigns/campaign-variants.js';
import type { CampaignRecords } from '../campaigns/campaign-records.js';
import { reportWords } from '../campaigns/report-words.js';
import type { GroupMembership } from '../directory/group-membership.js';
import { AppError } from '../errors/app-error.js';
import type { EscalationRecords } from '../escalation/escalation-records.js';
import type { TemporaryAccess } from '../helpdesk/temporary-access.js';
import type { Team } from '../managers/team.js';
import { type ActionResult, type AuditView, type Escalations, type EscalationItem, type Leadership, type Me, type Progress, TAB_ROLES, type TabPassQueue, type TabRole, type TeamView } from './api-contract.js';
import type { LeadershipView } from './leadership-view.js';
import type { IntentId } from '../shared/intents.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import { DEFAULT_LOCALE, type Params, Strings } from '../shared/strings.js';
import type { Store } from '../store/store-port.js';
import type { PeopleNames } from './people-names.js';
import type { Viewer } from './tab-sso.js';
import { setBounded } from '../shared/bounded-map.js';

/** The group behind each role (what the chat commands use too); a role without a group has no members. Approvers are the pass feature's to say, managers the team's. */
export type TabGroups = Record<Exclude<TabRole, 'approver' | 'manager'>, string | undefined>;

export interface TabServiceDeps {
  store: Store;
  audit: AuditLog;
  auditKeys: ReadonlyMap<string, string>;
  /** The key that seals new audit records: the view seals its "verified up to here" checkpoint with it. */
  auditKeyId?: string;
  /** Where the service writes the audit trail's anchors (those that can be read back); the audit view holds the trail to them. */
  auditAnchors?: readonly AnchorSource[];
  membership: GroupMembership;
  groups: TabGroups;
  campaigns: CampaignRecords;
  escalations: EscalationRecords;
  passes: TemporaryAccess;
  /** Managers' view of their team; absent without a directory, and then nobody is a manager here. */
  team?: Pick<Team, 'isManager' | 'view' | 'nudgeOne' | 'nudgeEveryone'>;
  objections: ObjectionLog;
  /** A concern as people read it in a language (the catalog's title). */
  concernTitle: (intent: string, locale: string) => string;
  /** A set-up guide's short name for a platform id in a language ("iPhone" for iphone). */
  platformLabel: (platform: string, locale: string) => string | undefined;
  /** Every language's sentences (the default reads strings/). */
  strings?: Strings;
  /** Names for people the audit trail knows only by id. */
  names?: PeopleNames;
  /** The leadership digest's figures and the drill-down by manager. */
  leadership?: LeadershipView;
  /** People waiting longest to talk to someone are shown first; the audit view shows this many recent entries. */
  auditEntriesShown?: number;
}

const AUDIT_WINDOW_DAYS = 30;
const DENIAL_AUDIT_EVERY_MS = 10 * 60_000;
const PROGRESS_CACHE_MS = 15_000;
/** The newest refusals listed (the counts cover all of them). */
const ESCALATIONS_SHOWN = 500;

/** The progress view's numbers, in no language yet. */
interface Counted {
  asOf: string;
  status?: CampaignStatus;
  objections: { intent: string; count: number }[];
}

/** One count, shared by every viewer for a while; each reader's language words it once (`worded`). */
interface ProgressCount {
  counted: Promise<Counted>;
  worded: Map<string, Promise<Progress>>;
  doneAt?: number;
}

export class TabService {
  readonly #deniedAt = new Map<string, number>();
  readonly #strings: Strings;
  #progress: ProgressCount | undefined;

  constructor(private readonly deps: TabServiceDeps) {
    this.#strings = deps.strings ?? new Strings();
  }

  async me(viewer: Viewer): Promise<Me> {
    return { name: viewer.name, roles: await this.#roles(viewer) };
  }

  /** The campaign funnel, enrolments over time, departments, and the concerns people raised, in `locale`. */
  async progress(viewer: Viewer, locale = DEFAULT_LOCALE, now = performance.now()): Promise<Progress> {
    await this.#require(viewer, ['admin', 'security'], 'progress');
    // Counting reads every member of the campaign: one count at a time for all viewers together, and a new one only
    // PROGRESS_CACHE_MS after the last finished (elapsed time, not the wall clock). Wording it is cheap: once per language.
    const cached = this.#progress;
    let entry = cached && (cached.doneAt === undefined || now - cached.doneAt < PROGRESS_CACHE_MS) ? cached : undefined;
    if (!entry) {
      const counting: ProgressCount = { counted: this.#countProgress(new Date().toISOString()), worded: new Map() };
      this.#progress = counting;
      counting.counted.then(
        () => {
          counting.doneAt = performance.now();
        },
        () => {
          if (this.#progress === counting) this.#progress = undefined;
        },
      );
      entry = counting;
    }
    let worded = entry.worded.get(locale);
    if (!worded) {
      worded = entry.counted.then((counted) => this.#wordProgress(counted, locale));
      entry.worded.set(locale, worded);
    }
    return worded;
  }

  async #countProgress(asOf: string): Promise<Counted> {
    const latest = await this.deps.campaigns.latest();
    const counts = await this.deps.objections.countsByIntent();
    const objections = (Object.entries(counts) as [IntentId, number][]).map(([intent, count]) => ({ intent, count })).sort((a, b) => b.count - a.count || a.intent.localeCompare(b.intent));
    if (!latest) return { asOf, objections };
    return { asOf, status: await campaignStatus(this.deps.campaigns, latest.value), objections };
  }

  #wordProgress({ asOf, status, objections }: Counted, locale: string): Progress {
    const titled = objections.map(({ intent, count }) => ({ intent, title: this.deps.concernTitle(intent, locale), count }));
    if (!status) return { asOf, campaign: undefined, objections: titled };
    const { campaign } = status;
    const labels = figureLabels(this.#strings, locale);
    const words = reportWords(this.#strings, locale);
    return {
      asOf,
      campaign: { name: campaign.name, state: campaign.state, stateLabel: words.say(`state.${campaign.state}`), deadline: campaign.deadline, startedAt: campaign.createdAt, finishedAt: campaign.finishedAt },
      funnel: STAGES.map((stage) => ({ stage, label: labels[stage], count: status.total[stage] })),
      outcomes: OUTCOMES.map((stage) => ({ stage, label: labels[stage], count: status.total[stage] })),
      expired: Object.entries(status.expired).map(([reason, count]) => ({ reason: expiryLabel(reason, words), count })),
      enrolledByDay: status.enrolledByDay,
      byDepartment: status.byDepartment.map(({ department, figures }) => ({ department, targeted: figures.targeted, reached: figures.reached, replied: figures.replied, enrolled: figures.enrolled })),
      ...(status.byTier.length > 0 ? { byTier: status.byTier } : {}),
      // The status card's rows and sentence, from the same count: only for a campaign comparing texts.
      variants: variantSummary(status, words),
      objections: titled,
    };
  }

  /** The leadership digest as of now, by department and by manager: for the leadership group and the campaign admins. */
  async leadership(viewer: Viewer, locale = DEFAULT_LOCALE, managerId?: string): Promise<Leadership> {
    await this.#require(viewer, ['leadership', 'admin'], 'leadership');
    if (!this.deps.leadership) throw forbidden('leadership');
    return this.deps.leadership.view(viewer, locale, managerId);
  }

  /** Refusals taken to a decider, newest first: the topics and the reason chosen, never the person's own words. */
  async escalations(viewer: Viewer, locale = DEFAULT_LOCALE): Promise<Escalations> {
    await this.#require(viewer, ['admin', 'security'], 'escalations');
    const say = this.#say(locale, 'escalations');
    const items: EscalationItem[] = [];
    for await (const page of this.deps.escalations.all()) {
      for (const { value } of page) {
        items.push({
          id: value.id,
          employee: value.employee.name,
          department: value.employee.department,
          reason: say(`reasons.${value.refusal.reason}`),
          concerns: value.refusal.intents.map((intent) => this.deps.concernTitle(intent, locale)),
          refusedAt: value.refusal.recordedAt,
          state: value.state,
          stateLabel: value.state === 'decided' && value.decision ? say(`choices.${value.decision.choice}`) : say(`states.${value.state}`),
          decider: value.decider.kind === 'user' ? value.decider.name : say(`deciders.${value.decider.kind}`),
          level: value.level,
          decidedBy: value.decision?.by.name,
          decidedAt: value.decision?.at,
          exceptionUntil: value.decision?.until,
        });
      }
    }
    items.sort((a, b) => b.refusedAt.localeCompare(a.refusedAt));
    return { total: items.length, open: items.filter((item) => item.state === 'open').length, items: items.slice(0, ESCALATIONS_SHOWN) };
  }

  /** The pass requests waiting for this viewer and the "talk to a person" queue: the same list as `tap list`. */
  async passes(viewer: Viewer, locale = DEFAULT_LOCALE): Promise<TabPassQueue> {
    const queue = await this.deps.passes.queue(personOf(viewer), locale);
    if (!queue) {
      await this.#denied(viewer, 'passes');
      throw forbidden('passes');
    }
    // Topics by their catalog titles, as the refusal list shows them, and devices by the guides' names.
    return {
      ...queue,
      help: queue.help.map(({ intents, ...entry }) => ({
        ...entry,
        platform: entry.platform ? (this.deps.platformLabel(entry.platform, locale) ?? entry.platform) : undefined,
        topics: intents.map((intent) => this.deps.concernTitle(intent, locale)),
      })),
    };
  }

  /**
   * Approve or refuse from the tab: TemporaryAccess.decide, the chat's own rules and audit; the cards in the chat
   * follow. The outcome says whether this viewer's click did it (two approvers at once: one of them did).
   */
  async decidePass(viewer: Viewer, requestId: string, approve: boolean, locale = DEFAULT_LOCALE): Promise<ActionResult> {
    await this.#require(viewer, ['approver'], 'pass approval');
    const say = this.#say(locale, 'actions');
    const person = personOf(viewer);
    const answer = await this.deps.passes.decide(person, approve, { requestId }, undefined, { reader: locale });
    const current = (await this.deps.passes.records.get(requestId))?.value;
    const request = await this.deps.passes.summary(person, requestId, locale);
    if (!current) return { outcome: 'not-found', message: say('noSuchRequest') };
    if ('message' in answer) return { outcome: 'refused', message: answer.message, request };
    if (!answer.acted) return { outcome: 'unchanged', message: say('unchanged', { state: request?.stateLabel ?? say('noLongerOpen') }), request };
    if (!approve) return { outcome: 'done', message: say('refused', { id: requestId, name: current.requester.name }), request };
    const receiver = current.receiverId === current.requester.id ? current.requester.name : current.manager?.name;
    return { outcome: 'done', message: receiver ? say('approved', { id: requestId, receiver }) : say('approvedNoName', { id: requestId }), request };
  }

  /** Cancel from the tab: the requester only, exactly as `tap cancel`. */
  async cancelPass(viewer: Viewer, requestId: string, locale = DEFAULT_LOCALE): Promise<ActionResult> {
    await this.#require(viewer, ['helpdesk'], 'pass cancel');
    const person = personOf(viewer);
    const answer = await this.deps.passes.cancel(person, requestId, { reader: locale });
    const message = 'message' in answer ? answer.message : this.#say(locale, 'actions')('cancelled');
    const current = (await this.deps.passes.records.get(requestId))?.value;
    if (!current || current.requester.id !== viewer.id) return { outcome: 'not-found', message };
    return { outcome: answer.acted ? 'done' : 'unchanged', message, request: await this.deps.passes.summary(person, requestId, locale) };
  }

  /** Someone in the "talk to a person" queue was helped: `queue done`, from the tab. */
  async closeHelp(viewer: Viewer, userId: string, locale = DEFAULT_LOCALE): Promise<ActionResult> {
    await this.#require(viewer, ['helpdesk'], 'help queue');
    return this.deps.passes.closeHelp(personOf(viewer), userId, { reader: locale });
  }

  /** The viewer's direct reports and where each stands: the view the chat's `team` card is drawn from. */
  async team(viewer: Viewer, locale = DEFAULT_LOCALE): Promise<TeamView> {
    const team = await this.#manager(viewer, 'team');
    const view = await team.view(personOf(viewer), locale);
    if (!('message' in view)) return view;
    // Entra listed reports a moment ago (the role), or cannot be read now.
    if (view.why === 'no-reports') throw forbidden('team');
    throw new AppError('service.unavailable', 'cannot read the manager’s direct reports', { userMessage: { key: 'team.answers.directoryOff' } });
  }

  /** A nudge from the tab: Team.nudgeOne / nudgeEveryone, the chat's own rules (own direct reports only), limit and audit. */
  async nudge(viewer: Viewer, personId: string | 'all', locale = DEFAULT_LOCALE): Promise<ActionResult> {
    const team = await this.#manager(viewer, 'team nudge');
    return personId === 'all' ? team.nudgeEveryone(personOf(viewer), locale) : team.nudgeOne(personOf(viewer), personId, locale);
  }

  async #manager(viewer: Viewer, what: string): Promise<NonNullable<TabServiceDeps['team']>> {
    await this.#require(viewer, ['manager'], what);
    if (!this.deps.team) throw forbidden(what);
    return this.deps.team;
  }

  /** A sentence of one part of `tab.json` in `locale`. */
  #say(locale: string, part: 'escalations' | 'actions'): (key: string, params?: Params) => string {
    return (key, params) => this.#strings.text(locale, `tab.${part}.${key}`, params);
  }

  /**
   * The audit trail's verification and its most recent entries. The chain is walked from its sealed checkpoint (or
   * from the most recent entries shown, if those go further back): what came before was verified in full by an
   * earlier walk, so a look costs the same at 10 000 entries as at a million. A walk that finds nothing wrong moves the
   * checkpoint to the head.
   */
  async auditView(viewer: Viewer): Promise<AuditView> {
    await this.#require(viewer, ['security'], 'audit');
    const { store, auditKeys: keys } = this.deps;
    const anchors = await loadAnchorBook(this.deps.auditAnchors ?? [], keys);
    const since = new Date(Date.now() - AUDIT_WINDOW_DAYS * 86_400_000);
    const { report, recent } = await auditOverview(store, { keys, keyId: this.deps.auditKeyId, anchors, since, shown: this.deps.auditEntriesShown ?? 100 });
    const entries = recent.map((line) => JSON.parse(line) as AuditView['entries'][number]);
    await this.#nameParties(entries);
    return { verification: verificationOf(report), windowDays: AUDIT_WINDOW_DAYS, entries: entries.reverse() };
  }

  /** People recorded by id only get the name the directory has for them (never for an erased person). */
  async #nameParties(entries: AuditView['entries']): Promise<void> {
    const parties = entries.flatMap((entry) => [entry.actor, entry.subject]).filter((party) => party?.kind === 'user' && party.aadObjectId && !party.displayName && !party.erased);
    if (parties.length === 0 || !this.deps.names) return;
    const names = await this.deps.names.of(parties.map((party) => party?.aadObjectId ?? ''));
    for (const party of parties) if (party?.aadObjectId && names.has(party.aadObjectId)) party.displayName = names.get(party.aadObjectId);
  }

  /** The full export (JSON lines, each marked verified or not), recorded in the trail itself. */
  async auditExport(viewer: Viewer, write: (line: string) => void): Promise<VerifyReport> {
    await this.#require(viewer, ['security'], 'audit export');
    const anchors = await loadAnchorBook(this.deps.auditAnchors ?? [], this.deps.auditKeys);
    const { report, exported } = await exportAudit(this.deps.store, { keys: this.deps.auditKeys, anchors }, write);
    await this.deps.audit.record({ action: 'audit.exported', outcome: 'success', actor: { kind: 'user', aadObjectId: viewer.id, displayName: viewer.name }, details: { via: 'tab', exported, verified: report.ok } });
    return report;
  }

  /** Which of `asked` the viewer holds (each read costs a directory call, cached: a view asks only for its own). */
  async #roles(viewer: Viewer, asked: readonly TabRole[] = TAB_ROLES): Promise<TabRole[]> {
    const roles: TabRole[] = [];
    for (const role of asked) {
      if (await this.#holds(viewer, role)) roles.push(role);
    }
    return roles;
  }

  async #holds(viewer: Viewer, role: TabRole): Promise<boolean> {
    // Approving is the pass feature's own rule (security approves too when privileged passes are allowed).
    if (role === 'approver') return this.deps.passes.mayApprove(personOf(viewer));
    // A manager is whoever Entra lists enabled direct reports for (false when it cannot say), as the chat's help card.
    if (role === 'manager') return (await this.deps.team?.isManager(viewer.id)) ?? false;
    return this.deps.membership.isMember(viewer.id, this.deps.groups[role], `the tab's ${role} view`);
  }

  async #require(viewer: Viewer, anyOf: TabRole[], what: string): Promise<void> {
    const roles = await this.#roles(viewer, anyOf);
    if (anyOf.some((role) => roles.includes(role))) return;
    await this.#denied(viewer, what);
    throw forbidden(what);
  }

  /** Audits a refused view once per person and view every ten minutes: a page reloaded in a loop cannot flood the trail. */
  async #denied(viewer: Viewer, what: string): Promise<void> {
    const key = `${viewer.id}|${what}`;
    const last = this.#deniedAt.get(key);
    if (last !== undefined && Date.now() - last < DENIAL_AUDIT_EVERY_MS) return;
    setBounded(this.#deniedAt, key, Date.now(), 10_000);
    await this.deps.audit.record({ action: 'tab.view.denied', outcome: 'denied', actor: { kind: 'user', aadObjectId: viewer.id, displayName: viewer.name }, details: { view: what } });
  }
}

function forbidden(what: string): AppError {
  return new AppError('request.forbidden', `not allowed to see ${what}`, { userFault: true, userMessage: { key: 'errors.tab.notForYou' } });
}

function verificationOf(report: VerifyReport) {
  return {
    ok: report.ok,
    entries: report.entries,
    lastSeq: report.lastSeq,
    problemCount: report.problemCount,
    problems: report.problems.slice(0, 20).map((problem) => ({ seq: problem.seq, kind: problem.kind, message: problem.message })),
    keyIds: report.keyIds,
    anchor: report.anchors?.newest === undefined ? undefined : { seq: report.anchors.newest.seq, at: report.anchors.newest.at, source: report.anchors.newest.source },
    anchorSources: report.anchors?.sources ?? [],
    ...(report.from === undefined ? {} : { from: report.from }),
  };
}

/** Who acts, as the pass records keep people: the id and name from the checked token, nothing else. */
function personOf(viewer: Viewer): { id: string; name: string } {
  return { id: viewer.id, name: viewer.name };
}
