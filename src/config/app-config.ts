// The service's validated configuration, as the rest of the code reads it (load-config.ts builds it from the
// environment; config-schema.ts documents every variable).

import type { LogLevel } from '../logging/logger.js';
import type { AuditAnchorSettings } from './anchor-settings.js';
import type { BotType } from './config-schema.js';
import type { EnrolmentTier } from './enrolment-tiers.js';
import type { TelemetryExporter } from '../telemetry/exporter-choice.js';
import type { VerifiedIdSettings } from './verified-id-settings.js';

export type GraphCredential =
  | { kind: 'client-secret'; tenantId: string; clientId: string; secret: string }
  | { kind: 'certificate'; tenantId: string; clientId: string; certificatePath: string }
  | { kind: 'managed-identity'; clientId?: string }
  | { kind: 'none' };

export interface BotFrameworkEndpoints {
  openIdMetadataUrl: string;
  tokenIssuer: string;
  emulatorOpenIdMetadataUrl: string;
  loginUrl: string;
  oauthScope: string;
  oauthUrl: string;
}

export interface AppConfig {
  /** demo: no BOT_ID, inbound auth off, loopback only. */
  mode: 'demo' | 'production';
  bot: {
    appId: string;
    password?: string;
    type: BotType;
    tenantId?: string;
    allowedTenantIds: readonly string[];
    /** Present only when the public Bot Framework endpoints are replaced (sovereign cloud, tests). */
    endpoints?: BotFrameworkEndpoints;
    validateAuthority: boolean;
    domain?: string;
  };
  http: { host: string; port: number };
  /** As configured; unset, each language's "your organisation" (or in demo mode the demo tenant's name). */
  organisationName?: string;
  coach: {
    catalogDir?: string;
    /** The organisation's own privacy notice and terms (HTML files), served instead of the coach's. */
    legalPages: { privacy?: string; terms?: string };
    confidenceThreshold: number;
    keepObjectionText: boolean;
    retentionDays: number;
    /** Days an account is seen disabled in Entra before its personal data is erased (deleted ones: at once). */
    eraseAfterDisabledDays: number;
    /**
     * The organisation's own reason for the roll-out, by language ("en" from ROLLOUT_REASON, "de" from ROLLOUT_REASON_DE…);
     * a language without one says the coach's own ("to protect every work account from phishing").
     */
    rolloutReasons: Readonly<Record<string, string>>;
    /** The roll-out's deadline for people in no campaign (YYYY-MM-DD). */
    rolloutDeadline?: string;
  };
  dataDir: string;
  logLevel: LogLevel;
  /** Where metrics and traces go (src/telemetry/bootstrap.ts sets the exporter up before the service loads). */
  telemetry: { exporter: TelemetryExporter; connectionString?: string };
  audit: { keyId: string; keys: ReadonlyMap<string, string>; isDemoKey: boolean; anchors: AuditAnchorSettings };
  graph: { baseUrl: string; credential: GraphCredential; authorityHost?: string; timeoutMs: number };
  campaign: CampaignSettings;
  /** ENROLMENT_TIERS: what counts as enrolled for whom, first matching tier first. */
  tiers: readonly EnrolmentTier[];
  tap: TapSettings;
  /** Verified ID with Face Check as a pass request's identity check (README, "Verified ID with Face Check"). */
  verifiedId: VerifiedIdSettings;
  /** The weekly leadership digest (README, "Leadership digest"). */
  digest: DigestSettings;
  store: StoreSettings;
  /** START_FRESH: the code of a lost store's state the operator accepts starting without. */
  startFresh?: string;
  /** Stable name of this process's instance, for leases. */
  instanceId: string;
  /** Demo mode only: whether to run the local Graph and Bot Connector emulators (no GRAPH_BASE_URL given), and with which tenant. */
  demo?: {
    startEmulators: boolean;
    tenantFile: string;
    campaign: boolean;
    /** Emulators running in another process (benchmarks): the tenant file holds the app's demo credentials. */
    external?: { caFile?: string };
  };
}

export interface CampaignSettings {
  /** The app's id in the org catalog, for installs; undefined: campaigns cannot install and say so. */
  catalogAppId?: string;
  /** Where to open chats with people the bot has never talked to. */
  serviceUrl: string;
  adminsGroupId?: string;
  strongMethods: readonly string[];
  /** Object ids and UPNs (lower-case) never targeted. */
  breakGlass: readonly string[];
  excludedGroupIds: readonly string[];
  includedGroupIds: readonly string[];
  /** Members of this group are invited first, on the campaign's first working day. */
  firstWaveGroupId?: string;
  reminderDays: readonly number[];
  snoozeDays: number;
  maxSnoozes: number;
  workingHours: { text: string; days: string };
  defaultTimeZone: string;
  respectWorkingHours: boolean;
  teamsRatePerSecond: number;
  graphInstallsPerSecond: number;
  reserveShare: number;
  concurrency: number;
  /** Seconds of sending targeting keeps queued ahead of the sender before it waits (0: never waits). */
  targetingLeadSeconds: number;
  escalation: EscalationSettings;
  managers: ManagerSettings;
}

/** Who gets the leadership digest, when in their week, and the smallest department it shows on its own. */
export interface DigestSettings {
  leadershipGroupId?: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  day: number;
  /** Local hour, 0-23. */
  hour: number;
  minDepartment: number;
}

/** What managers see of their team and how often they may nudge one person (README, "Managers and their team"). */
export interface ManagerSettings {
  view: 'individual' | 'aggregate';
  nudgeDays: number;
  /** People `team all` shows at most. */
  allLimit: number;
}

/** Where state lives: one SQLite file, or Azure Table Storage shared by several instances. */
export type StoreSettings =
  | { kind: 'sqlite' }
  | { kind: 'azure-table'; table: string; connectionString: string }
  | { kind: 'azure-table'; table: string; accountUrl: string; managedIdentityClientId?: string };

/** Helpdesk Temporary Access Passes: who may do what, and the limits. */
export interface TapSettings {
  helpdeskGroupId?: string;
  approversGroupId?: string;
  securityGroupId?: string;
  privilegedGroupIds: readonly string[];
  allowPrivileged: boolean;
  requestMinutes: number;
  requestsPerHour: number;
  burstPerHour: number;
  receiver: 'requester' | 'manager';
}

/** How refusals reach a decision (issue 6): who decides when the manager cannot, and the clock of reminders. */
export interface EscalationSettings {
  groupId?: string;
  securityKeyGroupId?: string;
  maxExceptionDays: number;
  reminderWorkingDays: number;
  remindersBeforeUp: number;
  talkWorkingDays: number;
}
