import { type Client, type GraphError, ResponseType } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AppInstalledEvent, type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { failure, graphClient, GROUPS, PEOPLE, testSeed } from './graph-test-client.js';

const CATALOG_APP = 'bcf4f749-39b3-4365-913b-f7dfe7a89e4e';
const bind = (catalogId = CATALOG_APP) => ({ 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogId}` });
const installed = (userId: string) => `/users/${userId}/teamwork/installedApps`;

describe('installing the Teams app for a user', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeEach(async () => {
    seed = testSeed();
    emulator = await startGraphEmulator({ seed, now: () => Date.now() });
    client = graphClient(emulator, seed, { retry: false });
  });
  afterEach(async () => {
    await emulator.close();
    vi.useRealTimers();
  });

  it('answers 201 with no body, tells listeners the chat id, and 409 Conflict the second time', async () => {
    const events: AppInstalledEvent[] = [];
    emulator.onAppInstalled((event) => {
      events.push(event);
    });
    const first = await client.api(installed(PEOPLE.sofia)).responseType(ResponseType.RAW).post(bind());
    expect(first.status).toBe(201);
    expect(await first.text()).toBe('');
    expect(events).toEqual([
      {
        tenantId: seed.tenant.id,
        userId: PEOPLE.sofia,
        userPrincipalName: 'sofia.rossi@fabrikam-test.example',
        installationId: Buffer.from(`${PEOPLE.sofia}##${CATALOG_APP}`).toString('base64'),
        chatId: `19:${seed.apps[0]?.clientId}_${PEOPLE.sofia}@unq.gbl.spaces`,
        teamsAppId: CATALOG_APP,
        botId: seed.apps[0]?.clientId,
      },
    ]);
    const again = await failure(client.api(installed(PEOPLE.sofia)).post(bind()));
    expect(again.statusCode).toBe(409);
    expect(again.code).toBe('Conflict');
    expect(events).toHaveLength(1);
  });

  it('keeps the install when a listener fails, and says so in a process warning', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    emulator.onAppInstalled(() => {
      throw new Error('connector down');
    });
    const stop = emulator.onAppInstalled(async () => {
      throw new Error('async listener down');
    });
    await client.api(installed(PEOPLE.jin)).post(bind());
    await vi.waitFor(() => expect(warnings).toHaveBeenCalledTimes(2));
    expect(warnings.mock.calls.map((call) => String(call[0])).join(' ')).toMatch(/connector down.*async listener down/);
    expect(emulator.state.installations().map((entry) => entry.userId)).toContain(PEOPLE.jin);
    stop();
    warnings.mockRestore();
  });

  it('404s an app that is not in the catalog and 403s a user without a Teams licence', async () => {
    const unknown = await failure(client.api(installed(PEOPLE.sofia)).post(bind('00000000-1111-2222-3333-444444444444')));
    expect(unknown.statusCode).toBe(404);
    expect((await failure(client.api(installed(PEOPLE.roomAtlas)).post(bind()))).statusCode).toBe(403);
    expect((await failure(client.api(installed(PEOPLE.sofia)).post({}))).statusCode).toBe(400);
  });

  it('lists installs filtered by the manifest id, expands the definition, and gives the 1:1 chat', async () => {
    const listed = await client
      .api(installed(PEOPLE.dana))
      .expand('teamsApp,teamsAppDefinition')
      .filter("teamsApp/externalId eq '7fbe8d50-5c7c-45a9-a41d-6f8f70b1c023'")
      .get();
    expect(listed.value).toEqual([
      {
        id: Buffer.from(`${PEOPLE.dana}##${CATALOG_APP}`).toString('base64'),
        teamsApp: { id: CATALOG_APP, externalId: '7fbe8d50-5c7c-45a9-a41d-6f8f70b1c023', displayName: 'Passkey Coach', distributionMethod: 'organization' },
        teamsAppDefinition: expect.objectContaining({ teamsAppId: CATALOG_APP, displayName: 'Passkey Coach', version: '1.2.0' }),
      },
    ]);
    const other = await client.api(installed(PEOPLE.dana)).filter("teamsApp/id eq '00000000-1111-2222-3333-444444444444'").get();
    expect(other.value).toEqual([]);
    const bare = await client.api(installed(PEOPLE.dana)).get();
    expect(bare.value).toEqual([{ id: listed.value[0].id }]);

    const chat = await client.api(`${installed(PEOPLE.dana)}/${encodeURIComponent(listed.value[0].id)}/chat`).get();
    expect(chat).toMatchObject({ id: `19:${seed.apps[0]?.clientId}_${PEOPLE.dana}@unq.gbl.spaces`, chatType: 'oneOnOne', tenantId: seed.tenant.id });
  });

  it('uninstalls, after which the app can be installed again', async () => {
    const [install] = (await client.api(installed(PEOPLE.dana)).get()).value;
    await client.api(`${installed(PEOPLE.dana)}/${encodeURIComponent(install.id)}`).delete();
    expect((await client.api(installed(PEOPLE.dana)).get()).value).toEqual([]);
    await client.api(installed(PEOPLE.dana)).post(bind());
    expect(emulator.state.installations().map((entry) => entry.userId)).toContain(PEOPLE.dana);
  });

  it('throttles installs at 30 POSTs a second per app, with Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const everyone = seed.users.filter((user) => user.teamsLicensed && !user.appInstalled).map((user) => user.id);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      const user = everyone[i % everyone.length] as string;
      statuses.push(await client.api(installed(user)).post(bind()).then(() => 201, (error: GraphError) => error.statusCode));
    }
    expect(statuses.slice(0, 30).every((status) => status === 201 || status === 409)).toBe(true);
    expect(statuses[30]).toBe(429);
    vi.setSystemTime(Date.now() + 1000);
    expect(await client.api(installed(PEOPLE.sofia)).post(bind()).then(() => 201, (error: GraphError) => error.statusCode)).toBe(409);
  });
});

describe('directory roles', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeEach(async () => {
    seed = testSeed();
    emulator = await startGraphEmulator({ seed });
    client = graphClient(emulator, seed, { retry: false });
  });
  afterEach(() => emulator.close());

  it('lists a principal’s role assignments with the role definition expanded', async () => {
    const omar = await client.api('/roleManagement/directory/roleAssignments').filter(`principalId eq '${PEOPLE.omar}'`).expand('roleDefinition').get();
    expect(omar.value).toEqual([
      expect.objectContaining({
        principalId: PEOPLE.omar,
        roleDefinitionId: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
        directoryScopeId: '/',
        roleDefinition: expect.objectContaining({ displayName: 'Privileged Authentication Administrator', isBuiltIn: true }),
      }),
    ]);
    // Group-granted roles are listed under the group, as Graph does.
    expect((await client.api('/roleManagement/directory/roleAssignments').filter(`principalId eq '${PEOPLE.breakGlass}'`).get()).value).toEqual([]);
    const viaGroup = await client.api('/roleManagement/directory/roleAssignments').filter(`principalId eq '${GROUPS.privilegedAdmins}'`).expand('roleDefinition').get();
    expect(viaGroup.value[0].roleDefinition.displayName).toBe('Global Administrator');
  });

  it('lists eligibility schedules and role definitions', async () => {
    const lukas = await client.api('/roleManagement/directory/roleEligibilitySchedules').filter(`principalId eq '${PEOPLE.lukas}'`).expand('roleDefinition').get();
    expect(lukas.value).toEqual([
      expect.objectContaining({ principalId: PEOPLE.lukas, memberType: 'Direct', status: 'Provisioned', roleDefinition: expect.objectContaining({ displayName: 'Authentication Administrator' }) }),
    ]);
    const definitions = await client.api('/roleManagement/directory/roleDefinitions').filter("displayName eq 'Global Administrator'").get();
    expect(definitions.value.map((definition: { id: string }) => definition.id)).toEqual(['62e90394-69f5-4237-9190-012177145e10']);
  });
});
