// History benchmark: how the views and jobs that read the past cost as the past grows. For each size it seeds an
// SQLite file with that many audit entries (through the audit log itself, personal fields and all), then times, as
// the service runs them: the tab's audit view (`auditOverview`: verify from the sealed checkpoint, the last 100
// entries with their people) and `audit verify --from-checkpoint`, each after 50 new entries; and, for reference,
// the full walk (`audit verify`, the command's default), which stays linear. Prints ONE JSON line.
// Then, beside the same number of long-settled pass requests, refusals and escalations (and 20 of each waiting), what
// the every-minute jobs read: the pass expiry (open requests through their slots) and the escalation tick (pending
// refusals and open escalations through their markers), with the daily full sweep for reference.
// And the progress view's reads (`TabService` counting): the latest campaign found beside one finished campaign per
// 100 entries, its figures while it has one member per 10 entries (each written through the campaign's records, a
// change each as features make them), and the concerns charted from as many objection events spread over a year.
// Target (issue 23): each view/job at 40 000 ≤ 1.5 × its time at 10 000 (`ratio`; the full walks are linear).
//
//   node bench/history.mjs [--audit 10000,40000] [--runs 5]        (npm run bench history -- --audit 10000,40000)

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importSources } from '../scripts/import-sources.mjs';

const { values } = parseArgs({ options: { audit: { type: 'string', default: '10000,40000' }, runs: { type: 'string', default: '5' } }, strict: true });
const sizes = values.audit.split(',').map((text) => {
  const size = Number(text);
  if (!Number.isInteger(size) || size < 100 || size > 1_000_000) {
    process.stderr.write(`bench history: --audit takes sizes from 100 to 1 000 000 (got "${text}")\n`);
    process.exit(2);
  }
  return size;
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  process.stderr.write('bench history: --runs takes 1 to 50\n');
  process.exit(2);
}

const lib = await importSources('bench-history', [
  "export { SqliteStore } from './src/store/sqlite-store.ts';",
  "export { StoreAuditLog } from './src/audit/audit-log.ts';",
  "export { Redactor } from './src/logging/redact.ts';",
  "export { auditOverview } from './src/audit/audit-overview.ts';",
  "export { verifyAuditChain } from './src/audit/audit-verify.ts';",
  "export { TapRecords } from './src/helpdesk/tap-records.ts';",
  "export { EscalationRecords } from './src/escalation/escalation-records.ts';",
  "export { recordRefusal, pendingRefusals, allRefusals, REFUSALS_PARTITION } from './src/escalation/refusals.ts';",
  "export { CampaignRecords } from './src/campaigns/campaign-records.ts';",
  "export { campaignStatus } from './src/campaigns/campaign-report.ts';",
  "export { ObjectionLog } from './src/objections/objection-log.ts';",
]);

const keyring = { keyId: 'k1', keys: new Map([['k1', 'history-benchmark-audit-key-0123456789-abcdef']]) };
const people = Array.from({ length: 500 }, (_, index) => ({ kind: 'user', aadObjectId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`, displayName: `Person ${index}`, upn: `person${index}@contoso.example` }));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'passkey-coach-bench-history-'));

/** Appends `count` entries as the features write them: an actor and a subject, both people, some details. */
async function append(log, count, offset) {
  for (let index = 0; index < count; index += 1) {
    const n = offset + index;
    await log.record({ action: n % 3 === 0 ? 'tap.request.created' : 'campaign.nudge.sent', outcome: 'success', actor: people[n % people.length], subject: people[(n * 7) % people.length], details: { n, lifetimeMinutes: 60 } });
  }
}

async function timed(work) {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const median = (times) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
const round1 = (value) => Math.round(value * 10) / 10;

/** Pass requests, refusals and escalations: `settled` of each long done, 20 of each still waiting. */
async function seedItems(store, settled) {
  const tap = new lib.TapRecords(store);
  const escalations = new lib.EscalationRecords(store);
  const request = (id, target, state) => ({ id, requester: { id: 'agent', name: 'Agent' }, target: { id: target, name: target, upn: `${target}@contoso.example` }, receiverId: 'agent', state, createdAt: '2026-01-01T09:00:00.000Z', expiresAt: '2099-01-01T10:00:00.000Z', policy: { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60, isUsableOnce: true }, replacesExistingPass: false, copies: [] });
  const escalation = (id, employee, state) => ({ id, employee: { id: employee, name: employee }, state, level: 0, earlierDeciders: [], round: 1, remindersAtLevel: 0, nextAskAt: '2099-01-01T09:00:00.000Z', copies: [], createdAt: '2026-01-01T09:00:00.000Z', followedThrough: state === 'decided' });
  for (let index = 0; index < settled + 20; index += 1) {
    const open = index >= settled;
    const id = `T-${String(index).padStart(6, '0')}`;
    await tap.create(request(id, `target-${index}`, open ? 'awaiting-approval' : 'expired'));
    if (open) await tap.claimTarget(`target-${index}`, id);
    const employee = `employee-${index}`;
    await lib.recordRefusal(store, { userId: employee, reason: 'privacy', intents: [], recordedAt: '2026-01-01T09:00:00.000Z' });
    const escalationId = open ? await escalations.claimId(employee) : `done-${index}`;
    await escalations.create(escalation(escalationId, employee, open ? 'open' : 'decided'));
    // Taken to a decider: what openEscalation leaves (the link, no marker).
    if (!open) {
      const refusal = await store.get(lib.REFUSALS_PARTITION, employee);
      await store.put(lib.REFUSALS_PARTITION, employee, { ...refusal.value, escalationId });
      await store.delete(lib.REFUSALS_PARTITION, `~pending|${employee}`);
    }
  }
  return { tap, escalations };
}

/** One finished campaign per 100 entries (a member each), then the latest with size / 10; objection events, a year of them. */
async function seedProgress(store, size) {
  const campaigns = new lib.CampaignRecords(store);
  const campaign = (id, at) => ({ id, name: id, deadline: '2026-12-31', waves: 1, state: 'running', createdAt: at, createdBy: { id: 'admin' }, targeted: 0, excluded: {} });
  const member = (userId, state, n) => ({ userId, upn: `${userId}@contoso.example`, displayName: userId, department: `Department ${n % 12}`, timeZone: 'UTC', wave: 0, state, nudges: 0, snoozes: 0 });
  const campaignCount = Math.floor(size / 100) + 1;
  for (let index = 0; index < campaignCount; index += 1) {
    const id = `c2026${String(index).padStart(10, '0')}`;
    await campaigns.create(campaign(id, new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString()));
    const last = index === campaignCount - 1;
    const members = Array.from({ length: last ? Math.floor(size / 10) : 1 }, (_, n) => member(`${id}-p${n}`, 'pending', n));
    await campaigns.addMembers(id, members);
    // Reached, then a third enrol, one in five snoozes: the writes the sender and the conversation make.
    for (const [n, { userId }] of members.entries()) {
      await campaigns.updateMember(id, userId, (value) => ({ ...value, state: 'reached', reachedAt: '2026-02-01T09:00:00.000Z' }));
      if (n % 3 === 0) await campaigns.updateMember(id, userId, (value) => ({ ...value, state: 'enrolled', enrolledAt: `2026-02-${String(1 + (n % 28)).padStart(2, '0')}T09:00:00.000Z` }));
      else if (n % 5 === 0) await campaigns.updateMember(id, userId, (value) => ({ ...value, state: 'replied', snoozes: 1, snoozedUntil: '2099-01-01T09:00:00.000Z' }));
    }
    if (!last) await campaigns.update(id, (value) => ({ ...value, state: 'finished', finishedAt: value.createdAt }));
  }
  let now = Date.UTC(2026, 0, 1);
  const objections = new lib.ObjectionLog(store, { keepText: false, retentionDays: 400, now: () => now });
  const intents = ['employer-spying', 'personal-device', 'biometrics', 'lost-phone', 'why-required'];
  for (let index = 0; index < size; index += 1) {
    now = Date.UTC(2026, 0, 1) + Math.floor((index * 365 * 24 * 3600_000) / size);
    await objections.record({ userId: `person-${index % 500}`, intent: intents[index % intents.length], confidence: 0.9, text: '' });
  }
  return { campaigns, objections };
}

/** What the tab's progress view reads to count (TabService): the latest campaign, its members, the concerns. */
async function progressReads({ campaigns, objections }) {
  const latest = await campaigns.latest();
  const status = await lib.campaignStatus(campaigns, latest.value);
  const counts = await objections.countsByIntent();
  return { targeted: status.total.targeted, concerns: Object.values(counts).reduce((sum, count) => sum + count, 0) };
}

async function count(pages) {
  let items = 0;
  for await (const page of pages) items += page.length;
  return items;
}

const results = {};
const jobs = {};
try {
  for (const size of sizes) {
    const store = lib.SqliteStore.open({ path: path.join(scratch, `history-${size}.sqlite`) });
    const log = new lib.StoreAuditLog({ store, keyring, redactor: new lib.Redactor() });
    const seedMs = await timed(() => append(log, size, 0));
    process.stderr.write(`bench history: ${size} entries seeded in ${Math.round(seedMs)} ms\n`);
    const view = () => lib.auditOverview(store, { keys: keyring.keys, keyId: keyring.keyId, shown: 100 });
    // The first look walks everything once and seals the checkpoint.
    const firstViewMs = await timed(view);
    const views = [];
    const verifies = [];
    for (let run = 0; run < runs; run += 1) {
      await append(log, 50, size + run * 100);
      const { report } = await view();
      if (!report.ok) throw new Error(`the audit view found problems at ${size}: ${JSON.stringify(report.problems.slice(0, 3))}`);
      views.push(await timed(view));
      await append(log, 50, size + run * 100 + 50);
      verifies.push(await timed(() => lib.verifyAuditChain(store, keyring.keys, { from: 'checkpoint', seal: keyring })));
    }
    const fullMs = await timed(() => lib.verifyAuditChain(store, keyring.keys));
    results[size] = { seed_ms: Math.round(seedMs), audit_view_first_ms: round1(firstViewMs), audit_view_ms: round1(median(views)), audit_verify_ms: round1(median(verifies)), audit_verify_full_ms: round1(fullMs) };
    // What the every-minute jobs read: the same number of long-settled pass requests, refusals and escalations.
    const { tap, escalations } = await seedItems(store, size);
    const expiry = [];
    const tick = [];
    for (let run = 0; run < runs; run += 1) {
      let found = 0;
      expiry.push(await timed(async () => { found = await count(tap.openRequests()); }));
      if (found !== 20) throw new Error(`the pass expiry found ${found} open requests, not 20`);
      tick.push(await timed(async () => { found = (await count(lib.pendingRefusals(store))) + (await count(escalations.openOnes())); }));
      if (found !== 40) throw new Error(`the escalation tick found ${found} waiting items, not 40`);
    }
    const sweepMs = await timed(async () => {
      await count(tap.all());
      await count(lib.allRefusals(store));
      await count(escalations.all());
    });
    // The progress view's reads, the first time (tallies events written before tallies existed: none here) and after.
    const progress = await seedProgress(store, size);
    const firstProgressMs = await timed(() => progressReads(progress));
    const progressTimes = [];
    for (let run = 0; run < runs; run += 1) {
      let read;
      progressTimes.push(await timed(async () => { read = await progressReads(progress); }));
      if (read.targeted !== Math.floor(size / 10) || read.concerns !== size) throw new Error(`the progress view counted ${JSON.stringify(read)}, not ${Math.floor(size / 10)} members and ${size} concerns`);
    }
    jobs[size] = { pass_expiry_ms: round1(median(expiry)), escalation_tick_ms: round1(median(tick)), daily_full_sweep_ms: round1(sweepMs), progress_view_first_ms: round1(firstProgressMs), progress_view_ms: round1(median(progressTimes)) };
    await store.close();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const [small, large] = [sizes[0], sizes.at(-1)];
const ratio = (field) => Math.round((results[large][field] / results[small][field]) * 100) / 100;
const jobRatio = (field) => Math.round((jobs[large][field] / jobs[small][field]) * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    bench: 'history',
    sizes,
    runs,
    audit: results,
    jobs,
    ratio:
      sizes.length > 1
        ? {
            sizes: `${large}/${small}`,
            audit_view: ratio('audit_view_ms'),
            audit_verify: ratio('audit_verify_ms'),
            pass_expiry: jobRatio('pass_expiry_ms'),
            escalation_tick: jobRatio('escalation_tick_ms'),
            progress_view: jobRatio('progress_view_ms'),
            audit_verify_full: ratio('audit_verify_full_ms'),
            daily_full_sweep: jobRatio('daily_full_sweep_ms'),
          }
        : undefined,
    node: process.version,
    cpus: os.cpus().length,
    load_avg_1m: Math.round(os.loadavg()[0] * 100) / 100,
  })}\n`,
);
