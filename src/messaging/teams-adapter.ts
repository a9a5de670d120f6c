// Builds the Teams adapter (CloudAdapter) with Bot Framework authentication from the validated config.

import {
  type Activity,
  ConfigurationServiceClientCredentialFactory,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import {
  type AuthenticateRequestResult,
  AuthenticationError,
  type ClaimsIdentity,
  type ConnectorClient,
  type ConnectorFactory,
  JwtTokenValidation,
  type UserTokenClient,
} from 'botframework-connector';
import { StatusCodes } from 'botframework-schema';
import type { AppConfig } from '../config/app-config.js';
import { setBounded } from '../shared/bounded-map.js';

/** The issuer whose tokens prove a call came from the Bot Connector service (public cloud). */
export const PUBLIC_CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

export function botFrameworkAuthOptions(config: AppConfig): ConfigurationBotFrameworkAuthenticationOptions {
  const { bot } = config;
  if (config.mode === 'demo') return {};
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.password,
    MicrosoftAppType: bot.type,
    MicrosoftAppTenantId: bot.tenantId,
  };
  if (bot.endpoints) {
    // Every endpoint is set together (load-config enforces it); a partial set would fall back to the public cloud.
    Object.assign(options, {
      ToBotFromChannelOpenIdMetadataUrl: bot.endpoints.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: bot.endpoints.tokenIssuer,
      ToBotFromEmulatorOpenIdMetadataUrl: bot.endpoints.emulatorOpenIdMetadataUrl,
      ToChannelFromBotLoginUrl: bot.endpoints.loginUrl,
      ToChannelFromBotOAuthScope: bot.endpoints.oauthScope,
      OAuthUrl: bot.endpoints.oauthUrl,
      ValidateAuthority: bot.validateAuthority,
    });
  }
  return options;
}

/** Distinct (app id, audience, service URL) turn clients kept; Teams uses a handful of service URLs. */
const MAX_TURN_CLIENTS = 64;

const JWT_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/** The Teams adapter with one public entry that takes an already-parsed activity, so HTTP stays in the server module. */
export class CoachAdapter extends TeamsAdapter {
  /** Validates the token (401 via AuthenticationError), then runs `logic` in a turn; returns the invoke/expectReplies response. */
  async handleActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    try {
      const authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
      // botbuilder builds a fresh connector client (an HTTP pipeline) for every turn, a tenth of a turn's CPU: reuse
      // one per app id, audience and service URL, as the proactive clients below are reused.
      authenticated.connectorFactory = this.#reusingFactory(authenticated);
      return await this.processActivity(authenticated, activity, logic);
    } catch (error) {
      // botbuilder rethrows jsonwebtoken's own errors for a bad signature or a not-yet-valid token: those are 401s too.
      if (error instanceof Error && JWT_ERRORS.has(error.name)) throw new AuthenticationError(`Invalid token: ${error.message}`, StatusCodes.UNAUTHORIZED);
      throw error;
    }
  }

  readonly #proactiveClients = new Map<string, Promise<ConnectorClient>>();
  /** Turn clients by app id, audience and service URL; bounded, since in demo mode a service URL is not vouched for. */
  readonly #turnClients = new Map<string, Promise<ConnectorClient>>();
  #userTokenClientsShared = false;

  #reusingFactory(authenticated: AuthenticateRequestResult): ConnectorFactory | undefined {
    const factory = authenticated.connectorFactory;
    if (!factory) return undefined;
    const appId = JwtTokenValidation.getAppIdFromClaims(authenticated.claimsIdentity.claims) ?? '';
    this.#shareUserTokenClients();
    return {
      create: (serviceUrl: string, audience?: string): Promise<ConnectorClient> => {
        const key = `${appId}|${audience ?? ''}|${serviceUrl}`;
        let client = this.#turnClients.get(key);
        if (!client) {
          client = factory.create(serviceUrl, audience);
          client.catch(() => this.#turnClients.delete(key));
          setBounded(this.#turnClients, key, client, MAX_TURN_CLIENTS);
        }
        return client;
      },
    };
  }

  /** The same for the user-token client botbuilder also builds every turn (used only by sign-in prompts). */
  #shareUserTokenClients(): void {
    if (this.#userTokenClientsShared) return;
    this.#userTokenClientsShared = true;
    const auth = this.botFrameworkAuthentication;
    const create = auth.createUserTokenClient.bind(auth);
    const clients = new Map<string, Promise<UserTokenClient>>();
    auth.createUserTokenClient = (claimsIdentity: ClaimsIdentity) => {
      const key = JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
      let client = clients.get(key);
      if (!client) {
        client = create(claimsIdentity);
        client.catch(() => clients.delete(key));
        setBounded(clients, key, client, MAX_TURN_CLIENTS);
      }
      return client;
    };
  }

  /**
   * A Bot Connector client for messages the bot starts (campaigns), one per service URL. Its built-in retry policy is
   * removed: the outbox decides about retries (with the shared rate limiter and Retry-After), and a client that quietly
   * resends a POST would turn one slow answer into a duplicate message.
   */
  proactiveClient(botAppId: string, serviceUrl: string): Promise<ConnectorClient> {
    let client = this.#proactiveClients.get(serviceUrl);
    if (!client) {
      client = (async () => {
        const identity = this.createClaimsIdentity(botAppId);
        const factory = this.botFrameworkAuthentication.createConnectorFactory(identity);
        // No audience: the factory uses the configured channel scope, as CloudAdapter's own proactive calls do.
        const created = await factory.create(serviceUrl, undefined);
        withoutRetries(created);
        return created;
      })();
      client.catch(() => this.#proactiveClients.delete(serviceUrl));
      this.#proactiveClients.set(serviceUrl, client);
    }
    return client;
  }
}

/** The name of @azure/core-rest-pipeline's retry policy (throttling + exponential), which ServiceClient adds by default. */
export const CONNECTOR_RETRY_POLICY = 'defaultRetryPolicy';

export function withoutRetries(client: ConnectorClient): void {
  const pipeline = (client as unknown as { client?: { pipeline?: { removePolicy(options: { name: string }): unknown; getOrderedPolicies(): { name: string }[] } } }).client?.pipeline;
  if (!pipeline) throw new Error('botframework-connector changed: its ConnectorClient no longer exposes the HTTP pipeline');
  pipeline.removePolicy({ name: CONNECTOR_RETRY_POLICY });
}

export function connectorPolicyNames(client: ConnectorClient): string[] {
  const pipeline = (client as unknown as { client: { pipeline: { getOrderedPolicies(): { name: string }[] } } }).client.pipeline;
  return pipeline.getOrderedPolicies().map((policy) => policy.name);
}

export function createTeamsAdapter(config: AppConfig): CoachAdapter {
  const options = botFrameworkAuthOptions(config);
  // The factory decides both inbound validation (no app id = auth disabled, demo only) and outbound credentials.
  const credentials = new ConfigurationServiceClientCredentialFactory(
    config.mode === 'demo'
      ? {}
      : { MicrosoftAppId: config.bot.appId, MicrosoftAppPassword: config.bot.password, MicrosoftAppType: config.bot.type, MicrosoftAppTenantId: config.bot.tenantId },
  );
  return new CoachAdapter(options, credentials);
}

/** The token issuer inbound calls must carry: tokens minted for the bot by anyone else do not prove Teams sent them. */
export function expectedChannelIssuer(config: AppConfig): string {
  return config.bot.endpoints?.tokenIssuer ?? PUBLIC_CHANNEL_TOKEN_ISSUER;
}
