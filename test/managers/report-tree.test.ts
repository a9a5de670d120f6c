// The report tree's own logic over a small fake directory: caching and shared reads, the walk's order, limits and
// loops. The walk over the real Graph SDK and the emulator is in report-tree.e2e.test.ts.

import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../../src/directory/graph-shapes.js';
import { AppError } from '../../src/errors/app-error.js';
import { isDisabled, type ReportWalk, ReportTree } from '../../src/managers/report-tree.js';

const person = (id: string, accountEnabled = true): DirectoryUser => ({ id, displayName: id.toUpperCase(), userPrincipalName: `${id}@contoso.example`, accountEnabled });

/** A directory that knows who reports to whom, counts its reads, and fails or waits when told to. */
class FakeDirectory {
  readonly calls: string[] = [];
  inFlight = 0;
  mostInFlight = 0;
  readonly failNext = new Set<string>();
  readonly #reports = new Map<string, DirectoryUser[]>();
  readonly #known = new Set<string>();

  constructor(lines: Record<string, Array<string | DirectoryUser>>) {
    for (const [manager, reports] of Object.entries(lines)) {
      const users = reports.map((report) => (typeof report === 'string' ? person(report) : report));
      this.#reports.set(manager, users);
      this.#known.add(manager);
      for (const user of users) this.#known.add(user.id);
    }
  }

  async directReports(userId: string): Promise<DirectoryUser[]> {
    this.calls.push(userId);
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    // Two turns of the event loop's microtasks: long enough for every read a walk lets start to be in flight at once.
    await Promise.resolve();
    await Promise.resolve();
    this.inFlight -= 1;
    if (this.failNext.delete(userId)) throw new AppError('directory.unavailable', 'Graph call failed with 503');
    if (!this.#known.has(userId)) throw new AppError('directory.not-found', 'Graph call failed with 404');
    return this.#reports.get(userId) ?? [];
  }
}

/** The walk as ids: each group's manager, depth and reports. */
const shape = (walk: ReportWalk) => walk.groups.map((group) => `${group.managerId}@${group.depth}: ${group.reports.map((report) => report.id).join(' ')}`);

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('direct reports', () => {
  it('are read once for callers who ask at the same time, then kept until cacheMs has passed since they arrived', async () => {
    const directory = new FakeDirectory({ ana: ['ben', 'cy'] });
    const time = clock();
    const tree = new ReportTree(directory, { cacheMs: 60_000, now: time.now });
    const [first, second] = await Promise.all([tree.direct('ana'), tree.direct('ana')]);
    expect(first.map((user) => user.id)).toEqual(['ben', 'cy']);
    expect(second).toBe(first);
    time.advance(59_999);
    await tree.direct('ana');
    expect(directory.calls).toEqual(['ana']);
    time.advance(1);
    await tree.direct('ana');
    expect(directory.calls).toEqual(['ana', 'ana']);
  });

  it('are not kept when the read failed: the next caller reads again', async () => {
    const directory = new FakeDirectory({ ana: ['ben'] });
    const tree = new ReportTree(directory);
    directory.failNext.add('ana');
    await expect(tree.direct('ana')).rejects.toMatchObject({ code: 'directory.unavailable' });
    expect((await tree.direct('ana')).map((user) => user.id)).toEqual(['ben']);
    expect(directory.calls).toEqual(['ana', 'ana']);
  });

  it('are none for someone the directory does not know, and that answer is kept too', async () => {
    const directory = new FakeDirectory({ ana: ['ben'] });
    const tree = new ReportTree(directory);
    expect(await tree.direct('nobody')).toEqual([]);
    expect(await tree.isManager('nobody')).toBe(false);
    expect(directory.calls).toEqual(['nobody']);
  });
});

describe('isManager', () => {
  it('needs one enabled report: disabled ones alone do not make a manager; asked again, it reads nothing', async () => {
    const directory = new FakeDirectory({ ana: ['ben', person('cy', false)], dee: [person('eve', false)], fay: [] });
    const tree = new ReportTree(directory);
    expect(await tree.isManager('ana')).toBe(true);
    expect(await tree.isManager('dee')).toBe(false);
    expect(await tree.isManager('fay')).toBe(false);
    for (let ask = 0; ask < 5; ask += 1) expect(await tree.isManager('ana')).toBe(true);
    expect(directory.calls).toEqual(['ana', 'dee', 'fay']);
  });
});

describe('the whole tree', () => {
  it('groups reports by their direct manager, breadth first, keeping disabled people and walking on below them', async () => {
    const disabled = person('eve', false);
    const directory = new FakeDirectory({ ana: ['ben', 'cy'], ben: ['dan', disabled], cy: ['fay'], eve: ['gus'] });
    const walk = await new ReportTree(directory).all('ana');
    expect(shape(walk)).toEqual(['ana@1: ben cy', 'ben@2: dan eve', 'cy@2: fay', 'eve@3: gus']);
    expect(walk.groups[0]?.manager).toBeUndefined();
    expect(walk.groups[3]?.manager).toEqual(disabled);
    expect(walk.groups[1]?.reports.filter(isDisabled)).toEqual([disabled]);
    expect(walk).toMatchObject({ people: 6, disabled: 1 });
    expect(walk.truncated).toBeUndefined();
  });

  it('visits each person once when the directory loops (a reports to b reports to a) or lists someone twice', async () => {
    const directory = new FakeDirectory({ ana: ['ben'], ben: ['cy', 'ben'], cy: ['ana', 'ben', 'dan'] });
    const walk = await new ReportTree(directory).all('ana');
    expect(shape(walk)).toEqual(['ana@1: ben', 'ben@2: cy', 'cy@3: dan']);
    expect(walk.people).toBe(3);
    expect(directory.calls).toEqual(['ana', 'ben', 'cy', 'dan']);
  });

  it('stops maxDepth levels down and says so only when someone there has reports of their own', async () => {
    const directory = new FakeDirectory({ ana: ['ben'], ben: ['cy'], cy: ['dan'] });
    const cut = await new ReportTree(directory).all('ana', { maxDepth: 2 });
    expect(shape(cut)).toEqual(['ana@1: ben', 'ben@2: cy']);
    expect(cut).toMatchObject({ people: 2, truncated: { by: 'depth', maxDepth: 2 } });
    const whole = await new ReportTree(directory).all('ana', { maxDepth: 3 });
    expect(shape(whole)).toEqual(['ana@1: ben', 'ben@2: cy', 'cy@3: dan']);
    expect(whole.truncated).toBeUndefined();
  });

  it('lists at most maxPeople, in walk order, and says the list is cut only when someone did not fit', async () => {
    const directory = new FakeDirectory({ ana: ['ben', 'cy'], ben: ['dan', 'eve'], cy: ['fay'] });
    const cut = await new ReportTree(directory).all('ana', { maxPeople: 3 });
    expect(shape(cut)).toEqual(['ana@1: ben cy', 'ben@2: dan']);
    expect(cut).toMatchObject({ people: 3, truncated: { by: 'size', maxPeople: 3 } });
    const exact = await new ReportTree(directory).all('ana', { maxPeople: 5 });
    expect(exact.people).toBe(5);
    expect(exact.truncated).toBeUndefined();
  });

  it('says size when both limits bite: the walk stopped before it could tell about depth', async () => {
    const directory = new FakeDirectory({ ana: ['ben', 'cy'], ben: ['dan'], cy: ['eve'] });
    expect((await new ReportTree(directory).all('ana', { maxDepth: 1, maxPeople: 1 })).truncated).toEqual({ by: 'size', maxPeople: 1 });
  });

  it('has at most `concurrency` reads in flight, even across a wide level', async () => {
    const managers = Array.from({ length: 12 }, (_, n) => `m${n}`);
    const lines: Record<string, string[]> = { ana: managers };
    for (const manager of managers) lines[manager] = [`${manager}-report`];
    const directory = new FakeDirectory(lines);
    const walk = await new ReportTree(directory, { concurrency: 4 }).all('ana');
    expect(walk.people).toBe(24);
    expect(directory.mostInFlight).toBe(4);
  });

  it('is walked once for callers who ask at the same time, kept for cacheMs, and not kept when a read failed', async () => {
    const directory = new FakeDirectory({ ana: ['ben', 'cy'], ben: ['dan'] });
    const time = clock();
    const tree = new ReportTree(directory, { cacheMs: 1000, now: time.now });
    const [first, second] = await Promise.all([tree.all('ana'), tree.all('ana')]);
    expect(second).toBe(first);
    const oneWalk = directory.calls.length;
    expect(oneWalk).toBe(4);
    time.advance(1000);
    directory.failNext.add('dan');
    await expect(tree.all('ana')).rejects.toMatchObject({ code: 'directory.unavailable' });
    const again = await tree.all('ana');
    expect(shape(again)).toEqual(shape(first));
    expect(again).not.toBe(first);
  });

  it('refuses limits that are not whole numbers of at least 1', () => {
    const tree = new ReportTree(new FakeDirectory({}));
    expect(() => tree.all('ana', { maxDepth: 0 })).toThrow(/maxDepth/);
    expect(() => tree.all('ana', { maxPeople: 2.5 })).toThrow(/maxPeople/);
  });
});
