// Every configuration key Passkey Coach reads, with its default and meaning: the single source for
// start-up validation and for the README's configuration table.

import { z } from 'zod';
import { LOG_LEVELS } from '../logging/logger.js';
import { isGuid } from '../shared/guid.js';

export interface ConfigKey {
  /** Environment variable name (Teams Toolkit names where the Toolkit has one). */
  name: string;
  /** Default as a person would type it; undefined when the key has none. */
  default?: string;
  /** One sentence on what it does, for the README. */
  description: string;
  /** Never logged, shown or stored. */
  secret?: boolean;
}

export const TELEMETRY_EXPORTERS = ['auto', 'azure-monitor', 'console', 'none'] as const;

/** DIGEST_DAY's values, Monday first (their index + 1 is the ISO weekday). */
export const DIGEST_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const BOT_TYPES = ['SingleTenant', 'MultiTenant', 'UserAssignedMsi'] as const;
export type BotType = (typeof BOT_TYPES)[number];

/** Settings that point inbound/outbound Bot Framework auth somewhere other than the public cloud. They come as a set. */
export const BOT_FRAMEWORK_ENDPOINT_KEYS = [
  'BOT_OPENID_METADATA_URL',
  'BOT_TOKEN_ISSUER',
  'BOT_EMULATOR_OPENID_METADATA_URL',
  'BOT_LOGIN_URL',
  'BOT_OAUTH_SCOPE',
  'BOT_OAUTH_URL',
] as const;

export const CONFIG_KEYS: readonly ConfigKey[] = [
  { name: 'BOT_ID', default: '', description: "The bot's Microsoft app id (client id; for UserAssignedMsi the managed identity's client id). Empty means demo mode: inbound authentication off, loopback only." },
  { name: 'BOT_PASSWORD', description: "The bot app's client secret (SingleTenant and MultiTenant).", secret: true },
  { name: 'BOT_TYPE', default: 'SingleTenant', description: 'SingleTenant, MultiTenant or UserAssignedMsi. New multi-tenant bot registrations can no longer be created.' },
  { name: 'BOT_TENANT_ID', description: "The bot's Entra tenant id. Required for SingleTenant and UserAssignedMsi." },
  { name: 'ALLOWED_TENANT_IDS', description: "Comma-separated tenant ids whose Teams traffic is served. Defaults to BOT_TENANT_ID; a MultiTenant bot needs one or the other." },
  { name: 'BOT_DOMAIN', description: "Public host name of the bot (used in the app package and links). The tab's SSO accepts tokens for api://<BOT_DOMAIN>/botid-<BOT_ID>; without it the tab's API refuses everyone." },
  { name: 'ORGANISATION_NAME', description: 'How the coach names the organisation in what it says ("sign in to Contoso"). Unset, each language says its own "your organisation" (strings/<locale>/coach.json, yourOrganisation). In demo mode, unset, the demo tenant\'s name.' },
  { name: 'PORT', default: '3978', description: 'TCP port of the HTTP endpoint.' },
  { name: 'HOST', description: 'Interface to listen on. Defaults to 0.0.0.0 with authentication on; demo mode always uses 127.0.0.1.' },
  { name: 'DATA_DIR', default: './.data', description: 'Folder for the SQLite database and other local state.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'trace, debug, info, warn, error, fatal or silent.' },
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', description: "Application Insights' connection string: metrics and traces go there through OpenTelemetry (README, \"Telemetry\"). Refused in demo mode, which sends nothing off the machine." },
  { name: 'TELEMETRY_EXPORTER', default: 'auto', description: 'Where metrics and traces go: azure-monitor (needs APPLICATIONINSIGHTS_CONNECTION_STRING), console (the terminal, for a look while developing), none, or auto (azure-monitor when the connection string is set, else none).' },
  { name: 'PRIVACY_PAGE_FILE', description: 'An HTML file served at /privacy (the app package\'s privacy link) instead of the coach\'s own notice, which states this deployment\'s retention in the reader\'s language.' },
  { name: 'TERMS_PAGE_FILE', description: 'An HTML file served at /terms (the app package\'s terms-of-use link) instead of the coach\'s own terms.' },
  { name: 'CATALOG_DIR', description: "A folder of objection-catalog JSON files that replace (same id) or extend the shipped catalog/en/ entries." },
  {
    name: 'ROLLOUT_REASON',
    description: 'Why the organisation is moving everyone to passkeys, as the coach says it in English ("…is moving everyone to passkeys <reason>"): your own reason, not Microsoft\'s. Write it as a phrase starting with "to" or "because". For the other languages set ROLLOUT_REASON_DE, ROLLOUT_REASON_FR, ROLLOUT_REASON_ES, ROLLOUT_REASON_NL (any ROLLOUT_REASON_<code> of a language the coach speaks). Unset, the coach says its own reason in each language ("to protect every work account from phishing").',
  },
  { name: 'ROLLOUT_DEADLINE', description: 'The date (YYYY-MM-DD) everyone should have a passkey by, for people who are in no campaign (a campaign\'s own deadline wins for its members). Unset: "the date it has set".' },
  { name: 'OBJECTION_CONFIDENCE_THRESHOLD', default: '0.25', description: 'How sure the intent matcher must be before answering a concern; below it the coach says what it can help with and offers a person.' },
  { name: 'STORE_OBJECTION_TEXT', default: 'false', description: "Whether the coach keeps people's own words with each objection. Off: only the topic (intent) and time are kept." },
  { name: 'RETENTION_DAYS', default: '180', description: 'Days the coach keeps objection records, and "talk to a person" requests after the helpdesk closed them, before deleting them.' },
  {
    name: 'ERASE_AFTER_DISABLED_DAYS',
    default: '30',
    description: "Days an account must have been disabled in Entra before the coach erases its personal data (a deleted account is erased at the daily check that finds it). Counted from the coach's own first sight of the disabled account: Graph does not say when it was disabled. 1 to 3650.",
  },
  { name: 'AUDIT_HMAC_KEY', description: 'Key (32+ characters) that signs the audit chain. Required outside demo mode; keep it outside the database.', secret: true },
  { name: 'AUDIT_HMAC_KEY_ID', default: 'k1', description: 'Name of the current audit key, recorded in every entry so keys can be rotated.' },
  { name: 'AUDIT_PREVIOUS_KEYS', description: 'Earlier audit keys as id=key pairs separated by commas, so entries signed before a rotation still verify.', secret: true },
  { name: 'AUDIT_ANCHOR_INTERVAL_MINUTES', default: '5', description: "How often the service writes an anchor of the audit trail's head (sequence, hash, time, MAC) outside the database, when the head moved; also at start and at a graceful stop. 1 to 1440." },
  { name: 'AUDIT_ANCHOR_FILE', description: 'The local append-only file of anchors (JSON lines) that `audit verify` reads by default. Default: audit-anchors.jsonl beside the SQLite database, in DATA_DIR (with the database in memory, none unless this is set).' },
  { name: 'AUDIT_ANCHOR_BLOB_URL', description: "Blob endpoint (https://<account>.blob.core.windows.net) whose container AUDIT_ANCHOR_CONTAINER receives the anchors as append blobs, reached with the App Service's managed identity (AUDIT_ANCHOR_CLIENT_ID selects a user-assigned one). Give that identity append rights only (see infra/azure.bicep)." },
  { name: 'AUDIT_ANCHOR_CONNECTION_STRING', description: "Instead of AUDIT_ANCHOR_BLOB_URL: a storage connection string for the anchors' container (Azurite for local runs; demo mode accepts only a loopback BlobEndpoint).", secret: true },
  { name: 'AUDIT_ANCHOR_CONTAINER', default: 'audit-anchors', description: 'The blob container of the anchors. It must exist, with a time-based immutability policy that allows protected append writes; the service never creates it.' },
  { name: 'AUDIT_ANCHOR_CLIENT_ID', description: 'Client id of a user-assigned managed identity that writes the anchors (default: the system-assigned one).' },
  { name: 'GRAPH_BASE_URL', default: 'https://graph.microsoft.com', description: 'Microsoft Graph root (a local Graph emulator in demo mode and tests).' },
  { name: 'GRAPH_TIMEOUT_SECONDS', default: '30', description: 'How long one Graph request may take before it counts as lost (reads are retried; a lost pass creation is created again, replacing the first).' },
  { name: 'GRAPH_TENANT_ID', description: 'Tenant for Graph application tokens. Defaults to BOT_TENANT_ID.' },
  { name: 'GRAPH_CLIENT_ID', description: 'App (client) id used for Graph. Defaults to BOT_ID.' },
  { name: 'GRAPH_CLIENT_SECRET', description: 'Client secret for Graph (client-secret credential).', secret: true },
  { name: 'GRAPH_CERTIFICATE_PATH', description: 'PEM file with certificate and private key for Graph (certificate credential).' },
  { name: 'GRAPH_USE_MANAGED_IDENTITY', default: 'false', description: "true to get Graph tokens from the App Service's managed identity (GRAPH_CLIENT_ID selects a user-assigned one)." },
  { name: 'DEMO_TENANT_FILE', default: 'demo/tenant.json', description: 'Demo mode: the seed of the local tenant the Graph emulator serves (see docs/demo-tenant.md). Ignored when GRAPH_BASE_URL is set.' },
  { name: 'DEMO_GRAPH_CA_FILE', description: 'Demo mode with emulators in another process (GRAPH_BASE_URL and AZURE_AUTHORITY_HOST on loopback): the PEM certificate the Graph emulator wrote with --ca-out.' },
  { name: 'AZURE_AUTHORITY_HOST', description: "Entra ID authority host for Graph tokens and for checking the tab's Teams SSO tokens (sovereign clouds, or a local emulator). Default https://login.microsoftonline.com." },
  { name: 'TEAMS_APP_CATALOG_ID', description: "The app's id in the organisation's Teams app catalog (Graph appCatalogs/teamsApps id): campaigns install the app with it. Demo mode takes it from the demo tenant." },
  { name: 'TEAMS_SERVICE_URL', default: 'https://smba.trafficmanager.net/teams/', description: 'Bot Connector endpoint for people the bot has never talked to (campaign invitations); known chats use the serviceUrl Teams gave them.' },
  { name: 'CAMPAIGN_ADMINS_GROUP_ID', description: 'Entra group whose members (direct or nested) may run campaign commands. Without it nobody can. Demo mode takes it from the demo tenant.' },
  { name: 'CAMPAIGN_STRONG_METHODS', default: 'passKeyDeviceBound,passKeyDeviceBoundAuthenticator,passKeyDeviceBoundWindowsHello,passKeySynced,fido2SecurityKey,windowsHelloForBusiness', description: 'Registration-report method names that count as enrolled; people with none of them are targeted.' },
  {
    name: 'ENROLMENT_TIERS',
    description: 'JSON: an ordered list of tiers, each {"id", "groups": [group ids, direct or nested members], "adminRoles": true or [role names] (active or eligible, through groups and PIM too), "rule": {"anyOf": [kinds], "allOf": [kinds], "deviceBound": true|false, "aaguids": [FIDO2 key models allowed], "minimumMethods": n}}; a person gets the first tier they are in, and the last tier (no groups, no roles) is everyone else\'s. Kinds: authenticator-passkey, windows-hello, security-key, device-passkey, synced-passkey. Unset: one tier, any passkey. The same JSON base64-encoded is accepted too (what env/.env.<env> should hold for `atk provision`, where quotes would not survive) (README, "Enrolment tiers").',
  },
  { name: 'CAMPAIGN_BREAK_GLASS_ACCOUNTS', description: 'Comma-separated object ids or user principal names of emergency-access accounts: never targeted. Demo mode adds the demo tenant\'s.' },
  { name: 'CAMPAIGN_EXCLUDED_GROUP_IDS', description: 'Comma-separated group ids whose members (direct or nested) are never targeted.' },
  { name: 'CAMPAIGN_INCLUDED_GROUP_IDS', description: 'Comma-separated group ids: when set, only their members are targeted (pilot waves).' },
  { name: 'CAMPAIGN_FIRST_WAVE_GROUP_ID', description: "An Entra group (e.g. the leadership team) whose members (direct or nested) a campaign invites first, on its first working day; everyone else follows over the campaign's waves, from the next working day. Only people the campaign targets anyway are in it. A campaign keeps the group it started with." },
  { name: 'CAMPAIGN_REMINDER_DAYS', default: '3,7,12', description: 'Days after the invitation on which reminders go out (one at most per day); a last one goes out the working day before the deadline.' },
  { name: 'CAMPAIGN_SNOOZE_DAYS', default: '3', description: 'How many days "Not now" postpones the next reminder.' },
  { name: 'CAMPAIGN_MAX_SNOOZES', default: '2', description: 'How many times a person may snooze; after that the coach asks for a decision (set up now, talk to a person, or say no).' },
  { name: 'WORKING_HOURS', default: '09:00-17:00', description: 'Local hours in which campaign messages may be sent, in each person\'s mailbox time zone.' },
  { name: 'WORKING_DAYS', default: 'mon-fri', description: 'Days on which campaign messages may be sent (e.g. mon-fri, or sun-thu).' },
  { name: 'DEFAULT_TIME_ZONE', default: 'UTC', description: "Time zone (IANA or Windows name) for people whose mailbox settings cannot be read. Demo mode uses the demo tenant's." },
  { name: 'CAMPAIGN_RESPECT_WORKING_HOURS', default: 'true', description: 'false sends campaign messages at any hour and day (the demo and benchmarks use it; keep it on for people).' },
  { name: 'TEAMS_RATE_PER_SECOND', default: '30', description: "Teams' per-tenant limit on bot requests per second that proactive sending plans for." },
  { name: 'GRAPH_INSTALLS_PER_SECOND', default: '30', description: "Graph's limit on Teams app installs per second for the tenant (campaigns install the app for people who lack it)." },
  { name: 'OUTREACH_RESERVE_SHARE', default: '0.035', description: 'Share of the Teams rate campaigns leave free: room for replies to people chatting, and a margin in time so a late send cannot exceed the limit (0 to 0.5).' },
  { name: 'OUTREACH_CONCURRENCY', default: '64', description: "The most campaign messages in flight at once (the sender keeps as many as Teams' rate needs at the time each message takes, up to this); also the most one crash can send twice (1 to 256)." },
  { name: 'CAMPAIGN_TARGETING_LEAD_SECONDS', default: '10', description: 'Targeting pauses between report pages while this many seconds of sending are queued (it shares the process with the sender); 0 never pauses.' },
  { name: 'ESCALATION_GROUP_ID', description: "Entra group that decides a refusal when the manager cannot: no manager, a disabled manager, the person is their own manager, or the manager cannot be reached in Teams. Demo mode takes it from the demo tenant." },
  { name: 'SECURITY_KEY_GROUP_ID', description: 'Entra group (IT) told when a manager offers someone a security key. Demo mode takes it from the demo tenant.' },
  { name: 'ESCALATION_MAX_EXCEPTION_DAYS', default: '90', description: 'Longest exception a manager may grant, in days; the person re-enters the campaign when it ends.' },
  { name: 'ESCALATION_REMINDER_WORKING_DAYS', default: '2', description: 'Working days an undecided refusal waits before the decider is reminded (and between reminders).' },
  { name: 'ESCALATION_REMINDERS_BEFORE_UP', default: '2', description: "Reminders a decider gets before the decision goes up to their own manager." },
  { name: 'MANAGER_VIEW', default: 'individual', description: "What `team` shows a manager: individual (each direct report's state, a Nudge per person) or aggregate (counts per state and one \"nudge everyone not enrolled\", no names), to match a works-council agreement. Never anyone's concerns or words either way." },
  { name: 'MANAGER_NUDGE_DAYS', default: '7', description: 'A manager nudges the same person at most once in this many days (1 to 90); the nudge arrives in that person\'s working hours and language.' },
  { name: 'MANAGER_TEAM_ALL_LIMIT', default: '1000', description: '`team all` shows at most this many people below a manager (10 to 10000), four levels down at most; past either it says it stopped and points to an admin\'s full report. Graph has no transitive form of direct reports, so each level is read manager by manager.' },
  { name: 'LEADERSHIP_GROUP_ID', description: "Entra group (a GUID) whose members (direct or nested) get the weekly leadership digest, may ask for it with `digest`, and see the tab's Leadership view. Without it nobody gets a digest. Demo mode takes it from the demo tenant." },
  { name: 'DIGEST_DAY', default: 'mon', description: 'The day of the week the leadership digest arrives (mon, tue, wed, thu, fri, sat or sun), in each reader\'s own time zone.' },
  { name: 'DIGEST_HOUR', default: '8', description: 'The hour (0 to 23, local) the leadership digest arrives on DIGEST_DAY, in each reader\'s mailbox time zone (DEFAULT_TIME_ZONE when it cannot be read).' },
  { name: 'DIGEST_MIN_DEPARTMENT', default: '5', description: 'Departments with fewer people than this in the campaign (2 to 100) are counted together as "Other" in the digest and the Leadership view, and smaller ones join them until "Other" has this many too, so no figure points at a few people.' },
  { name: 'ESCALATION_TALK_WORKING_DAYS', default: '3', description: 'Working days "I\'ll talk to them" waits before the decider is asked again.' },
  { name: 'HELPDESK_GROUP_ID', description: 'Entra group whose members (direct or nested) may request Temporary Access Passes (`tap request`) and see the "talk to a person" queue. Without it nobody can. Demo mode takes it from the demo tenant.' },
  { name: 'TAP_APPROVERS_GROUP_ID', description: 'Entra group whose members approve pass requests (never their own, never for themselves). Demo mode takes it from the demo tenant.' },
  { name: 'SECURITY_GROUP_ID', description: 'Entra group told of every pass created and alerted on privileged attempts, bursts and "this wasn\'t me"; when privileged passes are allowed, only its members approve them. Demo mode takes it from the demo tenant.' },
  { name: 'TAP_PRIVILEGED_GROUP_IDS', description: 'Comma-separated group ids whose members (direct or nested) count as privileged, besides anyone with an active or eligible admin role and the break-glass accounts.' },
  { name: 'TAP_ALLOW_PRIVILEGED', default: 'false', description: 'true lets a pass be requested for a privileged account, approved only by a member of SECURITY_GROUP_ID. Off: refused, and security is alerted.' },
  { name: 'TAP_REQUEST_MINUTES', default: '30', description: 'Minutes a pass request stays open for confirmation, approval and reveal.' },
  { name: 'TAP_REQUESTS_PER_HOUR', default: '5', description: 'Pass requests one helpdesk agent may make in an hour, refused ones included; more are refused and security is alerted.' },
  { name: 'TAP_BURST_PER_HOUR', default: '20', description: 'Pass requests across the whole helpdesk in an hour above which security is alerted (once an hour).' },
  { name: 'TAP_RECEIVER', default: 'requester', description: 'Who reveals an approved pass: requester (the helpdesk agent) or manager (the target\'s manager).' },
  { name: 'VERIFIED_ID_ENDPOINT', description: "Microsoft Entra Verified ID's Request Service (https://verifiedid.did.msidentity.com): set, pass requests offer the identity check \"Verified ID with Face Check\". Tokens come from the Graph credential (GRAPH_*), whose app needs the Verifiable Credentials Service Request permission; the callback reaches https://<BOT_DOMAIN>/api/verifiedid/callback. Demo mode runs a local emulator instead." },
  { name: 'VERIFIED_ID_AUTHORITY_DID', description: "Your tenant's decentralized identifier (did:web:… or did:ion:…, Verified ID's Organization settings): the verifier, and the only issuer of VerifiedEmployee credentials the check accepts. Required with VERIFIED_ID_ENDPOINT." },
  { name: 'VERIFIED_ID_FACE_MATCH_THRESHOLD', default: '70', description: 'How closely (50 to 100) the face in the camera must match the photo in the VerifiedEmployee credential for Face Check to pass; the coach checks the score again itself.' },
  { name: 'VERIFIED_ID_REQUIRED', default: 'none', description: 'When a verified presentation is needed before a pass can be approved: none, privileged (privileged accounts only) or all. Needs VERIFIED_ID_ENDPOINT (the service refuses to start otherwise).' },
  { name: 'VERIFIED_ID_RECOVERY_URL', description: "Where your tenant's Entra account recovery starts (a fresh credential from an identity-verification partner), for a person whose phone and wallet are lost: the coach offers it to the helpdesk agent. Unset: not offered." },
  { name: 'STORE', default: 'sqlite', description: 'Where state lives: sqlite (one file under DATA_DIR, one instance) or azure-table (Azure Table Storage, for several instances).' },
  { name: 'AZURE_STORAGE_CONNECTION_STRING', description: 'STORE=azure-table: the storage account connection string (or Azurite\'s for local runs). Prefer AZURE_STORAGE_TABLE_URL with a managed identity in Azure.', secret: true },
  { name: 'AZURE_STORAGE_TABLE_URL', description: 'STORE=azure-table: the account\'s table endpoint (https://<account>.table.core.windows.net), reached with the App Service\'s managed identity (STORAGE_CLIENT_ID selects a user-assigned one).' },
  { name: 'STORAGE_CLIENT_ID', description: 'STORE=azure-table with AZURE_STORAGE_TABLE_URL: client id of a user-assigned managed identity (default: the system-assigned one).' },
  { name: 'AZURE_STORAGE_TABLE_NAME', default: 'passkeycoach', description: 'STORE=azure-table: the table (created at start-up when missing).' },
  { name: 'START_FRESH', description: 'Only after the service refused to start because its store was lost or replaced: the code that refusal names, to start on the store as it is on purpose (an empty one, or another). It accepts that one loss only, so it does no harm left set.' },
  { name: 'INSTANCE_ID', description: 'Stable name of this instance for leases (a restarted instance resumes its own work at once). Defaults to WEBSITE_INSTANCE_ID, else host name and process id.' },
  { name: 'DEMO_CAMPAIGN', default: 'false', description: 'Demo mode: start a campaign over the demo tenant at launch (`npm run demo` turns it on).' },
  { name: 'BOT_OPENID_METADATA_URL', description: 'OpenID metadata of the Bot Connector service (sovereign clouds and tests; set with the other BOT_* endpoint keys or none).' },
  { name: 'BOT_TOKEN_ISSUER', description: 'Issuer of Bot Connector tokens (with the other BOT_* endpoint keys).' },
  { name: 'BOT_EMULATOR_OPENID_METADATA_URL', description: 'OpenID metadata for Entra-issued tokens to the bot (with the other BOT_* endpoint keys).' },
  { name: 'BOT_LOGIN_URL', description: 'Login URL for outbound bot tokens (with the other BOT_* endpoint keys).' },
  { name: 'BOT_OAUTH_SCOPE', description: 'Scope of outbound bot tokens (with the other BOT_* endpoint keys).' },
  { name: 'BOT_OAUTH_URL', description: 'Bot Framework token service URL (with the other BOT_* endpoint keys).' },
  { name: 'BOT_VALIDATE_AUTHORITY', default: 'true', description: 'Whether MSAL validates the login authority; false only for a local token service.' },
];

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const boolText = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ['true', 'false', '1', '0', 'yes', 'no', ''].includes(value), 'must be true or false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const urlText = z.string().trim().url('must be an absolute URL');

const guidish = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F-]{36}$|^[A-Za-z0-9._-]{1,128}$/, 'must be an id such as a GUID');

/** Raw environment → typed settings. Cross-field rules live in load-config.ts. */
export const envSchema = z.object({
  BOT_ID: z
    .string()
    .trim()
    .default('')
    .refine((id) => id === '' || isGuid(id), "must be empty (demo mode) or the bot's Microsoft app id, a GUID such as 9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11"),
  BOT_PASSWORD: optionalText,
  BOT_TYPE: z.enum(BOT_TYPES, { errorMap: () => ({ message: `must be one of ${BOT_TYPES.join(', ')}` }) }).optional(),
  BOT_TENANT_ID: optionalText.pipe(guidish.optional()),
  ALLOWED_TENANT_IDS: optionalText,
  BOT_DOMAIN: optionalText,
  ORGANISATION_NAME: optionalText.pipe(z.string().max(80, 'must be at most 80 characters').optional()),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: optionalText,
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText,
  TELEMETRY_EXPORTER: z.enum(TELEMETRY_EXPORTERS).default('auto'),
  CATALOG_DIR: optionalText,
  PRIVACY_PAGE_FILE: optionalText,
  TERMS_PAGE_FILE: optionalText,
  ROLLOUT_REASON: optionalText.pipe(z.string().max(200, 'must be at most 200 characters').optional()),
  ROLLOUT_DEADLINE: optionalText.pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD').optional()),
  OBJECTION_CONFIDENCE_THRESHOLD: z.coerce.number().gt(0).lt(1).default(0.25),
  STORE_OBJECTION_TEXT: boolText.default('false'),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  ERASE_AFTER_DISABLED_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  AUDIT_HMAC_KEY: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  AUDIT_HMAC_KEY_ID: z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, 'letters, digits, . _ - only').default('k1'),
  AUDIT_PREVIOUS_KEYS: optionalText,
  AUDIT_ANCHOR_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  AUDIT_ANCHOR_FILE: optionalText,
  AUDIT_ANCHOR_BLOB_URL: optionalText.pipe(urlText.optional()),
  AUDIT_ANCHOR_CONNECTION_STRING: optionalText,
  AUDIT_ANCHOR_CONTAINER: z.string().trim().regex(/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, '3 to 63 lower-case letters, digits and single hyphens').default('audit-anchors'),
  AUDIT_ANCHOR_CLIENT_ID: optionalText,
  GRAPH_BASE_URL: urlText.default('https://graph.microsoft.com'),
  GRAPH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(30),
  GRAPH_TENANT_ID: optionalText,
  GRAPH_CLIENT_ID: optionalText,
  GRAPH_CLIENT_SECRET: optionalText,
  GRAPH_CERTIFICATE_PATH: optionalText,
  GRAPH_USE_MANAGED_IDENTITY: boolText.default('false'),
  DEMO_TENANT_FILE: z.string().trim().min(1).default('demo/tenant.json'),
  DEMO_GRAPH_CA_FILE: optionalText,
  AZURE_AUTHORITY_HOST: optionalText.pipe(urlText.optional()),
  TEAMS_APP_CATALOG_ID: optionalText,
  TEAMS_SERVICE_URL: urlText.default('https://smba.trafficmanager.net/teams/'),
  CAMPAIGN_ADMINS_GROUP_ID: optionalText,
  CAMPAIGN_STRONG_METHODS: z.string().trim().min(1).default('passKeyDeviceBound,passKeyDeviceBoundAuthenticator,passKeyDeviceBoundWindowsHello,passKeySynced,fido2SecurityKey,windowsHelloForBusiness'),
  ENROLMENT_TIERS: optionalText,
  CAMPAIGN_BREAK_GLASS_ACCOUNTS: optionalText,
  CAMPAIGN_EXCLUDED_GROUP_IDS: optionalText,
  CAMPAIGN_INCLUDED_GROUP_IDS: optionalText,
  CAMPAIGN_FIRST_WAVE_GROUP_ID: optionalText.pipe(z.string().refine(isGuid, 'must be a group\'s object id, a GUID such as 9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11').optional()),
  CAMPAIGN_REMINDER_DAYS: z.string().trim().regex(/^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$|^$/, 'must be day numbers separated by commas, e.g. 3,7,12').default('3,7,12'),
  CAMPAIGN_SNOOZE_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  CAMPAIGN_MAX_SNOOZES: z.coerce.number().int().min(0).max(10).default(2),
  WORKING_HOURS: z.string().trim().default('09:00-17:00'),
  WORKING_DAYS: z.string().trim().default('mon-fri'),
  DEFAULT_TIME_ZONE: z.string().trim().min(1).default('UTC'),
  CAMPAIGN_RESPECT_WORKING_HOURS: boolText.default('true'),
  TEAMS_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
  GRAPH_INSTALLS_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
  OUTREACH_RESERVE_SHARE: z.coerce.number().min(0).max(0.5).default(0.035),
  OUTREACH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
  CAMPAIGN_TARGETING_LEAD_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  ESCALATION_GROUP_ID: optionalText,
  SECURITY_KEY_GROUP_ID: optionalText,
  ESCALATION_MAX_EXCEPTION_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  ESCALATION_REMINDER_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(2),
  ESCALATION_REMINDERS_BEFORE_UP: z.coerce.number().int().min(0).max(10).default(2),
  MANAGER_VIEW: z.enum(['individual', 'aggregate']).default('individual'),
  MANAGER_NUDGE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  MANAGER_TEAM_ALL_LIMIT: z.coerce.number().int().min(10).max(10_000).default(1000),
  LEADERSHIP_GROUP_ID: optionalText.pipe(z.string().refine(isGuid, "must be the group's object id, a GUID such as 9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11").optional()),
  DIGEST_DAY: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(DIGEST_DAYS, { errorMap: () => ({ message: `must be one of ${DIGEST_DAYS.join(', ')}` }) }))
    .default('mon'),
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  DIGEST_MIN_DEPARTMENT: z.coerce.number().int().min(2).max(100).default(5),
  ESCALATION_TALK_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  HELPDESK_GROUP_ID: optionalText,
  TAP_APPROVERS_GROUP_ID: optionalText,
  SECURITY_GROUP_ID: optionalText,
  TAP_PRIVILEGED_GROUP_IDS: optionalText,
  TAP_ALLOW_PRIVILEGED: boolText.default('false'),
  TAP_REQUEST_MINUTES: z.coerce.number().int().min(5).max(1440).default(30),
  TAP_REQUESTS_PER_HOUR: z.coerce.number().int().min(1).max(100).default(5),
  TAP_BURST_PER_HOUR: z.coerce.number().int().min(1).max(10000).default(20),
  TAP_RECEIVER: z.enum(['requester', 'manager']).default('requester'),
  VERIFIED_ID_ENDPOINT: optionalText.pipe(urlText.optional()),
  VERIFIED_ID_AUTHORITY_DID: optionalText.pipe(z.string().regex(/^did:(web|ion):[A-Za-z0-9._:%-]+$/, 'must be a decentralized identifier such as did:web:verifiedid.contoso.com').optional()),
  VERIFIED_ID_FACE_MATCH_THRESHOLD: z.coerce.number().int().min(50).max(100).default(70),
  VERIFIED_ID_REQUIRED: z.enum(['none', 'privileged', 'all']).default('none'),
  VERIFIED_ID_RECOVERY_URL: optionalText.pipe(urlText.optional()),
  STORE: z.enum(['sqlite', 'azure-table']).default('sqlite'),
  AZURE_STORAGE_CONNECTION_STRING: optionalText,
  AZURE_STORAGE_TABLE_URL: optionalText.pipe(urlText.optional()),
  STORAGE_CLIENT_ID: optionalText,
  AZURE_STORAGE_TABLE_NAME: z.string().trim().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, '3 to 63 letters and digits, starting with a letter').default('passkeycoach'),
  START_FRESH: optionalText.pipe(z.string().max(100).optional()),
  INSTANCE_ID: optionalText.pipe(z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - only').optional()),
  DEMO_CAMPAIGN: boolText.default('false'),
  BOT_OPENID_METADATA_URL: optionalText.pipe(urlText.optional()),
  BOT_TOKEN_ISSUER: optionalText,
  BOT_EMULATOR_OPENID_METADATA_URL: optionalText.pipe(urlText.optional()),
  BOT_LOGIN_URL: optionalText.pipe(urlText.optional()),
  BOT_OAUTH_SCOPE: optionalText,
  BOT_OAUTH_URL: optionalText.pipe(urlText.optional()),
  BOT_VALIDATE_AUTHORITY: boolText.default('true'),
});

export type EnvSettings = z.infer<typeof envSchema>;
