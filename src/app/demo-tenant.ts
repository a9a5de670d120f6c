// What demo mode hands the service in place of a real tenant. Production code defines the shape; `src/dev/` fills it
// (the emulators, or emulators in another process for a benchmark), and only the entry point that runs demo mode
// passes one in, so nothing in production imports the local Microsoft 365.

import type { TokenCredential } from '@azure/identity';
import type { Activity } from 'botbuilder';
import type { AppConfig } from '../config/app-config.js';
import type { Directory } from '../directory/directory-port.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { SsoSettings } from '../tab/tab-sso.js';

/** The demo tenant as settings see it: what a real deployment configures by id. */
export interface DemoTenant {
  /** What the coach calls the organisation when ORGANISATION_NAME is unset. */
  organisationName: string;
  tenantId: string;
  /** The bot's app id. */
  botAppId: string;
  /** The Teams app's id in the org catalog. */
  catalogAppId: string;
  /** Where the tenant's Bot Connector listens (unset: the configured CAMPAIGN_SERVICE_URL). */
  serviceUrl?: string;
  /** The tenant's default time zone (Windows or IANA name). */
  defaultTimeZone: string;
  breakGlassIds: readonly string[];
  /** Ids of the tenant's groups with a role (helpdesk, tap-approvers, security, campaign-admins, escalation, …). */
  groupsWithRole(role: string): string[];
}

/** A session for a demo person on the tab's demo host page (a token from the demo tenant's token service). */
export interface TabDemoSessions {
  open(who: string): Promise<unknown>;
}

/** Demo mode, running: its tenant, its Graph, the tab's sign-in against it, and the glue Teams would provide. */
export interface DemoRuntime {
  tenant: DemoTenant;
  /** The demo tenant's Graph (an emulator), or undefined when demo mode runs without one. */
  directory(config: AppConfig, logger: Logger, redactor: Redactor): Directory | undefined;
  tabSignIn(): { sso: SsoSettings | { missing: string }; sessions: TabDemoSessions } | undefined;
  /** The demo tenant's Verified ID Request Service (an emulator), or undefined when demo mode runs without one. */
  verifiedId(): { endpoint: string; authorityDid: string; credential: TokenCredential } | undefined;
  /** An activity reached the bot endpoint (the emulator learns the chat, as Teams would). */
  chatSeen(activity: Activity): void;
  /** The service listens here: an install through Graph reaches it as Teams' conversationUpdate. */
  attachBot(messagesUrl: string): void;
  /** The banner's lines on what demo mode runs and how to reach it (the service prints the warning above them). */
  bannerLines(url: string): string[];
  close(): Promise<void>;
}

/** Starts demo mode for a configuration (or says there is none to start): the entry point hands one to the service. */
export interface DemoWiring {
  start(config: AppConfig, logger: Logger): Promise<DemoRuntime | undefined>;
}
