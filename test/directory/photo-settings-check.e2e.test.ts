// `check-config` reads who may change profile photos (Graph beta's photoUpdateSettings, over the real Graph SDK from the
// Graph emulator): Face Check compares with that photo, so a tenant where people change their own is warned about.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphEmulator, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../src/dev/tenant-seed.js';
import { GraphDirectory } from '../../src/directory/directory.js';
import { photoSettingsWarnings } from '../../src/directory/photo-settings-check.js';
import { graphClient, testSeed } from '../dev/graph-emulator/graph-test-client.js';

let emulator: GraphEmulator;
let seed: TenantSeed;
const settingsWith = async (settings: unknown) => {
  emulator.state.setPhotoUpdateSettings(settings);
  return new GraphDirectory(graphClient(emulator, seed)).photoUpdateSettings();
};

beforeAll(async () => {
  seed = testSeed();
  emulator = await startGraphEmulator({ seed });
});
afterAll(() => emulator.close());

describe('check-config on who may change profile photos', () => {
  it('says nothing when only an admin role may change them (the seed’s default)', async () => {
    const settings = await new GraphDirectory(graphClient(emulator, seed)).photoUpdateSettings();
    expect(settings).toMatchObject({ source: 'cloud', allowedRoles: ['62e90394-69f5-4237-9190-012177145e10'] });
    expect(photoSettingsWarnings(settings)).toEqual([]);
    // Read from beta: the call went there, since v1.0 has no such resource.
    expect(emulator.calls.list().some((call) => call.path.toLowerCase() === '/beta/admin/people/photoupdatesettings')).toBe(true);
  });

  it('warns when everyone may change their own photo, and says how to restrict it', async () => {
    const warnings = photoSettingsWarnings(await settingsWith({ source: 'cloud', allowedRoles: [] }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Face Check.*change their own photo.*Restrict photo changes to administrators.*allowedRoles/);
  });

  it('says nothing when photos come from the on-premises directory (not changeable in the cloud)', async () => {
    expect(photoSettingsWarnings(await settingsWith({ source: 'onPremises', allowedRoles: [] }))).toEqual([]);
  });

  it('fails to read without PeopleSettings.Read.All, which check-config reports instead of guessing', async () => {
    const narrow = testSeed();
    const app = narrow.apps[0];
    if (app) app.roles = ['User.Read.All'];
    const other = await startGraphEmulator({ seed: narrow });
    try {
      await expect(new GraphDirectory(graphClient(other, narrow)).photoUpdateSettings()).rejects.toThrow();
    } finally {
      await other.close();
    }
  });
});
