// Every configuration key Passkey Coach reads, with its default and meaning: the single source for
// start-up validation and for the README's configuration table.

import { z } from 'zod';
import { LOG_LEVELS } from '../logging/logger.js';

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
  { name: 'BOT_DOMAIN', description: 'Public host name of the bot (used in the app package and links).' },
  { name: 'ORGANISATION_NAME', default: 'your organisation', description: 'How the coach names the organisation in what it says ("sign in to Contoso").' },
  { name: 'PORT', default: '3978', description: 'TCP port of the HTTP endpoint.' },
  { name: 'HOST', description: 'Interface to listen on. Defaults to 0.0.0.0 with authentication on; demo mode always uses 127.0.0.1.' },
  { name: 'DATA_DIR', default: './.data', description: 'Folder for the SQLite database and other local state.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'trace, debug, info, warn, error, fatal or silent.' },
  { name: 'CATALOG_DIR', description: "A folder of objection-catalog JSON files that replace (same id) or extend the shipped catalog/en/ entries." },
  { name: 'OBJECTION_CONFIDENCE_THRESHOLD', default: '0.25', description: 'How sure the intent matcher must be before answering a concern; below it the coach says what it can help with and offers a person.' },
  { name: 'STORE_OBJECTION_TEXT', default: 'false', description: "Whether the coach keeps people's own words with each objection. Off: only the topic (intent) and time are kept." },
  { name: 'RETENTION_DAYS', default: '180', description: 'Days the coach keeps objection records before deleting them.' },
  { name: 'AUDIT_HMAC_KEY', description: 'Key (32+ characters) that signs the audit chain. Required outside demo mode; keep it outside the database.', secret: true },
  { name: 'AUDIT_HMAC_KEY_ID', default: 'k1', description: 'Name of the current audit key, recorded in every entry so keys can be rotated.' },
  { name: 'AUDIT_PREVIOUS_KEYS', description: 'Earlier audit keys as id=key pairs separated by commas, so entries signed before a rotation still verify.', secret: true },
  { name: 'GRAPH_BASE_URL', default: 'https://graph.microsoft.com', description: 'Microsoft Graph root (a local Graph emulator in demo mode and tests).' },
  { name: 'GRAPH_TENANT_ID', description: 'Tenant for Graph application tokens. Defaults to BOT_TENANT_ID.' },
  { name: 'GRAPH_CLIENT_ID', description: 'App (client) id used for Graph. Defaults to BOT_ID.' },
  { name: 'GRAPH_CLIENT_SECRET', description: 'Client secret for Graph (client-secret credential).', secret: true },
  { name: 'GRAPH_CERTIFICATE_PATH', description: 'PEM file with certificate and private key for Graph (certificate credential).' },
  { name: 'GRAPH_USE_MANAGED_IDENTITY', default: 'false', description: "true to get Graph tokens from the App Service's managed identity (GRAPH_CLIENT_ID selects a user-assigned one)." },
  { name: 'DEMO_TENANT_FILE', default: 'demo/tenant.json', description: 'Demo mode: the seed of the local tenant the Graph emulator serves (see docs/demo-tenant.md). Ignored when GRAPH_BASE_URL is set.' },
  { name: 'AZURE_AUTHORITY_HOST', description: 'Entra ID authority host for Graph tokens (sovereign clouds, or a local emulator).' },
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
  BOT_ID: z.string().trim().default(''),
  BOT_PASSWORD: optionalText,
  BOT_TYPE: z.enum(BOT_TYPES, { errorMap: () => ({ message: `must be one of ${BOT_TYPES.join(', ')}` }) }).optional(),
  BOT_TENANT_ID: optionalText.pipe(guidish.optional()),
  ALLOWED_TENANT_IDS: optionalText,
  BOT_DOMAIN: optionalText,
  ORGANISATION_NAME: z.string().trim().min(1).max(80).default('your organisation'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: optionalText,
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  CATALOG_DIR: optionalText,
  OBJECTION_CONFIDENCE_THRESHOLD: z.coerce.number().gt(0).lt(1).default(0.25),
  STORE_OBJECTION_TEXT: boolText.default('false'),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  AUDIT_HMAC_KEY: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  AUDIT_HMAC_KEY_ID: z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, 'letters, digits, . _ - only').default('k1'),
  AUDIT_PREVIOUS_KEYS: optionalText,
  GRAPH_BASE_URL: urlText.default('https://graph.microsoft.com'),
  GRAPH_TENANT_ID: optionalText,
  GRAPH_CLIENT_ID: optionalText,
  GRAPH_CLIENT_SECRET: optionalText,
  GRAPH_CERTIFICATE_PATH: optionalText,
  GRAPH_USE_MANAGED_IDENTITY: boolText.default('false'),
  DEMO_TENANT_FILE: z.string().trim().min(1).default('demo/tenant.json'),
  AZURE_AUTHORITY_HOST: optionalText.pipe(urlText.optional()),
  BOT_OPENID_METADATA_URL: optionalText.pipe(urlText.optional()),
  BOT_TOKEN_ISSUER: optionalText,
  BOT_EMULATOR_OPENID_METADATA_URL: optionalText.pipe(urlText.optional()),
  BOT_LOGIN_URL: optionalText.pipe(urlText.optional()),
  BOT_OAUTH_SCOPE: optionalText,
  BOT_OAUTH_URL: optionalText.pipe(urlText.optional()),
  BOT_VALIDATE_AUTHORITY: boolText.default('true'),
});

export type EnvSettings = z.infer<typeof envSchema>;
