// Teams SSO for the tab. The page gets a token from Teams (`authentication.getAuthToken`) and sends it with every API
// call; nothing is shown until the token is checked here: its RS256 signature against the tenant's published keys,
// the audience (this app), the issuer (this tenant, v1 or v2 endpoint), lifetime, and the access_as_user scope.
// Identity is the token's `oid`, never anything the page says. Incomplete settings refuse every request.

import { createRemoteJWKSet, customFetch, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import type { AppConfig } from '../config/app-config.js';
import { AppError } from '../errors/app-error.js';
import { requestWithCa } from '../shared/https-with-ca.js';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/**
 * The Microsoft 365 clients that ask Entra for a tab's token on the user's behalf (Teams desktop and mobile, Teams web,
 * the Microsoft 365 app on web, desktop and mobile, Outlook desktop, web and mobile): the token's `azp` (v2) or
 * `appid` (v1). A token some other app obtained for this API, with the user's consent, is refused.
 */
export const MICROSOFT_365_CLIENT_IDS: ReadonlySet<string> = new Set([
  '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
  '5e3ce6c0-2b1f-4285-8d4b-75ee78787346',
  '4765445b-32c6-49b0-83e6-1d93765276ca',
  '0ec893e0-5785-4de6-99da-4ed124e5296c',
  'd3590ed6-52b3-4102-aeff-aad2292ab01c',
  'bc59ab01-8403-45c6-8796-ac3ef710b3e3',
  '27922004-5251-4030-b22d-91ecd9a37ea4',
]);
/** Entra and the host clocks may disagree a little; tokens are short-lived anyway. */
const CLOCK_TOLERANCE_SECONDS = 300;

export interface SsoSettings {
  tenantId: string;
  /** The app id and the Application ID URI (`api://<domain>/botid-<app id>`): v2 tokens carry the first, v1 the second. */
  audiences: string[];
  issuers: string[];
  jwksUrl: string;
  /** Demo mode: the emulator's own certificate authority. */
  caCertificate?: string;
}

/** The person behind a checked token. */
export interface Viewer {
  id: string;
  name: string;
  upn?: string;
}

/** The tab's sign-in settings, or why there are none (then every API request is refused). */
export function resolveSsoSettings(config: AppConfig): SsoSettings | { missing: string } {
  // GUIDs compare in lower case (tokens carry them so; configuration may not).
  const appId = config.bot.appId.toLowerCase();
  const tenantId = (config.bot.tenantId ?? ('tenantId' in config.graph.credential ? config.graph.credential.tenantId : undefined))?.toLowerCase();
  if (!appId) return { missing: 'BOT_ID' };
  if (!tenantId) return { missing: 'BOT_TENANT_ID' };
  if (!config.bot.domain) return { missing: 'BOT_DOMAIN' };
  const host = (config.graph.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  return {
    tenantId,
    audiences: [appId, `api://${config.bot.domain}/botid-${appId}`],
    issuers: [`${host}/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`],
    jwksUrl: `${host}/${tenantId}/discovery/v2.0/keys`,
  };
}

export class TabSso {
  readonly #settings: SsoSettings | undefined;
  readonly #missing: string | undefined;
  readonly #keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(settings: SsoSettings | { missing: string }) {
    if ('missing' in settings) {
      this.#missing = settings.missing;
      return;
    }
    this.#settings = settings;
    const ca = settings.caCertificate;
    // Keys are cached and fetched again when a token names one not seen yet (Entra rolls them over).
    this.#keys = createRemoteJWKSet(new URL(settings.jwksUrl), {
      timeoutDuration: 5_000,
      cooldownDuration: 30_000,
      cacheMaxAge: 12 * 3600_000,
      ...(ca ? { [customFetch]: (url: string, options: { headers: Headers; signal: AbortSignal }) => fetchWithCa(url, ca, options.signal) } : {}),
    });
  }

  /** Why the tab cannot sign anyone in, when it cannot. */
  get unavailable(): string | undefined {
    return this.#missing;
  }

  /** The viewer behind `Authorization: Bearer <token>`; throws request.unauthorized (401) or service.unavailable (503). */
  async verify(authorization: string | undefined): Promise<Viewer> {
    if (!this.#settings || !this.#keys) {
      throw new AppError('service.unavailable', `tab sign-in is not configured: ${this.#missing} is missing`, { userMessage: { key: 'errors.tab.signInNotSetUp' } });
    }
    const token = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw refused('no bearer token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        algorithms: ['RS256'],
        audience: this.#settings.audiences,
        issuer: this.#settings.issuers,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'tid', 'oid'],
      }));
    } catch (error) {
      // The keys could not be had (network, timeout, an answer that is not a key set): our side, not the token's.
      const keysUnavailable = !(error instanceof joseErrors.JOSEError) || error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid || error.code === 'ERR_JOSE_GENERIC';
      if (keysUnavailable) throw new AppError('service.unavailable', 'cannot get the signing keys', { cause: error, userMessage: { key: 'errors.tab.signInUnavailable' } });
      throw refused(error.code);
    }
    if (payload.tid !== this.#settings.tenantId) throw refused('another tenant');
    const client = typeof payload.azp === 'string' ? payload.azp : typeof payload.appid === 'string' ? payload.appid : undefined;
    if (!client || !MICROSOFT_365_CLIENT_IDS.has(client.toLowerCase())) throw refused('not issued to a Teams or Microsoft 365 client');
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (!scopes.includes('access_as_user')) throw refused('no access_as_user scope (an app token?)');
    const id = typeof payload.oid === 'string' && /^[0-9a-f-]{36}$/i.test(payload.oid) ? payload.oid.toLowerCase() : undefined;
    if (!id) throw refused('no object id');
    const upn = typeof payload.preferred_username === 'string' ? payload.preferred_username : typeof payload.upn === 'string' ? payload.upn : undefined;
    // A token without a name is named by its account, not by words of one language.
    const name = typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim().slice(0, 200) : (upn ?? id);
    return { id, name, ...(upn ? { upn } : {}) };
  }
}

function refused(reason: string): AppError {
  return new AppError('request.unauthorized', `tab token refused: ${reason}`, { userFault: true, userMessage: { key: 'errors.tab.signInRefused' } });
}

/** jose's key fetch, over node:https trusting one extra authority (the demo emulator's). */
async function fetchWithCa(url: string, ca: string, signal: AbortSignal): Promise<Response> {
  const answer = await requestWithCa(url, ca, { headers: { accept: 'application/json' }, signal });
  return new Response(answer.body.toString('utf8'), { status: answer.status, headers: { 'content-type': answer.contentType || 'application/json' } });
}
