// What `atk provision` gives the web app, read from infra/azure.bicep as an Azure engineer would: every setting the
// service needs in production is set or has the service's own default, every secret is a Key Vault reference to a
// secret the template creates, the site is locked down, and the settings as written start the real configuration
// loader in production mode. No Bicep compiler runs here; the template is read as text, in the shapes it is written in.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const bicep = readFileSync(path.join(root, 'infra', 'azure.bicep'), 'utf8');
const parameterFile = JSON.parse(readFileSync(path.join(root, 'infra', 'azure.parameters.json'), 'utf8')) as { parameters: Record<string, { value: string | number }> };
const devEnv = readFileSync(path.join(root, 'env', '.env.dev'), 'utf8');

/** Keys App Service leaves to the service's environment or defaults on purpose, each with the reason. */
const NOT_SET_ON_APP_SERVICE: Record<string, string> = {
  ALLOWED_TENANT_IDS: 'single-tenant: BOT_TENANT_ID is the allowed tenant',
  HOST: 'App Service routes to 0.0.0.0, the production default',
  PORT: 'App Service sets PORT itself',
  CATALOG_DIR: "an admin's own catalog is optional",
  PRIVACY_PAGE_FILE: "optional: the coach serves its own notice; an organisation's page ships inside the package",
  TERMS_PAGE_FILE: "optional: the coach serves its own terms",
  ROLLOUT_REASON: 'optional wording; unset, each language says its own reason',
  AUDIT_PREVIOUS_KEYS: 'set only after a rotation (rotationSettings)',
  AUDIT_ANCHOR_FILE: 'defaults beside DATA_DIR',
  AUDIT_ANCHOR_CONNECTION_STRING: 'a key; the managed identity reaches the anchors instead',
  AZURE_STORAGE_CONNECTION_STRING: 'a key; the managed identity reaches the tables instead',
  GRAPH_TENANT_ID: 'defaults to BOT_TENANT_ID',
  GRAPH_CLIENT_SECRET: 'a secret; the managed identity gets Graph tokens instead',
  GRAPH_CERTIFICATE_PATH: 'a credential file; the managed identity gets Graph tokens instead',
  AZURE_AUTHORITY_HOST: 'the public cloud by default',
  DEMO_GRAPH_CA_FILE: 'demo mode only',
  START_FRESH: 'set by hand, once, after a refusal to start that names it',
  INSTANCE_ID: "App Service's WEBSITE_INSTANCE_ID",
  ...Object.fromEntries(['BOT_OPENID_METADATA_URL', 'BOT_TOKEN_ISSUER', 'BOT_EMULATOR_OPENID_METADATA_URL', 'BOT_LOGIN_URL', 'BOT_OAUTH_SCOPE', 'BOT_OAUTH_URL'].map((name) => [name, 'sovereign clouds and tests only'])),
};
/** App Service's own settings (not the service's). */
const PLATFORM_SETTINGS = new Set(['WEBSITE_RUN_FROM_PACKAGE', 'SCM_DO_BUILD_DURING_DEPLOYMENT']);
/** Settings a library reads from the environment itself, outside the configuration schema. */
const LIBRARY_SETTINGS = new Set(['APPLICATIONINSIGHTS_CONNECTION_STRING']); // @azure/monitor-opentelemetry

interface Param {
  name: string;
  type: string;
  secure: boolean;
  default?: string;
}

function params(): Map<string, Param> {
  const found = new Map<string, Param>();
  const pattern = /((?:@[^\n]*\n)*)param (\w+) (\w+)(?: = '((?:[^'\\]|\\.)*)'| = (\d+))?/g;
  for (const match of bicep.matchAll(pattern)) {
    const [, decorators = '', name = '', type = '', text, number] = match;
    found.set(name, { name, type, secure: decorators.includes('@secure()'), default: text ?? number });
  }
  return found;
}

/** Every `{ name: 'X' value: … }` pair: the app settings, in whichever array they are written. */
function appSettings(): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of bicep.matchAll(/\{\s*name: '([A-Z][A-Z0-9_]*)'\s*\n\s*value: ([^\n]+)\n\s*\}/g)) found.set(match[1]!, match[2]!.replace(/\s*\/\/.*$/, '').trim());
  return found;
}

const settings = appSettings();
const declared = params();
const schema = new Map(CONFIG_KEYS.map((key) => [key.name, key]));

describe('the web app the Bicep provisions', () => {
  it('sets every key the service needs in production, or leaves it to a default, on purpose', () => {
    const missing = CONFIG_KEYS.filter((key) => !settings.has(key.name) && key.default === undefined && !(key.name in NOT_SET_ON_APP_SERVICE)).map((key) => key.name);
    expect(missing).toEqual([]);
    // The list of exceptions names only real keys, and none the template sets after all.
    for (const name of Object.keys(NOT_SET_ON_APP_SERVICE)) expect(schema.has(name), name).toBe(true);
    for (const name of Object.keys(NOT_SET_ON_APP_SERVICE)) if (name !== 'AUDIT_PREVIOUS_KEYS') expect(settings.has(name), name).toBe(false);
  });

  it('sets nothing the service does not read', () => {
    const unknown = [...settings.keys()].filter((name) => !schema.has(name) && !PLATFORM_SETTINGS.has(name) && !LIBRARY_SETTINGS.has(name));
    expect(unknown).toEqual([]);
  });

  it("starts each setting fed by a parameter at the service's own default, in the template and in env/.env.dev", () => {
    const envValues = new Map([...devEnv.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!.trim()]));
    let compared = 0;
    for (const [name, value] of settings) {
      const param = declared.get(value);
      const key = schema.get(name);
      if (!param || param.default === undefined || key?.default === undefined) continue;
      expect(param.default, `${name} (param ${param.name})`).toBe(key.default);
      // The Toolkit passes the env file's value, empty or not: an empty line would replace the default with nothing.
      const fed = /^\$\{\{([A-Z0-9_]+)\}\}$/.exec(String(parameterFile.parameters[param.name]?.value ?? ''));
      if (fed) expect(envValues.get(fed[1]!), `${fed[1]} in env/.env.dev`).toBe(key.default);
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  it('puts every secret in Key Vault and references it from the settings, never its value', () => {
    expect(bicep).toMatch(/var secretReference = '@Microsoft\.KeyVault\(SecretUri=\$\{keyVault\.properties\.vaultUri\}secrets\/'/);
    const created = new Set([...bicep.matchAll(/resource \w+ 'Microsoft\.KeyVault\/vaults\/secrets@[^']+' = (?:if [^{]*)?\{\s*parent: keyVault\s*name: '([a-z0-9-]+)'/g)].map((match) => match[1]));
    const secrets = CONFIG_KEYS.filter((key) => key.secret && settings.has(key.name));
    expect(secrets.map((key) => key.name).sort()).toEqual(['AUDIT_HMAC_KEY', 'AUDIT_PREVIOUS_KEYS', 'BOT_PASSWORD']);
    for (const key of secrets) {
      const reference = /^'\$\{secretReference\}([a-z0-9-]+)\/\)'$/.exec(settings.get(key.name)!);
      expect(reference, key.name).not.toBeNull();
      expect(created.has(reference![1]!), `${key.name} → secret ${reference![1]}`).toBe(true);
    }
    // A secure parameter goes into a vault secret and nowhere else.
    for (const param of [...declared.values()].filter((p) => p.secure)) {
      const uses = [...bicep.matchAll(new RegExp(`\\b${param.name}\\b`, 'g'))].length;
      const asSecret = [...bicep.matchAll(new RegExp(`value: ${param.name}\\n`, 'g'))].length;
      const asCondition = [...bicep.matchAll(new RegExp(`empty\\(${param.name}\\)`, 'g'))].length;
      expect(uses - 1, param.name).toBe(asSecret + asCondition);
      expect(asSecret, param.name).toBe(1);
    }
  });

  it('lets only its own identity read the secrets, and resolves the references with it', () => {
    expect(bicep).toMatch(/enableRbacAuthorization: true/);
    expect(bicep).toMatch(/keyVaultReferenceIdentity: identity\.id/);
    expect(bicep).toMatch(/var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'/);
    expect(bicep).toMatch(/resource secretsAccess [^\n]+\n\s*name: [^\n]+\n\s*scope: keyVault\n\s*properties: \{\n\s*roleDefinitionId: [^\n]*keyVaultSecretsUser\)\n\s*principalId: identity\.properties\.principalId/);
    expect(bicep).toMatch(/type: 'UserAssigned'/);
    expect(bicep).not.toMatch(/SystemAssigned/);
  });

  it('uses the managed identity for Graph, the tables and the anchors, with no key in any setting', () => {
    expect(settings.get('GRAPH_USE_MANAGED_IDENTITY')).toBe("'true'");
    for (const name of ['GRAPH_CLIENT_ID', 'STORAGE_CLIENT_ID', 'AUDIT_ANCHOR_CLIENT_ID']) expect(settings.get(name), name).toBe('identity.properties.clientId');
    expect(settings.get('STORE')).toBe("'azure-table'");
    expect(bicep).toMatch(/allowSharedKeyAccess: false/);
  });

  it('serves HTTPS only with TLS 1.2, always on, health-checked on /readyz, running the uploaded package without building', () => {
    expect(bicep).toMatch(/httpsOnly: true/);
    expect(bicep).toMatch(/minTlsVersion: '1\.2'/);
    expect(bicep).toMatch(/alwaysOn: true/);
    expect(bicep).toMatch(/healthCheckPath: '\/readyz'/);
    expect(settings.get('WEBSITE_RUN_FROM_PACKAGE')).toBe("'1'");
    expect(settings.get('SCM_DO_BUILD_DURING_DEPLOYMENT')).toBe("'false'");
  });

  it('takes every parameter without a default from the Toolkit\'s env files', () => {
    const supplied = parameterFile.parameters;
    for (const param of declared.values()) {
      if (param.default === undefined && param.name !== 'location') expect(supplied[param.name], param.name).toBeDefined();
    }
    for (const name of Object.keys(supplied)) expect(declared.has(name), name).toBe(true);
    const envKeys = new Set([...devEnv.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    for (const { value } of Object.values(supplied)) {
      for (const match of String(value).matchAll(/\$\{\{([A-Z0-9_]+)\}\}/g)) {
        // Secrets come from env/.env.dev.user (git-ignored); everything else is listed in env/.env.dev.
        expect(match[1]!.startsWith('SECRET_') || envKeys.has(match[1]!), match[1]).toBe(true);
      }
    }
  });

  it('starts the real configuration in production mode from those settings, as App Service resolves them', () => {
    const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const sample: Record<string, string> = {
      botAadAppClientId: guid(1),
      botTenantId: guid(2),
      'identity.properties.clientId': guid(3),
      'storage.properties.primaryEndpoints.table': 'https://coachstate.table.core.windows.net/',
      'anchorStorage.properties.primaryEndpoints.blob': 'https://coachanchors.blob.core.windows.net/',
      anchorContainerName: 'audit-anchors',
      webAppDomain: 'coach.azurewebsites.net',
    };
    const vault: Record<string, string> = { 'bot-password': 'resolved-bot-password', 'audit-hmac-key': 'k'.repeat(48) };
    const env: Record<string, string> = {};
    for (const [name, value] of settings) {
      if (PLATFORM_SETTINGS.has(name) || LIBRARY_SETTINGS.has(name) || name === 'AUDIT_PREVIOUS_KEYS') continue;
      const literal = /^'([^'$]*)'$/.exec(value);
      const reference = /^'\$\{secretReference\}([a-z0-9-]+)\/\)'$/.exec(value);
      const param = declared.get(value);
      const resolved = literal ? literal[1] : reference ? vault[reference[1]!] : param ? (param.default ?? sample[value]) : sample[value];
      expect(resolved, `${name} = ${value}`).toBeDefined();
      env[name] = resolved!;
    }
    // The groups an organisation fills in, as ids.
    for (const name of ['CAMPAIGN_ADMINS_GROUP_ID', 'HELPDESK_GROUP_ID', 'TAP_APPROVERS_GROUP_ID', 'SECURITY_GROUP_ID', 'ESCALATION_GROUP_ID', 'SECURITY_KEY_GROUP_ID']) env[name] = guid(10 + name.length);
    const config = loadConfig(env);
    expect(config.mode).toBe('production');
    expect(config.store).toMatchObject({ kind: 'azure-table', managedIdentityClientId: guid(3) });
    expect(JSON.stringify(config)).toContain('managed-identity');
  });
});
