// Who reports to a manager, directly and down the chain, read from the directory's direct reports and kept a while.

import type { Directory } from '../directory/directory-port.js';
import type { DirectoryUser } from '../directory/graph-shapes.js';
import { AppError, isAppError } from '../errors/app-error.js';
import { setBounded } from '../shared/bounded-map.js';
import { mapLimited } from '../shared/map-limited.js';

export interface ReportTreeOptions {
  /** How long an answer is kept once it arrived (default 15 minutes): reporting lines change rarely. */
  cacheMs?: number;
  /** At most this many direct-report reads in flight during a walk (default 4), so one big tree cannot flood Graph. */
  concurrency?: number;
  /** The clock, in milliseconds; injected for tests. */
  now?: () => number;
}

export interface WalkLimits {
  /** Levels below the manager to list: 1 is their direct reports (default 4). */
  maxDepth?: number;
  /** People to list at most (default 1 000). */
  maxPeople?: number;
}

/** The direct reports of one manager in the walk. */
export interface ReportGroup {
  managerId: string;
  /** That manager as the walk found them; absent for the manager the walk started from, whom the caller knows. */
  manager?: DirectoryUser;
  /** The level of `reports` below the starting manager: 1 for their direct reports. */
  depth: number;
  /** In the directory's order, disabled accounts included (see isDisabled). */
  reports: DirectoryUser[];
}

/**
 * What a walk left out. `size`: more people report up to the manager than `maxPeople`, and the walk stopped at the
 * first one that did not fit. `depth`: everyone down to `maxDepth` levels is listed, and some at the last level have
 * reports of their own. When both limits bite, `size` is said: a walk that stops early cannot tell about depth.
 */
export type Truncation = { by: 'size'; maxPeople: number } | { by: 'depth'; maxDepth: number };

export interface ReportWalk {
  /** Breadth first: the manager's own group, then their reports' groups in the order the reports were listed. */
  groups: ReportGroup[];
  /** Everyone in `groups`, each once. */
  people: number;
  /** Of those, disabled accounts. */
  disabled: number;
  truncated?: Truncation;
}

const DEFAULTS = { cacheMs: 15 * 60_000, concurrency: 4, maxDepth: 4, maxPeople: 1000 } as const;
/** Managers (and walks) remembered at most: beyond that the least recently asked go first. */
const MAX_ENTRIES = 10_000;

/**
 * Disabled accounts stay in every answer, flagged by Entra's own `accountEnabled: false`, so a caller may show them
 * apart ("left or suspended") or leave them out; only `isManager` ignores them. A walk goes on through a disabled
 * manager: their reports are still in the team until someone gives them a new manager.
 */
export function isDisabled(user: Pick<DirectoryUser, 'accountEnabled'>): boolean {
  return user.accountEnabled === false;
}

interface Entry<T> {
  value: Promise<T>;
  /** When the value arrived; undefined while it is on its way, so callers meanwhile share it. */
  settledAt?: number;
}

export class ReportTree {
  readonly #directory: Pick<Directory, 'directReports'>;
  readonly #cacheMs: number;
  readonly #concurrency: number;
  readonly #now: () => number;
  readonly #direct = new Map<string, Entry<DirectoryUser[]>>();
  readonly #walks = new Map<string, Entry<ReportWalk>>();

  constructor(directory: Pick<Directory, 'directReports'>, options: ReportTreeOptions = {}) {
    this.#directory = directory;
    this.#cacheMs = options.cacheMs ?? DEFAULTS.cacheMs;
    this.#concurrency = positive(options.concurrency ?? DEFAULTS.concurrency, 'concurrency');
    this.#now = options.now ?? Date.now;
  }

  /** The manager's direct reports that are users. Someone not in the directory (left, or a wrong id) has none. */
  direct(managerId: string): Promise<DirectoryUser[]> {
    return this.#cached(this.#direct, managerId, async () => {
      try {
        return await this.#directory.directReports(managerId);
      } catch (error) {
        if (isAppError(error, 'directory.not-found')) return [];
        throw error;
      }
    });
  }

  /** Whether at least one enabled user reports to them: asked for every help card, so answered from the cache. */
  async isManager(userId: string): Promise<boolean> {
    return (await this.direct(userId)).some((report) => !isDisabled(report));
  }

  /** Everyone below the manager, level by level, within the limits; each person once, however the data loops. */
  all(managerId: string, limits: WalkLimits = {}): Promise<ReportWalk> {
    const maxDepth = positive(limits.maxDepth ?? DEFAULTS.maxDepth, 'maxDepth');
    const maxPeople = positive(limits.maxPeople ?? DEFAULTS.maxPeople, 'maxPeople');
    return this.#cached(this.#walks, `${managerId} ${maxDepth} ${maxPeople}`, () => this.#walk(managerId, maxDepth, maxPeople));
  }

  async #walk(rootId: string, maxDepth: number, maxPeople: number): Promise<ReportWalk> {
    const seen = new Set([rootId]);
    const walk: ReportWalk = { groups: [], people: 0, disabled: 0 };
    let level: { id: string; user?: DirectoryUser }[] = [{ id: rootId }];
    // The last level's reports are read too, though not listed: only they tell whether the depth limit cut anyone off.
    for (let depth = 1; level.length > 0; depth += 1) {
      const answers = await mapLimited(level, this.#concurrency, (manager) => this.direct(manager.id));
      const next: typeof level = [];
      for (const [index, manager] of level.entries()) {
        const reports: DirectoryUser[] = [];
        for (const report of answers[index] ?? []) {
          if (seen.has(report.id)) continue;
          if (depth > maxDepth) return { ...walk, truncated: { by: 'depth', maxDepth } };
          if (walk.people === maxPeople) return withGroup(walk, manager, depth, reports, { by: 'size', maxPeople });
          seen.add(report.id);
          reports.push(report);
          walk.people += 1;
          if (isDisabled(report)) walk.disabled += 1;
          next.push({ id: report.id, user: report });
        }
        withGroup(walk, manager, depth, reports);
      }
      level = next;
    }
    return walk;
  }

  /** The stored answer while it is fresh (or still coming); otherwise a new one. A failure is forgotten at once. */
  #cached<T>(cache: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const held = cache.get(key);
    if (held && (held.settledAt === undefined || this.#now() - held.settledAt < this.#cacheMs)) return held.value;
    const entry: Entry<T> = { value: load() };
    setBounded(cache, key, entry, MAX_ENTRIES);
    entry.value.then(
      () => {
        entry.settledAt = this.#now();
      },
      () => {
        if (cache.get(key) === entry) cache.delete(key);
      },
    );
    return entry.value;
  }
}

function withGroup(walk: ReportWalk, manager: { id: string; user?: DirectoryUser }, depth: number, reports: DirectoryUser[], truncated?: Truncation): ReportWalk {
  if (reports.length > 0) walk.groups.push({ managerId: manager.id, ...(manager.user ? { manager: manager.user } : {}), depth, reports });
  if (truncated) walk.truncated = truncated;
  return walk;
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new AppError('internal', `ReportTree: ${name} must be a whole number of at least 1 (got ${value}).`);
  return value;
}
