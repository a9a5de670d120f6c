// A quick measurement (not a test) of both emulators on a large synthetic tenant: start-up, paging the whole
// registration report, $batch user reads and connector conversation creates. Prints one JSON object.
//
//   npx esbuild test/dev/measure-scale.ts --bundle --platform=node --format=esm --outfile=/tmp/measure-scale.mjs \
//     --banner:js="import{createRequire}from'module';const require=createRequire(import.meta.url);"
//   node /tmp/measure-scale.mjs [--users 100000] [--seed 1]

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startConnectorEmulator } from '../../src/dev/connector-emulator/index.js';
import { connectorUsersFromSeed } from '../../src/dev/demo-environment.js';
import { startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import { syntheticTenant } from '../../src/dev/synthetic-tenant.js';
import { parseTenantSeed } from '../../src/dev/tenant-seed.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' } } });
const users = Number(values.users);

const elapsed = async <T>(work: () => T | Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, Math.round(performance.now() - start)];
};

function summary(samples: number[]): { calls: number; meanMs: number; p50Ms: number; p95Ms: number; maxMs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { calls: samples.length, meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length), p50Ms: at(0.5), p95Ms: at(0.95), maxMs: round(sorted[sorted.length - 1] ?? 0) };
}
const round = (ms: number) => Math.round(ms * 100) / 100;

const [seed, generateMs] = await elapsed(() => syntheticTenant({ users, seed: Number(values.seed) }));
const dir = mkdtempSync(path.join(tmpdir(), 'measure-scale-'));
const file = path.join(dir, 'tenant.json');
writeFileSync(file, JSON.stringify(seed));
const [, loadSeedMs] = await elapsed(() => parseTenantSeed(JSON.parse(readFileSync(file, 'utf8'))));
rmSync(dir, { recursive: true, force: true });

const [graph, graphStartMs] = await elapsed(() => startGraphEmulator({ seed, reportsThrottle: { limit: 1_000_000, windowMs: 1000 } }));
const [connector, connectorStartMs] = await elapsed(() => startConnectorEmulator({ tenantId: seed.tenant.id, users: connectorUsersFromSeed(seed), limits: { perTenant: [] } }));

const agent = new Agent({ keepAlive: true, ca: graph.caCertificate, maxSockets: 1 });
function https(url: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { ...headers, ...(body ? { 'content-type': headers['content-type'] ?? 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const app = seed.apps[0] as (typeof seed.apps)[number];
const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, scope: 'https://graph.microsoft.com/.default' });
const tokenAnswer = await https(`${graph.authorityHost}/${seed.tenant.id}/oauth2/v2.0/token`, 'POST', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
const auth = { authorization: `Bearer ${(tokenAnswer.json as { access_token: string }).access_token}` };
const graphGet = (pathAndQuery: string, headers: Record<string, string> = {}) => https(pathAndQuery.startsWith('https:') ? pathAndQuery : `${graph.graphUrl}/v1.0${pathAndQuery}`, 'GET', undefined, { ...auth, ...headers });

async function pageThrough(first: string, headers: Record<string, string> = {}): Promise<{ rows: number; pages: number; totalMs: number; perPage: ReturnType<typeof summary> }> {
  const times: number[] = [];
  let rows = 0;
  let next: string | undefined = first;
  const start = performance.now();
  while (next) {
    const t = performance.now();
    const page = (await graphGet(next, headers)).json as { value: unknown[]; '@odata.nextLink'?: string };
    times.push(performance.now() - t);
    rows += page.value.length;
    next = page['@odata.nextLink'];
  }
  return { rows, pages: times.length, totalMs: Math.round(performance.now() - start), perPage: summary(times) };
}

const report = await pageThrough('/reports/authenticationMethods/userRegistrationDetails?$top=1000', { prefer: 'include-unknown-enum-members' });
const directory = await pageThrough('/users?$top=999&$select=id,displayName,userPrincipalName,accountEnabled,assignedPlans');

const ids = seed.users.map((user) => user.id);
const batchTimes: number[] = [];
let batchReads = 0;
for (let batch = 0; batch < 50; batch += 1) {
  const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${ids[(batch * 20 + i) * 37 % ids.length]}?$select=id,displayName,mail,accountEnabled,assignedPlans` }));
  const t = performance.now();
  const answer = (await https(`${graph.graphUrl}/v1.0/$batch`, 'POST', JSON.stringify({ requests }), auth)).json as { responses: Array<{ status: number }> };
  batchTimes.push(performance.now() - t);
  batchReads += answer.responses.filter((response) => response.status === 200).length;
}

const lookups: Record<string, ReturnType<typeof summary>> = {};
for (const [name, make] of Object.entries({
  userByUpn: (i: number) => `/users/${encodeURIComponent(seed.users[(i * 97) % seed.users.length]?.userPrincipalName ?? '')}?$select=id`,
  filterByUpn: (i: number) => `/users?$filter=${encodeURIComponent(`userPrincipalName eq '${seed.users[(i * 97) % seed.users.length]?.userPrincipalName}'`)}`,
  transitiveMemberOf: (i: number) => `/users/${ids[(i * 97) % ids.length]}/transitiveMemberOf?$select=id`,
  reportRowById: (i: number) => `/reports/authenticationMethods/userRegistrationDetails?$filter=${encodeURIComponent(`id eq '${ids[(i * 97) % ids.length]}'`)}`,
})) {
  const times: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const t = performance.now();
    const answer = await graphGet(make(i));
    times.push(performance.now() - t);
    if (answer.status !== 200) throw new Error(`${name}: ${answer.status} ${JSON.stringify(answer.json)}`);
  }
  lookups[name] = summary(times);
}

const installed = connector.users().filter((user) => user.installed);
const createTimes: number[] = [];
let created = 0;
for (let i = 0; i < 1000; i += 1) {
  const user = installed[(i * 31) % installed.length];
  const t = performance.now();
  const response = await fetch(`${connector.serviceUrl}v3/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ isGroup: false, bot: { id: '28:bot' }, members: [{ id: user?.id }], channelData: { tenant: { id: seed.tenant.id } }, activity: { type: 'message', text: 'Hello' } }),
  });
  await response.text();
  createTimes.push(performance.now() - t);
  if (response.status === 201) created += 1;
}

await Promise.all([graph.close(), connector.close()]);
agent.destroy();
process.stdout.write(
  `${JSON.stringify(
    {
      users,
      seedJsonMb: Math.round(JSON.stringify(seed).length / 1e5) / 10,
      generateMs,
      loadSeedFileMs: loadSeedMs,
      graphStartMs,
      connectorStartMs,
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
      report,
      directory,
      batch: { reads: batchReads, perBatchOf20: summary(batchTimes) },
      lookups,
      connectorCreates: { created, ...summary(createTimes) },
    },
    null,
    2,
  )}\n`,
);
