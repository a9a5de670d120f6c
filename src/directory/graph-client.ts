// Builds the one Microsoft Graph client of the product: an @azure/identity credential, our retry/throttle
// middleware instead of the SDK's (which would resend a POST), and the SDK's own auth and HTTP handlers.

import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { GraphCredential } from '../config/load-config.js';
import type { Logger } from '../logging/logger.js';
import { TrustingHttpsHandler } from './graph-https-handler.js';
import { GraphRetryHandler, type GraphRetryHandlerOptions } from './graph-retry-handler.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface CredentialOptions {
  authorityHost?: string;
  /** PEM of a CA to trust for the token endpoint (a local emulator's self-signed certificate). */
  caCertificate?: string;
}

export function createGraphCredential(credential: GraphCredential, options: CredentialOptions = {}): TokenCredential | undefined {
  const common = {
    authorityHost: options.authorityHost,
    // Instance discovery asks login.microsoftonline.com about the authority; a sovereign or local authority answers for itself.
    disableInstanceDiscovery: options.authorityHost !== undefined,
    tlsOptions: options.caCertificate ? { ca: options.caCertificate } : undefined,
  };
  switch (credential.kind) {
    case 'client-secret':
      return new ClientSecretCredential(credential.tenantId, credential.clientId, credential.secret, common);
    case 'certificate':
      return new ClientCertificateCredential(credential.tenantId, credential.clientId, { certificatePath: credential.certificatePath }, common);
    case 'managed-identity':
      return credential.clientId ? new ManagedIdentityCredential({ clientId: credential.clientId }) : new ManagedIdentityCredential();
    case 'none':
      return undefined;
  }
}

export interface GraphClientOptions extends Omit<GraphRetryHandlerOptions, 'logger'> {
  /** https only: the SDK attaches tokens and follows nextLinks over https alone. */
  baseUrl: string;
  credential: TokenCredential;
  logger: Logger;
  /** PEM of an extra CA that Graph's certificate chains to (the local emulator's). */
  caCertificate?: string;
}

export function createGraphClient(options: GraphClientOptions): Client {
  const authentication = new AuthenticationHandler(new TokenCredentialAuthenticationProvider(options.credential, { scopes: [GRAPH_SCOPE] }));
  const retry = new GraphRetryHandler(options);
  const http = options.caCertificate ? new TrustingHttpsHandler(options.caCertificate) : new HTTPMessageHandler();
  // Throttle queue first: a request waiting its turn costs nothing, and gets its token (from the cache)
  // only when it is sent; every retry asks again, so an expired token is renewed.
  retry.setNext(authentication);
  authentication.setNext(http);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return Client.initWithMiddleware({
    middleware: retry,
    baseUrl: `${baseUrl}/`,
    defaultVersion: 'v1.0',
    // The SDK attaches tokens only to Microsoft's Graph hosts unless told otherwise.
    customHosts: new Set([new URL(baseUrl).hostname]),
  });
}
