// Microsoft Entra Verified ID for pass requests (README, "Verified ID with Face Check"): read from the environment once,
// checked here. Partly configured fails closed: a service that cannot run the check it is told to require does not start.

import type { EnvSettings } from './config-schema.js';

export type VerifiedIdRequirement = 'none' | 'privileged' | 'all';

export interface VerifiedIdSettings {
  /** The Request Service's base URL; undefined: the check is off (demo mode's emulator may still supply one). */
  endpoint?: string;
  /** The tenant's DID: the verifier's authority and the one accepted issuer. */
  authorityDid?: string;
  /** 50-100: the lowest Face Check match confidence accepted. */
  faceMatchThreshold: number;
  /** Which pass requests need a verified presentation before they can be approved. */
  required: VerifiedIdRequirement;
  /** Where Entra account recovery starts, for a person whose wallet is lost. */
  recoveryUrl?: string;
}

export interface VerifiedIdContext {
  demo: boolean;
  /** Demo mode with its emulators, which supply the endpoint and the DID. */
  demoEmulators: boolean;
  hasGraphCredential: boolean;
  botDomain?: string;
  isLoopbackUrl: (url: string) => boolean;
}

export function verifiedIdSettings(s: EnvSettings, problems: string[], context: VerifiedIdContext): VerifiedIdSettings {
  const settings: VerifiedIdSettings = {
    endpoint: s.VERIFIED_ID_ENDPOINT?.replace(/\/+$/, ''),
    authorityDid: s.VERIFIED_ID_AUTHORITY_DID,
    faceMatchThreshold: s.VERIFIED_ID_FACE_MATCH_THRESHOLD,
    required: s.VERIFIED_ID_REQUIRED,
    recoveryUrl: s.VERIFIED_ID_RECOVERY_URL,
  };
  const { endpoint, authorityDid } = settings;
  if (endpoint && !authorityDid) problems.push("VERIFIED_ID_ENDPOINT is set but VERIFIED_ID_AUTHORITY_DID is not: set it to your tenant's DID (Verified ID, Organization settings), which issues the VerifiedEmployee credentials.");
  if (authorityDid && !endpoint && !context.demoEmulators) problems.push('VERIFIED_ID_AUTHORITY_DID is set but VERIFIED_ID_ENDPOINT is not: set it to https://verifiedid.did.msidentity.com, or unset VERIFIED_ID_AUTHORITY_DID.');
  if (settings.required !== 'none' && !endpoint && !context.demoEmulators) {
    problems.push(`VERIFIED_ID_REQUIRED is ${settings.required}, but Verified ID is not configured, so no pass could ever be approved: set VERIFIED_ID_ENDPOINT and VERIFIED_ID_AUTHORITY_DID, or set VERIFIED_ID_REQUIRED=none.`);
  }
  if (!endpoint) return settings;
  if (context.demo) {
    if (!context.isLoopbackUrl(endpoint)) problems.push('Demo mode talks only to a local Verified ID emulator: VERIFIED_ID_ENDPOINT must be a loopback URL (or unset).');
    return settings;
  }
  if (!endpoint.startsWith('https://') && !context.isLoopbackUrl(endpoint)) problems.push('VERIFIED_ID_ENDPOINT must be an https URL (https://verifiedid.did.msidentity.com).');
  if (!context.hasGraphCredential) problems.push('VERIFIED_ID_ENDPOINT needs a credential for its tokens: set the Graph credential (GRAPH_CLIENT_SECRET, GRAPH_CERTIFICATE_PATH or GRAPH_USE_MANAGED_IDENTITY), whose app also holds the Verifiable Credentials Service Request permission.');
  if (!context.botDomain) problems.push('VERIFIED_ID_ENDPOINT needs BOT_DOMAIN: the Request Service calls the coach back at https://<BOT_DOMAIN>/api/verifiedid/callback.');
  return settings;
}
