// Where the audit trail's anchors go: the interval, the file, and the Azure append blobs, checked at start-up.

import { describe, expect, it } from 'vitest';
import { configSecrets, loadConfig } from '../../src/config/load-config.js';

const production = { BOT_ID: '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11', BOT_PASSWORD: 'pw-1234567890', BOT_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47', AUDIT_HMAC_KEY: 'k'.repeat(40) };
const AZURITE = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';

describe('audit anchor settings', () => {
  it('default to every five minutes, the file beside the database, and no blobs', () => {
    expect(loadConfig(production).audit.anchors).toEqual({ intervalMs: 300_000, file: undefined });
  });

  it('take an interval, a file, and a blob endpoint reached with a managed identity', () => {
    const { anchors } = loadConfig({ ...production, AUDIT_ANCHOR_INTERVAL_MINUTES: '15', AUDIT_ANCHOR_FILE: '/var/log/coach/anchors.jsonl', AUDIT_ANCHOR_BLOB_URL: 'https://anchors.blob.core.windows.net', AUDIT_ANCHOR_CLIENT_ID: 'mi-1' }).audit;
    expect(anchors).toEqual({ intervalMs: 900_000, file: '/var/log/coach/anchors.jsonl', blob: { container: 'audit-anchors', accountUrl: 'https://anchors.blob.core.windows.net', managedIdentityClientId: 'mi-1' } });
  });

  it.each([
    [{ AUDIT_ANCHOR_INTERVAL_MINUTES: '0' }, 'AUDIT_ANCHOR_INTERVAL_MINUTES'],
    [{ AUDIT_ANCHOR_BLOB_URL: 'http://anchors.blob.core.windows.net' }, 'must be https'],
    [{ AUDIT_ANCHOR_BLOB_URL: 'https://a.blob.core.windows.net', AUDIT_ANCHOR_CONNECTION_STRING: AZURITE }, 'not both'],
    [{ AUDIT_ANCHOR_CLIENT_ID: 'mi-1' }, 'AUDIT_ANCHOR_BLOB_URL is not'],
    [{ AUDIT_ANCHOR_CONTAINER: 'Audit_Anchors' }, 'AUDIT_ANCHOR_CONTAINER'],
  ])('refuse %j with a message naming what to fix', (env, named) => {
    expect(() => loadConfig({ ...production, ...env })).toThrow(expect.objectContaining({ code: 'config.invalid', message: expect.stringContaining(named) }));
  });

  it('in demo mode accept only a local blob emulator', () => {
    expect(loadConfig({ AUDIT_ANCHOR_CONNECTION_STRING: AZURITE }).audit.anchors.blob).toEqual({ container: 'audit-anchors', connectionString: AZURITE });
    expect(() => loadConfig({ AUDIT_ANCHOR_CONNECTION_STRING: AZURITE.replace('127.0.0.1', 'anchors.example.com') })).toThrow(/BlobEndpoint on 127\.0\.0\.1/);
    expect(() => loadConfig({ AUDIT_ANCHOR_BLOB_URL: 'https://anchors.blob.core.windows.net' })).toThrow(/loopback/);
  });

  it('keep the connection string and its account key out of the logs', () => {
    const secrets = configSecrets(loadConfig({ ...production, AUDIT_ANCHOR_CONNECTION_STRING: AZURITE }));
    expect(secrets).toContain(AZURITE);
    expect(secrets).toContain('c2VjcmV0LWtleS1mb3ItdGVzdHM=');
  });
});
