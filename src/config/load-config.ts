// Turns the environment into a validated AppConfig, or refuses to start with a message naming what to set.

import { hostname } from 'node:os';
import { parseWorkingHours } from '../shared/working-hours.js';
import { isKnownTimeZone } from '../shared/time-zones.js';
import { AppError } from '../errors/app-error.js';
import { anchorSecrets, auditAnchorSettings } from './anchor-settings.js';
import { describeIssue } from './config-issues.js';
import { BOT_FRAMEWORK_ENDPOINT_KEYS, type BotType, CONFIG_KEYS, DIGEST_DAYS, type EnvSettings, envSchema } from './config-schema.js';
import type { AppConfig, BotFrameworkEndpoints, CampaignSettings, DigestSettings, GraphCredential, StoreSettings, TapSettings } from './app-config.js';
import { DEFAULT_TIERS, type EnrolmentTier, parseEnrolmentTiers } from './enrolment-tiers.js';
import { chooseExporter } from '../telemetry/exporter-choice.js';
import { verifiedIdSettings } from './verified-id-settings.js';

/** Deliberately public: demo mode protects nothing, and says so. */
export const DEMO_AUDIT_KEY = 'passkey-coach-demo-audit-key--not-a-secret--do-not-use';

/** Variables whose values are never repeated in a message. */
const SECRET_KEYS: ReadonlySet<string> = new Set(CONFIG_KEYS.filter((key) => key.secret).map((key) => key.name));

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** App Service leaves a Key Vault reference it could not resolve in the setting as it was written. */
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = pickKnown(env);
  // Read as a value, the reference would pass for a password or a key: refuse to start and say what to fix.
  const unresolved = Object.entries(raw).filter(([, value]) => typeof value === 'string' && KEY_VAULT_REFERENCE.test(value.trim()));
  if (unresolved.length > 0) {
    throw configError(
      unresolved.map(
        ([name]) =>
          `${name} is a Key Vault reference App Service could not resolve: give the site's keyVaultReferenceIdentity the "Key Vault Secrets User" role on the vault, check that the secret exists, then restart (Environment variables in the portal shows the reference's status).`,
      ),
    );
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) throw configError(parsed.error.issues.map((issue) => describeIssue(issue, raw, SECRET_KEYS)));
  const settings = parsed.data;
  const problems: string[] = [];
  const config = settings.BOT_ID === '' ? demoConfig(settings, env, problems) : productionConfig(settings, env, problems);
  if (problems.length > 0) throw configError(problems);
  return config;
}

function demoConfig(s: EnvSettings, env: NodeJS.ProcessEnv, problems: string[]): AppConfig {
  // An empty BOT_ID is the only switch that turns inbound authentication off, so it must not be an accident.
  for (const name of ['BOT_PASSWORD', 'BOT_TENANT_ID', 'ALLOWED_TENANT_IDS'] as const) {
    if (s[name] !== undefined) problems.push(`BOT_ID is empty (demo mode) but ${name} is set: set BOT_ID to the bot's app id, or unset ${name} to run the demo.`);
  }
  if (s.BOT_TYPE === 'UserAssignedMsi') problems.push("BOT_TYPE is UserAssignedMsi but BOT_ID is empty: set BOT_ID to the managed identity's client id.");
  else if (s.BOT_TYPE !== undefined) problems.push(`BOT_TYPE is ${s.BOT_TYPE} but BOT_ID is empty: set BOT_ID to the bot's app id, or unset BOT_TYPE to run the demo.`);
  for (const name of ['GRAPH_CLIENT_SECRET', 'GRAPH_CERTIFICATE_PATH'] as const) {
    if (s[name] !== undefined) problems.push(`Demo mode refuses real Graph credentials: unset ${name}, or set BOT_ID to run for real.`);
  }
  if (s.GRAPH_USE_MANAGED_IDENTITY) problems.push('Demo mode refuses real Graph credentials: unset GRAPH_USE_MANAGED_IDENTITY, or set BOT_ID to run for real.');
  if (env.GRAPH_BASE_URL && !isLoopbackUrl(s.GRAPH_BASE_URL)) problems.push('Demo mode talks only to a local Graph emulator: GRAPH_BASE_URL must be a loopback URL (or unset).');
  if (env.GRAPH_BASE_URL && s.AZURE_AUTHORITY_HOST && !isLoopbackUrl(s.AZURE_AUTHORITY_HOST)) problems.push("Demo mode gets tokens only from the Graph emulator's token service: AZURE_AUTHORITY_HOST must be a loopback URL.");
  if (env.TEAMS_SERVICE_URL && !isLoopbackUrl(s.TEAMS_SERVICE_URL)) problems.push('Demo mode messages only a local Bot Connector emulator: TEAMS_SERVICE_URL must be a loopback URL (or unset).');
  if (s.HOST !== undefined && !LOOPBACK_HOSTS.has(s.HOST)) problems.push(`Demo mode listens on 127.0.0.1 only: unset HOST (it is ${s.HOST}) or set BOT_ID to run for real.`);
  const endpoints = endpointSettings(s, problems);
  if (endpoints) problems.push('The BOT_* endpoint settings need BOT_ID: demo mode has no inbound authentication to configure.');
  return {
    mode: 'demo',
    bot: { appId: '', type: 'SingleTenant', allowedTenantIds: [], validateAuthority: true, domain: s.BOT_DOMAIN },
    http: { host: '127.0.0.1', port: s.PORT },
    organisationName: s.ORGANISATION_NAME,
    coach: coachSettings(s, env, problems),
    dataDir: s.DATA_DIR,
    logLevel: s.LOG_LEVEL,
    telemetry: telemetrySettings(s, problems, true),
    audit: { ...auditKeys(s, problems, true), anchors: auditAnchorSettings(s, problems, true, isLoopbackUrl) },
    graph: { baseUrl: s.GRAPH_BASE_URL, credential: { kind: 'none' }, authorityHost: s.AZURE_AUTHORITY_HOST, timeoutMs: s.GRAPH_TIMEOUT_SECONDS * 1000 },
    campaign: campaignSettings(s, problems),
    tiers: tierSettings(s, problems),
    tap: tapSettings(s),
    verifiedId: verifiedIdSettings(s, problems, { demo: true, demoEmulators: !env.GRAPH_BASE_URL, hasGraphCredential: false, botDomain: s.BOT_DOMAIN, isLoopbackUrl }),
    digest: digestSettings(s),
    store: storeSettings(s, problems, true),
    startFresh: s.START_FRESH,
    instanceId: instanceId(s, env),
    demo: {
      startEmulators: !env.GRAPH_BASE_URL,
      tenantFile: s.DEMO_TENANT_FILE,
      campaign: s.DEMO_CAMPAIGN,
      external: env.GRAPH_BASE_URL && s.AZURE_AUTHORITY_HOST ? { caFile: s.DEMO_GRAPH_CA_FILE } : undefined,
    },
  };
}

function productionConfig(s: EnvSettings, env: NodeJS.ProcessEnv, problems: string[]): AppConfig {
  const type: BotType = s.BOT_TYPE ?? 'SingleTenant';
  if (type === 'SingleTenant' || type === 'UserAssignedMsi') {
    if (!s.BOT_TENANT_ID) problems.push(`BOT_TYPE ${type} needs BOT_TENANT_ID: set it to the bot's Entra tenant id.`);
  }
  if (type === 'UserAssignedMsi') {
    if (s.BOT_PASSWORD) problems.push('BOT_TYPE UserAssignedMsi uses the managed identity, not a password: unset BOT_PASSWORD.');
  } else if (!s.BOT_PASSWORD) {
    problems.push(`BOT_TYPE ${type} needs BOT_PASSWORD: set it to the bot app's client secret (in .env.*.user or an App Service setting).`);
  }
  // Tenant ids are GUIDs, compared without regard to case (Teams sends them lower-case).
  const allowedTenantIds = (splitList(s.ALLOWED_TENANT_IDS) ?? (s.BOT_TENANT_ID ? [s.BOT_TENANT_ID] : [])).map((id) => id.toLowerCase());
  if (allowedTenantIds.length === 0) problems.push('No tenant would be served: set ALLOWED_TENANT_IDS (or BOT_TENANT_ID).');
  const endpoints = endpointSettings(s, problems);
  if (!s.BOT_VALIDATE_AUTHORITY && !endpoints) problems.push('BOT_VALIDATE_AUTHORITY=false is only for a local token service: set the BOT_* endpoint keys too, or remove it.');
  const credential = graphCredential(s, problems);
  return {
    mode: 'production',
    bot: {
      appId: s.BOT_ID,
      password: s.BOT_PASSWORD,
      type,
      tenantId: s.BOT_TENANT_ID,
      allowedTenantIds,
      endpoints,
      validateAuthority: s.BOT_VALIDATE_AUTHORITY,
      domain: s.BOT_DOMAIN,
    },
    http: { host: s.HOST ?? '0.0.0.0', port: s.PORT },
    organisationName: s.ORGANISATION_NAME,
    coach: coachSettings(s, env, problems),
    dataDir: s.DATA_DIR,
    logLevel: s.LOG_LEVEL,
    telemetry: telemetrySettings(s, problems, false),
    audit: { ...auditKeys(s, problems, false), anchors: auditAnchorSettings(s, problems, false, isLoopbackUrl) },
    graph: { baseUrl: s.GRAPH_BASE_URL, credential, authorityHost: s.AZURE_AUTHORITY_HOST, timeoutMs: s.GRAPH_TIMEOUT_SECONDS * 1000 },
    campaign: campaignSettings(s, problems),
    tiers: tierSettings(s, problems),
    tap: tapSettings(s),
    verifiedId: verifiedIdSettings(s, problems, { demo: false, demoEmulators: false, hasGraphCredential: credential.kind !== 'none', botDomain: s.BOT_DOMAIN, isLoopbackUrl }),
    digest: digestSettings(s),
    store: storeSettings(s, problems, false),
    startFresh: s.START_FRESH,
    instanceId: instanceId(s, env),
  };
}

function campaignSettings(s: EnvSettings, problems: string[]): CampaignSettings {
  const reminderDays = [...new Set((splitList(s.CAMPAIGN_REMINDER_DAYS) ?? []).map(Number))].sort((a, b) => a - b);
  if (reminderDays.some((day) => day < 1 || day > 365)) problems.push('CAMPAIGN_REMINDER_DAYS: each day must be from 1 to 365.');
  const hours = { text: s.WORKING_HOURS, days: s.WORKING_DAYS };
  try {
    parseWorkingHours(hours.text, hours.days);
  } catch (error) {
    problems.push(`WORKING_HOURS / WORKING_DAYS: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isKnownTimeZone(s.DEFAULT_TIME_ZONE)) problems.push(`DEFAULT_TIME_ZONE: ${s.DEFAULT_TIME_ZONE} is not a time zone this runtime knows (use an IANA name such as Europe/Berlin, or a Windows name).`);
  return {
    catalogAppId: s.TEAMS_APP_CATALOG_ID,
    serviceUrl: s.TEAMS_SERVICE_URL,
    adminsGroupId: s.CAMPAIGN_ADMINS_GROUP_ID,
    strongMethods: splitList(s.CAMPAIGN_STRONG_METHODS) ?? [],
    breakGlass: (splitList(s.CAMPAIGN_BREAK_GLASS_ACCOUNTS) ?? []).map((id) => id.toLowerCase()),
    excludedGroupIds: splitList(s.CAMPAIGN_EXCLUDED_GROUP_IDS) ?? [],
    includedGroupIds: splitList(s.CAMPAIGN_INCLUDED_GROUP_IDS) ?? [],
    firstWaveGroupId: s.CAMPAIGN_FIRST_WAVE_GROUP_ID?.toLowerCase(),
    reminderDays,
    snoozeDays: s.CAMPAIGN_SNOOZE_DAYS,
    maxSnoozes: s.CAMPAIGN_MAX_SNOOZES,
    workingHours: hours,
    defaultTimeZone: s.DEFAULT_TIME_ZONE,
    respectWorkingHours: s.CAMPAIGN_RESPECT_WORKING_HOURS,
    teamsRatePerSecond: s.TEAMS_RATE_PER_SECOND,
    graphInstallsPerSecond: s.GRAPH_INSTALLS_PER_SECOND,
    reserveShare: s.OUTREACH_RESERVE_SHARE,
    concurrency: s.OUTREACH_CONCURRENCY,
    targetingLeadSeconds: s.CAMPAIGN_TARGETING_LEAD_SECONDS,
    escalation: {
      groupId: s.ESCALATION_GROUP_ID,
      securityKeyGroupId: s.SECURITY_KEY_GROUP_ID,
      maxExceptionDays: s.ESCALATION_MAX_EXCEPTION_DAYS,
      reminderWorkingDays: s.ESCALATION_REMINDER_WORKING_DAYS,
      remindersBeforeUp: s.ESCALATION_REMINDERS_BEFORE_UP,
      talkWorkingDays: s.ESCALATION_TALK_WORKING_DAYS,
    },
    managers: { view: s.MANAGER_VIEW, nudgeDays: s.MANAGER_NUDGE_DAYS, allLimit: s.MANAGER_TEAM_ALL_LIMIT },
  };
}

function tierSettings(s: EnvSettings, problems: string[]): readonly EnrolmentTier[] {
  const parsed = parseEnrolmentTiers(s.ENROLMENT_TIERS);
  if ('problems' in parsed) {
    problems.push(...parsed.problems);
    return DEFAULT_TIERS;
  }
  return parsed.tiers;
}

function storeSettings(s: EnvSettings, problems: string[], demo: boolean): StoreSettings {
  if (s.STORE === 'sqlite') {
    if (s.AZURE_STORAGE_CONNECTION_STRING || s.AZURE_STORAGE_TABLE_URL) problems.push('AZURE_STORAGE_* is set but STORE is sqlite: set STORE=azure-table to use Azure Table Storage, or remove them.');
    return { kind: 'sqlite' };
  }
  const table = s.AZURE_STORAGE_TABLE_NAME;
  if (s.AZURE_STORAGE_CONNECTION_STRING && s.AZURE_STORAGE_TABLE_URL) problems.push('STORE=azure-table: set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_TABLE_URL, not both.');
  if (demo) {
    // Demo mode touches nothing real: only a local emulator (Azurite) on loopback.
    const endpoint = /TableEndpoint=([^;]+)/i.exec(s.AZURE_STORAGE_CONNECTION_STRING ?? '')?.[1];
    if (!endpoint || !isLoopbackUrl(endpoint)) problems.push('Demo mode only uses a local Azure Table emulator: AZURE_STORAGE_CONNECTION_STRING must name a TableEndpoint on 127.0.0.1 (Azurite).');
  }
  if (s.AZURE_STORAGE_CONNECTION_STRING) return { kind: 'azure-table', table, connectionString: s.AZURE_STORAGE_CONNECTION_STRING };
  if (s.AZURE_STORAGE_TABLE_URL) return { kind: 'azure-table', table, accountUrl: s.AZURE_STORAGE_TABLE_URL, managedIdentityClientId: s.STORAGE_CLIENT_ID };
  problems.push('STORE=azure-table needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_TABLE_URL.');
  return { kind: 'sqlite' };
}

function digestSettings(s: EnvSettings): DigestSettings {
  return { leadershipGroupId: s.LEADERSHIP_GROUP_ID, day: DIGEST_DAYS.indexOf(s.DIGEST_DAY) + 1, hour: s.DIGEST_HOUR, minDepartment: s.DIGEST_MIN_DEPARTMENT };
}

function tapSettings(s: EnvSettings): TapSettings {
  return {
    helpdeskGroupId: s.HELPDESK_GROUP_ID,
    approversGroupId: s.TAP_APPROVERS_GROUP_ID,
    securityGroupId: s.SECURITY_GROUP_ID,
    privilegedGroupIds: splitList(s.TAP_PRIVILEGED_GROUP_IDS) ?? [],
    allowPrivileged: s.TAP_ALLOW_PRIVILEGED,
    requestMinutes: s.TAP_REQUEST_MINUTES,
    requestsPerHour: s.TAP_REQUESTS_PER_HOUR,
    burstPerHour: s.TAP_BURST_PER_HOUR,
    receiver: s.TAP_RECEIVER,
  };
}

function instanceId(s: EnvSettings, env: NodeJS.ProcessEnv): string {
  return s.INSTANCE_ID ?? env.WEBSITE_INSTANCE_ID?.slice(0, 100) ?? `${hostname()}:${process.pid}`;
}

function coachSettings(s: EnvSettings, env: NodeJS.ProcessEnv, problems: string[]): AppConfig['coach'] {
  return {
    catalogDir: s.CATALOG_DIR,
    legalPages: { privacy: s.PRIVACY_PAGE_FILE, terms: s.TERMS_PAGE_FILE },
    confidenceThreshold: s.OBJECTION_CONFIDENCE_THRESHOLD,
    keepObjectionText: s.STORE_OBJECTION_TEXT,
    retentionDays: s.RETENTION_DAYS,
    eraseAfterDisabledDays: s.ERASE_AFTER_DISABLED_DAYS,
    rolloutReasons: { ...(s.ROLLOUT_REASON ? { en: s.ROLLOUT_REASON } : {}), ...reasonsByLanguage(env, problems) },
    rolloutDeadline: s.ROLLOUT_DEADLINE,
  };
}

/** `ROLLOUT_REASON_DE`, `ROLLOUT_REASON_FR`…: the organisation's reason in each language it wrote one for. */
function reasonsByLanguage(env: NodeJS.ProcessEnv, problems: string[]): Record<string, string> {
  const reasons: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const match = /^ROLLOUT_REASON_([A-Z]{2,3})$/.exec(name);
    const text = value?.trim();
    if (!match || !text) continue;
    if (text.length > 200) problems.push(`${name} must be at most 200 characters.`);
    else reasons[(match[1] as string).toLowerCase()] = text;
  }
  return reasons;
}

function endpointSettings(s: EnvSettings, problems: string[]): BotFrameworkEndpoints | undefined {
  const missing = BOT_FRAMEWORK_ENDPOINT_KEYS.filter((name) => !s[name]);
  if (missing.length === BOT_FRAMEWORK_ENDPOINT_KEYS.length) return undefined;
  if (missing.length > 0) {
    // A partial set silently sends some validation paths to the public cloud: refuse instead.
    problems.push(`The BOT_* endpoint settings come as a set: also set ${missing.join(', ')} (or unset them all for the public cloud).`);
    return undefined;
  }
  return {
    openIdMetadataUrl: s.BOT_OPENID_METADATA_URL!,
    tokenIssuer: s.BOT_TOKEN_ISSUER!,
    emulatorOpenIdMetadataUrl: s.BOT_EMULATOR_OPENID_METADATA_URL!,
    loginUrl: s.BOT_LOGIN_URL!,
    oauthScope: s.BOT_OAUTH_SCOPE!,
    oauthUrl: s.BOT_OAUTH_URL!,
  };
}

function graphCredential(s: EnvSettings, problems: string[]): GraphCredential {
  const chosen = [s.GRAPH_CLIENT_SECRET && 'GRAPH_CLIENT_SECRET', s.GRAPH_CERTIFICATE_PATH && 'GRAPH_CERTIFICATE_PATH', s.GRAPH_USE_MANAGED_IDENTITY && 'GRAPH_USE_MANAGED_IDENTITY'].filter(Boolean);
  if (chosen.length > 1) {
    problems.push(`Choose one Graph credential: ${chosen.join(' and ')} are both set.`);
    return { kind: 'none' };
  }
  const tenantId = s.GRAPH_TENANT_ID ?? s.BOT_TENANT_ID;
  const clientId = s.GRAPH_CLIENT_ID ?? s.BOT_ID;
  if (s.GRAPH_USE_MANAGED_IDENTITY) return { kind: 'managed-identity', clientId: s.GRAPH_CLIENT_ID };
  if (s.GRAPH_CLIENT_SECRET || s.GRAPH_CERTIFICATE_PATH) {
    if (!tenantId) {
      problems.push('A Graph credential needs a tenant: set GRAPH_TENANT_ID (or BOT_TENANT_ID).');
      return { kind: 'none' };
    }
    return s.GRAPH_CLIENT_SECRET
      ? { kind: 'client-secret', tenantId, clientId, secret: s.GRAPH_CLIENT_SECRET }
      : { kind: 'certificate', tenantId, clientId, certificatePath: s.GRAPH_CERTIFICATE_PATH! };
  }
  return { kind: 'none' };
}

function auditKeys(s: EnvSettings, problems: string[], demo: boolean): Omit<AppConfig['audit'], 'anchors'> {
  const keys = new Map<string, string>();
  for (const pair of splitList(s.AUDIT_PREVIOUS_KEYS) ?? []) {
    const at = pair.indexOf('=');
    const id = pair.slice(0, at).trim();
    const key = pair.slice(at + 1).trim();
    if (at <= 0 || key.length < 32) problems.push('AUDIT_PREVIOUS_KEYS must be id=key pairs with keys of at least 32 characters.');
    else if (keys.has(id) || id === s.AUDIT_HMAC_KEY_ID) problems.push(`Audit key id ${id} is used twice: every key (AUDIT_HMAC_KEY_ID and AUDIT_PREVIOUS_KEYS) needs its own id.`);
    else keys.set(id, key);
  }
  if (s.AUDIT_HMAC_KEY) {
    keys.set(s.AUDIT_HMAC_KEY_ID, s.AUDIT_HMAC_KEY);
    return { keyId: s.AUDIT_HMAC_KEY_ID, keys, isDemoKey: false };
  }
  if (!demo) problems.push('AUDIT_HMAC_KEY is required: set it to a random value of 32+ characters kept outside the database (e.g. `openssl rand -base64 48`).');
  keys.set('demo', DEMO_AUDIT_KEY);
  return { keyId: 'demo', keys, isDemoKey: true };
}

function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
}

function pickKnown(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(envSchema.shape)) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function configError(problems: string[]): AppError {
  return new AppError('config.invalid', `Configuration is incomplete or inconsistent:\n- ${problems.join('\n- ')}`, {
    userMessage: { key: 'errors.config.invalid', params: { problems: problems.join(' ') } },
    userFault: true,
    details: { problems },
  });
}

/** Every secret value in the config, for registering with the log redactor at start-up. */
/** The exporter as chosen, with what it needs; demo mode sends nothing off the machine. */
function telemetrySettings(s: EnvSettings, problems: string[], demo: boolean): AppConfig['telemetry'] {
  const connectionString = s.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (demo && connectionString !== undefined) problems.push('Demo mode sends nothing off this machine: unset APPLICATIONINSIGHTS_CONNECTION_STRING (TELEMETRY_EXPORTER=console shows the telemetry on the terminal).');
  if (s.TELEMETRY_EXPORTER === 'azure-monitor' && connectionString === undefined) problems.push('TELEMETRY_EXPORTER=azure-monitor needs APPLICATIONINSIGHTS_CONNECTION_STRING: set it to the Application Insights resource\'s connection string.');
  if (connectionString !== undefined && !/(^|;)\s*InstrumentationKey=[^;]+/i.test(connectionString)) problems.push('APPLICATIONINSIGHTS_CONNECTION_STRING does not look like a connection string: copy it from the Application Insights resource (it holds InstrumentationKey=…).');
  return { exporter: chooseExporter(s.TELEMETRY_EXPORTER, connectionString, demo), ...(connectionString !== undefined ? { connectionString } : {}) };
}

export function configSecrets(config: AppConfig): string[] {
  const secrets = [...config.audit.keys.values(), ...anchorSecrets(config.audit.anchors)];
  if (config.telemetry.connectionString) secrets.push(config.telemetry.connectionString);
  if (config.bot.password) secrets.push(config.bot.password);
  if (config.graph.credential.kind === 'client-secret') secrets.push(config.graph.credential.secret);
  if (config.store.kind === 'azure-table' && 'connectionString' in config.store) {
    secrets.push(config.store.connectionString);
    // The account key inside it, on its own, is as secret as the whole string.
    const key = /AccountKey=([^;]+)/i.exec(config.store.connectionString)?.[1];
    if (key) secrets.push(key);
  }
  return secrets;
}
