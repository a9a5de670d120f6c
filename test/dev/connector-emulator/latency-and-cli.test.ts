// The global latency option, and the standalone `connector-emulator` command with its seed, latency and tenant rate.

import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConnectorEmulator, startConnectorEmulator } from '../../../src/dev/connector-emulator/index.js';
import { runConnectorEmulatorCommand } from '../../../src/dev/connector-emulator/cli.js';
import { loadSeed } from '../../../src/dev/demo-environment.js';
import { expectHeldFor } from '../../support/fake-delay.js';
import { alice, createParameters, errorCode, TENANT } from './helpers.js';

const seedFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '../graph-emulator/test-tenant.json');

/**
 * A call over Node's http module, whose timers are its own: fetch would set timers of its own through the faked
 * setTimeout, and the delay under test would not be the only one.
 */
function plainCall(serviceUrl: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(route, serviceUrl), { method, headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

// The delay is a global timer: fake timers release it, so no test here waits for (or measures) real time.
describe('latency', () => {
  let emulator: ConnectorEmulator | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await emulator?.close();
    emulator = undefined;
  });

  it('delays every /v3 answer by latencyMs, and the call then runs normally', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    emulator = await startConnectorEmulator({ tenantId: TENANT, users: [alice], latencyMs: 150 });
    expect(emulator.latencyMs).toBe(150);
    const created = await expectHeldFor(150, () => plainCall(emulator?.serviceUrl ?? '', 'POST', 'v3/conversations', createParameters({ id: alice.aadObjectId })));
    expect(created.status).toBe(201);
    // Errors wait too: latency comes before any answer.
    const refused = await expectHeldFor(150, () => plainCall(emulator?.serviceUrl ?? '', 'POST', 'v3/conversations/a:unknown/activities', { type: 'message', text: 'hi' }));
    expect(errorCode(refused.body)).toBe('ConversationNotFound');
    expect(emulator.requests().map((request) => request.faulted)).toEqual([false, false]);
  });

  it('changes at run time, in process and through PUT /_emulator/latency', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    emulator = await startConnectorEmulator({ tenantId: TENANT, users: [alice] });
    const url = emulator.serviceUrl;
    expect(emulator.latencyMs).toBe(0);
    expect((await plainCall(url, 'PUT', '_emulator/latency', { ms: 120 })).body).toEqual({ ms: 120 });
    expect(emulator.latencyMs).toBe(120);
    expect((await plainCall(url, 'GET', '_emulator/latency')).body).toEqual({ ms: 120 });
    expect((await expectHeldFor(120, () => plainCall(url, 'GET', `v3/conversations/${encodeURIComponent('a:none')}/members`))).status).toBe(404);
    expect((await plainCall(url, 'PUT', '_emulator/latency', { ms: -1 })).status).toBe(400);
    emulator.setLatency(0);
    expect((await plainCall(url, 'GET', '_emulator/latency')).body).toEqual({ ms: 0 });
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
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      expect((await plainCall(serviceUrl, 'GET', '_emulator/limits')).body).toMatchObject({ perTenant: [{ limit: 5, windowMs: 1000 }] });
      expect((await plainCall(serviceUrl, 'GET', '_emulator/latency')).body).toEqual({ ms: 100 });
      const users = ((await plainCall(serviceUrl, 'GET', '_emulator/users')).body as { users: Array<{ aadObjectId: string }> }).users;
      const teamsPeople = seed.users.filter((user) => user.accountKind === 'person' && user.teamsLicensed);
      expect(users.map((user) => user.aadObjectId)).toEqual(teamsPeople.map((user) => user.id));
      // Installed or not, the answer comes after the latency: a chat with someone who has the app, a 403 for someone without.
      const chatWith = (id: string) => plainCall(serviceUrl, 'POST', 'v3/conversations', { ...createParameters({ id }), channelData: { tenant: { id: seed.tenant.id } } });
      const installed = teamsPeople.find((user) => user.appInstalled);
      const notInstalled = teamsPeople.find((user) => !user.appInstalled);
      if (!installed || !notInstalled) throw new Error('the test tenant needs a person with the app and one without');
      expect((await expectHeldFor(100, () => chatWith(installed.id))).status).toBe(201);
      expect((await expectHeldFor(100, () => chatWith(notInstalled.id))).status).toBe(403);
    } finally {
      vi.useRealTimers();
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
