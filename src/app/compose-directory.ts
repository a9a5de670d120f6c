// The directory the service uses: Microsoft Graph through the SDK with an @azure/identity credential, or none when no
// Graph credential is configured (the features that need it then fail closed). Demo mode builds its own, against the
// emulated tenant, with the same function.

import type { TokenCredential } from '@azure/identity';
import type { AppConfig } from '../config/app-config.js';
import { GraphDirectory } from '../directory/directory.js';
import type { Directory } from '../directory/directory-port.js';
import { createGraphClient, createGraphCredential } from '../directory/graph-client.js';
import { installsLimit } from '../directory/graph-retry-handler.js';
import { checkGraphPermissions, type PermissionReport } from '../directory/permission-check.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';

export interface GraphEndpoint {
  baseUrl: string;
  credential: TokenCredential;
  /** A certificate authority to trust besides the system's (demo mode's emulator). */
  caCertificate?: string;
}

export function graphDirectory(config: AppConfig, endpoint: GraphEndpoint, logger: Logger, redactor: Redactor): Directory {
  const client = createGraphClient({
    baseUrl: endpoint.baseUrl,
    credential: endpoint.credential,
    caCertificate: endpoint.caCertificate,
    logger: logger.child({ component: 'graph' }),
    // Graph's Teams-app install throttle as configured (30 a second unless the tenant has more).
    limits: { installs: installsLimit(config.campaign.graphInstallsPerSecond) },
    retry: { attemptTimeoutMs: config.graph.timeoutMs },
  });
  // A pass value Graph returns is scrubbed from every log line from the moment it arrives.
  return new GraphDirectory(client, { graphBaseUrl: endpoint.baseUrl, onSecret: (value) => redactor.addSecret(value) });
}

/** The configured tenant's Graph, or undefined without a credential. */
export function configuredDirectory(config: AppConfig, logger: Logger, redactor: Redactor): Directory | undefined {
  const credential = createGraphCredential(config.graph.credential, { authorityHost: config.graph.authorityHost });
  return credential ? graphDirectory(config, { baseUrl: config.graph.baseUrl, credential }, logger, redactor) : undefined;
}

/** What Graph granted the identity behind `endpoint`, against what the code uses (`passkey-coach check-permissions`). */
export function graphPermissionReport(config: AppConfig, endpoint: GraphEndpoint, logger: Logger): Promise<PermissionReport> {
  const client = createGraphClient({
    baseUrl: endpoint.baseUrl,
    credential: endpoint.credential,
    caCertificate: endpoint.caCertificate,
    logger: logger.child({ component: 'graph' }),
    retry: { attemptTimeoutMs: config.graph.timeoutMs },
  });
  return checkGraphPermissions(client, endpoint.credential);
}

/** The configured tenant's report; without a Graph credential there is nothing to check, and it says what to set. */
export function configuredPermissionReport(config: AppConfig, logger: Logger): Promise<PermissionReport> {
  const credential = createGraphCredential(config.graph.credential, { authorityHost: config.graph.authorityHost });
  if (!credential) {
    throw new AppError('config.invalid', 'No Graph credential is configured: set GRAPH_USE_MANAGED_IDENTITY=true (with GRAPH_CLIENT_ID for a user-assigned identity), GRAPH_CLIENT_SECRET or GRAPH_CERTIFICATE_PATH.', { userFault: true });
  }
  return graphPermissionReport(config, { baseUrl: config.graph.baseUrl, credential }, logger);
}
