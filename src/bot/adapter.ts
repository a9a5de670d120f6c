// Builds the Teams adapter (CloudAdapter) with Bot Framework authentication from the validated config.

import {
  type Activity,
  ConfigurationServiceClientCredentialFactory,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { AuthenticationError } from 'botframework-connector';
import { StatusCodes } from 'botframework-schema';
import type { AppConfig } from '../config/load-config.js';

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

const JWT_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/** The Teams adapter with one public entry that takes an already-parsed activity, so HTTP stays in the server module. */
export class CoachAdapter extends TeamsAdapter {
  /** Validates the token (401 via AuthenticationError), then runs `logic` in a turn; returns the invoke/expectReplies response. */
  async handleActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    try {
      return await this.processActivity(authHeader, activity, logic);
    } catch (error) {
      // botbuilder rethrows jsonwebtoken's own errors for a bad signature or a not-yet-valid token: those are 401s too.
      if (error instanceof Error && JWT_ERRORS.has(error.name)) throw new AuthenticationError(`Invalid token: ${error.message}`, StatusCodes.UNAUTHORIZED);
      throw error;
    }
  }
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
