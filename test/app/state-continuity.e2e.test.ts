// A database that disappeared while the service had state must not be replaced, silently, by an empty one that says
// it is ready: the start is refused with what was found (the state marker, or the audit anchors when the marker went
// too) and the two ways on, and START_FRESH with the code named starts on purpose.

import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { afterAll, describe, expect, it } from 'vitest';
import { activityFixture, startBot } from '../support/bot-harness.js';
import { useAzurite } from '../support/azurite.js';
import { runCommand, startProcess } from '../support/bot-process.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-state-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the service once: a card action it audits, then a graceful stop (which anchors the trail). */
async function runOnce(dataDir: string, env: Record<string, string> = {}): Promise<void> {
  const bot = await startProcess({ DATA_DIR: dataDir, ...env });
  const invoke = activityFixture('invoke-adaptive-card-action', { serviceUrl: 'http://127.0.0.1:9/' });
  const response = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...invoke, value: { action: { type: 'Action.Execute', verb: 'old.verb', data: {} }, trigger: 'manual' } }),
  });
  expect(response.status).toBe(200);
  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
}

function removeDatabase(dataDir: string): void {
  for (const name of ['passkey-coach.db', 'passkey-coach.db-wal', 'passkey-coach.db-shm']) rmSync(path.join(dataDir, name), { force: true });
}

const marker = (dataDir: string) => JSON.parse(readFileSync(path.join(dataDir, 'passkey-coach.state.json'), 'utf8')) as { storeId: string };

describe('a SQLite database that disappeared', () => {
  it('refuses to start on an empty one while the marker names the lost one, and START_FRESH with its code starts', async () => {
    const dataDir = tempDir();
    await runOnce(dataDir);
    const lost = marker(dataDir).storeId;
    removeDatabase(dataDir);

    const refused = await runCommand(['start'], { DATA_DIR: dataDir, PORT: '0' }, 20_000);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`The database ${path.join(dataDir, 'passkey-coach.db')} is new and empty, but the service had state before`);
    expect(refused.stderr).toContain(`says the service kept its state in store ${lost}`);
    expect(refused.stderr).toContain(`set START_FRESH=${lost} and start again`);
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(refused.stdout).not.toContain('"listening"');
    // Refusing wrote nothing: the marker still names the lost database.
    expect(marker(dataDir).storeId).toBe(lost);

    await runOnce(dataDir, { START_FRESH: lost });
    const fresh = marker(dataDir).storeId;
    expect(fresh).not.toBe(lost);
    // The code accepted that loss only: left set, it changes nothing, and the new database starts as usual.
    await runOnce(dataDir, { START_FRESH: lost });
    expect(marker(dataDir).storeId).toBe(fresh);
  }, 90_000);

  it('refuses through the audit anchors when the marker went with the database, and puts the old anchors aside on START_FRESH', async () => {
    const dataDir = tempDir();
    await runOnce(dataDir);
    removeDatabase(dataDir);
    rmSync(path.join(dataDir, 'passkey-coach.state.json'));

    const refused = await runCommand(['start'], { DATA_DIR: dataDir, PORT: '0' }, 20_000);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the audit anchors in .*audit-anchors\.jsonl show its audit trail had reached entry 1 by /);
    const code = /START_FRESH=(audit-1-[0-9a-f]{8})/.exec(refused.stderr)?.[1];
    expect(code).toBeDefined();

    await runOnce(dataDir, { START_FRESH: code ?? '' });
    expect(readdirSync(dataDir).some((name) => name.startsWith('audit-anchors.jsonl.before-'))).toBe(true);
    // The new trail is held to its own anchors only: it verifies.
    const verify = await runCommand(['audit', 'verify'], { DATA_DIR: dataDir });
    expect(verify.code).toBe(0);
  }, 90_000);

  it('refuses another database put in its place', async () => {
    const [first, second] = [tempDir(), tempDir()];
    await runOnce(first);
    await runOnce(second);
    copyFileSync(path.join(second, 'passkey-coach.db'), path.join(first, 'passkey-coach.db'));
    const refused = await runCommand(['start'], { DATA_DIR: first, PORT: '0' }, 20_000);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not the store this service used');
    expect(refused.stderr).toContain(`set START_FRESH=${marker(first).storeId}`);
    expect(existsSync(path.join(first, 'passkey-coach.db'))).toBe(true);
  }, 90_000);
});

describe('an Azure table that disappeared', () => {
  const azurite = useAzurite();

  it('refuses to start on the empty table created in its place: the marker table beside it remembers', async () => {
    const env = { STORE: 'azure-table', AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString, AZURE_STORAGE_TABLE_NAME: 'vanishing' };
    const first = await startBot(env);
    await first.stop();
    await TableClient.fromConnectionString(azurite().connectionString, 'vanishing', { allowInsecureConnection: true }).deleteTable();

    await expect(startBot(env)).rejects.toThrow(/The Azure table vanishing is new and empty, but the service had state before: the Azure table vanishingstate says/);
  }, 60_000);
});
