// The built command as a process: refusing bad configuration, graceful shutdown, and the audit tools.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditMac, entryHash } from '../../src/audit/audit-crypto.js';
import { activityFixture } from '../support/bot-harness.js';
import { runCommand, startCommand, startProcess } from '../support/bot-process.js';
import { type RecordingConnector, startRecordingConnector } from '../support/recording-connector.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('refuses to start on inconsistent configuration', () => {
  it.each([
    ['SingleTenant without BOT_TENANT_ID', { BOT_ID: '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11', BOT_PASSWORD: 'pw-123456789', AUDIT_HMAC_KEY: 'a'.repeat(32) }, 'BOT_TENANT_ID'],
    ['a password type without BOT_PASSWORD', { BOT_ID: '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11', BOT_TYPE: 'MultiTenant', ALLOWED_TENANT_IDS: 't1', AUDIT_HMAC_KEY: 'a'.repeat(32) }, 'BOT_PASSWORD'],
    ['UserAssignedMsi without a client id', { BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: 't1' }, 'BOT_ID'],
    ['demo mode with a real Graph secret', { GRAPH_CLIENT_SECRET: 'real-secret-123' }, 'GRAPH_CLIENT_SECRET'],
  ])('%s', async (_name, env, named) => {
    const result = await runCommand(['start'], { ...env, PORT: '0', DATA_DIR: tempDir() });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(named);
    expect(result.stdout).not.toContain('"listening"');
  });

  it('check-config says what a value must be, never the parser\'s words, and never a secret\'s value', async () => {
    const result = await runCommand(['check-config'], { PORT: 'abc', LOG_LEVEL: 'loud', BOT_ID: 'my-bot', AUDIT_HMAC_KEY: 'short-secret-value' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('PORT: must be a number (it is "abc")');
    expect(result.stderr).toContain('LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal or silent (it is "loud")');
    expect(result.stderr).toMatch(/BOT_ID: must be empty \(demo mode\) or the bot's Microsoft app id, a GUID/);
    expect(result.stderr).toContain('AUDIT_HMAC_KEY: must be at least 32 characters');
    expect(result.stderr).not.toMatch(/nan|Expected|received|Invalid enum|short-secret-value/);
  });

  it("check-config warns, and still passes, when an enrolment tier asks for what the tenant's passkey policy does not allow its group", async () => {
    // The demo tenant's "Field sales" group may register synced passkeys (its passkey profile allows them).
    const tiers = [
      { id: 'field-sales', groups: ['4bdf27ab-d5f7-41b4-8a6a-1bb505ebb8d0'], rule: { anyOf: ['authenticator-passkey', 'security-key'], deviceBound: true } },
      { id: 'everyone', rule: { anyOf: ['authenticator-passkey', 'windows-hello', 'security-key', 'device-passkey', 'synced-passkey'] } },
    ];
    const result = await runCommand(['check-config'], { ENROLMENT_TIERS: JSON.stringify(tiers), DATA_DIR: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Configuration is valid');
    expect(result.stdout).toMatch(/Warning: ENROLMENT_TIERS tier field-sales: only device-bound passkeys count, but passkey profile "Field sales: synced passkeys too" lets members of group 4bdf27ab-d5f7-41b4-8a6a-1bb505ebb8d0 register synced passkeys/);
    expect(result.stdout).not.toContain('tier everyone');
    // Unset, check-config reads no policy and says nothing about tiers.
    const unset = await runCommand(['check-config'], { DATA_DIR: tempDir() });
    expect(unset.code).toBe(0);
    expect(unset.stdout).not.toContain('ENROLMENT_TIERS');
  });

  it('check-config warns, and still passes, when people may change the profile photo Verified ID Face Check compares with', async () => {
    // The demo tenant lets only Global Administrators change photos: nothing to say.
    const restricted = await runCommand(['check-config'], { DATA_DIR: tempDir() });
    expect(restricted.code).toBe(0);
    expect(restricted.stdout).not.toContain('profile photo');
    // The same tenant where everyone may change their own.
    const dir = tempDir();
    const seed = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'demo', 'tenant.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'tenant.json'), JSON.stringify({ ...seed, photoUpdateSettings: { source: 'cloud', allowedRoles: [] } }));
    const open = await runCommand(['check-config'], { DATA_DIR: dir, DEMO_TENANT_FILE: path.join(dir, 'tenant.json') });
    expect(open.code).toBe(0);
    expect(open.stdout).toContain('Configuration is valid');
    expect(open.stdout).toMatch(/Warning: Verified ID's Face Check compares a face with the person's profile photo, and this tenant lets people change their own photo.*Restrict photo changes to administrators/);
  });

  it('says which variable to set when the port is taken, without a stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const result = await runCommand(['demo', '--no-campaign'], { PORT: String(port), DATA_DIR: tempDir() });
      expect(result.code).toBe(78);
      expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain(`set PORT to a free port, for example PORT=${port + 1}`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toContain('EADDRINUSE');
      // The emulators started on their own name their option instead.
      const emulator = await runCommand(['connector-emulator', '--port', String(port)], {});
      expect(emulator.code).toBe(2);
      expect(emulator.stderr).toContain(`port ${port} on 127.0.0.1 is already in use: choose a free one with --port`);
      expect(emulator.stderr).not.toMatch(/^\s+at /m);
    } finally {
      taken.close();
    }
  });

  it('audit verify refuses a DATA_DIR with no database instead of verifying an empty one', async () => {
    const result = await runCommand(['audit', 'verify'], { DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no database at');
  });

  it('an unknown command exits 2 with the usage', async () => {
    const result = await runCommand(['frobnicate'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: passkey-coach');
  });
});

describe('demo mode', () => {
  it('starts with no tenant configured: emulators on loopback, the demo tenant, the banner, SQLite under DATA_DIR', async () => {
    const dataDir = tempDir();
    const bot = await startProcess({ DATA_DIR: dataDir });
    try {
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
      const banner = bot.output();
      expect(banner).toContain('DEMO MODE');
      expect(banner).toMatch(/Graph emulator: +https:\/\/127\.0\.0\.1:\d+/);
      expect(banner).toMatch(/Connector emulator: +http:\/\/127\.0\.0\.1:\d+/);
      // On another port than 3978, the banner says how the Playground finds this bot.
      expect(banner).toContain(`PORT=${new URL(bot.url).port} npm run playground`);
      expect(existsSync(path.join(dataDir, 'passkey-coach.db'))).toBe(true);
    } finally {
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    }
  });
});

describe('classify', () => {
  it('prints one JSON line per input line: text, locale, intent, confidence, every concern, a command', async () => {
    const input = 'will my boss see my photos?\n\nI lost my phone yesterday\ncan my manager read my whatsapp messages? and will they pay me for using my own phone?\ncheck my status pls\n';
    const result = await runCommand(['classify'], { DATA_DIR: tempDir() }, 60_000, input);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { text: string; locale: string; intent: string; confidence: number; intents: string[]; command?: string });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ text: 'will my boss see my photos?', locale: 'en', intent: 'personal-data-access', intents: ['personal-data-access'] });
    expect(lines[0]?.confidence).toBeGreaterThan(0);
    expect(lines[0]?.confidence).toBeLessThanOrEqual(1);
    expect(lines[1]?.intent).toBe('lost-phone');
    expect([...(lines[2]?.intents ?? [])].sort()).toEqual(['compensation', 'personal-data-access']);
    expect(lines[3]).toMatchObject({ command: 'status', intents: [] });
  });

  it('takes --locale en, and refuses a locale it has no catalog for', async () => {
    const ok = await runCommand(['classify', '--locale', 'en'], { DATA_DIR: tempDir() }, 60_000, 'I lost my phone yesterday\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ locale: 'en', intent: 'lost-phone' });
    const refused = await runCommand(['classify', '--locale', 'tlh'], { DATA_DIR: tempDir() }, 60_000, 'hello\n');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/two-letter language code/);
  });
});

describe('the emulators as standalone commands', () => {
  it('graph-emulator serves the seed over HTTPS, refuses a call without a token, and stops on SIGTERM', async () => {
    const caFile = path.join(tempDir(), 'ca.pem');
    const emulator = await startCommand(['graph-emulator', '--seed', 'demo/tenant.json', '--port', '0', '--ca-out', caFile], {}, /Graph: +(https:\/\/127\.0\.0\.1:\d+)\/v1\.0/);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      https
        .get(`${emulator.url}/v1.0/users`, { ca: readFileSync(caFile) }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    emulator.child.kill('SIGTERM');
    expect(await emulator.exited).toBe(0);
  });

  it('connector-emulator records what a bot sends and stops on SIGTERM', async () => {
    const emulator = await startCommand(['connector-emulator', '--port', '0', '--seed', 'demo/tenant.json'], {}, /serviceUrl: (http:\/\/127\.0\.0\.1:\d+\/)/);
    const activities = await fetch(`${emulator.url}_emulator/activities`);
    expect(activities.status).toBe(200);
    emulator.child.kill('SIGTERM');
    expect(await emulator.exited).toBe(0);
  });
});

describe('graceful shutdown', () => {
  let connector: RecordingConnector;
  beforeAll(async () => {
    connector = await startRecordingConnector({ delayMs: 1500 });
  });
  afterAll(async () => {
    await connector.close();
  });

  it('on SIGTERM finishes the turn in flight, refuses new work and exits 0 well within 10 s', async () => {
    const bot = await startProcess({ DATA_DIR: tempDir(), LOG_LEVEL: 'info' });
    // The welcome is sent to a connector that takes 1.5 s to answer: the turn is still running when SIGTERM arrives.
    const inFlight = fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activityFixture('conversation-update-personal-install', { serviceUrl: connector.serviceUrl })),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = Date.now();
    bot.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await bot.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(connector.sent).toHaveLength(1);
    expect(bot.output()).toContain('"msg":"stopped","service":"passkey-coach","drained":true');
    await expect(fetch(`${bot.url}/healthz`)).rejects.toThrow();
  });
});

describe('audit verify and export', () => {
  const dataDir = tempDir();

  beforeAll(async () => {
    const bot = await startProcess({ DATA_DIR: dataDir });
    const invoke = activityFixture('invoke-adaptive-card-action', { serviceUrl: 'http://127.0.0.1:9/' });
    for (const verb of ['old.verb.one', 'old.verb.two', 'old.verb.three']) {
      const response = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...invoke, value: { action: { type: 'Action.Execute', verb, data: {} }, trigger: 'manual' } }),
      });
      expect(response.status).toBe(200);
    }
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });

  const db = () => new Database(path.join(dataDir, 'passkey-coach.db'));
  type Row = { key: string; value: string };

  it('verifies an untouched trail and exports it as JSON lines', async () => {
    const verify = await runCommand(['audit', 'verify'], { DATA_DIR: dataDir });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('Audit trail verified: 3 entries');
    const exported = await runCommand(['audit', 'export', '--since', '2000-01-01'], { DATA_DIR: dataDir });
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n').map((line) => JSON.parse(line) as { action: string; actor?: { displayName?: string } });
    expect(lines.map((line) => line.action)).toEqual(['card.action.unknown', 'card.action.unknown', 'card.action.unknown']);
    expect(JSON.stringify(lines[0])).toContain('Mara Jensen');
    // Two cold starts of the built CLI, one after the other: on a loaded two-core machine each can take seconds.
  }, 60_000);

  it('flags a hand-edited entry', async () => {
    const handle = db();
    const row = handle.prepare("SELECT key, value FROM records WHERE partition = 'audit-entries' ORDER BY key LIMIT 1 OFFSET 1").get() as Row;
    const original = row.value;
    const entry = JSON.parse(row.value) as Record<string, unknown>;
    entry.outcome = 'success';
    handle.prepare("UPDATE records SET value = ? WHERE partition = 'audit-entries' AND key = ?").run(JSON.stringify(entry), row.key);
    const verify = await runCommand(['audit', 'verify'], { DATA_DIR: dataDir });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/seq 2: changed/);
    handle.prepare("UPDATE records SET value = ? WHERE partition = 'audit-entries' AND key = ?").run(original, row.key);
    handle.close();
    expect((await runCommand(['audit', 'verify'], { DATA_DIR: dataDir })).code).toBe(0);
  });

  it('flags a chain recomputed by someone without the key', async () => {
    const handle = db();
    const rows = handle.prepare("SELECT key, value FROM records WHERE partition = 'audit-entries' ORDER BY key").all() as Row[];
    // The forger edits entry 2 and recomputes every hash after it, sealing with a key of their own.
    let prevHash: string | undefined;
    for (const [index, row] of rows.entries()) {
      const entry = JSON.parse(row.value) as Record<string, unknown>;
      if (index === 1) entry.outcome = 'success';
      if (prevHash !== undefined) entry.prevHash = prevHash;
      const { hash: _hash, mac: _mac, ...hashed } = entry;
      entry.hash = entryHash(hashed);
      entry.mac = auditMac('forger-key-forger-key-forger-key-00', entry.hash as string);
      prevHash = entry.hash as string;
      handle.prepare("UPDATE records SET value = ? WHERE partition = 'audit-entries' AND key = ?").run(JSON.stringify(entry), row.key);
    }
    handle.close();
    const verify = await runCommand(['audit', 'verify'], { DATA_DIR: dataDir });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/forged-mac/);
  });
});
