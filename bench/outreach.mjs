// Outreach benchmark: a demo campaign over a synthetic tenant of N people, from launch until everyone targeted has
// their invitation. The Graph and Bot Connector emulators run in this process, at the rates given; only the bot is a
// child process (so its peak RSS is the bot's alone), optionally SIGKILLed and restarted every S seconds.
// Prints ONE JSON line on stdout; progress goes to stderr. Everything stays on 127.0.0.1.
//
// Usage: npm run bench:outreach [-- --users 10000 --tenant-rps R --install-rps I --kill-every S --latency-ms 0
//                                   --concurrency 64 --store sqlite|azure-table --instances 1 --timeout 900
//                                   --reserve-share 0.035
//                                   --skip-build --profile --azurite-key-index
//                                   --outage-503 S --unauthorized S --graph-outage S --graph-timeouts S
//                                   --resets N --graph-resets N --fault-at S]
// --store azure-table runs the bots on Azure Table Storage (an Azurite this process starts); --instances N starts N bots
// over that one store behind a splitter for Teams' calls, and --kill-every then SIGKILLs the sender-lease holder.
// R defaults to Teams' documented 30 requests a second per tenant, I to R; `npm run bench:outreach` passes a raised
// R of 100 so the default run takes about a minute (a later --tenant-rps wins).
// --azurite-key-index (with --store azure-table) lets Azurite answer point operations by key, as Azure Table does,
// instead of testing every row of the partition (src/dev/azurite-key-index.cjs): it measures the bot, not LokiJS.
// Off by default; the JSON says which it was.
// --profile writes a CPU profile of the bot's last life (a SIGKILLed one writes none) and prints its top functions.
// Targets (issue 5): 10 000 users, no kills: efficiency ≥ 0.9, lost 0, duplicates 0 (with 50 ms latency too);
// with kills: lost 0, duplicates ≤ kills × concurrency; peak RSS at 100 000 users ≤ 1.25 × at 10 000.
// Faults (issue 19, bench/lib/faults.mjs): the Bot Connector answering 503 (--outage-503) or 401 (--unauthorized) to
// every call for S seconds, Graph answering 503 (--graph-outage) or holding every answer past the bot's time limit
// (--graph-timeouts) for S seconds, one after the other from the first invitation (or --fault-at S after the bot is
// ready); N chat writes whose answer is lost after Teams accepted them (--resets) and N Graph connections reset
// (--graph-resets). The JSON then says what was applied, `expired` and `recovery_seconds` (the last first invitation
// after the last outage ended). Targets: lost 0 whatever the outage; duplicates ≤ kills × concurrency + resets.
// Exit status 1 when someone targeted was not invited by --timeout, or someone not targeted was invited.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSources } from '../scripts/import-sources.mjs';
import { cpuSeconds, peakRssMb, sleep, spawnServer, stopServer, waitUntilReady } from './lib/child.mjs';
import { freePort, LeaseReader, startSplitter } from './lib/instances.mjs';
import { cpuTotal, sendingCpu, sharePerMinute } from './lib/outreach-cpu.mjs';
import { BotDatabase, ConnectorCalls, DeliveryCounter, expectedTargets, invitationMarks, isInvitation, readStoreRequests } from './lib/outreach-records.mjs';
import { anyFault, FAULT_OPTIONS, FaultRunner, faultPlan, GRAPH_TIMEOUT_SECONDS } from './lib/faults.mjs';
import { round } from './lib/numbers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'passkey-coach.cjs');

const { values: options } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    'tenant-rps': { type: 'string', default: '30' },
    'install-rps': { type: 'string' },
    'kill-every': { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    // OUTREACH_RESERVE_SHARE, the share of Teams' rate the sender leaves for replies (the service's default: 0.035).
    'reserve-share': { type: 'string' },
    concurrency: { type: 'string', default: '64' },
    store: { type: 'string', default: 'sqlite' },
    instances: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '900' },
    'skip-build': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'azurite-key-index': { type: 'boolean', default: false },
    ...FAULT_OPTIONS,
  },
  strict: true,
});

const users = wholeNumber('users', 20, 1_000_000);
const tenantRps = wholeNumber('tenant-rps', 1, 1000);
const installRps = options['install-rps'] === undefined ? tenantRps : wholeNumber('install-rps', 1, 1000);
const killEverySeconds = options['kill-every'] === undefined ? undefined : wholeNumber('kill-every', 1, 3600);
const latencyMs = wholeNumber('latency-ms', 0, 10_000);
const reserveShare = options['reserve-share'];
if (reserveShare !== undefined && !(Number(reserveShare) >= 0 && Number(reserveShare) <= 0.5)) {
  process.stderr.write(`bench:outreach: --reserve-share takes 0 to 0.5 (got "${reserveShare}")\n`);
  process.exit(2);
}
// The bot's own bounds (OUTREACH_CONCURRENCY): outside them it would refuse to start.
const concurrency = wholeNumber('concurrency', 1, 256);
const timeoutSeconds = wholeNumber('timeout', 10, 24 * 3600);
const storeKind = options.store;
if (storeKind !== 'sqlite' && storeKind !== 'azure-table') {
  process.stderr.write(`bench:outreach: --store must be sqlite or azure-table (got "${storeKind}")\n`);
  process.exit(2);
}
const instanceCount = wholeNumber('instances', 1, 4);
const plan = faultPlan(options, wholeNumber);
if (instanceCount > 1 && storeKind === 'sqlite') {
  process.stderr.write('bench:outreach: several instances need a shared store: add --store azure-table\n');
  process.exit(2);
}
if (options['azurite-key-index'] && storeKind !== 'azure-table') {
  process.stderr.write('bench:outreach: --azurite-key-index is for --store azure-table\n');
  process.exit(2);
}

/** The invitation card's titles in every language (how the benchmark tells an invitation from other messages). */
const INVITATION_MARKS = invitationMarks(root);
const PROGRESS_EVERY_MS = 5_000;
const POLL_EVERY_MS = 200;
/** Setting up (build, a 100 000-user seed, emulators) and shutting down, on top of --timeout. */
const SETUP_ALLOWANCE_MS = 5 * 60_000;

const log = (line) => process.stderr.write(`bench:outreach: ${line}\n`);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'passkey-coach-outreach-'));

// Bounded: whatever hangs, this process ends; the exit handler in lib/child.mjs kills the bot.
const watchdog = setTimeout(() => {
  log(`gave up after ${timeoutSeconds} s plus ${SETUP_ALLOWANCE_MS / 1000} s for setting up`);
  cleanup();
  process.exit(2);
}, timeoutSeconds * 1000 + SETUP_ALLOWANCE_MS);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    cleanup();
    process.exit(130);
  });
}

// The Graph emulator reports each install notification that could not reach the bot (down between a kill and its
// restart) as a process warning: counted here instead of printed, every other warning is printed as usual.
let undeliveredInstallNotices = 0;
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.message.includes('app-install listener failed')) undeliveredInstallNotices += 1;
  else process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

function cleanup() {
  rmSync(scratch, { recursive: true, force: true });
}

function wholeNumber(name, min, max) {
  const value = Number(options[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    process.stderr.write(`bench:outreach: --${name} must be an integer from ${min} to ${max} (got "${options[name]}")\n`);
    process.exit(2);
  }
  return value;
}


function newestMtime(folder) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** As bench:turn: builds when dist/ is missing or older than src/; --skip-build keeps a stale bundle. */
function buildIfStale() {
  let bundleTime = 0;
  try {
    bundleTime = statSync(bundle).mtimeMs;
  } catch {
    bundleTime = 0;
  }
  if (bundleTime > 0 && (options['skip-build'] || bundleTime >= newestMtime(path.join(root, 'src')))) return;
  log(bundleTime === 0 ? 'dist/ is missing: running npm run build' : 'src/ is newer than dist/: running npm run build');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
}

/**
 * A private copy of the built bot (bin/ and dist/; everything else linked), so that a rebuild elsewhere during a long
 * run (npm run build empties dist/ first) cannot take the bundle from under a restart.
 */
function snapshotBot() {
  const copy = path.join(scratch, 'coach');
  mkdirSync(copy);
  for (const entry of readdirSync(root)) {
    if (entry === 'bin' || entry === 'dist') cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    else if (entry !== '.git') symlinkSync(path.join(root, entry), path.join(copy, entry));
  }
  return copy;
}

/** The emulators and the synthetic tenant, from the TypeScript sources: bundled on the fly, node_modules external. */
async function loadDevKit() {
  return importSources('bench-outreach', [
    "export { startDemoEnvironment } from './src/dev/demo-environment.ts';",
    "export { syntheticTenant } from './src/dev/synthetic-tenant.ts';",
    "export { createLogger } from './src/logging/logger.ts';",
    "export { startAzurite } from './src/dev/azurite.ts';",
    "export { AzureTableStore, encodeName } from './src/store/azure-table-store.ts';",
  ]);
}

/** Environment of the bot: demo mode against the emulators of this process, nothing inherited that could switch it to real auth. */
function botEnv({ demo, files, dataDir, port, instanceId, azurite }) {
  return {
    ...(azurite ? { STORE: 'azure-table', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_STORAGE_TABLE_NAME: 'benchoutreach' } : {}),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GRAPH_BASE_URL: demo.graph.graphUrl,
    AZURE_AUTHORITY_HOST: demo.graph.authorityHost,
    DEMO_GRAPH_CA_FILE: files.ca,
    DEMO_TENANT_FILE: files.identity,
    TEAMS_SERVICE_URL: demo.connector.serviceUrl,
    DEMO_CAMPAIGN: 'true',
    CAMPAIGN_RESPECT_WORKING_HOURS: 'false',
    TEAMS_RATE_PER_SECOND: String(tenantRps),
    ...(reserveShare !== undefined ? { OUTREACH_RESERVE_SHARE: reserveShare } : {}),
    GRAPH_INSTALLS_PER_SECOND: String(installRps),
    OUTREACH_CONCURRENCY: String(concurrency),
    INSTANCE_ID: instanceId,
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    // Held Graph answers count as lost after this, so --graph-timeouts need not hold them for the default 30 s.
    ...(plan.graphTimeouts ? { GRAPH_TIMEOUT_SECONDS: String(GRAPH_TIMEOUT_SECONDS) } : {}),
  };
}

/** Open until the end, and closed on every way out, so a failure cannot leave the run hanging. */
let demo;
/** Every bot process alive. */
const bots = new Set();
/** The splitter in front of several instances. */
let splitter;

async function main() {
  buildIfStale();
  const coach = snapshotBot();
  const kit = await loadDevKit();
  const logger = kit.createLogger({ level: 'warn', sink: process.stderr, bindings: { component: 'bench-emulators' } });

  let started = performance.now();
  const seed = kit.syntheticTenant({ users });
  const targets = expectedTargets(seed);
  const installsNeeded = [...targets.values()].filter((target) => !target.appInstalled).length;
  const files = { seed: path.join(scratch, 'tenant.json'), identity: path.join(scratch, 'identity.json'), ca: path.join(scratch, 'graph-ca.pem') };
  writeFileSync(files.seed, JSON.stringify(seed));
  // The bot needs only who the app, the tenant and the role groups are; it reads people through Graph like in production.
  const { tenant, apps, teamsApp, groups, breakGlassUserIds } = seed;
  writeFileSync(files.identity, JSON.stringify({ tenant, apps, teamsApp, groups: groups.map(({ members: _members, ...group }) => group), breakGlassUserIds }));
  log(`tenant of ${users} accounts: ${targets.size} to invite, ${installsNeeded} of them without the app (${Math.round(performance.now() - started)} ms)`);

  started = performance.now();
  demo = await kit.startDemoEnvironment({
    seedFile: files.seed,
    logger,
    graph: { installThrottle: { limit: installRps, windowMs: 1000 } },
    connector: { limits: { perTenant: [{ limit: tenantRps, windowMs: 1000 }] }, latencyMs },
  });
  demo.graph.faults.setLatency(latencyMs);
  writeFileSync(files.ca, demo.graph.caCertificate);
  log(`emulators up in ${Math.round(performance.now() - started)} ms: Graph ${demo.graph.graphUrl}, connector ${demo.connector.serviceUrl}`);

  // Azure Table Storage: an Azurite of this process's own, shared by every instance.
  const azurite = storeKind === 'azure-table' ? await kit.startAzurite('table', { keyIndex: options['azurite-key-index'] }) : undefined;
  if (azurite) log(`Azurite up${options['azurite-key-index'] ? ', point operations by key' : ''}: the bots keep their state in Azure Table Storage`);
  const counter = new DeliveryCounter(demo.connector, targets, INVITATION_MARKS);
  /** The connector's records of one person: kind, time, conversation, activity id and the row's channel data. */
  const connectorRecordsOf = (userId) =>
    demo.connector.allActivities().filter((record) => record.userId === userId).map((record) => ({ seq: record.seq, kind: record.kind, at: record.timestamp, conversation: record.conversationId, id: record.activityId, invitation: isInvitation(record.activity, INVITATION_MARKS) }));
  const faults = new FaultRunner(demo, plan);
  const connectorCalls = new ConnectorCalls(demo.connector);
  /** One per bot process: its environment, and its CPU over its lives. */
  const instances = [];
  for (let index = 0; index < instanceCount; index++) {
    const dataDir = path.join(scratch, `bot-data-${index + 1}`);
    mkdirSync(dataDir);
    const port = await freePort();
    const instanceId = `bench-${index + 1}`;
    instances.push({ id: instanceId, port, dataDir, env: botEnv({ demo, files, dataDir, port, instanceId, azurite }), bot: undefined, cpuEarlier: 0, cpuThis: 0, logTail: '' });
  }
  // Teams' calls to the bot (install notices): straight to the one bot, or alternated between the live ones.
  if (instanceCount > 1) splitter = await startSplitter(instances);
  demo.attachBot(splitter?.url ?? `http://127.0.0.1:${instances[0].port}/api/messages`);
  const botDatabase = storeKind === 'sqlite' ? new BotDatabase(path.join(instances[0].dataDir, 'passkey-coach.db')) : undefined;
  const leaseReader = azurite ? new LeaseReader(kit, azurite) : undefined;

  let peakMb = 0;
  const notePeak = (instance) => {
    if (!instance.bot) return;
    const mb = peakRssMb(instance.bot.pid);
    if (mb !== null) peakMb = Math.max(peakMb, mb);
    instance.cpuThis = cpuSeconds(instance.bot.pid) ?? instance.cpuThis;
  };
  const botCpu = () => instances.reduce((sum, instance) => sum + instance.cpuEarlier + instance.cpuThis, 0);
  // Kept after the run (outside the scratch folder) so the profile can be read again or loaded into DevTools.
  const profileDir = path.join(os.tmpdir(), `passkey-coach-outreach-profile-${process.pid}`);
  const execArgv = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const startInstance = (instance) => {
    instance.bot = spawnServer([path.join(coach, 'bin', 'passkey-coach.cjs'), 'start'], { cwd: coach, env: instance.env, execArgv });
    instance.logTail = '';
    instance.warnings ??= [];
    instance.bot.process.stdout.on('data', (chunk) => {
      instance.logTail = (instance.logTail + chunk).slice(-4096);
      // The bots log at warn: every line is kept (the last 2 000), to explain a duplicate or a loss afterwards.
      for (const line of String(chunk).split('\n')) if (line.includes('"level":"warn"') || line.includes('"level":"error"')) instance.warnings.push(line.slice(0, 2000));
      if (instance.warnings.length > 2000) instance.warnings.splice(0, instance.warnings.length - 2000);
    });
    bots.add(instance.bot);
    // Ready once its /readyz answers: the splitter sends it nothing before (a restarted bot is not listening at first).
    const bot = instance.bot;
    instance.ready = false;
    instance.readiness = waitUntilReady(bot, { timeoutMs: 60_000 }).then(() => {
      if (instance.bot === bot) instance.ready = true;
    });
    // A restart that never comes up is reported by the loop below (the bot exited); the first start is awaited.
    instance.readiness.catch(() => undefined);
  };

  const benchCpuAtStart = cpuTotal(process.cpuUsage());
  // The emulators share this process's event loop: when it lags, every Graph and connector answer waits.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const firstStart = Date.now();
  for (const instance of instances) startInstance(instance);
  for (const instance of instances) await instance.readiness;
  // The job's clock starts when the bots are up and have started their campaign (demo mode starts one at launch), as
  // an admin's "campaign start" would on a running bot; the processes' own start is reported apart (startup_seconds).
  const readyAt = Date.now();
  log(`${instanceCount === 1 ? 'bot' : `${instanceCount} bots`} ready after ${readyAt - firstStart} ms; ${killEverySeconds ? `SIGKILL every ${killEverySeconds} s` : 'no kills'}`);

  const deadline = firstStart + timeoutSeconds * 1000;
  let kills = 0;
  let lastKillAt = Date.now();
  let nextProgress = Date.now() + PROGRESS_EVERY_MS;
  let lastDelivered = 0;
  let lastProgressAt = Date.now();
  // The bots' CPU as of now, so the first stretch of `ticks` starts from it.
  for (const instance of instances) notePeak(instance);
  /** At each progress line: invitations so far and the bots' CPU (for the sender's own cost, `sendingCpu`). */
  const ticks = [{ at: readyAt, delivered: 0, cpu: botCpu() }];
  // Azurite's CPU (one single-threaded process serving every instance), sampled with the progress lines: its share of
  // a core minute by minute shows whether the table service, not the bots, set the pace.
  const azuriteCpu = () => (azurite?.pid === undefined ? null : cpuSeconds(azurite.pid));
  const azuriteTicks = azurite ? [{ at: readyAt, cpu: azuriteCpu() ?? 0 }] : [];
  for (;;) {
    counter.read();
    connectorCalls.read();
    if (counter.delivered >= targets.size || Date.now() >= deadline) break;
    faults.tick(readyAt, Date.now(), counter.delivered > 0);
    for (const instance of instances) {
      const { bot } = instance;
      if (bot.process.exitCode !== null || bot.process.signalCode !== null) {
        throw new Error(`${instance.id} exited by itself (${bot.process.exitCode ?? bot.process.signalCode}); stderr: ${bot.stderrTail().trim() || '(empty)'}; log: ${instance.logTail.trim() || '(empty)'}`);
      }
    }
    if (killEverySeconds !== undefined && Date.now() - lastKillAt >= killEverySeconds * 1000) {
      // The instance that sends (holds the sender lease); the only one, with one instance.
      const holder = (await leaseReader?.holder('outbox-sender')) ?? instances[0].id;
      const victim = instances.find((instance) => instance.id === holder) ?? instances[0];
      notePeak(victim);
      victim.bot.process.kill('SIGKILL');
      await victim.bot.exited;
      bots.delete(victim.bot);
      kills += 1;
      victim.cpuEarlier += victim.cpuThis;
      victim.cpuThis = 0;
      lastKillAt = Date.now();
      startInstance(victim);
    }
    if (Date.now() >= nextProgress) {
      for (const instance of instances) notePeak(instance);
      const now = Date.now();
      if (kills === 0) ticks.push({ at: now, delivered: counter.delivered, cpu: botCpu() });
      const azuriteSeconds = azuriteCpu();
      if (azuriteSeconds !== null) azuriteTicks.push({ at: now, cpu: azuriteSeconds });
      const rate = ((counter.delivered - lastDelivered) * 1000) / (now - lastProgressAt);
      const inside = botDatabase?.counts();
      log(
        `${((now - firstStart) / 1000).toFixed(0)} s: ${counter.delivered}/${targets.size} invited (${rate.toFixed(0)}/s), ` +
          (inside ? `${inside.members} targeted so far, ${inside.queued} queued, ` : '') +
          `${counter.duplicates} duplicates, ${kills} kills, ${faults.active ? 'a fault on, ' : ''}` +
          `graph ${demo.graph.calls.list().length} calls, connector ${connectorCalls.total} calls (${connectorCalls.throttled} 429s), bot peak ${peakMb} MB, ` +
          `bot cpu ${botCpu().toFixed(1)} s, emulators cpu ${(cpuTotal(process.cpuUsage()) - benchCpuAtStart).toFixed(1)} s` +
          (azuriteSeconds === null ? '' : `, Azurite cpu ${azuriteSeconds.toFixed(1)} s`) +
          ` (event loop lag p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms)`,
      );
      loopDelay.reset();
      lastDelivered = counter.delivered;
      lastProgressAt = now;
      nextProgress = now + PROGRESS_EVERY_MS;
    }
    await sleep(POLL_EVERY_MS);
  }
  const waitEndedAt = Date.now();
  const faultSummary = anyFault(plan) ? { ...faults.summary(readyAt, waitEndedAt), connector_calls_faulted: connectorCalls.faulted } : null;
  if (counter.delivered < targets.size) log(`timed out after ${timeoutSeconds} s with ${targets.size - counter.delivered} people not invited`);

  // What the bots asked of their store, counted by each store adapter (/_demo/store-requests, demo mode only), read
  // before they stop; a SIGKILLed life's count is lost with it, so runs with kills report none.
  const storeRequests = kills === 0 ? await readStoreRequests(instances, log) : null;
  const azuriteAtEnd = azuriteCpu();
  if (azuriteAtEnd !== null) azuriteTicks.push({ at: Date.now(), cpu: azuriteAtEnd });
  for (const instance of instances) {
    notePeak(instance);
    const exit = await stopServer(instance.bot);
    bots.delete(instance.bot);
    if (exit.code !== 0 && exit.signal !== 'SIGTERM') log(`${instance.id} exited with ${exit.code ?? exit.signal} after SIGTERM; its last log lines:\n${instance.logTail.trim() || '(none)'}`);
  }
  const expired = botDatabase?.expired() ?? null;
  botDatabase?.close();
  await splitter?.close();
  await azurite?.stop();
  // Late sends (in flight at the stop) still count as duplicates.
  counter.read();
  if (options.profile) {
    const { summarise } = await import('./cpu-profile-top.mjs');
    const { readFileSync } = await import('node:fs');
    for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))) {
      log(`cpu profile of the bot, ${path.join(profileDir, file)}:\n${summarise(JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')), 30)}`);
    }
  }
  const graphCalls = demo.graph.calls.list();
  const graphHttpRequests = graphCalls.filter((call) => call.batchRequestId === undefined).length;
  // The registration report is read a page at a time under Graph's 5-per-10-seconds throttle: pages read beyond one
  // pass are targeting starting over (after a restart), and 429s are time lost to the throttle.
  const reportCalls = graphCalls.filter((call) => /\/reports\/authenticationMethods\/userRegistrationDetails$/i.test(call.path));
  const reportPages = Math.ceil(seed.users.filter((user) => user.accountEnabled).length / 1000);
  connectorCalls.read();
  const installCalls = graphCalls.filter((call) => call.method === 'POST' && /\/teamwork\/installedApps$/i.test(call.path));
  const emulatorCpu = cpuTotal(process.cpuUsage()) - benchCpuAtStart;

  if (counter.duplicates > 0) {
    // What the connector saw of each person invited twice, and what the bots warned about them or at those moments.
    for (const userId of counter.duplicateSamples) {
      const seen = connectorRecordsOf(userId);
      log(`invited twice: ${userId}: ${JSON.stringify(seen)}`);
      for (const instance of instances) for (const line of instance.warnings ?? []) if (line.includes(userId)) log(`  bot ${instances.indexOf(instance)}: ${line}`);
    }
    for (const instance of instances) log(`bot ${instances.indexOf(instance)} logged ${instance.warnings?.length ?? 0} warnings; the last: ${(instance.warnings ?? []).slice(-5).join(' | ')}`);
  }
  if (counter.unexpected > 0) {
    const usersById = new Map(seed.users.map((user) => [user.id, user]));
    for (const id of counter.unexpectedSamples) {
      const { methods, ...user } = usersById.get(id) ?? { id, methods: [] };
      log(`invited against expectations: ${JSON.stringify({ ...user, methods: methods.map((method) => method.kind) })}`);
    }
  }
  const sending = kills === 0 ? sendingCpu(ticks, graphCalls, PROGRESS_EVERY_MS) : null;
  const targeted = targets.size;
  // Unfinished (a timeout), the job took at least the whole wait: efficiency is then an upper bound.
  const seconds = (counter.delivered === targeted ? counter.lastFirstAt - readyAt : waitEndedAt - readyAt) / 1000;
  const idealSeconds = Math.max(targeted / tenantRps, installsNeeded / installRps);
  const report = {
    bench: 'outreach',
    users,
    targeted,
    delivered: counter.delivered,
    lost: targeted - counter.delivered,
    duplicates: counter.duplicates,
    kills,
    concurrency,
    store: storeKind,
    instances: instanceCount,
    tenant_rps: tenantRps,
    reserve_share: reserveShare === undefined ? 0.035 : Number(reserveShare),
    install_rps: installRps,
    latency_ms: latencyMs,
    seconds: round(seconds, 1),
    ideal_seconds: round(idealSeconds, 1),
    efficiency: round(idealSeconds / seconds, 3),
    graph_requests_per_user: round(graphCalls.length / targeted, 3),
    // Everything the bots asked of their store for the whole job (targeting, sending, leases, jobs), per person
    // targeted: SQLite operations or Azure Table HTTP requests. Null with kills.
    store_requests_per_user: storeRequests ? round(storeRequests.total / targeted, 2) : null,
    store_requests: storeRequests?.byKind ?? null,
    connector_requests_per_user: round(connectorCalls.total / targeted, 3),
    peak_rss_mb: peakMb || null,
    startup_seconds: round((readyAt - firstStart) / 1000, 2),
    first_invitation_seconds: counter.firstAt ? round((counter.firstAt - readyAt) / 1000, 2) : null,
    // Context, not targets: HTTP round trips to Graph ($batch counted once), installs the job needs, the registration
    // report's pages and the reads of them that were answered or throttled, install calls (409s included) and 429s
    // (Graph installs, connector), the bot's CPU time
    // (all lives, until the stop) and this process's (the emulators, mostly), invitations to people the benchmark did
    // not expect, install notices (Teams' conversationUpdate) that found the bot down, and the load the machine had.
    graph_http_requests_per_user: round(graphHttpRequests / targeted, 3),
    installs_needed: installsNeeded,
    report_pages: reportPages,
    report_reads: reportCalls.filter((call) => call.status === 200).length,
    report_throttled: reportCalls.filter((call) => call.status === 429).length,
    install_calls: installCalls.length,
    install_throttled: installCalls.filter((call) => call.status === 429).length,
    connector_throttled: connectorCalls.throttled,
    bot_cpu_seconds: round(botCpu(), 1),
    // The sender's own cost: the bots' CPU per invitation over the stretches where targeting was idle (see sendingCpu),
    // and how many invitations those stretches held. Null with kills or when targeting never paused.
    sending_cpu_ms_per_invitation: sending ? round(sending.msPerInvitation, 2) : null,
    sending_cpu_invitations: sending?.invitations ?? null,
    emulators_cpu_seconds: round(emulatorCpu, 1),
    // Azure Table only: Azurite's CPU from the bots' start to their stop, and its share of one core in each minute of
    // the run (1 is a core fully busy: Azurite serves every request on one thread). Null on SQLite.
    azurite_key_index: azurite ? options['azurite-key-index'] : null,
    azurite_cpu_seconds: azuriteTicks.length > 1 ? round(azuriteTicks.at(-1).cpu - azuriteTicks[0].cpu, 1) : null,
    azurite_core_share_by_minute: azuriteTicks.length > 1 ? sharePerMinute(azuriteTicks) : null,
    unexpected: counter.unexpected,
    kill_every_s: killEverySeconds ?? null,
    // Messages that ended unsent because their moment passed (read from the bot's SQLite store; null on Azure Table).
    expired,
    faults: faultSummary,
    recovery_seconds: faults.lastEndedAt && counter.delivered === targeted ? round(Math.max(0, counter.lastFirstAt - faults.lastEndedAt) / 1000, 1) : null,
    install_notices_lost: undeliveredInstallNotices + (splitter?.failed() ?? 0),
    node: process.version,
    cpus: os.cpus().length,
    load_avg_1m: round(os.loadavg()[0], 2),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  if (report.lost > 0 || report.unexpected > 0) process.exitCode = 1;
}


try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const bot of bots) await stopServer(bot);
  await demo?.close().catch((error) => log(`closing the emulators failed: ${error.message}`));
  cleanup();
  clearTimeout(watchdog);
}

