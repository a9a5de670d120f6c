import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import { syntheticTenant } from '../../../src/dev/synthetic-tenant.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { graphClient } from './graph-test-client.js';

const REPORT = '/reports/authenticationMethods/userRegistrationDetails';
type Row = { id: string; userPrincipalName: string; userType: string; isAdmin: boolean; methodsRegistered: string[] };

describe('a 20 000-account synthetic tenant', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeAll(async () => {
    seed = syntheticTenant({ users: 20_000, seed: 7 });
    emulator = await startGraphEmulator({ seed, reportsThrottle: { limit: 10_000, windowMs: 10_000 } });
    client = graphClient(emulator, seed, { retry: false });
  });
  afterAll(() => emulator.close());

  /** Follows every @odata.nextLink as the SDK's PageIterator does, counting pages and checking none is empty. */
  const all = async <T>(request: ReturnType<Client['api']>): Promise<{ rows: T[]; pages: number }> => {
    const rows: T[] = [];
    let page = await request.header('Prefer', 'include-unknown-enum-members').get();
    let pages = 1;
    for (;;) {
      expect(page.value.length).toBeGreaterThan(0);
      rows.push(...(page.value as T[]));
      const link: string | undefined = page['@odata.nextLink'];
      if (!link) return { rows, pages };
      page = await client.api(link).header('Prefer', 'include-unknown-enum-members').get();
      pages += 1;
    }
  };

  it('pages the whole registration report, 1000 rows a page, every enabled account once in seed order', async () => {
    const { rows, pages } = await all<Row>(client.api(`${REPORT}?$top=1000`));
    const enabled = seed.users.filter((user) => user.accountEnabled).map((user) => user.id);
    expect(rows).toHaveLength(enabled.length);
    expect(pages).toBe(Math.ceil(enabled.length / 1000));
    expect(rows.map((row) => row.id)).toEqual(enabled);
    const admins = new Set(seed.directoryRoles.assignments.map((assignment) => assignment.principalId));
    expect(rows.filter((row) => row.isAdmin).map((row) => row.id).sort()).toEqual([...admins].filter((id) => enabled.includes(id)).sort());
  });

  it('filters the report page by page (sparse matches included) and orders it by userPrincipalName', async () => {
    const { rows: hello } = await all<Row>(client.api(`${REPORT}?$top=1000`).filter("methodsRegistered/any(m: m eq 'windowsHelloForBusiness')"));
    const expected = seed.users.filter((user) => user.accountEnabled && user.methods.some((method) => method.kind === 'windowsHelloForBusiness')).map((user) => user.id);
    expect(hello.map((row) => row.id)).toEqual(expected);
    const { rows: guests } = await all<Row>(client.api(`${REPORT}?$top=50`).filter("userType eq 'guest'"));
    expect(guests).toHaveLength(seed.users.filter((user) => user.accountEnabled && user.userType === 'Guest').length);
    const { rows: ordered } = await all<Row>(client.api(`${REPORT}?$top=1000`).orderby('userPrincipalName'));
    const upns = seed.users.filter((user) => user.accountEnabled).map((user) => user.userPrincipalName);
    expect(ordered.map((row) => row.userPrincipalName)).toEqual(upns.sort((a, b) => a.localeCompare(b)));
  });

  it('lists every user and finds one by userPrincipalName, by mail and in the report by id', async () => {
    const { rows } = await all<{ id: string }>(client.api('/users').select('id').top(999));
    expect(rows).toHaveLength(seed.users.length);
    // Someone well into the tenant with an enabled account and a mailbox, and someone whose account is disabled.
    const someone = seed.users.slice(12_345).find((user) => user.accountEnabled && user.mail) as TenantSeed['users'][number];
    const disabled = seed.users.slice(12_345).find((user) => !user.accountEnabled) as TenantSeed['users'][number];
    expect((await client.api('/users').filter(`userPrincipalName eq '${someone.userPrincipalName}'`).select('id').get()).value).toEqual([{ id: someone.id }]);
    expect((await client.api('/users').filter(`mail eq '${someone.mail}'`).select('id').get()).value).toEqual([{ id: someone.id }]);
    // The report lists enabled accounts only.
    const row = await client.api(REPORT).filter(`id eq '${someone.id}'`).get();
    expect(row.value.map((found: Row) => found.id)).toEqual([someone.id]);
    expect((await client.api(REPORT).filter(`id eq '${disabled.id}'`).get()).value).toEqual([]);
  });
});
