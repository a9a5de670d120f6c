// History benchmark: how the views and jobs that read the past cost as the past grows. For each size it seeds an
// SQLite file with that many audit entries (through the audit log itself, personal fields and all), then times, as
// the service runs them: the tab's audit view (`auditOverview`: verify from the sealed checkpoint, the last 100
// entries with their people) and `audit verify` (from the checkpoint), each after 50 new entries; and, for
// reference, the one-off full walk (`audit verify --full`), which stays linear. Prints ONE JSON line.
// Target (issue 23): each view/job at 40 000 entries ≤ 1.5 × its time at 10 000 (`ratio`).
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

const results = {};
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
    await store.close();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const [small, large] = [sizes[0], sizes.at(-1)];
const ratio = (field) => Math.round((results[large][field] / results[small][field]) * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    bench: 'history',
    sizes,
    runs,
    audit: results,
    ratio: sizes.length > 1 ? { sizes: `${large}/${small}`, audit_view: ratio('audit_view_ms'), audit_verify: ratio('audit_verify_ms'), audit_verify_full: ratio('audit_verify_full_ms') } : undefined,
    not_yet: ['escalation tick', 'pass expiry', 'progress view'],
    node: process.version,
    cpus: os.cpus().length,
    load_avg_1m: Math.round(os.loadavg()[0] * 100) / 100,
  })}\n`,
);
