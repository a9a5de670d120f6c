// An Entra-like token service for the emulated tenant: OpenID metadata, JWKS and the client-credentials
// token endpoint MSAL calls, issuing real RS256 app tokens that the Graph side verifies. It also stands in for
// Teams SSO: the user token a tab gets from `authentication.getAuthToken`, for demo mode and tests.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors as joseErrors, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose';
import type { TenantSeed } from '../tenant-seed.js';
import { invalidToken } from './graph-errors.js';
import { VERIFIED_ID_RESOURCE } from '../../directory/verified-id-client.js';
import { ALL_APPLICATION_PERMISSIONS, GRAPH_APP_ID } from './permissions.js';
import { stableGuid } from './tenant-state.js';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
/** The app role the Verifiable Credentials Service Request API grants (Verified ID's Request Service). */
export const VERIFIED_ID_ROLE = 'VerifiableCredential.Create.All';
const TOKEN_LIFETIME_SECONDS = 3599;
/**
 * Emulator-only grant: what Teams' SSO hands a tab (a v2 user token for the app's own API, scope access_as_user).
 * Real Entra issues it through Teams' own client; here a demo page or a test asks for it by user.
 */
export const TEAMS_SSO_GRANT = 'urn:passkey-coach:emulator:teams-sso';
/** The Teams web client's app id: the `azp` of real Teams SSO tokens. */
const TEAMS_CLIENT_ID = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';

/** The caller behind a valid Graph token. */
export interface AppIdentity {
  appId: string;
  roles: readonly string[];
}

type CryptoKeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
interface SigningKey {
  keys: CryptoKeyPair;
  jwk: JWK;
}
let sharedKey: Promise<SigningKey> | undefined;

export class TokenService {
  private constructor(
    private readonly seed: TenantSeed,
    private readonly now: () => number,
    /** Generated in the background: the first token request waits for it, start-up does not. */
    private readonly signingKey: Promise<SigningKey>,
  ) {}

  static async create(seed: TenantSeed, now: () => number): Promise<TokenService> {
    // RSA key generation is most of an emulator's start-up time (100-600 ms here). It runs off the main
    // thread while the rest starts, and emulators in one process share a key (each still checks its own
    // tenant and apps), so a test can start one per case.
    sharedKey ??= generateKeyPair('RS256', { extractable: true }).then(async (keys) => ({
      keys,
      jwk: { ...(await exportJWK(keys.publicKey)), kid: randomUUID(), use: 'sig', alg: 'RS256' },
    }));
    return new TokenService(seed, now, sharedKey);
  }

  /** The v1 issuer Graph app tokens carry. */
  get issuer(): string {
    return `https://sts.windows.net/${this.seed.tenant.id}/`;
  }

  /** Serves a request to the authority host (`https://127.0.0.1:P/{tenant}/...`). */
  async handle(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const [tenantSegment = '', ...rest] = url.pathname.split('/').filter((part) => part !== '');
    const route = rest.join('/');
    const tenant = this.resolveTenant(tenantSegment);
    if (req.method === 'GET' && (route === 'v2.0/.well-known/openid-configuration' || route === '.well-known/openid-configuration')) {
      if (!tenant) return aadError(res, 400, 'invalid_tenant', 90002, `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      return json(res, 200, this.metadata(`${base}/${tenantSegment}`));
    }
    if (req.method === 'GET' && (route === 'discovery/v2.0/keys' || route === 'discovery/keys')) return json(res, 200, { keys: [(await this.signingKey).jwk] });
    if (req.method === 'POST' && route === 'oauth2/v2.0/token') {
      if (!tenant) return aadError(res, 400, 'invalid_request', 90002, `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      return this.token(req, res, base);
    }
    json(res, 404, { error: 'not_found', error_description: `No such endpoint on the local token service: ${req.method} ${url.pathname}` });
  }

  /** Checks signature, lifetime, issuer, audience (Graph's unless told), tenant and app; throws Graph's 401 otherwise. */
  async verify(authorization: string | undefined, audiences: string[] = [GRAPH_AUDIENCE, GRAPH_APP_ID]): Promise<AppIdentity> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    if (!match) throw invalidToken('Access token is empty.');
    const token = match[1] as string;
    const cacheKey = `${audiences.join(' ')}\n${token}`;
    let payload: Record<string, unknown> | undefined = this.verified.get(cacheKey);
    // A token checked before needs only its lifetime checked again: one RSA verification per token, not per request
    // (a campaign's targeting sends thousands, and the emulator's own pauses would show as the bot's).
    if (payload && typeof payload.exp === 'number' && payload.exp <= Math.floor(this.now() / 1000)) {
      this.verified.delete(cacheKey);
      throw invalidToken('Lifetime validation failed, the token is expired.');
    }
    if (!payload) payload = await this.verifySignature(token, audiences, cacheKey);
    if (payload.tid !== this.seed.tenant.id) throw invalidToken('Access token validation failure. Invalid tenant.');
    const app = this.seed.apps.find((candidate) => candidate.clientId === payload.appid);
    if (!app) throw invalidToken('Access token validation failure. Unknown application.');
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is string => typeof role === 'string') : [];
    return { appId: app.clientId, roles };
  }

  /** Tokens whose signature, issuer and audience held, by audiences and token (a handful live at a time). */
  private readonly verified = new Map<string, Record<string, unknown>>();

  private async verifySignature(token: string, audiences: string[], cacheKey: string): Promise<Record<string, unknown>> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, (await this.signingKey).keys.publicKey, {
        algorithms: ['RS256'],
        issuer: this.issuer,
        audience: audiences,
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw invalidToken('Lifetime validation failed, the token is expired.');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') throw invalidToken('Access token validation failure. Invalid audience.');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') throw invalidToken('Access token validation failure. Invalid issuer.');
      throw invalidToken('Access token validation failure.');
    }
    if (this.verified.size >= 100) this.verified.clear();
    this.verified.set(cacheKey, payload);
    return payload;
  }

  private resolveTenant(segment: string): boolean {
    const lower = segment.toLowerCase();
    return lower === this.seed.tenant.id || lower === this.seed.tenant.defaultDomain.toLowerCase();
  }

  private metadata(authority: string): Record<string, unknown> {
    const tid = this.seed.tenant.id;
    const base = authority.slice(0, authority.lastIndexOf('/'));
    return {
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      jwks_uri: `${base}/${tid}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/${tid}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${base}/${tid}/openid/userinfo`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'oid', 'roles'],
      kerberos_endpoint: `${authority}/kerberos`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    };
  }

  private async token(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
    const form = new URLSearchParams(await readText(req));
    if (form.get('grant_type') === TEAMS_SSO_GRANT) return this.userToken(form, res, base);
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, pass] = Buffer.from(basic[1] as string, 'base64').toString('utf8').split(':');
      clientId = clientId ?? decodeURIComponent(id ?? '');
      secret = secret ?? decodeURIComponent(pass ?? '');
    }
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials') {
      return aadError(res, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'. The local token service issues client-credentials tokens only.`);
    }
    if (!clientId) return aadError(res, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const app = this.seed.apps.find((candidate) => candidate.clientId === clientId.toLowerCase());
    if (!app) {
      return aadError(res, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.seed.tenant.displayName}'.`);
    }
    if (form.has('client_assertion')) return aadError(res, 400, 'invalid_request', 900144, 'The local token service accepts client secrets only (no client_assertion).');
    if (!secret) return aadError(res, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (secret !== app.clientSecret) {
      return aadError(res, 401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
    }
    const scope = form.get('scope') ?? '';
    // Graph, or Verified ID's Request Service (which the app reaches with the same registration).
    const verifiedId = scope.split(' ').includes(`${VERIFIED_ID_RESOURCE}/.default`);
    if (!verifiedId && !scope.split(' ').some((s) => s === `${GRAPH_AUDIENCE}/.default` || s === `${GRAPH_APP_ID}/.default`)) {
      return aadError(res, 400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const issuedAt = Math.floor(this.now() / 1000);
    const servicePrincipalId = stableGuid(`service-principal:${app.clientId}`);
    const { keys, jwk } = await this.signingKey;
    const accessToken = await new SignJWT({
      aio: randomUUID(),
      app_displayname: app.displayName,
      appid: app.clientId,
      appidacr: '1',
      idp: this.issuer,
      idtyp: 'app',
      oid: servicePrincipalId,
      roles: verifiedId ? [VERIFIED_ID_ROLE] : (app.roles ?? ALL_APPLICATION_PERMISSIONS),
      tid: this.seed.tenant.id,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: jwk.kid as string })
      .setIssuer(this.issuer)
      .setAudience(verifiedId ? VERIFIED_ID_RESOURCE : GRAPH_AUDIENCE)
      .setSubject(servicePrincipalId)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + TOKEN_LIFETIME_SECONDS)
      .sign(keys.privateKey);
    json(res, 200, { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken });
  }

  /** A v2 access token for `user`, to the app named by `client_id`, as Teams SSO would give the app's tab. */
  private async userToken(form: URLSearchParams, res: ServerResponse, base: string): Promise<void> {
    const clientId = (form.get('client_id') ?? '').toLowerCase();
    const app = this.seed.apps.find((candidate) => candidate.clientId === clientId);
    if (!app) return aadError(res, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.seed.tenant.displayName}'.`);
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').some((s) => s.endsWith('/access_as_user'))) {
      return aadError(res, 400, 'invalid_scope', 70011, `The provided value for scope ${scope} is not valid. Teams SSO asks for the app's access_as_user scope.`);
    }
    const wanted = (form.get('user') ?? '').toLowerCase();
    const user = this.seed.users.find((candidate) => candidate.id === wanted || candidate.userPrincipalName.toLowerCase() === wanted);
    if (!user) return aadError(res, 400, 'invalid_grant', 50034, `The user account ${wanted || '(none given)'} does not exist in the ${this.seed.tenant.displayName} directory.`);
    if (user.accountEnabled === false) return aadError(res, 400, 'invalid_grant', 50057, 'The user account is disabled.');
    const issuedAt = Math.floor(this.now() / 1000);
    const { keys, jwk } = await this.signingKey;
    const accessToken = await new SignJWT({
      aio: randomUUID(),
      azp: TEAMS_CLIENT_ID,
      azpacr: '0',
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      scp: 'access_as_user',
      tid: this.seed.tenant.id,
      uti: randomUUID().replace(/-/g, ''),
      ver: '2.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: jwk.kid as string })
      .setIssuer(`${base}/${this.seed.tenant.id}/v2.0`)
      .setAudience(app.clientId)
      .setSubject(stableGuid(`pairwise:${app.clientId}:${user.id}`))
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + TOKEN_LIFETIME_SECONDS)
      .sign(keys.privateKey);
    json(res, 200, { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken, scope: 'access_as_user' });
  }
}

function aadError(res: ServerResponse, status: number, error: string, code: number, description: string): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19);
  json(res, status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}Z`,
    error_codes: [code],
    timestamp: `${timestamp}Z`,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store, no-cache' });
  res.end(text);
}

async function readText(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new Error('token request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
