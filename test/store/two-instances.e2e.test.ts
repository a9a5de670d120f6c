// Two instances of the built service over one Azurite, as two App Service instances over one storage account: Teams'
// traffic is split between them, a campaign runs, and the instance holding the sender lease is SIGKILLed mid-way.
// The other takes over: everyone targeted is invited, nobody is lost, duplicates stay within kills × concurrency,
// sending resumes within 30 s, and the campaign (a scheduled job's effect) exists once.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEnvironment, startDemoEnvironment } from '../../src/dev/demo-environment.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { AzureTableStore } from '../../src/store/azure-table-store.js';
import { encodeName } from '../../src/store/table-names.js';
import { type RunningAzurite, startAzurite } from '../support/azurite.js';
import { type ServingProcess, startProcess } from '../support/bot-process.js';
import { nudgeOf } from '../support/campaign-nudges.js';

const CONCURRENCY = 4;

let azurite: RunningAzurite;
let demo: DemoEnvironment;
let scratch: string;
let proxy: http.Server;
const bots = new Map<string, ServingProcess>();

/** Teams' calls to the bot, alternated between the instances that are up (as a load balancer would). */
function startSplitter(): Promise<string> {
  let turn = 0;
  proxy = http.createServer((request, response) => {
    const up = [...bots.values()].filter((bot) => bot.child.exitCode === null && bot.child.signalCode === null);
    const target = up[turn++ % Math.max(1, up.length)];
    if (!target) {
      response.writeHead(503).end();
      return;
    }
    const forward = http.request(new URL(request.url ?? '/', target.url), { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forward.on('error', () => response.writeHead(502).end());
    request.pipe(forward);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as { port: number }).port}/api/messages`)));
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'passkey-coach-two-'));
  azurite = await startAzurite();
  demo = await startDemoEnvironment({ logger: createLogger({ level: 'error', sink: new MemorySink() }), connector: { limits: { perTenant: [{ limit: 8, windowMs: 1000 }] } } });
  const { tenant, apps, teamsApp, groups, breakGlassUserIds } = demo.seed;
  writeFileSync(path.join(scratch, 'identity.json'), JSON.stringify({ tenant, apps, teamsApp, groups: groups.map(({ members: _members, ...group }) => group), breakGlassUserIds }));
  writeFileSync(path.join(scratch, 'ca.pem'), demo.graph.caCertificate);
  demo.attachBot(await startSplitter());
}, 60_000);

afterAll(async () => {
  for (const bot of bots.values()) bot.child.kill('SIGKILL');
  await Promise.all([...bots.values()].map((bot) => bot.exited));
  await new Promise((resolve) => proxy?.close(resolve));
  await demo?.close();
  await azurite?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function instanceEnv(instanceId: string): Record<string, string> {
  return {
    GRAPH_BASE_URL: demo.graph.graphUrl,
    AZURE_AUTHORITY_HOST: demo.graph.authorityHost,
    DEMO_GRAPH_CA_FILE: path.join(scratch, 'ca.pem'),
    DEMO_TENANT_FILE: path.join(scratch, 'identity.json'),
    TEAMS_SERVICE_URL: demo.connector.serviceUrl,
    DEMO_CAMPAIGN: 'true',
    CAMPAIGN_RESPECT_WORKING_HOURS: 'false',
    // Slow enough that the kill lands mid-campaign.
    TEAMS_RATE_PER_SECOND: '6',
    OUTREACH_CONCURRENCY: String(CONCURRENCY),
    STORE: 'azure-table',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AZURE_STORAGE_TABLE_NAME: 'twoinstances',
    INSTANCE_ID: instanceId,
    DATA_DIR: path.join(scratch, instanceId),
    LOG_LEVEL: 'info',
  };
}

async function senderHolder(): Promise<string | undefined> {
  const { TableClient } = await import('@azure/data-tables');
  const client = TableClient.fromConnectionString(azurite.connectionString, 'twoinstances', { allowInsecureConnection: true });
  try {
    // The lease ends its duration after the service stamped it (Azurite's clock is this machine's).
    const lease = await client.getEntity<{ holder: string; durationMs: number }>('~leases', encodeName('outbox-sender'));
    return Date.parse(lease.timestamp ?? '') + lease.durationMs > Date.now() ? lease.holder : undefined;
  } catch (error) {
    // No lease row yet: nobody holds it. Anything else is a failure of the test's own reading.
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

const invitations = () => demo.connector.allActivities().filter((record) => record.kind === 'send' && nudgeOf(record.activity)?.step === 'invite');

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('two instances over one Azure table', () => {
  it('finishes the campaign after the sender is SIGKILLed: nobody lost, duplicates bounded, one campaign', async () => {
    for (const id of ['instance-a', 'instance-b']) bots.set(id, await startProcess(instanceEnv(id), 30_000));
    await until(async () => (await senderHolder()) !== undefined && invitations().length >= 5, 60_000, 'the first invitations');

    const holder = (await senderHolder()) ?? '';
    const victim = bots.get(holder);
    expect(victim, `the sender lease is held by ${holder}`).toBeDefined();
    victim?.child.kill('SIGKILL');
    await victim?.exited;
    const killedAt = Date.now();
    const sentAtKill = invitations().length;

    // The survivor takes the lease when it expires and carries on.
    await until(() => invitations().length > sentAtKill, 30_000, 'sending to resume on the other instance');
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(await senderHolder()).not.toBe(holder);

    const store = await AzureTableStore.open({ connectionString: azurite.connectionString, table: 'twoinstances', allowInsecureConnection: true });
    const campaigns = (await store.list<{ id: string; targeted: number; state: string }>('campaigns', { keyPrefix: 'c' })).records;
    expect(campaigns).toHaveLength(1);
    const campaignId = campaigns[0]?.value.id ?? '';
    await until(async () => {
      const campaign = (await store.get<{ state: string; targetedAt?: string }>('campaigns', campaignId))?.value;
      return campaign?.targetedAt !== undefined;
    }, 60_000, 'targeting to finish');
    const targeted: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await store.list<{ userId: string }>(`campaign-members:${campaignId}`, { limit: 500, continuationToken });
      // Members only: the campaign's tallies live beside them (keys from "~tally").
      targeted.push(...page.records.filter((record) => !record.key.startsWith('~')).map((record) => record.value.userId));
      continuationToken = page.continuationToken;
    } while (continuationToken);
    expect(targeted.length).toBeGreaterThan(20);
    // Targeting (a scheduled job) counted each person once, whichever instance ran it.
    expect((await store.get<{ targeted: number }>('campaigns', campaignId))?.value.targeted).toBe(targeted.length);

    await until(() => new Set(invitations().map((record) => record.userId)).size >= targeted.length, 90_000, 'everyone to be invited');
    const perPerson = new Map<string, number>();
    for (const record of invitations()) perPerson.set(record.userId ?? '', (perPerson.get(record.userId ?? '') ?? 0) + 1);
    for (const id of targeted) expect(perPerson.get(id), id).toBeGreaterThanOrEqual(1);
    const duplicates = [...perPerson.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(1 * CONCURRENCY);
    // Nobody outside the campaign was invited.
    for (const id of perPerson.keys()) expect(targeted).toContain(id);
  }, 240_000);
});
