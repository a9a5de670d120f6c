// Builds the one Microsoft Graph client of the product: an @azure/identity credential, our retry/throttle
// middleware instead of the SDK's (which would resend a POST), and the SDK's own auth and HTTP handlers.

import { type AccessToken, ClientCertificateCredential, ClientSecretCredential, type GetTokenOptions, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { GraphCredential } from '../config/app-config.js';
import type { Logger } from '../logging/logger.js';
import { trustCa } from '../shared/https-with-ca.js';
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
    ...(options.caCertificate ? trustCa(options.caCertificate).identityOptions : {}),
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

/** A token is used until this close to its expiry (or until the issuer's own refresh time, when it gives one). */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The credential's tokens, reused until they near their expiry: the SDK asks for one on every request, and each ask
 * goes through MSAL's cache look-up (measurable at a campaign's hundreds of requests a second). Callers asking while
 * a token is being fetched share that one fetch; a failed fetch is not kept.
 */
export function reuseTokens(credential: TokenCredential, now: () => number = Date.now): TokenCredential {
  const tokens = new Map<string, { token: AccessToken; renewAt: number }>();
  const fetching = new Map<string, Promise<AccessToken | null>>();
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      // Options that change the token (claims from a challenge, another tenant) skip the reuse.
      if (options?.claims || options?.tenantId || options?.enableCae) return credential.getToken(scopes, options);
      const key = (Array.isArray(scopes) ? scopes : [scopes]).join(' ');
      const held = tokens.get(key);
      if (held && now() < held.renewAt) return held.token;
      let pending = fetching.get(key);
      if (!pending) {
        pending = credential.getToken(scopes, options).then(
          (token) => {
            fetching.delete(key);
            if (token) tokens.set(key, { token, renewAt: Math.min(token.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY, token.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS) });
            else tokens.delete(key);
            return token;
          },
          (error: unknown) => {
            fetching.delete(key);
            tokens.delete(key);
            throw error;
          },
        );
        fetching.set(key, pending);
      }
      return pending;
    },
  };
}

export function createGraphClient(options: GraphClientOptions): Client {
  const authentication = new AuthenticationHandler(new TokenCredentialAuthenticationProvider(reuseTokens(options.credential), { scopes: [GRAPH_SCOPE] }));
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
