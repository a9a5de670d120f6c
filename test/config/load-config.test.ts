// Start-up configuration: what is accepted, what refuses to start, and that the message names what to set.

import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, envSchema } from '../../src/config/config-schema.js';
import { configSecrets, loadConfig } from '../../src/config/load-config.js';
import { AppError } from '../../src/errors/app-error.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const KEY = 'k'.repeat(40);
const production = { BOT_ID: '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11', BOT_PASSWORD: 'pw-1234567890', BOT_TENANT_ID: TENANT, AUDIT_HMAC_KEY: KEY };

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('config.invalid');
    return (error as AppError).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('demo mode', () => {
  it('is what an empty environment gives: auth off, loopback, demo audit key', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('demo');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3978 });
    expect(config.audit.isDemoKey).toBe(true);
    expect(config.dataDir).toBe('./.data');
  });

  it('refuses to listen on anything but loopback', () => {
    expect(refusal({ HOST: '0.0.0.0' })).toContain('HOST');
  });

  it.each([
    ['GRAPH_CLIENT_SECRET', { GRAPH_CLIENT_SECRET: 'real-secret-value' }],
    ['GRAPH_CERTIFICATE_PATH', { GRAPH_CERTIFICATE_PATH: '/etc/cert.pem' }],
    ['GRAPH_USE_MANAGED_IDENTITY', { GRAPH_USE_MANAGED_IDENTITY: 'true' }],
    ['GRAPH_BASE_URL', { GRAPH_BASE_URL: 'https://graph.microsoft.com' }],
  ])('refuses real Graph settings (%s)', (name, env) => {
    expect(refusal(env)).toContain(name);
  });

  it('accepts a loopback Graph emulator', () => {
    expect(loadConfig({ GRAPH_BASE_URL: 'http://127.0.0.1:4000' }).graph.baseUrl).toBe('http://127.0.0.1:4000');
  });

  it.each(['BOT_PASSWORD', 'BOT_TENANT_ID', 'ALLOWED_TENANT_IDS', 'BOT_TYPE'])('is not entered by accident when %s is set without BOT_ID', (name) => {
    const value = name === 'BOT_TYPE' ? 'SingleTenant' : name === 'BOT_PASSWORD' ? 'secret-123456' : TENANT;
    expect(refusal({ [name]: value })).toContain(name);
  });
});

describe('refuses to start on inconsistent authentication settings', () => {
  it('SingleTenant without BOT_TENANT_ID', () => {
    expect(refusal({ ...production, BOT_TENANT_ID: '' })).toMatch(/SingleTenant needs BOT_TENANT_ID/);
  });

  it('SingleTenant (the default type) without BOT_PASSWORD', () => {
    expect(refusal({ ...production, BOT_PASSWORD: '' })).toMatch(/SingleTenant needs BOT_PASSWORD/);
  });

  it('MultiTenant without BOT_PASSWORD', () => {
    expect(refusal({ ...production, BOT_TYPE: 'MultiTenant', BOT_PASSWORD: '' })).toMatch(/MultiTenant needs BOT_PASSWORD/);
  });

  it('MultiTenant with no tenant to serve', () => {
    expect(refusal({ ...production, BOT_TYPE: 'MultiTenant', BOT_TENANT_ID: '' })).toMatch(/ALLOWED_TENANT_IDS/);
  });

  it('UserAssignedMsi without a client id (BOT_ID)', () => {
    expect(refusal({ BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT, AUDIT_HMAC_KEY: KEY })).toMatch(/UserAssignedMsi.*BOT_ID/);
  });

  it('UserAssignedMsi without BOT_TENANT_ID', () => {
    expect(refusal({ BOT_ID: production.BOT_ID, BOT_TYPE: 'UserAssignedMsi', AUDIT_HMAC_KEY: KEY })).toMatch(/UserAssignedMsi needs BOT_TENANT_ID/);
  });

  it('UserAssignedMsi with a password', () => {
    expect(refusal({ ...production, BOT_TYPE: 'UserAssignedMsi' })).toMatch(/unset BOT_PASSWORD/);
  });

  it('an unknown BOT_TYPE', () => {
    expect(refusal({ ...production, BOT_TYPE: 'Anonymous' })).toMatch(/BOT_TYPE/);
  });

  it('refuses a Key Vault reference App Service could not resolve, names the setting and never the reference', () => {
    const reference = '@Microsoft.KeyVault(SecretUri=https://coach-kv.vault.azure.net/secrets/bot-password/)';
    const message = refusal({ ...production, BOT_PASSWORD: reference, AUDIT_HMAC_KEY: ` ${reference.replace('bot-password', 'audit-hmac-key')}` });
    expect(message).toMatch(/BOT_PASSWORD is a Key Vault reference App Service could not resolve/);
    expect(message).toMatch(/AUDIT_HMAC_KEY is a Key Vault reference/);
    expect(message).toMatch(/Key Vault Secrets User/);
    expect(message).not.toContain('coach-kv');
  });

  it('no audit key outside demo mode', () => {
    expect(refusal({ ...production, AUDIT_HMAC_KEY: '' })).toMatch(/AUDIT_HMAC_KEY is required/);
  });

  it('a short audit key', () => {
    expect(refusal({ ...production, AUDIT_HMAC_KEY: 'short' })).toMatch(/AUDIT_HMAC_KEY.*32/);
  });

  it('a partial set of Bot Framework endpoint overrides', () => {
    const message = refusal({ ...production, BOT_OPENID_METADATA_URL: 'http://127.0.0.1:1/.well-known/openid-configuration' });
    expect(message).toContain('BOT_TOKEN_ISSUER');
    expect(message).toContain('BOT_OAUTH_URL');
  });

  it('BOT_VALIDATE_AUTHORITY=false without a local token service', () => {
    expect(refusal({ ...production, BOT_VALIDATE_AUTHORITY: 'false' })).toMatch(/BOT_VALIDATE_AUTHORITY/);
  });

  it('two Graph credentials at once', () => {
    expect(refusal({ ...production, GRAPH_CLIENT_SECRET: 'x-secret-123', GRAPH_USE_MANAGED_IDENTITY: 'true' })).toMatch(/Choose one Graph credential/);
  });

  it('two audit keys with one id', () => {
    expect(refusal({ ...production, AUDIT_PREVIOUS_KEYS: `k1=${'o'.repeat(32)}` })).toMatch(/Audit key id k1 is used twice/);
  });

  it('lists every problem at once, not just the first', () => {
    const message = refusal({ BOT_ID: production.BOT_ID });
    expect(message).toContain('BOT_TENANT_ID');
    expect(message).toContain('BOT_PASSWORD');
    expect(message).toContain('AUDIT_HMAC_KEY');
  });
});

describe('a complete production configuration', () => {
  it('defaults to SingleTenant on all interfaces and serves the bot tenant only', () => {
    const config = loadConfig(production);
    expect(config.mode).toBe('production');
    expect(config.bot.type).toBe('SingleTenant');
    expect(config.bot.allowedTenantIds).toEqual([TENANT]);
    expect(config.http.host).toBe('0.0.0.0');
  });

  it('compares tenant ids without regard to case', () => {
    expect(loadConfig({ ...production, BOT_TENANT_ID: TENANT.toUpperCase() }).bot.allowedTenantIds).toEqual([TENANT]);
  });

  it('takes ALLOWED_TENANT_IDS as a comma-separated list', () => {
    const config = loadConfig({ ...production, ALLOWED_TENANT_IDS: ` ${TENANT}, 11111111-2222-4333-8444-555555555555 ,` });
    expect(config.bot.allowedTenantIds).toEqual([TENANT, '11111111-2222-4333-8444-555555555555']);
  });

  it('accepts UserAssignedMsi with a client id and tenant, and no password', () => {
    const config = loadConfig({ BOT_ID: production.BOT_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT, AUDIT_HMAC_KEY: KEY });
    expect(config.bot.type).toBe('UserAssignedMsi');
    expect(config.bot.password).toBeUndefined();
  });

  it('keeps earlier audit keys for verification after a rotation', () => {
    const config = loadConfig({ ...production, AUDIT_HMAC_KEY_ID: 'k2', AUDIT_PREVIOUS_KEYS: `k1=${'o'.repeat(32)}` });
    expect(config.audit.keyId).toBe('k2');
    expect([...config.audit.keys.keys()].sort()).toEqual(['k1', 'k2']);
  });

  it('reports every secret so the log redactor can scrub it', () => {
    const config = loadConfig({ ...production, GRAPH_CLIENT_SECRET: 'graph-secret-value' });
    expect(configSecrets(config)).toEqual(expect.arrayContaining([production.BOT_PASSWORD, KEY, 'graph-secret-value']));
  });
});

describe('the documented keys', () => {
  it('are exactly the keys the schema reads', () => {
    expect(CONFIG_KEYS.map((key) => key.name).sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('document the defaults the schema applies', () => {
    const defaults = envSchema.parse({}) as Record<string, unknown>;
    // BOT_TYPE's default is applied after parsing, because demo mode must tell "unset" from "SingleTenant".
    defaults.BOT_TYPE = loadConfig(production).bot.type;
    for (const key of CONFIG_KEYS) {
      if (key.default === undefined) expect(defaults[key.name], key.name).toBeUndefined();
      else expect(String(defaults[key.name]), key.name).toBe(key.default);
    }
  });
});

describe('says what a value must be', () => {
  it('in words, not the parser\'s', () => {
    expect(refusal({ PORT: 'abc' })).toContain('PORT: must be a number (it is "abc")');
    expect(refusal({ PORT: '70000' })).toContain('PORT: must be at most 65535 (it is "70000")');
    expect(refusal({ RETENTION_DAYS: '1.5' })).toContain('RETENTION_DAYS: must be a whole number (it is "1.5")');
    expect(refusal({ LOG_LEVEL: 'loud' })).toContain('LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal or silent (it is "loud")');
    expect(refusal({ BOT_TYPE: 'Foo' })).toContain('BOT_TYPE: must be one of SingleTenant, MultiTenant or UserAssignedMsi (it is "Foo")');
    for (const env of [{ PORT: 'abc' }, { LOG_LEVEL: 'loud' }] as Record<string, string>[]) expect(refusal(env)).not.toMatch(/nan|Expected|received|Invalid enum/);
  });

  it('refuses a BOT_ID that is not a GUID (a Bot Framework app id always is)', () => {
    expect(refusal({ ...production, BOT_ID: 'my-bot' })).toMatch(/BOT_ID: must be empty \(demo mode\) or the bot's Microsoft app id, a GUID/);
    expect(loadConfig({ ...production, BOT_ID: production.BOT_ID.toUpperCase() }).mode).toBe('production');
  });

  it('refuses a first-wave group that is not a group id, and takes one written in capitals', () => {
    expect(refusal({ ...production, CAMPAIGN_FIRST_WAVE_GROUP_ID: 'Leadership Team' })).toContain("CAMPAIGN_FIRST_WAVE_GROUP_ID: must be a group's object id, a GUID");
    const group = '78409995-3E4C-426D-AF6C-7AF83F838546';
    expect(loadConfig({ ...production, CAMPAIGN_FIRST_WAVE_GROUP_ID: group }).campaign.firstWaveGroupId).toBe(group.toLowerCase());
    expect(loadConfig({ ...production, CAMPAIGN_FIRST_WAVE_GROUP_ID: ' ' }).campaign.firstWaveGroupId).toBeUndefined();
  });

  it('never repeats the value of a secret', () => {
    const message = refusal({ ...production, AUDIT_HMAC_KEY: 'too-short-secret', BOT_PASSWORD: '' });
    expect(message).toContain('AUDIT_HMAC_KEY: must be at least 32 characters');
    expect(message).not.toContain('too-short-secret');
  });
});

describe('ENROLMENT_TIERS', () => {
  it('unset, keeps one tier in which any passkey counts', () => {
    expect(loadConfig(production).tiers).toEqual([{ id: 'everyone', rule: { anyOf: ['authenticator-passkey', 'windows-hello', 'security-key', 'device-passkey', 'synced-passkey'], deviceBound: false, minimumMethods: 1 } }]);
  });

  it('refuses to start on a tier it cannot apply, naming the field', () => {
    expect(refusal({ ...production, ENROLMENT_TIERS: '[{"id":"admins","adminRoles":true,"rule":{"anyOf":["yubikey"]}},{"id":"everyone","rule":{"anyOf":["synced-passkey"]}}]' })).toContain('ENROLMENT_TIERS[0].rule.anyOf[0]: must be one of authenticator-passkey');
    expect(refusal({ ...production, ENROLMENT_TIERS: 'privileged' })).toContain('ENROLMENT_TIERS: must be JSON');
  });

  it('reads the same tiers from their JSON base64-encoded (what survives the env file and the Bicep parameters)', () => {
    const json = '[{"id":"admins","adminRoles":true,"rule":{"anyOf":["security-key"],"deviceBound":true}},{"id":"everyone","rule":{"anyOf":["synced-passkey"]}}]';
    const encoded = Buffer.from(json, 'utf8').toString('base64');
    expect(loadConfig({ ...production, ENROLMENT_TIERS: encoded }).tiers).toEqual(loadConfig({ ...production, ENROLMENT_TIERS: json }).tiers);
    expect(loadConfig({ ...production, ENROLMENT_TIERS: encoded }).tiers).toHaveLength(2);
  });
});
