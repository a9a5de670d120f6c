// The tab's service from the running parts: which groups see which view (as the features resolve them, demo mode
// included), and every feature the views read.

import type { AnchorSource } from '../audit/audit-anchor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AppConfig } from '../config/app-config.js';
import type { Directory } from '../directory/directory-port.js';
import { guidesFor } from '../enrollment/guides.js';
import type { Logger } from '../logging/logger.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import type { Strings } from '../shared/strings.js';
import type { Store } from '../store/store-port.js';
import { LeadershipView } from '../tab/leadership-view.js';
import { PeopleNames } from '../tab/people-names.js';
import { TabService } from '../tab/tab-service.js';
import type { Features } from './compose-features.js';
import type { DemoTenant } from './demo-tenant.js';
import { resolveDigestSettings, resolveOutreachSettings, resolveTapSettings } from './settings.js';

export interface TabParts {
  config: AppConfig;
  demoTenant: DemoTenant | undefined;
  store: Store;
  audit: AuditLog;
  anchorSources: AnchorSource[];
  features: Features;
  objections: ObjectionLog;
  concernTitle: (intent: string, locale?: string) => string;
  strings: Strings;
  directory: Directory | undefined;
  logger: Logger;
}

export function composeTabService(parts: TabParts): TabService {
  const { config, demoTenant, store, features, strings } = parts;
  const tap = resolveTapSettings(config, demoTenant);
  const digest = resolveDigestSettings(config, demoTenant);
  return new TabService({
    store,
    audit: parts.audit,
    auditKeys: config.audit.keys,
    auditKeyId: config.audit.keyId,
    auditAnchors: parts.anchorSources,
    membership: features.membership,
    groups: { admin: resolveOutreachSettings(config, demoTenant).adminsGroupId, helpdesk: tap.helpdeskGroupId, security: tap.securityGroupId, leadership: digest.leadershipGroupId },
    campaigns: features.campaigns.records,
    escalations: features.escalations.records,
    passes: features.temporaryAccess,
    team: features.team,
    objections: parts.objections,
    concernTitle: parts.concernTitle,
    platformLabel: (platform, locale) => guidesFor(locale).platforms.find((guide) => guide.id === platform)?.label,
    strings,
    names: new PeopleNames(parts.directory, parts.logger.child({ component: 'tab' })),
    leadership: new LeadershipView({ digest: features.digest, reports: features.reports, store, campaigns: features.campaigns.records, strings, minDepartment: digest.minDepartment }),
  });
}
