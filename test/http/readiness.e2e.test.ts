// /readyz says whether the service can do its work now, not merely that the store object is open: it probes the store
// with a small write and read, bounded in time, and answers 503 while that fails (a full disk, a deleted database,
// Azure Table Storage not answering), 200 again once it works. /healthz (alive) is not affected.

import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBot } from '../support/bot-harness.js';
import { useAzurite } from '../support/azurite.js';
import { FaultyStore } from '../support/faulty-store.js';
import { until } from '../support/waiting.js';

const status = async (url: string) => (await fetch(url)).status;

describe('/readyz over Azure Table Storage', () => {
  const azurite = useAzurite();

  it('answers 503 while the table service does not answer (Azurite frozen), and 200 again when it does', async () => {
    const bot = await startBot({ STORE: 'azure-table', AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString, AZURE_STORAGE_TABLE_NAME: 'readiness' });
    try {
      expect(await status(`${bot.url}/readyz`)).toBe(200);
      azurite().freeze();
      await until(async () => (await status(`${bot.url}/readyz`)) === 503);
      const answer = await fetch(`${bot.url}/readyz`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toEqual({ status: 'not ready' });
      expect(await status(`${bot.url}/healthz`)).toBe(200);
      azurite().thaw();
      await until(async () => (await status(`${bot.url}/readyz`)) === 200);
      expect(bot.logs.text()).toContain('not ready: the store does not work');
      expect(bot.logs.text()).toContain('ready again: the store works');
    } finally {
      azurite().thaw();
      await bot.stop();
    }
  }, 60_000);
});

describe('/readyz over SQLite', () => {
  it('answers 503 once the database file is deleted under the running service', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-ready-'));
    const bot = await startBot({}, { databasePath: path.join(dir, 'passkey-coach.db') });
    try {
      expect(await status(`${bot.url}/readyz`)).toBe(200);
      unlinkSync(path.join(dir, 'passkey-coach.db'));
      await until(async () => (await status(`${bot.url}/readyz`)) === 503);
      expect(await status(`${bot.url}/healthz`)).toBe(200);
      expect(bot.logs.text()).toMatch(/not ready: the store does not work.*was deleted while the service was running/);
    } finally {
      await bot.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 503 while the store cannot write (a full disk), and 200 once it can', async () => {
    let faulty: FaultyStore | undefined;
    const bot = await startBot({}, {
      wrapStore: (store) => {
        faulty = new FaultyStore(store);
        return faulty;
      },
    });
    try {
      expect(await status(`${bot.url}/readyz`)).toBe(200);
      // Every write fails, as on a full disk; reads still work.
      faulty?.fail((operation) => ['put', 'insert', 'insertMany', 'update', 'delete', 'probe'].includes(operation));
      await until(async () => (await status(`${bot.url}/readyz`)) === 503);
      expect(bot.logs.text()).toContain('database or disk is full');
      faulty?.heal();
      await until(async () => (await status(`${bot.url}/readyz`)) === 200);
    } finally {
      await bot.stop();
    }
  });
});
