import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGraphEmulatorCommand } from '../../../src/dev/graph-emulator/index.js';
import { expectHeldFor } from '../../support/fake-delay.js';

const seedFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-tenant.json');

function capture() {
  let text = '';
  return {
    stream: {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    } as unknown as NodeJS.WritableStream,
    text: () => text,
  };
}

/** A request over HTTPS trusting the emulator's certificate; the body as JSON (a status other than 200 fails). */
function httpsJson(url: string, ca: string, options: { method?: string; body?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers, ...(options.contentType ? { 'content-type': options.contentType } : {}) };
    https
      .request(url, { ca, method: options.method ?? 'GET', headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${url}: ${res.statusCode} ${text}`))));
      })
      .on('error', reject)
      .end(options.body);
  });
}

describe('passkey-coach graph-emulator', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('starts from a seed file, prints where it listens, saves its certificate, and stops', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'graph-emulator-'));
    dirs.push(dir);
    const out = capture();
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const running = runGraphEmulatorCommand(['--seed', seedFile, '--ca-out', path.join(dir, 'ca.pem')], out.stream, stopped);
    await vi.waitFor(() => expect(out.text()).toContain('Press Ctrl+C'));
    expect(out.text()).toMatch(/Graph: +https:\/\/127\.0\.0\.1:\d+\/v1\.0/);
    expect(readFileSync(path.join(dir, 'ca.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    stop();
    await expect(running).resolves.toBe(0);
  });

  it('applies --latency-ms to every Graph request and --install-rps to the Teams app install throttle', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'graph-emulator-'));
    dirs.push(dir);
    const out = capture();
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const running = runGraphEmulatorCommand(['--seed', seedFile, '--ca-out', path.join(dir, 'ca.pem'), '--latency-ms', '120', '--install-rps', '2'], out.stream, stopped);
    await vi.waitFor(() => expect(out.text()).toContain('Press Ctrl+C'));
    const graphUrl = /Graph: +(https:\/\/127\.0\.0\.1:\d+)/.exec(out.text())?.[1] as string;
    const ca = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    expect(await httpsJson(`${graphUrl}/_emulator/latency`, ca)).toEqual({ ms: 120 });
    expect(await httpsJson(`${graphUrl}/_emulator/throttles`, ca)).toEqual({ identityReports: { limit: 5, windowMs: 10_000 }, appInstalls: { limit: 2, windowMs: 1000 } });
    const authority = /Authority host: +(https:\/\/127\.0\.0\.1:\d+)/.exec(out.text())?.[1] as string;
    const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
    const app = seed.apps[0];
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, scope: 'https://graph.microsoft.com/.default' });
    const token = (await httpsJson(`${authority}/${seed.tenant.id}/oauth2/v2.0/token`, ca, { method: 'POST', body: form.toString(), contentType: 'application/x-www-form-urlencoded' })).access_token;
    // The delay is a global timer: released by fake timers at 120 ms, not measured on the wall clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const users = await expectHeldFor(120, () => httpsJson(`${graphUrl}/v1.0/users?$top=1&$select=id`, ca, { headers: { authorization: `Bearer ${token}` } }));
      expect(users.value).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
    stop();
    await expect(running).resolves.toBe(0);
  });

  it('refuses a missing seed option, a bad port and an inconsistent seed, saying why', async () => {
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runGraphEmulatorCommand([], capture().stream)).toBe(2);
    expect(await runGraphEmulatorCommand(['--seed', seedFile, '--port', 'eighty'], capture().stream)).toBe(2);
    expect(await runGraphEmulatorCommand(['--seed', seedFile, '--install-rps', '0'], capture().stream)).toBe(2);
    expect(await runGraphEmulatorCommand(['--seed', seedFile, '--latency-ms=later'], capture().stream)).toBe(2);
    const dir = mkdtempSync(path.join(tmpdir(), 'graph-emulator-'));
    dirs.push(dir);
    const broken = JSON.parse(readFileSync(seedFile, 'utf8'));
    broken.users[1].managerId = '00000000-0000-0000-0000-000000000000';
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
    expect(await runGraphEmulatorCommand(['--seed', path.join(dir, 'broken.json')], capture().stream)).toBe(1);
    expect(errors.mock.calls.map((call) => String(call[0])).join('')).toMatch(/--seed is required[\s\S]*Ports must be[\s\S]*--install-rps must be[\s\S]*--latency-ms must be[\s\S]*manager 00000000/);
  });
});
