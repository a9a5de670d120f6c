// Targets are handed on slice by slice as their profiles come, not once a whole report page is looked up: on a stub
// directory whose look-ups the test answers one by one (a pure unit of the streaming; the rules themselves run against
// the Graph emulator in targeting.test.ts).

import { describe, expect, it } from 'vitest';
import { findTargets, type TargetingPolicy, type TargetPage } from '../../src/campaigns/targeting.js';
import { parseEnrolmentTiers } from '../../src/config/enrolment-tiers.js';
import { EnrolmentTierResolver } from '../../src/directory/enrolment-tier-resolver.js';
import type { Directory, UserProfile } from '../../src/directory/directory-port.js';
import type { RegistrationDetails } from '../../src/directory/graph-shapes.js';

const ADMINS = '6d2f6a52-3c7e-4a59-9d57-2b1f0c8e4a11';
const POLICY: TargetingPolicy = { strongMethods: ['passKeyDeviceBound'], breakGlass: [], excludedGroupIds: [], includedGroupIds: [], defaultTimeZone: 'UTC' };

/** One report page of `people` (every tenth has a passkey), and look-ups that wait until the test answers them. */
class SlowDirectory {
  readonly lookups: { ids: readonly string[]; answer: () => void; fail: (error: Error) => void }[] = [];
  /** From now on every look-up answers at once (those waiting too). */
  answerAll(): void {
    this.#answering = true;
    for (const lookup of this.lookups) lookup.answer();
  }
  #answering = false;
  /** The report pages read so far, by number, in the order they were read. */
  readonly reportReads: number[] = [];
  constructor(
    private readonly people: number,
    private readonly pages = 1,
  ) {}

  /** `pages` pages of `people` each (ids numbered on from page to page); every page but the last has a nextLink. */
  async *registrationDetails(): AsyncIterable<{ rows: RegistrationDetails[]; nextLink?: string }> {
    for (let page = 0; page < this.pages; page += 1) {
      this.reportReads.push(page);
      const rows = Array.from({ length: this.people }, (_, n) => {
        const i = page * this.people + n;
        return { id: `u${i}`, userPrincipalName: `u${i}@contoso.test`, userType: 'Member', methodsRegistered: i % 10 === 0 ? ['passKeyDeviceBound'] : [] };
      });
      yield { rows, ...(page < this.pages - 1 || this.pages === 1 ? { nextLink: `https://graph.test/page-${page + 1}` } : {}) };
    }
  }

  userProfiles(ids: readonly string[]): Promise<Map<string, UserProfile>> {
    return new Promise((resolve, reject) => {
      const profiles = new Map(ids.map((id) => [id, { user: { id, userPrincipalName: `${id}@contoso.test`, displayName: id, accountEnabled: id !== 'u1' }, teamsLicensed: true } as UserProfile]));
      this.lookups.push({ ids, answer: () => resolve(profiles), fail: reject });
      if (this.#answering) resolve(profiles);
    });
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('targets handed on as their profiles come', () => {
  it('the first slice goes on while the others are still looked up, in order, the page’s findings first and its nextLink last', async () => {
    // 500 on the page, 50 with a passkey: 450 to look up, 10 a call (two reads a person, 20 reads a \$batch call), 12
    // calls at once in the page's order; slices of one call, two, four, then eight.
    const directory = new SlowDirectory(500);
    const walk = findTargets(directory as unknown as Directory, POLICY)[Symbol.asyncIterator]();
    const first = walk.next();
    await settle();
    expect(directory.lookups.map((lookup) => lookup.ids.length)).toEqual(Array(12).fill(10));
    // The second call answers first: its worker takes the thirteenth call at once, but nothing goes on until the first
    // slice (the first call) has answered.
    directory.lookups[1]!.answer();
    await settle();
    expect(directory.lookups).toHaveLength(13);
    let handedOn: TargetPage | undefined;
    void first.then((result) => {
      handedOn = result.value as TargetPage;
    });
    await settle();
    expect(handedOn).toBeUndefined();
    directory.lookups[0]!.answer();
    const part = (await first).value as TargetPage;
    expect(part.targets.map((target) => target.userId)).toEqual(directory.lookups[0]!.ids.filter((id) => id !== 'u1'));
    expect(part.excluded).toEqual({ enrolled: 50, disabled: 1 });
    expect(part.enrolledIds).toHaveLength(50);
    expect(part.nextLink).toBeUndefined();
    // The second slice is the second and third calls: it waits for the third.
    const secondPart = walk.next();
    let secondHandedOn = false;
    void secondPart.then(() => {
      secondHandedOn = true;
    });
    await settle();
    expect(secondHandedOn).toBe(false);
    directory.lookups[2]!.answer();
    const second = (await secondPart).value as TargetPage;
    expect(second.targets.map((target) => target.userId)).toEqual([...directory.lookups[1]!.ids, ...directory.lookups[2]!.ids]);
    expect(second.enrolledIds).toEqual([]);
    expect(second.excluded).toEqual({});
    directory.answerAll();
    const rest: TargetPage[] = [];
    for (let next = await walk.next(); !next.done; next = await walk.next()) rest.push(next.value);
    // 45 calls: slices of 1, 2, 4, 8, 8, 8, 8 and the 6 left: 8 parts.
    expect(rest).toHaveLength(6);
    expect(rest.at(-1)?.nextLink).toBe('https://graph.test/page-1');
    expect(rest.slice(0, -1).every((page) => page.nextLink === undefined)).toBe(true);
    expect([part, second, ...rest].flatMap((page) => page.targets)).toHaveLength(449);
    expect(directory.lookups.every((lookup) => lookup.ids.length <= 10)).toBe(true);
  });

  it('reads the calls in the page’s order, so every round trip to Graph hands slices on (not eight slices every eighth)', async () => {
    // 1 000 people, 900 to look up: 90 calls. Each round answers every call under way, as a slow Graph would.
    const directory = new SlowDirectory(1_000);
    const walk = findTargets(directory as unknown as Directory, POLICY)[Symbol.asyncIterator]();
    const parts: TargetPage[] = [];
    const reading = (async () => {
      for (let next = await walk.next(); !next.done; next = await walk.next()) parts.push(next.value);
    })();
    const handedOnPerRound: number[] = [];
    let answered = 0;
    while (answered < directory.lookups.length || parts.at(-1)?.nextLink === undefined) {
      await settle();
      const underWay = directory.lookups.slice(answered);
      if (underWay.length === 0) break;
      expect(underWay.length).toBeLessThanOrEqual(12);
      const before = parts.length;
      for (const lookup of underWay) lookup.answer();
      answered += underWay.length;
      await settle();
      handedOnPerRound.push(parts.length - before);
    }
    await reading;
    // 12 calls a round, in the page's order. The first round reads the first three slices (1 + 2 + 4 calls) and five
    // calls of the fourth; from then on each round reads a slice and a half of eight calls: 2, 1, 2, 1, ... slices.
    expect(handedOnPerRound.slice(0, 6)).toEqual([3, 2, 1, 2, 1, 2]);
    expect(handedOnPerRound.slice(1, -1).every((handed) => handed >= 1)).toBe(true);
    expect(parts.flatMap((page) => page.targets)).toHaveLength(899);
  });

  it('a look-up that fails fails the walk at its slice, and no look-up starts after it', async () => {
    const directory = new SlowDirectory(1_000);
    const walk = findTargets(directory as unknown as Directory, POLICY)[Symbol.asyncIterator]();
    const first = walk.next();
    await settle();
    expect(directory.lookups).toHaveLength(12);
    directory.lookups[0]!.fail(new Error('Graph answered 500'));
    await expect(first).rejects.toThrow('Graph answered 500');
    for (const lookup of directory.lookups.slice(1)) lookup.answer();
    await settle();
    expect(directory.lookups).toHaveLength(12);
  });

  it('a walk left early stops looking up', async () => {
    const directory = new SlowDirectory(1_000);
    const walk = findTargets(directory as unknown as Directory, POLICY)[Symbol.asyncIterator]();
    const first = walk.next();
    await settle();
    directory.lookups[0]!.answer();
    await first;
    // Leaving starts no look-up after those under way.
    await walk.return?.(undefined);
    for (const lookup of directory.lookups.slice(1)) lookup.answer();
    await settle();
    expect(directory.lookups).toHaveLength(13);
  });

  it('looks up several targets’ enrolment tiers at once, at most eight, each person getting their own', async () => {
    const directory = new SlowDirectory(200);
    directory.answerAll();
    let underWay = 0;
    let most = 0;
    const groupReads: string[] = [];
    // Group reads that take a moment each; every third person is in the admins' group.
    const transitiveGroupIds = async (userId: string) => {
      groupReads.push(userId);
      underWay += 1;
      most = Math.max(most, underWay);
      await new Promise((resolve) => setTimeout(resolve, 2));
      underWay -= 1;
      return new Set(Number(userId.slice(1)) % 3 === 0 ? [ADMINS] : []);
    };
    const parsed = parseEnrolmentTiers(JSON.stringify([{ id: 'admins', groups: [ADMINS], rule: { anyOf: ['security-key'], deviceBound: true } }, { id: 'everyone', rule: { anyOf: ['security-key', 'synced-passkey'] } }]));
    if (!('tiers' in parsed)) throw new Error(parsed.problems.join('\n'));
    const tiered = { ...POLICY, tiers: new EnrolmentTierResolver(parsed.tiers, Object.assign(directory, { transitiveGroupIds }) as unknown as Directory) };
    const targets: TargetPage['targets'] = [];
    for await (const page of findTargets(directory as unknown as Directory, tiered)) targets.push(...page.targets);
    // Everyone but the disabled u1: the report's device-bound passkeys (every tenth person) are no security key, so
    // they meet neither tier and are targeted too (their groups read once, for both the check and the tier).
    expect(targets).toHaveLength(199);
    for (const target of targets) expect(target.tier).toBe(Number(target.userId.slice(1)) % 3 === 0 ? 'admins' : 'everyone');
    expect(new Set(groupReads).size).toBe(groupReads.length);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
  });

  it('asks for the next report page as soon as a page arrives, and reads no further when the walk is left', async () => {
    const directory = new SlowDirectory(100, 3);
    directory.answerAll();
    const walk = findTargets(directory as unknown as Directory, POLICY)[Symbol.asyncIterator]();
    const first = (await walk.next()).value as TargetPage;
    // The first page's first part is handed on: the second page is on its way already, the third is not.
    expect(first.targets.length).toBeGreaterThan(0);
    await settle();
    expect(directory.reportReads).toEqual([0, 1]);
    // The rest of the first page, then the second page's first part: the third page is asked for.
    let part = first;
    while (part.nextLink === undefined) part = (await walk.next()).value as TargetPage;
    expect(part.nextLink).toBe('https://graph.test/page-1');
    const secondPage = (await walk.next()).value as TargetPage;
    expect(secondPage.targets[0]?.userId).toBe('u101');
    await settle();
    expect(directory.reportReads).toEqual([0, 1, 2]);
    // Left there: nothing more is read, and the walk ends cleanly.
    await walk.return?.(undefined);
    await settle();
    expect(directory.reportReads).toEqual([0, 1, 2]);
  });
});
