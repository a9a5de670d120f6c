// The package `atk deploy` ships (scripts/build-artifact.mjs): what is in it, how big it is, and that it runs from
// its own folder, with nothing installed on the server, in production mode: Table Storage (Azurite), Microsoft Graph (the emulator,
// its certificate trusted as an operator would, NODE_EXTRA_CA_CERTS), inbound tokens from a local issuer, answering a
// signed Teams activity.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAzurite, startAzurite } from '../../src/dev/azurite.js';
import { type GraphEmulator, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { TenantSeed } from '../../src/dev/tenant-seed.js';
import { activityFixture, TEST_AUDIT_KEY } from '../support/bot-harness.js';
import { assertBuilt, ROOT, type ServingProcess, startCommand } from '../support/bot-process.js';
import { type RecordingConnector, startRecordingConnector } from '../support/recording-connector.js';
import { botEndpointSettings, startTokenIssuer, type TokenIssuer } from '../support/token-issuer.js';
import { PEOPLE, testSeed } from '../dev/graph-emulator/graph-test-client.js';

const BOT_ID = '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11';
/** What the package may weigh: the bundle, its code cache, five intent models, word vectors and the tab. */
const MAX_MEGABYTES = 70;

const scratch = mkdtempSync(path.join(tmpdir(), 'passkey-coach-artifact-'));
const artifact = path.join(scratch, 'wwwroot');
let files: string[] = [];
let azurite: RunningAzurite | undefined;
let graph: GraphEmulator | undefined;
let issuer: TokenIssuer | undefined;
let connector: RecordingConnector | undefined;
let bot: ServingProcess | undefined;
let seed: TenantSeed;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [path.relative(artifact, full)];
  });
}

beforeAll(() => {
  assertBuilt();
  // Outside the checkout, so no node_modules of ours is found by walking up from it.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-artifact.mjs'), '--out', artifact], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  files = walk(artifact);
});

afterAll(async () => {
  bot?.child.kill('SIGTERM');
  await bot?.exited;
  await Promise.all([azurite?.stop(), graph?.close(), issuer?.close(), connector?.close()]);
  rmSync(scratch, { recursive: true, force: true });
});

describe('the deployment package', () => {
  it('holds the bundle, its launcher and what it reads at run time, and no sources, tests, tools or node_modules', () => {
    for (const needed of ['bin/passkey-coach.cjs', 'dist/passkey-coach.cjs', 'dist/tab/index.html', 'package.json', 'models/word-vectors.bin', 'guides/devices.json', 'strings/en/coach.json']) expect(files, needed).toContain(needed);
    const locales = readdirSync(path.join(ROOT, 'catalog'), { withFileTypes: true }).filter((entry) => entry.isDirectory() && /^[a-z]{2,3}$/.test(entry.name)).map((entry) => entry.name);
    for (const locale of locales) expect(files).toContain(`dist/intent-model-${locale}.json`);
    expect(files.filter((file) => /^(src|test|bench|scripts|infra|env|appPackage|tab|demo|docs)\//.test(file))).toEqual([]);
    // Only the packages loaded by name at run time (the stemmers) and what they need: no SQLite, no dev tools.
    const packages = [...new Set(files.filter((file) => file.startsWith('node_modules/')).map((file) => file.split('/').slice(1, 3).join('/')))].sort();
    expect(packages.length).toBeGreaterThan(0);
    for (const name of packages) expect(name, name).toMatch(/^@nlpjs\/(lang-[a-z]{2,3}(-min)?|core)$/);
    expect(files.filter((file) => /\.(ts|map)$/.test(file) || file.includes('.env'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(artifact, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toEqual({ start: 'node bin/passkey-coach.cjs start' });
  });

  it(`weighs at most ${MAX_MEGABYTES} MB`, () => {
    const bytes = files.reduce((sum, file) => sum + statSync(path.join(artifact, file)).size, 0);
    expect(bytes / 1024 / 1024).toBeLessThan(MAX_MEGABYTES);
  });

  it('starts from its own folder in production mode and answers a signed Teams activity, reading Graph for it', { timeout: 60_000 }, async () => {
    seed = testSeed();
    // Teams' side on loopback too: the activity's serviceUrl is a local recorder, so nothing leaves the machine.
    [azurite, graph, issuer, connector] = await Promise.all([startAzurite('table'), startGraphEmulator({ seed }), startTokenIssuer(), startRecordingConnector()]);
    const SERVICE_URL = connector.serviceUrl;
    const caFile = path.join(scratch, 'graph-ca.pem');
    writeFileSync(caFile, graph.caCertificate);
    const app = seed.apps[0]!;
    bot = await startCommand(
      ['start'],
      {
        PORT: '0',
        HOST: '127.0.0.1',
        NODE_EXTRA_CA_CERTS: caFile,
        DATA_DIR: path.join(scratch, 'data'),
        BOT_ID,
        BOT_PASSWORD: 'bot-client-secret-for-the-artifact-test',
        BOT_TYPE: 'SingleTenant',
        BOT_TENANT_ID: seed.tenant.id,
        AUDIT_HMAC_KEY: TEST_AUDIT_KEY,
        STORE: 'azure-table',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        GRAPH_BASE_URL: graph.graphUrl,
        AZURE_AUTHORITY_HOST: graph.authorityHost,
        GRAPH_CLIENT_ID: app.clientId,
        GRAPH_CLIENT_SECRET: app.clientSecret,
        ...botEndpointSettings(issuer),
      },
      /"msg":"listening".*?"url":"([^"]+)"/,
      40_000,
      { bin: path.join(artifact, 'bin', 'passkey-coach.cjs'), cwd: artifact },
    );
    expect(existsSync(path.join(artifact, 'node_modules', 'better-sqlite3'))).toBe(false);
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);

    const tenant = { id: seed.tenant.id };
    const activity = activityFixture('message-personal', {
      text: 'status',
      serviceUrl: SERVICE_URL,
      deliveryMode: 'expectReplies',
      from: { id: '29:artifact-test-user', name: 'Dana', aadObjectId: PEOPLE.dana },
      conversation: { conversationType: 'personal', tenantId: tenant.id, id: 'a:artifact-test-chat' },
      channelData: { tenant },
    });
    const unsigned = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(unsigned.status).toBe(401);
    const token = await issuer.sign({ aud: BOT_ID, serviceurl: SERVICE_URL });
    const answer = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(activity) });
    expect(answer.status).toBe(200);
    const replies = ((await answer.json()) as { activities: unknown[] }).activities;
    expect(replies.length).toBeGreaterThan(0);
    // "Checking…": the answer comes from Dana's methods, read from Graph with the service's own token, right after.
    const emulator = graph;
    const methodReads = () => emulator.calls.list().filter((call) => call.path.includes(PEOPLE.dana) && call.path.includes('/authentication/'));
    await expect.poll(() => methodReads().length, { timeout: 15_000 }).toBeGreaterThan(0);
    const read = methodReads();
    expect(read.every((call) => call.status === 200)).toBe(true);
    expect(bot.output()).not.toMatch(/better-sqlite3|Cannot find module/);
  });
});
