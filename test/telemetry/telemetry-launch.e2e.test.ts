// The launcher sets telemetry up before the service loads, only when it is configured: the console exporter here
// (Application Insights' own path probes the Azure VM metadata address on start, which a test here may not reach).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { METRIC } from '../../src/telemetry/telemetry.js';
import { runCommand, startProcess } from '../support/bot-process.js';
import { until } from '../support/waiting.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-telemetry-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('telemetry set up by the launcher', () => {
  it('with TELEMETRY_EXPORTER=console, says so at start and prints what it still holds at a graceful stop', async () => {
    const bot = await startProcess({ DATA_DIR: tempDir(), TELEMETRY_EXPORTER: 'console' }, 30_000);
    await until(() => bot.output().includes('"msg":"telemetry on"'));
    expect(bot.output()).toMatch(/"msg":"telemetry on".*"exporter":"console"/);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // The counters go out with the stop; the gauges were taken off first (they read the store, which closes).
    const output = bot.output();
    expect(output).toContain(METRIC.httpResponses);
    expect(output).toMatch(/route: 'health', status_class: '2xx'/);
  });

  it('unconfigured, loads none of it and says nothing about it', async () => {
    const bot = await startProcess({ DATA_DIR: tempDir() }, 30_000);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    bot.child.kill('SIGTERM');
    await bot.exited;
    expect(bot.output()).not.toContain('telemetry');
    expect(bot.output()).not.toContain(METRIC.httpResponses);
  });

  it('refuses a connection string in demo mode, and azure-monitor without one', async () => {
    const demo = await runCommand(['check-config'], { DATA_DIR: tempDir(), APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=11111111-2222-3333-4444-555555555555' });
    expect(demo.code).not.toBe(0);
    expect(demo.stderr).toContain('Demo mode sends nothing off this machine');
    expect(demo.stderr).not.toContain('11111111-2222');
    const production = { BOT_ID: '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11', BOT_PASSWORD: 'pw-123456789', BOT_TENANT_ID: '5d3a2a0b-1f1e-4d0b-9a52-9c5e1b427f11', AUDIT_HMAC_KEY: 'a'.repeat(40), DATA_DIR: tempDir() };
    const missing = await runCommand(['check-config'], { ...production, TELEMETRY_EXPORTER: 'azure-monitor' });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('TELEMETRY_EXPORTER=azure-monitor needs APPLICATIONINSIGHTS_CONNECTION_STRING');
    const garbled = await runCommand(['check-config'], { ...production, APPLICATIONINSIGHTS_CONNECTION_STRING: 'not-a-connection-string' });
    expect(garbled.stderr).toContain('does not look like a connection string');
    expect(garbled.stderr).not.toContain('not-a-connection-string');
  });
});
