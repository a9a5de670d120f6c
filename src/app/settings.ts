// The settings in force: configuration, with demo mode's tenant supplying what a real deployment configures by id.

import { resolveTimeZone } from '../shared/time-zones.js';
import type { AppConfig, CampaignSettings, DigestSettings, TapSettings } from '../config/app-config.js';
import type { DemoTenant } from './demo-tenant.js';

export interface ResolvedOutreachSettings extends CampaignSettings {
  tenantId: string;
  botId: string;
}

export function resolveOutreachSettings(config: AppConfig, demo: DemoTenant | undefined): ResolvedOutreachSettings {
  const settings = config.campaign;
  if (!demo) return { ...settings, tenantId: config.bot.tenantId ?? config.bot.allowedTenantIds[0] ?? '', botId: `28:${config.bot.appId}` };
  const groupWithRole = (role: string) => demo.groupsWithRole(role);
  return {
    ...settings,
    catalogAppId: settings.catalogAppId ?? demo.catalogAppId,
    serviceUrl: demo.serviceUrl ?? settings.serviceUrl,
    adminsGroupId: settings.adminsGroupId ?? groupWithRole('campaign-admins')[0],
    escalation: {
      ...settings.escalation,
      groupId: settings.escalation.groupId ?? groupWithRole('escalation')[0],
      securityKeyGroupId: settings.escalation.securityKeyGroupId ?? groupWithRole('security-key-requests')[0],
    },
    breakGlass: [...settings.breakGlass, ...demo.breakGlassIds.map((id) => id.toLowerCase())],
    excludedGroupIds: settings.excludedGroupIds.length > 0 ? settings.excludedGroupIds : groupWithRole('excluded'),
    defaultTimeZone: config.campaign.defaultTimeZone === 'UTC' ? resolveTimeZone(demo.defaultTimeZone, 'UTC') : settings.defaultTimeZone,
    tenantId: demo.tenantId,
    botId: `28:${demo.botAppId}`,
  };
}

/** The pass settings in force: configuration, with demo mode's tenant supplying the groups. */
export function resolveTapSettings(config: AppConfig, demo: DemoTenant | undefined): TapSettings {
  const settings = config.tap;
  if (!demo) return settings;
  const groupWithRole = (role: string) => demo.groupsWithRole(role);
  return {
    ...settings,
    helpdeskGroupId: settings.helpdeskGroupId ?? groupWithRole('helpdesk')[0],
    approversGroupId: settings.approversGroupId ?? groupWithRole('tap-approvers')[0],
    securityGroupId: settings.securityGroupId ?? groupWithRole('security')[0],
    privilegedGroupIds: settings.privilegedGroupIds.length > 0 ? settings.privilegedGroupIds : groupWithRole('privileged'),
  };
}

/** The digest's settings in force: configuration, with demo mode's tenant supplying the leadership group. */
export function resolveDigestSettings(config: AppConfig, demo: DemoTenant | undefined): DigestSettings {
  const settings = config.digest;
  if (!demo || settings.leadershipGroupId) return settings;
  return { ...settings, leadershipGroupId: demo.groupsWithRole('leadership-digest')[0] };
}
