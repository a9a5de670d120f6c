// Direct reports and the report tree over the real Graph SDK and @azure/identity, against the Graph emulator serving
// the demo tenant (demo/tenant.json): what Graph answers is checked against the seed's own reporting lines.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/dev/demo-environment.js';
import { type GraphEmulator, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { SeedUser, TenantSeed } from '../../src/dev/tenant-seed.js';
import { GraphDirectory } from '../../src/directory/directory.js';
import { createGraphClient } from '../../src/directory/graph-client.js';
import { isAppError } from '../../src/errors/app-error.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { type ReportWalk, ReportTree } from '../../src/managers/report-tree.js';
import { credentialFor } from '../dev/graph-emulator/graph-test-client.js';

let emulator: GraphEmulator;
let seed: TenantSeed;
let directory: GraphDirectory;

beforeAll(async () => {
  seed = loadSeed('demo/tenant.json');
  emulator = await startGraphEmulator({ seed });
  // The product's client (retries, throttling) with short back-off, so a 429 passes in milliseconds.
  directory = new GraphDirectory(
    createGraphClient({
      baseUrl: emulator.graphUrl,
      credential: credentialFor(emulator, seed),
      caCertificate: emulator.caCertificate,
      logger: createLogger({ sink: new MemorySink(), level: 'error' }),
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    }),
  );
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  emulator.calls.clear();
});

const byName = (displayName: string): SeedUser => {
  const user = seed.users.find((candidate) => candidate.displayName === displayName);
  if (!user) throw new Error(`the demo tenant has no ${displayName}`);
  return user;
};
const reportsInSeed = (managerId: string) => seed.users.filter((user) => user.managerId === managerId);
const reportCalls = () => emulator.calls.list({ path: /\/directReports/ });

/** A seed user as the directory reads them: exactly the fields DirectoryUser selects. */
const asRead = (user: SeedUser) => ({
  id: user.id,
  displayName: user.displayName,
  givenName: user.givenName ?? null,
  surname: user.surname ?? null,
  userPrincipalName: user.userPrincipalName,
  mail: user.mail ?? null,
  jobTitle: user.jobTitle ?? null,
  department: user.department ?? null,
  accountEnabled: user.accountEnabled,
  userType: user.userType,
  preferredLanguage: user.preferredLanguage ?? null,
});

describe('directReports through Graph', () => {
  it("gives exactly the manager's reports in the seed, with the selected fields, and not the contact who reports to him", async () => {
    const ethan = seed.personas?.manager ?? '';
    const reports = await directory.directReports(ethan);
    expect(reports.map(({ '@odata.type': _type, ...fields }) => fields)).toEqual(reportsInSeed(ethan).map(asRead));
    expect(reports.map((user) => user.displayName)).toEqual(['Mia Rodriguez', 'Noah Kim', 'Ava Patel']);
    expect(seed.contacts.filter((contact) => contact.managerId === ethan)).toHaveLength(1);
    expect(reportCalls().map((call) => call.path)).toEqual([`/v1.0/users/${ethan}/directReports/microsoft.graph.user`]);
  });

  it('follows nextLink a page at a time, disabled reports included', async () => {
    const piotr = byName('Piotr Kowalski');
    const reports = await directory.directReports(piotr.id, { pageSize: 2 });
    expect(reports.map((user) => user.id)).toEqual(reportsInSeed(piotr.id).map((user) => user.id));
    expect(reports.find((user) => user.displayName === 'Viktor Petrov')?.accountEnabled).toBe(false);
    expect(reportCalls()).toHaveLength(2);
  });

  it('rides out a 429 and answers; an unknown person is directory.not-found', async () => {
    emulator.faults.add({ method: 'GET', path: /\/directReports/, status: 429, times: 1, retryAfterSeconds: 0 });
    expect(await directory.directReports(byName('Anna Keller').id)).toHaveLength(4);
    expect(reportCalls()).toHaveLength(2);
    const missing = await directory.directReports('00000000-0000-4000-8000-000000000000').catch((error: unknown) => error);
    expect(isAppError(missing, 'directory.not-found')).toBe(true);
  });
});

/** The seed's hierarchy below a manager, breadth first, as `managerId@depth: report ids` (what ReportTree.all shows). */
function seedWalk(rootId: string, maxDepth = Number.POSITIVE_INFINITY): string[] {
  const lines: string[] = [];
  let level = [rootId];
  for (let depth = 1; level.length > 0 && depth <= maxDepth; depth += 1) {
    const next: string[] = [];
    for (const managerId of level) {
      const reports = reportsInSeed(managerId).map((user) => user.id);
      if (reports.length > 0) lines.push(`${managerId}@${depth}: ${reports.join(' ')}`);
      next.push(...reports);
    }
    level = next;
  }
  return lines;
}
const shape = (walk: ReportWalk) => walk.groups.map((group) => `${group.managerId}@${group.depth}: ${group.reports.map((report) => report.id).join(' ')}`);

describe('the report tree over the demo tenant', () => {
  const top = () => {
    const roots = seed.users.filter((user) => !user.managerId && reportsInSeed(user.id).length > 0);
    expect(roots.map((user) => user.displayName)).toEqual(['Helena Brandt']);
    return roots[0] as SeedUser;
  };

  it("walks the top manager's whole organisation as the seed draws it, one read per manager and per person", async () => {
    const helena = top();
    const walk = await new ReportTree(directory).all(helena.id);
    expect(shape(walk)).toEqual(seedWalk(helena.id));
    const everyone = seed.users.filter((user) => user.managerId).length;
    expect(walk.people).toBe(everyone);
    expect(walk.disabled).toBe(seed.users.filter((user) => user.managerId && !user.accountEnabled).length);
    expect(walk.truncated).toBeUndefined();
    const sophie = walk.groups.find((group) => group.manager?.displayName === 'Sophie Laurent');
    expect(sophie?.depth).toBe(2);
    // Helena and everyone below her, each read once: the last level too (it tells whether the depth limit cut anyone).
    expect(reportCalls()).toHaveLength(everyone + 1);
  });

  it('stops at the depth and size limits and says which one cut the list', async () => {
    const helena = top();
    const tree = new ReportTree(directory);
    const shallow = await tree.all(helena.id, { maxDepth: 2 });
    expect(shape(shallow)).toEqual(seedWalk(helena.id, 2));
    expect(shallow.truncated).toEqual({ by: 'depth', maxDepth: 2 });
    const first = await tree.all(helena.id, { maxPeople: 10 });
    expect(first.people).toBe(10);
    expect(first.truncated).toEqual({ by: 'size', maxPeople: 10 });
    expect(first.groups.flatMap((group) => group.reports.map((report) => report.id))).toEqual(seedWalk(helena.id).flatMap((line) => line.split(': ')[1]?.split(' ') ?? []).slice(0, 10));
  });

  it('tells a manager from someone with no reports, reading each person once', async () => {
    const tree = new ReportTree(directory);
    expect(await tree.isManager(seed.personas?.manager ?? '')).toBe(true);
    expect(await tree.isManager(seed.personas?.employee ?? '')).toBe(false);
    expect(await tree.isManager(seed.personas?.manager ?? '')).toBe(true);
    expect(reportCalls()).toHaveLength(2);
  });
});
