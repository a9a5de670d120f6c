// The global latency option, and the standalone `connector-emulator` command with its seed, latency and tenant rate.

import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConnectorEmulator, startConnectorEmulator } from '../../../src/dev/connector-emulator/index.js';
import { runConnectorEmulatorCommand } from '../../../src/dev/connector-emulator/cli.js';
import { loadSeed } from '../../../src/dev/demo-environment.js';
import { alice, call, createParameters, errorCode, TENANT } from './helpers.js';

const seedFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '../graph-emulator/test-tenant.json');

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

describe('latency', () => {
  let emulator: ConnectorEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('delays every /v3 answer by latencyMs, and the call then runs normally', async () => {
    emulator = await startConnectorEmulator({ tenantId: TENANT, users: [alice], latencyMs: 150 });
    expect(emulator.latencyMs).toBe(150);
    const { result, ms } = await timed(() => call(emulator as ConnectorEmulator, 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId })));
    expect(result.status).toBe(201);
    expect(ms).toBeGreaterThanOrEqual(145);
    // Errors wait too: latency comes before any answer.
    const refused = await timed(() => call(emulator as ConnectorEmulator, 'POST', 'v3/conversations/a:unknown/activities', { type: 'message', text: 'hi' }));
    expect(errorCode(refused.result.body)).toBe('ConversationNotFound');
    expect(refused.ms).toBeGreaterThanOrEqual(145);
    expect(emulator.requests().map((request) => request.faulted)).toEqual([false, false]);
  });

  it('changes at run time, in process and through PUT /_emulator/latency', async () => {
    emulator = await startConnectorEmulator({ tenantId: TENANT, users: [alice] });
    expect(emulator.latencyMs).toBe(0);
    expect((await call(emulator, 'PUT', '_emulator/latency', { ms: 120 })).body).toEqual({ ms: 120 });
    expect(emulator.latencyMs).toBe(120);
    expect((await call(emulator, 'GET', '_emulator/latency')).body).toEqual({ ms: 120 });
    const { ms } = await timed(() => call(emulator as ConnectorEmulator, 'GET', `v3/conversations/${encodeURIComponent('a:none')}/members`));
    expect(ms).toBeGreaterThanOrEqual(115);
    expect((await call(emulator, 'PUT', '_emulator/latency', { ms: -1 })).status).toBe(400);
    emulator.setLatency(0);
    expect((await call(emulator, 'GET', '_emulator/latency')).body).toEqual({ ms: 0 });
    expect(() => emulator?.setLatency(Number.NaN)).toThrow(RangeError);
  });

  it('refuses a negative latency at start', async () => {
    await expect(startConnectorEmulator({ latencyMs: -5 })).rejects.toThrow(/latency/);
  });
});

describe('passkey-coach connector-emulator', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

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

  async function running(args: string[]): Promise<{ serviceUrl: string; stop: () => Promise<number> }> {
    const out = capture();
    let release = () => {};
    const stopped = new Promise<void>((resolve) => {
      release = resolve;
    });
    const exit = runConnectorEmulatorCommand(args, out.stream, stopped);
    await vi.waitFor(() => expect(out.text()).toMatch(/serviceUrl: (\S+)/));
    const serviceUrl = /serviceUrl: (\S+)/.exec(out.text())?.[1] as string;
    return {
      serviceUrl,
      stop: () => {
        release();
        return exit;
      },
    };
  }

  const json = async (url: string) => (await fetch(url)).json();

  it('serves the seed people with the latency and tenant rate asked for', async () => {
    const seed = loadSeed(seedFile);
    const { serviceUrl, stop } = await running(['--seed', path.relative(process.cwd(), seedFile), '--latency-ms', '100', '--tenant-rps', '5']);
    try {
      expect(await json(`${serviceUrl}_emulator/limits`)).toMatchObject({ perTenant: [{ limit: 5, windowMs: 1000 }] });
      expect(await json(`${serviceUrl}_emulator/latency`)).toEqual({ ms: 100 });
      const users = ((await json(`${serviceUrl}_emulator/users`)) as { users: Array<{ aadObjectId: string }> }).users;
      expect(users.map((user) => user.aadObjectId)).toEqual(seed.users.filter((user) => user.accountKind === 'person' && user.teamsLicensed).map((user) => user.id));
      const start = performance.now();
      const created = await fetch(`${serviceUrl}v3/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...createParameters({ id: users[0]?.aadObjectId as string }), channelData: { tenant: { id: seed.tenant.id } } }),
      });
      // Installed or not, the answer comes after the latency.
      expect([201, 403]).toContain(created.status);
      expect(performance.now() - start).toBeGreaterThanOrEqual(95);
    } finally {
      expect(await stop()).toBe(0);
    }
  });

  it('turns the tenant rate off with --tenant-rps 0', async () => {
    const { serviceUrl, stop } = await running(['--tenant-rps', '0']);
    try {
      expect(await json(`${serviceUrl}_emulator/limits`)).toMatchObject({ perTenant: [] });
      expect(await json(`${serviceUrl}_emulator/latency`)).toEqual({ ms: 0 });
    } finally {
      expect(await stop()).toBe(0);
    }
  });

  it('refuses bad numbers and a broken seed, saying why', async () => {
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runConnectorEmulatorCommand(['--latency-ms=soon'], capture().stream)).toBe(2);
    expect(await runConnectorEmulatorCommand(['--tenant-rps', '2.5'], capture().stream)).toBe(2);
    expect(await runConnectorEmulatorCommand(['--seed', path.join(path.dirname(seedFile), 'no-such-tenant.json')], capture().stream)).toBe(1);
    expect(errors.mock.calls.map((entry) => String(entry[0])).join('')).toMatch(/--latency-ms must be[\s\S]*--tenant-rps must be[\s\S]*Cannot use the seed/);
  });
});
