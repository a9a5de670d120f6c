// Decides, after the JWT check, whether an authenticated activity is one Passkey Coach serves.

import type { TurnContext } from 'botbuilder';
import type { AppConfig } from '../config/app-config.js';
import { AppError } from '../errors/app-error.js';
import { expectedChannelIssuer } from '../messaging/teams-adapter.js';

export const TEAMS_CHANNEL_ID = 'msteams';

interface ClaimsIdentityLike {
  claims?: { type: string; value: string }[];
}

/** Throws `request.forbidden` for traffic that is authentic but not ours: another channel, another tenant, a non-channel token. */
export function assertServedTurn(context: TurnContext, config: AppConfig): void {
  const activity = context.activity;
  if (activity.channelId !== TEAMS_CHANNEL_ID) {
    throw forbidden(`channel ${JSON.stringify(activity.channelId)} is not served`, { channelId: activity.channelId });
  }
  if (config.mode === 'demo') return;
  const identity = context.turnState.get(context.adapter.BotIdentityKey) as ClaimsIdentityLike | undefined;
  const issuer = identity?.claims?.find((claim) => claim.type === 'iss')?.value;
  if (issuer !== expectedChannelIssuer(config)) {
    throw forbidden('token was not issued by the Bot Connector service', { issuer });
  }
  const tenantId = tenantOf(context);
  if (!tenantId || !config.bot.allowedTenantIds.includes(tenantId.toLowerCase())) {
    throw forbidden('tenant is not on ALLOWED_TENANT_IDS', { tenantId });
  }
}

export function tenantOf(context: TurnContext): string | undefined {
  const channelData = context.activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = channelData?.tenant?.id;
  if (typeof fromChannelData === 'string' && fromChannelData !== '') return fromChannelData;
  return context.activity.conversation?.tenantId || undefined;
}

function forbidden(reason: string, details: Record<string, unknown>): AppError {
  return new AppError('request.forbidden', `Refused activity: ${reason}`, {
    userMessage: { key: 'errors.notOurTeams' },
    userFault: true,
    details: { reason, ...details },
  });
}
