// Targets are handed on slice by slice as their profiles come, not once a whole report page is looked up: on a stub
// directory whose look-ups the test answers one by one (a pure unit of the streaming; the rules themselves run against
// the Graph emulator in targeting.test.ts).

import { describe, expect, it } from 'vitest';
import { findTargets, type TargetingPolicy, type TargetPage } from '../../src/campaigns/targeting.js';
import type { Directory, UserProfile } from '../../src/directory/directory-port.js';
import type { RegistrationDetails } from '../../src/directory/graph-shapes.js';

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
  constructor(private readonly people: number) {}

  async *registrationDetails(): AsyncIterable<{ rows: RegistrationDetails[]; nextLink?: string }> {
    const rows = Array.from({ length: this.people }, (_, i) => ({ id: `u${i}`, userPrincipalName: `u${i}@contoso.test`, userType: 'Member', methodsRegistered: i % 10 === 0 ? ['passKeyDeviceBound'] : [] }));
    yield { rows, nextLink: 'https://graph.test/next-page' };
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
    // 500 on the page, 50 with a passkey: 450 to look up, 8 slices looked up at once: small ones first (one \$batch
    // call, two, four), then slices of 50.
    const directory = new SlowDirectory(500);
    const walk = findTargets(directory as unknown as Directory, POLICY)[Symbol.asyncIterator]();
    const first = walk.next();
    await settle();
    expect(directory.lookups.map((lookup) => lookup.ids.length)).toEqual([6, 13, 26, 50, 50, 50, 50, 50]);
    // The second slice answers first: its reader takes the ninth slice at once, but nothing goes on until the first
    // slice has answered.
    directory.lookups[1]!.answer();
    await settle();
    expect(directory.lookups).toHaveLength(9);
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
    const second = (await walk.next()).value as TargetPage;
    expect(second.targets.map((target) => target.userId)).toEqual([...directory.lookups[1]!.ids]);
    expect(second.enrolledIds).toEqual([]);
    expect(second.excluded).toEqual({});
    directory.answerAll();
    const rest: TargetPage[] = [];
    for (let next = await walk.next(); !next.done; next = await walk.next()) rest.push(next.value);
    // 6 + 13 + 26 + 8 × 50 + the 5 left: 12 slices, 12 parts.
    expect(rest).toHaveLength(10);
    expect(rest.at(-1)?.nextLink).toBe('https://graph.test/next-page');
    expect(rest.slice(0, -1).every((page) => page.nextLink === undefined)).toBe(true);
    expect([part, second, ...rest].flatMap((page) => page.targets)).toHaveLength(449);
  });

  it('a look-up that fails fails the walk at its slice, and no look-up starts after it', async () => {
    const directory = new SlowDirectory(1_000);
    const walk = findTargets(directory as unknown as Directory, POLICY)[Symbol.asyncIterator]();
    const first = walk.next();
    await settle();
    expect(directory.lookups).toHaveLength(8);
    directory.lookups[0]!.fail(new Error('Graph answered 500'));
    await expect(first).rejects.toThrow('Graph answered 500');
    for (const lookup of directory.lookups.slice(1)) lookup.answer();
    await settle();
    expect(directory.lookups).toHaveLength(8);
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
    expect(directory.lookups).toHaveLength(9);
  });
});
