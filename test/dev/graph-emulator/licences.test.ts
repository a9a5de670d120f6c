import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { graphClient, PEOPLE, testSeed } from './graph-test-client.js';

const TEAMS = { service: 'TeamsForBusiness', servicePlanId: '57ff2da0-773e-42df-b2af-ffb7a2317929' };
const EXCHANGE = { service: 'exchange', servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0' };
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

type Plan = { assignedDateTime: string; capabilityStatus: string; service: string; servicePlanId: string };
type Licensed = { id: string; assignedPlans: Plan[]; assignedLicenses: Array<{ skuId: string; disabledPlans: string[] }> };
type BatchResponse = { id: string; status: number; body: Licensed };

const hasEnabledTeams = (user: Licensed) => user.assignedPlans.some((plan) => plan.servicePlanId === TEAMS.servicePlanId && plan.capabilityStatus === 'Enabled');

describe('Teams licences in user objects (assignedPlans, assignedLicenses)', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeAll(async () => {
    seed = testSeed();
    emulator = await startGraphEmulator({ seed });
    client = graphClient(emulator, seed);
  });
  afterAll(() => emulator.close());

  const licences = (id: string): Promise<Licensed> => client.api(`/users/${id}`).select('id,assignedPlans,assignedLicenses').get();

  it('gives a licensed user with a mailbox enabled Teams and Exchange plans, dated when the account was created', async () => {
    const dana = await licences(PEOPLE.dana);
    expect(dana.assignedPlans).toEqual([
      { assignedDateTime: '2022-03-01T08:00:00Z', capabilityStatus: 'Enabled', ...TEAMS },
      { assignedDateTime: '2022-03-01T08:00:00Z', capabilityStatus: 'Enabled', ...EXCHANGE },
    ]);
    expect(dana.assignedLicenses).toEqual([{ skuId: E3, disabledPlans: [] }]);
    // No createdDateTime in the seed: a fixed date.
    expect((await licences(PEOPLE.omar)).assignedPlans.map((plan) => plan.assignedDateTime)).toEqual(['2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z']);
  });

  it('leaves the Teams plan out for a user without a Teams licence, and gives no plan to one without a mailbox either', async () => {
    const room = await licences(PEOPLE.roomAtlas);
    expect(room.assignedPlans).toEqual([expect.objectContaining({ ...EXCHANGE, capabilityStatus: 'Enabled' })]);
    expect(room.assignedLicenses).toEqual([{ skuId: E3, disabledPlans: [TEAMS.servicePlanId] }]);
    for (const id of [PEOPLE.breakGlass, PEOPLE.lee]) {
      expect(await licences(id)).toMatchObject({ assignedPlans: [], assignedLicenses: [] });
    }
  });

  it('agrees with the seed for every user, read in one $select listing', async () => {
    const page = await client.api('/users').select('id,assignedPlans').top(999).get();
    const licensed = new Map((page.value as Licensed[]).map((user) => [user.id, hasEnabledTeams(user)]));
    expect(licensed).toEqual(new Map(seed.users.map((user) => [user.id, user.teamsLicensed])));
  });

  it('returns them only when selected, as Graph does', async () => {
    const user = await client.api(`/users/${PEOPLE.dana}`).get();
    expect(user).not.toHaveProperty('assignedPlans');
    expect(user).not.toHaveProperty('assignedLicenses');
  });

  it('answers them inside $batch, and on an expanded manager', async () => {
    const result = await client.api('/$batch').post({
      requests: [
        { id: 'licensed', method: 'GET', url: `/users/${PEOPLE.sofia}?$select=id,assignedPlans` },
        { id: 'unlicensed', method: 'GET', url: `/users/${PEOPLE.roomAtlas}?$select=id,assignedPlans` },
      ],
    });
    const byId = new Map((result.responses as BatchResponse[]).map((response) => [response.id, response]));
    expect(byId.get('licensed')?.status).toBe(200);
    expect(hasEnabledTeams(byId.get('licensed')?.body as Licensed)).toBe(true);
    expect(hasEnabledTeams(byId.get('unlicensed')?.body as Licensed)).toBe(false);
    const withManager = await client.api(`/users/${PEOPLE.sofia}`).select('id').expand('manager($select=id,assignedPlans)').get();
    expect(hasEnabledTeams(withManager.manager)).toBe(true);
  });
});
