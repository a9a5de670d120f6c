// How a registered method appears in Graph: which authentication resource (and URL segment) it is, and
// its JSON, property names as in Graph v1.0 (platformCredential and hardwareOath from beta).

import type { RegisteredMethod } from '../tenant-seed.js';

/** The URL segment under /users/{id}/authentication/ for each resource type. */
export const METHOD_SEGMENTS = {
  fido2Methods: '#microsoft.graph.fido2AuthenticationMethod',
  windowsHelloForBusinessMethods: '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
  microsoftAuthenticatorMethods: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
  phoneMethods: '#microsoft.graph.phoneAuthenticationMethod',
  emailMethods: '#microsoft.graph.emailAuthenticationMethod',
  softwareOathMethods: '#microsoft.graph.softwareOathAuthenticationMethod',
  hardwareOathMethods: '#microsoft.graph.hardwareOathAuthenticationMethod',
  temporaryAccessPassMethods: '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
  platformCredentialMethods: '#microsoft.graph.platformCredentialAuthenticationMethod',
  passwordMethods: '#microsoft.graph.passwordAuthenticationMethod',
} as const;
export type MethodSegment = keyof typeof METHOD_SEGMENTS;

export function segmentFor(kind: RegisteredMethod): MethodSegment {
  switch (kind) {
    case 'fido2SecurityKey':
    case 'passKeyDeviceBound':
    case 'passKeyDeviceBoundAuthenticator':
    case 'passKeyDeviceBoundWindowsHello':
    case 'passKeySynced':
      return 'fido2Methods';
    case 'windowsHelloForBusiness':
      return 'windowsHelloForBusinessMethods';
    case 'microsoftAuthenticatorPush':
    case 'microsoftAuthenticatorPasswordless':
      return 'microsoftAuthenticatorMethods';
    case 'mobilePhone':
    case 'alternateMobilePhone':
    case 'sms':
      return 'phoneMethods';
    case 'email':
      return 'emailMethods';
    case 'softwareOneTimePasscode':
      return 'softwareOathMethods';
    case 'hardwareOneTimePasscode':
      return 'hardwareOathMethods';
    case 'temporaryAccessPass':
      return 'temporaryAccessPassMethods';
    case 'macOsSecureEnclaveKey':
      return 'platformCredentialMethods';
  }
}

/** Graph gives phone and email methods fixed ids (one per phone type, one email). */
export const FIXED_METHOD_IDS = {
  mobile: '3179e48a-750b-4051-897c-87b9720928f7',
  alternateMobile: 'b6332ec1-7057-4abe-9331-3d72feddfe41',
  email: '3ddfcfc8-9383-446f-83cc-3ab9be4be18f',
  password: '28c10230-6103-485e-b985-444c60001490',
} as const;

export function fixedIdFor(kind: RegisteredMethod): string | undefined {
  if (kind === 'mobilePhone' || kind === 'sms') return FIXED_METHOD_IDS.mobile;
  if (kind === 'alternateMobilePhone') return FIXED_METHOD_IDS.alternateMobile;
  if (kind === 'email') return FIXED_METHOD_IDS.email;
  return undefined;
}

/** What real authenticators report, used when a seed leaves model or AAGUID out. */
const FIDO2_DEFAULTS: Partial<Record<RegisteredMethod, { model: string; aaGuid: string; attestationLevel: 'attested' | 'notAttested' }>> = {
  fido2SecurityKey: { model: 'YubiKey 5 Series with NFC', aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', attestationLevel: 'attested' },
  passKeyDeviceBound: { model: 'YubiKey 5 Series with NFC', aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', attestationLevel: 'attested' },
  passKeyDeviceBoundAuthenticator: { model: 'Microsoft Authenticator - iOS', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' },
  passKeyDeviceBoundWindowsHello: { model: 'Windows Hello', aaGuid: '08987058-cadc-4b81-b6e1-30de50dcbe96', attestationLevel: 'notAttested' },
  passKeySynced: { model: 'iCloud Keychain', aaGuid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd', attestationLevel: 'notAttested' },
};

export interface MethodDetails {
  displayName?: string;
  createdDateTime: string;
  model?: string;
  aaGuid?: string;
  attestationLevel?: 'attested' | 'notAttested';
  phoneNumber?: string;
  emailAddress?: string;
  deviceTag?: string;
  phoneAppVersion?: string;
}

/** The Graph JSON of one non-TAP method (TAPs carry state the caller computes; see tenant-state). */
export function methodResource(id: string, kind: RegisteredMethod, details: MethodDetails, smsReady: boolean): Record<string, unknown> {
  const segment = segmentFor(kind);
  const base = { '@odata.type': METHOD_SEGMENTS[segment], id };
  switch (segment) {
    case 'fido2Methods': {
      const defaults = FIDO2_DEFAULTS[kind];
      return {
        ...base,
        displayName: details.displayName ?? defaults?.model ?? 'Passkey',
        createdDateTime: details.createdDateTime,
        aaGuid: details.aaGuid ?? defaults?.aaGuid ?? null,
        model: details.model ?? defaults?.model ?? null,
        attestationCertificates: [],
        attestationLevel: details.attestationLevel ?? defaults?.attestationLevel ?? 'notAttested',
      };
    }
    case 'windowsHelloForBusinessMethods':
      return { ...base, displayName: details.displayName ?? details.deviceTag ?? 'Windows device', createdDateTime: details.createdDateTime, keyStrength: 'normal' };
    case 'microsoftAuthenticatorMethods':
      return {
        ...base,
        displayName: details.displayName ?? 'Phone',
        deviceTag: details.deviceTag ?? 'SoftwareTokenActivated',
        phoneAppVersion: details.phoneAppVersion ?? '6.8.12',
        // Graph leaves it null unless the app is registered for passwordless phone sign-in.
        createdDateTime: kind === 'microsoftAuthenticatorPasswordless' ? details.createdDateTime : null,
      };
    case 'phoneMethods':
      return {
        ...base,
        phoneNumber: details.phoneNumber ?? null,
        phoneType: kind === 'alternateMobilePhone' ? 'alternateMobile' : 'mobile',
        smsSignInState: kind === 'alternateMobilePhone' ? 'notSupported' : smsReady ? 'ready' : 'notEnabled',
      };
    case 'emailMethods':
      return { ...base, emailAddress: details.emailAddress ?? null };
    case 'softwareOathMethods':
      return { ...base, secretKey: null };
    case 'hardwareOathMethods':
      return { ...base, displayName: details.displayName ?? 'Hardware token', serialNumber: null, manufacturer: null, model: details.model ?? null, secretKey: null, timeIntervalInSeconds: 30, status: 'activated', lastUsedDateTime: null, hashFunction: 'hmacsha1' };
    case 'platformCredentialMethods':
      return { ...base, displayName: details.displayName ?? 'Mac', createdDateTime: details.createdDateTime, keyStrength: 'normal', platform: 'macOS' };
    case 'temporaryAccessPassMethods':
    case 'passwordMethods':
      throw new Error(`${segment} resources are built by the tenant state`);
  }
}
