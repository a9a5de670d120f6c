// `check-config` holds ENROLMENT_TIERS against the tenant's passkey (FIDO2) policy, read over the real Graph SDK from
// the Graph emulator: a tier that asks for what the policy does not let its people register is warned about.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnrolmentTiers } from '../../src/config/enrolment-tiers.js';
import { type GraphEmulator, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../src/dev/tenant-seed.js';
import { GraphDirectory } from '../../src/directory/directory.js';
import { tierPolicyWarnings } from '../../src/directory/tier-policy-check.js';
import { GROUPS, graphClient, testSeed } from '../dev/graph-emulator/graph-test-client.js';

const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const OTHER_KEY = 'ee882879-721c-4913-9775-3dfcce97072a';
const ANY = ['authenticator-passkey', 'windows-hello', 'security-key', 'device-passkey', 'synced-passkey'];

const tiers = (list: unknown) => {
  const parsed = parseEnrolmentTiers(JSON.stringify(list));
  if (!('tiers' in parsed)) throw new Error(parsed.problems.join('\n'));
  return parsed.tiers;
};
const STRICT = tiers([
  { id: 'admins', groups: [GROUPS.privilegedAdmins], rule: { anyOf: ['security-key'], deviceBound: true, aaguids: [YUBIKEY] } },
  { id: 'it', groups: [GROUPS.allIt], rule: { anyOf: ['authenticator-passkey', 'security-key'], deviceBound: true } },
  { id: 'everyone', rule: { anyOf: ANY } },
]);

let emulator: GraphEmulator;
let seed: TenantSeed;
const policyWith = async (passkeyPolicy: Parameters<GraphEmulator['state']['setPasskeyPolicy']>[0]) => {
  emulator.state.setPasskeyPolicy(passkeyPolicy);
  return new GraphDirectory(graphClient(emulator, seed)).passkeyPolicy();
};

beforeAll(async () => {
  seed = testSeed();
  emulator = await startGraphEmulator({ seed });
});
afterAll(() => emulator.close());

describe('check-config against the passkey policy', () => {
  it('warns when a tier needs device-bound keys of listed models but the profile for its group allows synced passkeys and blocks the model, and when passkeys are off for a group', async () => {
    const policy = await policyWith({
      state: 'enabled',
      includeTargets: [
        { targetType: 'group', id: GROUPS.privilegedAdmins, isRegistrationRequired: false, allowedPasskeyProfiles: ['open'] },
        { targetType: 'group', id: 'all_users', isRegistrationRequired: false, allowedPasskeyProfiles: ['open'] },
      ],
      excludeTargets: [{ targetType: 'group', id: GROUPS.allIt }],
      passkeyProfiles: [{ id: 'open', name: 'Open', passkeyTypes: 'deviceBound,synced', attestationEnforcement: 'disabled', keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [OTHER_KEY] } }],
      defaultPasskeyProfile: 'open',
    });
    const warnings = tierPolicyWarnings(STRICT, policy);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`tier admins.*${GROUPS.privilegedAdmins}.*synced passkeys.*attestation`)),
        expect.stringMatching(new RegExp(`tier admins.*${GROUPS.privilegedAdmins}.*${YUBIKEY}.*key restrictions`)),
        expect.stringMatching(new RegExp(`tier it: members of group ${GROUPS.allIt} cannot register.*passkeys are not enabled`)),
      ]),
    );
    expect(warnings.join('\n')).not.toMatch(/tier everyone/);
  });

  it('says nothing when the policy enforces attestation and allows the listed models for the tiers\' groups', async () => {
    const policy = await policyWith({
      state: 'enabled',
      includeTargets: [
        { targetType: 'group', id: GROUPS.privilegedAdmins, isRegistrationRequired: false, allowedPasskeyProfiles: ['strict'] },
        { targetType: 'group', id: GROUPS.allIt, isRegistrationRequired: false, allowedPasskeyProfiles: ['strict'] },
        // Not all users: someone in a tier's group would get the open profile too (the profiles of every target add up).
        { targetType: 'group', id: GROUPS.helpdesk, isRegistrationRequired: false, allowedPasskeyProfiles: ['open'] },
      ],
      excludeTargets: [],
      passkeyProfiles: [
        { id: 'strict', name: 'Strict', passkeyTypes: 'deviceBound', attestationEnforcement: 'registrationOnly', keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [YUBIKEY] } },
        { id: 'open', name: 'Open', passkeyTypes: 'deviceBound,synced', attestationEnforcement: 'disabled', keyRestrictions: { isEnforced: false, enforcementType: 'allow', aaGuids: [] } },
      ],
      defaultPasskeyProfile: 'open',
    });
    expect(tierPolicyWarnings(STRICT, policy)).toEqual([]);
  });

  it('reads the legacy policy the same way: attestation not enforced, a block list naming the model', async () => {
    const policy = await policyWith({
      state: 'enabled',
      isAttestationEnforced: false,
      keyRestrictions: { isEnforced: true, enforcementType: 'block', aaGuids: [YUBIKEY] },
      includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
      excludeTargets: [],
    });
    const warnings = tierPolicyWarnings(STRICT, policy);
    expect(warnings.some((line) => line.includes('tier admins') && line.includes(YUBIKEY))).toBe(true);
    expect(warnings.some((line) => line.includes('tier it') && line.includes('synced passkeys'))).toBe(true);
  });
});
