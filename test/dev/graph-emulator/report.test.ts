import { type Client, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../../src/dev/tenant-seed.js';
import { failure, graphClient, PEOPLE, testSeed } from './graph-test-client.js';

const REPORT = '/reports/authenticationMethods/userRegistrationDetails';
const INCLUDE_NEW_VALUES = 'include-unknown-enum-members';
type Row = { id: string; methodsRegistered: string[]; [key: string]: unknown };


describe('the userRegistrationDetails report', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-02T08:00:00Z'));
    seed = testSeed();
    // A generous throttle here; the throttle has its own tests below.
    emulator = await startGraphEmulator({ seed, now: () => Date.now(), reportPageSize: 5, reportsThrottle: { limit: 1000, windowMs: 10_000 } });
    client = graphClient(emulator, seed, { retry: false });
  });
  afterEach(async () => {
    await emulator.close();
    vi.useRealTimers();
  });

  const allRows = async (request: ReturnType<Client['api']>): Promise<Row[]> => {
    const rows: Row[] = [];
    await new PageIterator(client, await request.get(), (row: Row) => {
      rows.push(row);
      return true;
    }).iterate();
    return rows;
  };

  it('pages through every enabled account, with the fields Graph documents', async () => {
    const first = await client.api(REPORT).header('Prefer', INCLUDE_NEW_VALUES).get();
    expect(first.value).toHaveLength(5);
    expect(first['@odata.context']).toBe(`${emulator.graphUrl}/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails`);
    const rows = await allRows(client.api(REPORT).header('Prefer', INCLUDE_NEW_VALUES));
    expect(rows.map((row) => row.id)).toEqual(seed.users.filter((user) => user.accountEnabled).map((user) => user.id));
    const dana = rows.find((row) => row.id === PEOPLE.dana);
    expect(dana).toEqual({
      id: PEOPLE.dana,
      userPrincipalName: 'dana.whitfield@fabrikam-test.example',
      userDisplayName: 'Dana Whitfield',
      userType: 'member',
      isAdmin: false,
      isSsprRegistered: false,
      isSsprEnabled: true,
      isSsprCapable: false,
      isMfaRegistered: true,
      isMfaCapable: true,
      isPasswordlessCapable: true,
      isSystemPreferredAuthenticationMethodEnabled: true,
      lastUpdatedDateTime: expect.any(String),
      methodsRegistered: ['windowsHelloForBusiness', 'passKeyDeviceBoundAuthenticator'],
      systemPreferredAuthenticationMethods: [],
      userPreferredMethodForSecondaryAuthentication: 'none',
    });
  });

  it('shows newer method names only with Prefer: include-unknown-enum-members, else unknownFutureValue', async () => {
    const masked = await client.api(`${REPORT}/${PEOPLE.lukas}`).get();
    expect(masked.methodsRegistered).toEqual(['unknownFutureValue']);
    const shown = await client.api(`${REPORT}/${PEOPLE.lukas}`).header('Prefer', INCLUDE_NEW_VALUES).get();
    expect(shown.methodsRegistered).toEqual(['passKeySynced']);
    const older = await client.api(`${REPORT}/${PEOPLE.jin}`).get();
    expect(older.methodsRegistered).toEqual(['microsoftAuthenticatorPush', 'softwareOneTimePasscode']);
  });

  it('filters on methodsRegistered/any, not(...), userType, isAdmin and the booleans, combined with and', async () => {
    const ids = async (filter: string) => (await allRows(client.api(REPORT).filter(filter))).map((row) => row.id).sort();
    expect(await ids("methodsRegistered/any(m: m eq 'fido2SecurityKey')")).toEqual([PEOPLE.omar, PEOPLE.amara, PEOPLE.breakGlass].sort());
    expect(await ids("methodsRegistered/any(m: m eq 'mobilePhone') and userType eq 'member'")).toEqual([PEOPLE.priya, PEOPLE.grace].sort());
    expect(await ids('isAdmin eq true')).toEqual([PEOPLE.omar, PEOPLE.priya, PEOPLE.breakGlass].sort());
    expect(await ids("userType eq 'guest'")).toEqual([PEOPLE.lee]);
    expect(await ids("isPasswordlessCapable eq false and userType eq 'member' and not(methodsRegistered/any(m: m eq 'microsoftAuthenticatorPush'))")).toEqual(
      [PEOPLE.tom, PEOPLE.sofia, PEOPLE.grace, PEOPLE.roomAtlas].sort(),
    );
    expect((await failure(client.api(REPORT).filter("shoeSize eq 'big'").get())).statusCode).toBe(400);
  });

  it('shows a newly enrolled method in real-time methods at once but in the report only after the lag', async () => {
    const enrolled = emulator.state.enrolMethod(PEOPLE.sofia, { kind: 'passKeyDeviceBoundAuthenticator', displayName: "Sofia's Pixel" });
    const methods = await client.api(`/users/${PEOPLE.sofia}/authentication/methods`).get();
    expect(methods.value.map((method: { id: string }) => method.id)).toContain(enrolled.id);

    const report = () => client.api(`${REPORT}/${PEOPLE.sofia}`).header('Prefer', INCLUDE_NEW_VALUES).get();
    expect((await report()).methodsRegistered).toEqual([]);
    vi.setSystemTime(Date.now() + 179 * 60_000);
    expect((await report()).methodsRegistered).toEqual([]);
    vi.setSystemTime(Date.now() + 60_000);
    const after = await report();
    expect(after.methodsRegistered).toEqual(['passKeyDeviceBoundAuthenticator']);
    expect(after.isPasswordlessCapable).toBe(true);
    expect(after.lastUpdatedDateTime).toBe('2025-06-02T08:00:00.000Z');
  });

  it('keeps a removed method in the report until the lag has passed', async () => {
    const key = (await client.api(`/users/${PEOPLE.amara}/authentication/fido2Methods`).get()).value[0];
    await client.api(`/users/${PEOPLE.amara}/authentication/fido2Methods/${key.id}`).delete();
    expect((await client.api(`/users/${PEOPLE.amara}/authentication/fido2Methods`).get()).value).toEqual([]);
    expect((await client.api(`${REPORT}/${PEOPLE.amara}`).header('Prefer', INCLUDE_NEW_VALUES).get()).methodsRegistered).toEqual(['fido2SecurityKey']);
    vi.setSystemTime(Date.now() + 3 * 3600_000);
    expect((await client.api(`${REPORT}/${PEOPLE.amara}`).get()).methodsRegistered).toEqual([]);
  });

  it('leaves disabled accounts out, as Graph documents', async () => {
    expect((await failure(client.api(`${REPORT}/${PEOPLE.ben}`).get())).statusCode).toBe(404);
  });
});

describe('the identity-and-access-reports throttle', () => {
  let seed: TenantSeed;
  let emulator: GraphEmulator;
  let client: Client;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    seed = testSeed();
    emulator = await startGraphEmulator({ seed, now: () => Date.now() });
    client = graphClient(emulator, seed, { retry: false });
  });
  afterEach(async () => {
    await emulator.close();
    vi.useRealTimers();
  });

  it('answers the 6th request within 10 s with 429 and Retry-After, sharing one budget between the report and method reads', async () => {
    await client.api(REPORT).get();
    await client.api(`${REPORT}/${PEOPLE.dana}`).get();
    await client.api(`/users/${PEOPLE.dana}/authentication/methods`).get();
    await client.api(`/users/${PEOPLE.omar}/authentication/fido2Methods`).get();
    vi.setSystemTime(Date.now() + 4_000);
    await client.api(`/users/${PEOPLE.dana}/authentication/windowsHelloForBusinessMethods`).get();
    const throttled = await failure(client.api(`/users/${PEOPLE.dana}/authentication/temporaryAccessPassMethods`).get());
    expect(throttled.statusCode).toBe(429);
    expect(throttled.code).toBe('TooManyRequests');
    expect(throttled.headers?.get('Retry-After')).toBe('6');
    expect((await failure(client.api(REPORT).get())).statusCode).toBe(429);

    // Directory reads are in another bucket.
    await expect(client.api(`/users/${PEOPLE.dana}`).get()).resolves.toMatchObject({ id: PEOPLE.dana });

    vi.setSystemTime(Date.now() + 6_000);
    await expect(client.api(REPORT).get()).resolves.toHaveProperty('value');
  });

  it('takes its limit and window from the options', async () => {
    await emulator.close();
    emulator = await startGraphEmulator({ seed, now: () => Date.now(), reportsThrottle: { limit: 2, windowMs: 60_000 } });
    client = graphClient(emulator, seed, { retry: false });
    await client.api(REPORT).get();
    await client.api(REPORT).get();
    const throttled = await failure(client.api(REPORT).get());
    expect(throttled.headers?.get('Retry-After')).toBe('60');
    emulator.state.resetThrottles();
    await expect(client.api(REPORT).get()).resolves.toHaveProperty('value');
  });
});
