// The tier rule, unit by unit: what meets a privileged tier's rule, what is missing, and what the report can decide.

import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, parseEnrolmentTiers, type TierRule } from '../../src/config/enrolment-tiers.js';
import { evaluateRule, reportVerdict } from '../../src/directory/tier-rule.js';

const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const OTHER_KEY = 'a25342c0-3cdc-4414-8e46-f4807fca511c';
const privileged: TierRule = { anyOf: ['authenticator-passkey', 'windows-hello', 'security-key'], deviceBound: true, aaguids: [YUBIKEY], minimumMethods: 2 };
const anyPasskey = DEFAULT_TIERS[0]!.rule;

describe('a tier rule', () => {
  it('takes any passkey, synced included, for everyone by default', () => {
    expect(evaluateRule(anyPasskey, [{ kind: 'synced-passkey' }])).toEqual({ met: true, missing: [] });
    expect(evaluateRule(anyPasskey, [])).toEqual({ met: false, missing: ['passkey'] });
  });

  it('says a synced passkey alone is neither device-bound nor a second method for a privileged tier', () => {
    expect(evaluateRule(privileged, [{ kind: 'synced-passkey' }])).toEqual({ met: false, missing: ['device-bound', 'more-methods'] });
  });

  it('is met by an Authenticator passkey and a listed security key', () => {
    expect(evaluateRule(privileged, [{ kind: 'authenticator-passkey' }, { kind: 'security-key', aaGuid: YUBIKEY.toUpperCase() }]).met).toBe(true);
  });

  it('counts a synced passkey as the second method once a device-bound one is there', () => {
    expect(evaluateRule(privileged, [{ kind: 'windows-hello' }, { kind: 'synced-passkey' }]).met).toBe(true);
  });

  it('does not take a key whose model is not on the list, and says so', () => {
    expect(evaluateRule(privileged, [{ kind: 'security-key', aaGuid: OTHER_KEY }, { kind: 'security-key', aaGuid: OTHER_KEY }])).toEqual({ met: false, missing: ['device-bound', 'unlisted-key'] });
  });

  it('asks for each kind allOf names', () => {
    const rule: TierRule = { anyOf: ['authenticator-passkey'], allOf: ['security-key'], deviceBound: true, minimumMethods: 1 };
    expect(evaluateRule(rule, [{ kind: 'authenticator-passkey' }]).missing).toEqual(['kind:security-key']);
  });
});

describe('the report decides when it can', () => {
  it('is enough for device-bound against synced', () => {
    const rule: TierRule = { anyOf: ['authenticator-passkey', 'windows-hello'], deviceBound: true, minimumMethods: 1 };
    expect(reportVerdict(rule, ['passKeySynced', 'microsoftAuthenticatorPush'])).toBe('unmet');
    expect(reportVerdict(rule, ['passKeyDeviceBoundAuthenticator'])).toBe('met');
  });

  it('leaves key models and a count of one kind to the real-time methods', () => {
    expect(reportVerdict(privileged, ['passKeySynced'])).toBe('unmet');
    expect(reportVerdict(privileged, ['passKeyDeviceBoundAuthenticator', 'passKeySynced'])).toBe('met');
    expect(reportVerdict(privileged, ['fido2SecurityKey'])).toBe('details');
    expect(reportVerdict(privileged, ['passKeyDeviceBoundAuthenticator'])).toBe('details');
  });
});

describe('ENROLMENT_TIERS', () => {
  it('unset, is one tier that takes any passkey', () => {
    expect(parseEnrolmentTiers(undefined)).toEqual({ tiers: DEFAULT_TIERS });
  });

  it('reads tiers in order, with defaults filled in', () => {
    const parsed = parseEnrolmentTiers(JSON.stringify([{ id: 'privileged', adminRoles: true, rule: { anyOf: ['security-key'], deviceBound: true, aaguids: [YUBIKEY.toUpperCase()] } }, { id: 'everyone', rule: { anyOf: ['synced-passkey'] } }]));
    expect(parsed).toEqual({
      tiers: [
        { id: 'privileged', adminRoles: true, rule: { anyOf: ['security-key'], deviceBound: true, aaguids: [YUBIKEY], minimumMethods: 1 } },
        { id: 'everyone', rule: { anyOf: ['synced-passkey'], deviceBound: false, minimumMethods: 1 } },
      ],
    });
  });

  it('refuses what it cannot apply, naming the place to fix', () => {
    expect(parseEnrolmentTiers('[{')).toEqual({ problems: [expect.stringMatching(/^ENROLMENT_TIERS: must be JSON/)] });
    const problems = (text: unknown) => ('problems' in parseEnrolmentTiers(JSON.stringify(text)) ? (parseEnrolmentTiers(JSON.stringify(text)) as { problems: string[] }).problems : []);
    expect(problems([{ id: 'admins', adminRoles: true, rule: { anyOf: ['yubikey'] } }]).join('\n')).toMatch(/ENROLMENT_TIERS\[0\]\.rule\.anyOf\[0\]: must be one of/);
    expect(problems([{ id: 'admins', adminRoles: true, rule: { anyOf: ['synced-passkey'], deviceBound: true } }]).join('\n')).toMatch(/last tier must have no groups/);
    expect(problems([{ id: 'a', rule: { anyOf: ['synced-passkey'], deviceBound: true } }]).join('\n')).toMatch(/synced-passkey cannot be/);
    expect(problems([{ id: 'a', groups: ['finance'], rule: { anyOf: ['security-key'] } }, { id: 'b', rule: { anyOf: ['security-key'] } }]).join('\n')).toMatch(/\[0\]\.groups\[0\]: must be a group's object id/);
    expect(problems([{ id: 'a', rule: { anyOf: ['security-key'] } }, { id: 'b', rule: { anyOf: ['security-key'] } }]).join('\n')).toMatch(/tier a has no groups and no adminRoles/);
  });
});
