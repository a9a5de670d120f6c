// Verified ID with Face Check for pass requests, as configured: the Request Service reached with the Graph credential's
// app (it also holds the Verifiable Credentials Service Request permission), or demo mode's emulator; absent when off.

import type { AppConfig } from '../config/app-config.js';
import { createGraphCredential } from '../directory/graph-client.js';
import { VerifiedIdClient } from '../directory/verified-id-client.js';
import type { VerifiedIdDeps } from '../helpdesk/temporary-access.js';
import type { DemoRuntime } from './demo-tenant.js';

/** Where the service calls back, under the service's public URL. */
export const VERIFIED_ID_CALLBACK_PATH = '/api/verifiedid/callback';

/** `publicBaseUrl`: where the service can reach the coach (demo mode's emulator: the local server, whatever BOT_DOMAIN says). */
export function composeVerifiedId(config: AppConfig, demo: DemoRuntime | undefined, publicBaseUrl: () => string, clientName: string): VerifiedIdDeps | undefined {
  const settings = config.verifiedId;
  const local = demo?.verifiedId();
  const endpoint = settings.endpoint ?? local?.endpoint;
  const authorityDid = settings.authorityDid ?? local?.authorityDid;
  if (!endpoint || !authorityDid) return undefined;
  // Made only when the check is on: a start without Verified ID builds no credential for it.
  const credential = local?.credential ?? createGraphCredential(config.graph.credential, { authorityHost: config.graph.authorityHost });
  if (!credential) return undefined;
  return {
    // Asked inside the agent's click, which Teams answers within seconds: a slow service is said to be unavailable.
    service: new VerifiedIdClient({ endpoint, credential, timeoutMs: Math.min(config.graph.timeoutMs, 10_000) }),
    authorityDid,
    faceMatchThreshold: settings.faceMatchThreshold,
    callbackUrl: () => `${publicBaseUrl()}${VERIFIED_ID_CALLBACK_PATH}`,
    clientName,
  };
}
