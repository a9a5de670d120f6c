// What the tenant's passkey policy means for one person, in both of Graph's shapes: the legacy one (one attestation
// flag for everyone included) and passkey profiles (each target's allowed profiles; several targets: the union).

import { describe, expect, it } from 'vitest';
import { passkeyPolicySchema } from '../../src/directory/passkey-policy.js';
import { rulesOf } from '../../src/enrollment/passkey-rules.js';

const SALES = '4bdf27ab-d5f7-41b4-8a6a-1bb505ebb8d0';
const ADMINS = '0d57c923-27f7-4691-b4fb-36cc47ff9022';
const DEFAULT = '00000000-0000-0000-0000-000000000001';
const FIELD = 'field-profile';

const legacy = (fields: Record<string, unknown> = {}) =>
  passkeyPolicySchema.parse({ state: 'enabled', isAttestationEnforced: false, keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] }, includeTargets: [{ targetType: 'group', id: 'all_users' }], excludeTargets: [], ...fields });

const profiles = (fields: Record<string, unknown> = {}) =>
  passkeyPolicySchema.parse({
    state: 'enabled',
    includeTargets: [
      { targetType: 'group', id: 'all_users', allowedPasskeyProfiles: [DEFAULT] },
      { targetType: 'group', id: SALES, allowedPasskeyProfiles: [FIELD] },
    ],
    excludeTargets: [],
    passkeyProfiles: [
      { id: DEFAULT, name: 'Default', passkeyTypes: 'deviceBound', attestationEnforcement: 'disabled', keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: ['90a3ccdf-635c-4729-a248-9b709135078f'] } },
      { id: FIELD, name: 'Field', passkeyTypes: 'deviceBound,synced', attestationEnforcement: 'disabled', keyRestrictions: { isEnforced: false, enforcementType: 'allow', aaGuids: [] } },
    ],
    defaultPasskeyProfile: DEFAULT,
    ...fields,
  });

describe('passkey rules for a person', () => {
  it('in the legacy shape, synced passkeys count unless attestation is enforced', () => {
    expect(rulesOf(legacy(), new Set())).toEqual({ kind: 'rules', synced: true, restricted: false });
    expect(rulesOf(legacy({ isAttestationEnforced: true, keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: ['x'] } }), new Set())).toEqual({ kind: 'rules', synced: false, restricted: true });
  });

  it('with profiles, a person gets the union of their targets\' profiles', () => {
    expect(rulesOf(profiles(), new Set())).toEqual({ kind: 'rules', synced: false, restricted: true });
    expect(rulesOf(profiles(), new Set([SALES]))).toEqual({ kind: 'rules', synced: true, restricted: false });
  });

  it('a profile that enforces attestation admits no synced passkey, whatever its types say', () => {
    const policy = profiles({ passkeyProfiles: [{ id: DEFAULT, name: 'Default', passkeyTypes: 'deviceBound,synced', attestationEnforcement: 'registrationOnly' }] });
    expect(rulesOf(policy, new Set())).toMatchObject({ kind: 'rules', synced: false });
  });

  it('a target without allowed profiles gets the default profile', () => {
    const policy = profiles({ includeTargets: [{ targetType: 'group', id: 'all_users' }] });
    expect(rulesOf(policy, new Set())).toMatchObject({ kind: 'rules', synced: false });
  });

  it('is not enabled for someone the policy leaves out, excludes, or when the method is off', () => {
    expect(rulesOf(legacy({ includeTargets: [{ targetType: 'group', id: ADMINS }] }), new Set([SALES]))).toEqual({ kind: 'not-enabled' });
    expect(rulesOf(legacy({ excludeTargets: [{ targetType: 'group', id: SALES }] }), new Set([SALES]))).toEqual({ kind: 'not-enabled' });
    expect(rulesOf(legacy({ state: 'disabled' }), new Set())).toEqual({ kind: 'not-enabled' });
  });
});
