// The built service loses its storage in the middle of a campaign (the Azure Table service goes away): no background
// loop may take the process down (the sender, the scheduler, the anchoring, the upkeep all meet failing calls), and
// /readyz must stop saying ready. The process stays up, alive on /healthz, logging and backing off, and still stops
// cleanly on SIGTERM.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../support/azurite.js';
import { startProcess } from '../support/bot-process.js';
import { until } from '../support/waiting.js';

const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-storage-loss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('storage lost under a running campaign', () => {
  it('keeps the process up and honest: alive, not ready, every loop backing off; and it still stops cleanly', async () => {
    const azurite = await startAzurite();
    const bot = await startProcess(
      {
        DATA_DIR: dir,
        LOG_LEVEL: 'info',
        STORE: 'azure-table',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_TABLE_NAME: 'storageloss',
        DEMO_CAMPAIGN: 'true',
        CAMPAIGN_RESPECT_WORKING_HOURS: 'false',
        // Slow sending: messages are still in flight when the storage goes.
        TEAMS_RATE_PER_SECOND: '2',
        OUTREACH_CONCURRENCY: '2',
      },
      30_000,
    );
    try {
      await until(() => bot.output().includes('"msg":"campaign targeting finished"'), 60_000);
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
      await azurite.stop();

      await until(async () => (await fetch(`${bot.url}/readyz`)).status === 503, 30_000);
      await until(() => bot.output().includes('"msg":"outbox pass failed; trying again shortly"'), 30_000);
      expect(bot.output()).toContain('"msg":"not ready: the store does not work"');
      expect(bot.child.exitCode).toBeNull();
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
      expect(bot.output()).not.toMatch(/unhandled|outbox sender stopped/i);

      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      expect(bot.output()).toContain('"msg":"stopped"');
    } finally {
      if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
      await azurite.stop();
    }
  }, 120_000);
});
