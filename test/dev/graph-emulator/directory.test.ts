import { type Client, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { failure, graphClient, GROUPS, PEOPLE, testSeed } from './graph-test-client.js';

type User = { id: string; displayName: string; [key: string]: unknown };
/** An organisational contact who reports to Tom, added to the seed below. */
const CONTACT = '5d0f3c8e-2a41-4b7e-9c55-0e6f7a1b2c3d';


describe('directory reads through the Graph SDK', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeAll(async () => {
    seed = testSeed();
    seed.contacts.push({ id: CONTACT, displayName: 'Rita Vendor (Contoso Temps)', mail: 'rita@contoso.example', companyName: 'Contoso Temps', managerId: PEOPLE.tom });
    emulator = await startGraphEmulator({ seed });
    client = graphClient(emulator, seed);
  });
  afterAll(() => emulator.close());

  it('pages through every user with @odata.nextLink and $skiptoken, as the SDK PageIterator follows it', async () => {
    // The emulator's call log is shared by this file's tests: counted from here.
    const callsBefore = emulator.calls.list({ path: '/v1.0/users' }).length;
    const first = await client.api('/users').top(5).get();
    expect(first['@odata.context']).toBe(`${emulator.graphUrl}/v1.0/$metadata#users`);
    expect(first['@odata.nextLink']).toMatch(new RegExp(`^${emulator.graphUrl}/v1.0/users\\?\\$top=5&\\$skiptoken=`));
    const seen: string[] = [];
    await new PageIterator(client, first, (user: User) => {
      seen.push(user.id);
      return true;
    }).iterate();
    expect(seen).toEqual(seed.users.map((user) => user.id));
    expect(emulator.calls.list({ path: '/v1.0/users' }).slice(callsBefore)).toHaveLength(3);
  });

  it('returns Graph v1.0 default properties unless $select asks for others', async () => {
    const user = await client.api(`/users/${PEOPLE.omar}`).get();
    expect(Object.keys(user).sort()).toEqual(
      ['@odata.context', 'businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'].sort(),
    );
    expect(user.department).toBeUndefined();
    const selected = await client.api(`/users/${PEOPLE.omar}`).select(['id', 'department', 'accountEnabled', 'userType']).get();
    expect(selected).toEqual({
      '@odata.context': `${emulator.graphUrl}/v1.0/$metadata#users(id,department,accountEnabled,userType)/$entity`,
      id: PEOPLE.omar,
      department: 'IT',
      accountEnabled: true,
      userType: 'Member',
    });
  });

  it('finds a user by userPrincipalName as well as by id, and 404s an unknown one', async () => {
    const byUpn = await client.api('/users/Priya.Nair@fabrikam-test.example').get();
    expect(byUpn.id).toBe(PEOPLE.priya);
    const missing = await failure(client.api('/users/nobody@fabrikam-test.example').get());
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe('Request_ResourceNotFound');
  });

  it('filters users with eq on booleans and strings, startswith, in, and and', async () => {
    const ids = async (filter: string) =>
      (await client.api('/users').filter(filter).select('id').top(999).get()).value.map((user: User) => user.id).sort();
    expect(await ids("accountEnabled eq true and userType eq 'Member' and department eq 'Sales'")).toEqual([PEOPLE.tom, PEOPLE.sofia, PEOPLE.jin].sort());
    expect(await ids("startswith(displayName,'ja') or startswith(displayName,'JI')")).toEqual([PEOPLE.jin]);
    expect(await ids(`id in ('${PEOPLE.dana}', '${PEOPLE.lee}', '00000000-0000-0000-0000-000000000000')`)).toEqual([PEOPLE.dana, PEOPLE.lee].sort());
    expect(await ids("userType eq 'Guest'")).toEqual([PEOPLE.lee]);
    expect(await ids('accountEnabled eq false')).toEqual([PEOPLE.ben]);
  });

  it('looks users up by id, userPrincipalName or mail with eq and in, still applying the rest of the filter and $orderby', async () => {
    const ids = async (filter: string, orderby?: string) => {
      let request = client.api('/users').filter(filter).select('id').top(999);
      if (orderby) request = request.orderby(orderby);
      return (await request.get()).value.map((user: User) => user.id);
    };
    expect(await ids("userPrincipalName eq 'SOFIA.ROSSI@fabrikam-test.example'")).toEqual([PEOPLE.sofia]);
    expect(await ids("mail eq 'lee@contoso.example' or userPrincipalName eq 'jin.park@fabrikam-test.example'")).toEqual([PEOPLE.jin, PEOPLE.lee]);
    expect(await ids(`id eq '${PEOPLE.sofia}' and department eq 'Sales'`)).toEqual([PEOPLE.sofia]);
    expect(await ids(`id eq '${PEOPLE.sofia}' and department eq 'IT'`)).toEqual([]);
    expect(await ids(`id in ('${PEOPLE.tom}', '${PEOPLE.amara}', '${PEOPLE.dana}')`, 'displayName desc')).toEqual([PEOPLE.tom, PEOPLE.dana, PEOPLE.amara]);
    // An "or" with a clause no index covers must scan everyone.
    expect((await ids(`id eq '${PEOPLE.dana}' or userType eq 'Guest'`)).sort()).toEqual([PEOPLE.dana, PEOPLE.lee].sort());
  });

  it('pages a filtered listing without an empty last page, and counts all matches on every page', async () => {
    const first = await client.api('/users').header('ConsistencyLevel', 'eventual').query({ $count: 'true' }).filter("userType eq 'Member'").select('id').top(4).get();
    const members = seed.users.filter((user) => user.userType === 'Member').map((user) => user.id);
    const pages = [first];
    while (pages[pages.length - 1]['@odata.nextLink']) pages.push(await client.api(pages[pages.length - 1]['@odata.nextLink']).header('ConsistencyLevel', 'eventual').get());
    expect(pages.every((page) => page.value.length > 0 && page['@odata.count'] === members.length)).toBe(true);
    expect(pages.flatMap((page) => page.value.map((user: User) => user.id))).toEqual(members);
  });

  it('sorts with $orderby as localeCompare does, ties in seed order, both ways', async () => {
    const names = async (direction: string) => (await client.api('/users').orderby(`displayName ${direction}`).select('displayName').top(999).get()).value.map((user: User) => user.displayName);
    const expected = seed.users.map((user) => user.displayName).sort((a, b) => a.localeCompare(b));
    expect(await names('asc')).toEqual(expected);
    expect(await names('desc')).toEqual([...expected].reverse());
  });

  it('answers advanced-query operators only with ConsistencyLevel: eventual and $count=true', async () => {
    const refused = await failure(client.api('/users').filter("department ne 'Sales'").get());
    expect(refused.statusCode).toBe(400);
    expect(refused.code).toBe('Request_UnsupportedQuery');
    const counted = await client.api('/users').header('ConsistencyLevel', 'eventual').query({ $count: 'true' }).filter("department ne 'Sales'").select('id').get();
    expect(counted['@odata.count']).toBe(seed.users.filter((user) => user.department !== 'Sales').length);
  });

  it('rejects a $top above 999, an unknown $select property and a malformed $filter with 400', async () => {
    expect((await failure(client.api('/users').top(1000).get())).statusCode).toBe(400);
    const select = await failure(client.api('/users').select('shoeSize').get());
    expect(select.statusCode).toBe(400);
    expect(select.message).toContain("'shoeSize'");
    const syntax = await failure(client.api('/users').filter("department eq 'Sales").get());
    expect(syntax.statusCode).toBe(400);
    expect(syntax.code).toBe('BadRequest');
  });

  it("expands a user's manager with $expand=manager($select=...)", async () => {
    const user = await client.api(`/users/${PEOPLE.sofia}`).expand('manager($select=id,displayName)').select('id,displayName').get();
    expect(user.manager).toEqual({ '@odata.type': '#microsoft.graph.user', id: PEOPLE.tom, displayName: 'Tom Becker' });
  });

  it('returns the manager, and 404 Request_ResourceNotFound at the top of the chain', async () => {
    const manager = await client.api(`/users/${PEOPLE.jin}/manager`).get();
    expect(manager['@odata.type']).toBe('#microsoft.graph.user');
    expect(manager.id).toBe(PEOPLE.tom);
    const none = await failure(client.api(`/users/${PEOPLE.dana}/manager`).get());
    expect(none.statusCode).toBe(404);
    expect(none.code).toBe('Request_ResourceNotFound');
  });

  it("pages a manager's direct reports, users and contacts each with its @odata.type and the $select asked for", async () => {
    const first = await client.api(`/users/${PEOPLE.tom}/directReports`).select('id,displayName,accountEnabled').top(2).get();
    expect(first['@odata.context']).toBe(`${emulator.graphUrl}/v1.0/$metadata#directoryObjects`);
    expect(first.value).toHaveLength(2);
    const rest = await client.api(first['@odata.nextLink']).get();
    expect(rest['@odata.nextLink']).toBeUndefined();
    expect([...first.value, ...rest.value]).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: PEOPLE.sofia, displayName: 'Sofia Rossi', accountEnabled: true },
      { '@odata.type': '#microsoft.graph.user', id: PEOPLE.jin, displayName: 'Jin Park', accountEnabled: true },
      { '@odata.type': '#microsoft.graph.user', id: PEOPLE.ben, displayName: 'Ben Carter', accountEnabled: false },
      // A contact has no account: of the selected properties it shows those it has.
      { '@odata.type': '#microsoft.graph.orgContact', id: CONTACT, displayName: 'Rita Vendor (Contoso Temps)' },
    ]);
  });

  it('leaves contacts out of directReports cast to users, 404s an unknown user and 400s an unknown property', async () => {
    const users = await client.api(`/users/${PEOPLE.tom}/directReports/microsoft.graph.user`).select('id,userPrincipalName').get();
    expect(users['@odata.context']).toBe(`${emulator.graphUrl}/v1.0/$metadata#directoryObjects/microsoft.graph.user`);
    expect(users.value.map((user: User) => user.id)).toEqual([PEOPLE.sofia, PEOPLE.jin, PEOPLE.ben]);
    expect(Object.keys(users.value[0]).sort()).toEqual(['@odata.type', 'id', 'userPrincipalName']);
    expect((await client.api(`/users/${PEOPLE.sofia}/directReports`).get()).value).toEqual([]);
    const unknown = await failure(client.api('/users/00000000-0000-4000-8000-000000000000/directReports/microsoft.graph.user').get());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.code).toBe('Request_ResourceNotFound');
    expect((await failure(client.api(`/users/${PEOPLE.tom}/directReports/microsoft.graph.user`).select('nickname').get())).statusCode).toBe(400);
  });

  it('resolves nested groups in transitiveMemberOf but not in memberOf', async () => {
    const transitive = await client.api(`/users/${PEOPLE.priya}/transitiveMemberOf`).get();
    expect(transitive.value.map((group: { id: string }) => group.id).sort()).toEqual([GROUPS.helpdesk, GROUPS.allIt].sort());
    expect(transitive.value.every((object: Record<string, unknown>) => object['@odata.type'] === '#microsoft.graph.group')).toBe(true);
    const direct = await client.api(`/users/${PEOPLE.priya}/memberOf`).get();
    expect(direct.value.map((group: { id: string }) => group.id)).toEqual([GROUPS.helpdesk]);
  });

  it('pages group members, users and nested groups with their @odata.type', async () => {
    const first = await client.api(`/groups/${GROUPS.allIt}/members`).top(2).get();
    expect(first.value).toHaveLength(2);
    const rest = await client.api(first['@odata.nextLink']).get();
    expect(rest['@odata.nextLink']).toBeUndefined();
    const all = [...first.value, ...rest.value] as Array<Record<string, unknown>>;
    expect(all.map((member) => [member.id, member['@odata.type']])).toEqual([
      [PEOPLE.omar, '#microsoft.graph.user'],
      [GROUPS.helpdesk, '#microsoft.graph.group'],
      [PEOPLE.lukas, '#microsoft.graph.user'],
    ]);
    const everyone = await client.api(`/groups/${GROUPS.allIt}/transitiveMembers/microsoft.graph.user`).get();
    expect(everyone.value.map((user: User) => user.id).sort()).toEqual([PEOPLE.omar, PEOPLE.priya, PEOPLE.lukas].sort());
  });

  it("gives a mailbox's time zone, falling back to the tenant's, and 404s a guest without a mailbox", async () => {
    expect((await client.api(`/users/${PEOPLE.jin}/mailboxSettings`).get()).timeZone).toBe('Korea Standard Time');
    expect((await client.api(`/users/${PEOPLE.tom}/mailboxSettings`).get()).timeZone).toBe('W. Europe Standard Time');
    const guest = await failure(client.api(`/users/${PEOPLE.lee}/mailboxSettings`).get());
    expect(guest.statusCode).toBe(404);
    expect(guest.code).toBe('MailboxNotEnabledForRESTAPI');
  });

  it('answers 400 for an unknown segment and 405 for a method the resource does not take', async () => {
    const unknown = await failure(client.api('/usres').get());
    expect(unknown.statusCode).toBe(400);
    expect(unknown.message).toBe("Resource not found for the segment 'usres'.");
    const method = await failure(client.api(`/users/${PEOPLE.dana}/manager`).post({}));
    expect(method.statusCode).toBe(405);
  });
});
