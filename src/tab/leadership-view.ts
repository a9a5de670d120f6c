// The tab's Leadership view: the leadership digest's figures as of now (the same lines, words and baseline as the
// card `digest` sends), and a drill-down by manager: each organisation below the person the view is about (a direct
// report and everyone below them), with the digest's figures and the same folding, so no line points at a few people.

import { figuresOf } from '../campaigns/campaign-figures.js';
import { type CampaignMember, type CampaignRecords, membersPartition } from '../campaigns/campaign-records.js';
import type { DirectoryUser } from '../directory/graph-shapes.js';
import { type DepartmentCount, foldDepartments, OTHER } from '../digest/digest-figures.js';
import type { CurrentDigest, LeadershipDigest } from '../digest/leadership-digest.js';
import { AppError } from '../errors/app-error.js';
import type { ReportWalk } from '../managers/report-tree.js';
import type { Strings } from '../shared/strings.js';
import type { Store } from '../store/store-port.js';
import type { Leadership, ManagerLine } from './api-contract.js';
import type { Viewer } from './tab-sso.js';

export interface LeadershipViewDeps {
  digest: LeadershipDigest;
  /** Who reports to whom (managers/report-tree.ts); undefined without a directory (no drill-down then). */
  reports: { all(managerId: string, limits?: { maxPeople?: number }): Promise<ReportWalk> } | undefined;
  store: Store;
  campaigns: CampaignRecords;
  strings: Strings;
  minDepartment: number;
}

/** The digest is counted at most this often for all viewers together (it reads every objection event). */
const COUNT_EVERY_MS = 60_000;
const WALK_LIMIT = 10_000;
type Numbers = Pick<DepartmentCount, 'targeted' | 'enrolled' | 'refusedNow' | 'exceptionEver'>;

export class LeadershipView {
  #counted: { at: number; digest: Promise<CurrentDigest> } | undefined;

  constructor(private readonly deps: LeadershipViewDeps) {}

  /** `managerId`: go down to that manager's organisation (someone below the viewer); the viewer's own otherwise. */
  async view(viewer: Viewer, locale: string, managerId?: string, clock = performance.now()): Promise<Leadership> {
    const say = (key: string, params?: Record<string, string | number>) => this.deps.strings.text(locale, `tab.leadership.${key}`, params);
    const worded = this.deps.digest.word(await this.#current(clock), locale);
    const { title, subtitle, labels, overall, rows, notes } = worded;
    const asOf = (await this.#current(clock)).figures.asOf;
    return { asOf, title, subtitle, labels, overall, rows, notes, byManager: await this.#byManager(viewer, managerId, locale, say) };
  }

  #current(clock: number): Promise<CurrentDigest> {
    const held = this.#counted;
    if (held && clock - held.at < COUNT_EVERY_MS) return held.digest;
    const digest = this.deps.digest.current();
    this.#counted = { at: clock, digest };
    digest.catch(() => {
      if (this.#counted?.digest === digest) this.#counted = undefined;
    });
    return digest;
  }

  async #byManager(viewer: Viewer, managerId: string | undefined, locale: string, say: (key: string, params?: Record<string, string | number>) => string): Promise<Leadership['byManager']> {
    const { reports } = this.deps;
    const self = { id: viewer.id, name: viewer.name };
    if (!reports) return { manager: self, lines: [], notes: [say('noDirectory')] };
    const mine = await reports.all(viewer.id, { maxPeople: WALK_LIMIT });
    let manager = self;
    let walk = mine;
    if (managerId && managerId.toLowerCase() !== viewer.id.toLowerCase()) {
      // Only someone in the viewer's own organisation: a leader does not look into another's by guessing ids.
      const found = mine.groups.flatMap((group) => group.reports).find((person) => person.id.toLowerCase() === managerId.toLowerCase());
      if (!found) throw new AppError('request.not-found', 'no such manager below the viewer', { userFault: true, userMessage: { key: 'tab.leadership.notYours' } });
      manager = { id: found.id, name: found.displayName ?? found.userPrincipalName ?? found.id };
      walk = await reports.all(found.id, { maxPeople: WALK_LIMIT });
    }
    const below = new Map<string, DirectoryUser[]>(walk.groups.map((group) => [group.managerId, group.reports]));
    const teams = (below.get(manager.id) ?? []).map((head) => ({ head, people: [head.id, ...everyoneBelow(head.id, below)] }));
    const latest = (await this.deps.campaigns.latest())?.value;
    const members = latest ? await this.deps.store.getMany<CampaignMember>(membersPartition(latest.id), [...new Set(teams.flatMap((team) => team.people))]) : new Map();
    const now = new Date();
    const counted: DepartmentCount[] = teams.map(({ head, people }) => {
      const numbers: Numbers = { targeted: 0, enrolled: 0, refusedNow: 0, exceptionEver: 0 };
      for (const id of people) {
        const member = members.get(id)?.value;
        if (!member || member.erased) continue;
        for (const figure of figuresOf(member, now)) if (figure in numbers) numbers[figure as keyof Numbers] += 1;
      }
      return { department: head.id, ...numbers, concerns: {} };
    });
    const total = counted.reduce<Numbers>((sum, team) => ({ targeted: sum.targeted + team.targeted, enrolled: sum.enrolled + team.enrolled, refusedNow: sum.refusedNow + team.refusedNow, exceptionEver: sum.exceptionEver + team.exceptionEver }), { targeted: 0, enrolled: 0, refusedNow: 0, exceptionEver: 0 });
    const folded = foldDepartments({ asOf: now.toISOString(), total, concerns: {}, departments: counted.filter((team) => team.targeted > 0) }, this.deps.minDepartment);
    const heads = new Map(teams.map((team) => [team.head.id, team.head]));
    const percent = new Intl.NumberFormat(locale, { style: 'percent' });
    const lines: ManagerLine[] = folded.rows.map((row) => {
      const head = row.key === OTHER ? undefined : heads.get(row.key);
      const name = head ? (head.displayName ?? head.userPrincipalName ?? head.id) : undefined;
      return {
        ...(head && name ? { managerId: head.id, name } : {}),
        label: name ? say('organisationOf', { name }) : say('smallerTeams', { count: row.departments.length }),
        targeted: row.targeted,
        enrolled: row.enrolled,
        refusedNow: row.refusedNow,
        exceptionEver: row.exceptionEver,
        enrolledWords: say('enrolledOf', { share: percent.format(row.enrolled / row.targeted), enrolled: row.enrolled, targeted: row.targeted }),
        drill: head !== undefined && (below.get(head.id) ?? []).length > 0,
      };
    });
    const notes = [
      teams.length === 0 ? say('nobodyBelow', { name: manager.name }) : folded.breakdownHidden ? say('tooFewBelow', { min: this.deps.minDepartment }) : say('byManagerNote', { min: this.deps.minDepartment }),
      ...(walk.truncated ? [say('walkCut', { count: WALK_LIMIT })] : []),
    ];
    return { manager, lines, notes };
  }
}

/** Everyone below a person in the walk, each once. */
function everyoneBelow(id: string, below: ReadonlyMap<string, DirectoryUser[]>): string[] {
  const found: string[] = [];
  const seen = new Set([id]);
  const queue = [id];
  while (queue.length > 0) {
    for (const report of below.get(queue.shift() as string) ?? []) {
      if (seen.has(report.id)) continue;
      seen.add(report.id);
      found.push(report.id);
      queue.push(report.id);
    }
  }
  return found;
}
