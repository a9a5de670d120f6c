// `passkey-coach check-permissions`: what Graph granted the service's identity, against what the code uses, read over
// the real Graph SDK from the Graph emulator: from the identity's app role assignments when it may read them, from a
// fresh token's roles when it may not, and with what to do when something is missing.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphPermissionReport } from '../../src/app/compose-directory.js';
import { loadConfig } from '../../src/config/load-config.js';
import { type GraphEmulator, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../src/dev/tenant-seed.js';
import { GRAPH_PERMISSIONS } from '../../src/directory/graph-permissions.js';
import { describePermissionReport } from '../../src/directory/permission-check.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { credentialFor, testSeed } from '../dev/graph-emulator/graph-test-client.js';

const USED = GRAPH_PERMISSIONS.filter((permission) => permission.type === 'Application').map((permission) => permission.name);
const NOT_YET = ['MailboxSettings.Read', 'TeamsAppInstallation.ReadWriteSelfForUser.All'];

let emulator: GraphEmulator;
let seed: TenantSeed;
const apps = { everything: 0, granted: -1, halfway: -1 };

beforeAll(async () => {
  seed = testSeed();
  // Exactly what the grant script grants; and a grant that stopped halfway, by an admin who may read the assignments.
  apps.granted = seed.apps.length;
  apps.halfway = seed.apps.length + 1;
  seed.apps.push({ clientId: randomUUID(), clientSecret: 'secret-granted-by-script', displayName: 'Granted by the script', roles: USED });
  seed.apps.push({ clientId: randomUUID(), clientSecret: 'secret-halfway', displayName: 'Halfway', roles: [...USED.filter((name) => !NOT_YET.includes(name)), 'Application.Read.All', 'Directory.ReadWrite.All'] });
  emulator = await startGraphEmulator({ seed });
});
afterAll(() => emulator.close());

const report = (app: number) =>
  graphPermissionReport(loadConfig({}), { baseUrl: emulator.graphUrl, credential: credentialFor(emulator, seed, app), caCertificate: emulator.caCertificate }, createLogger({ sink: new MemorySink(), level: 'error' }));

describe('check-permissions', () => {
  it('reads the assignments of an identity that may, and names what is missing, why, and the command that grants it', async () => {
    const result = await report(apps.halfway);
    expect(result.source).toBe('graph');
    expect(result.missing.map((permission) => permission.name)).toEqual(NOT_YET);
    expect(result.granted).toHaveLength(USED.length - NOT_YET.length);
    expect(result.extra).toEqual(['Application.Read.All', 'Directory.ReadWrite.All']);
    const text = describePermissionReport(result);
    expect(text).toContain('MISSING  MailboxSettings.Read: ');
    expect(text).toContain(`infra/grant-graph-permissions.sh ${result.principal.objectId}`);
    expect(result.principal.appId).toBe(seed.apps[apps.halfway]!.clientId);
    // The principal is the one Graph itself knows the app by (its service principal), not a guess.
    const lookups = emulator.calls.list().filter((call) => call.path.includes(`/servicePrincipals/${result.principal.objectId}/appRoleAssignments`));
    expect(lookups.length).toBeGreaterThan(0);
  });

  it('falls back to the roles of a fresh token when the identity may not read its own assignments, and says so', async () => {
    const result = await report(apps.granted);
    expect(result.source).toBe('token');
    expect(result.missing).toEqual([]);
    expect(result.extra).toEqual([]);
    expect(describePermissionReport(result)).toMatch(/read from the roles in a token just issued[\s\S]*Every permission the coach uses is granted\./);
  });

  it("reports the demo tenant's app fully granted", async () => {
    const result = await report(apps.everything);
    expect(result.missing).toEqual([]);
  });
});
