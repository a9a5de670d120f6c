// The two-instance test (test/store/two-instances.e2e.test.ts: two built instances over one Azurite, the sender's
// holder SIGKILLed mid-campaign) run several times in a row on a loaded machine, as a check anyone can repeat:
//
//   npm run build && node scripts/two-instances-under-load.mjs [--runs 10] [--load N]
//
// It starts N busy processes (default: one per core, like `stress --cpu N`), runs the test `runs` times one after
// the other, stops the load however it ends, and prints one JSON line: each run's outcome and duration.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, load: { type: 'string' } } });
const runs = Number(values.runs);
const load = values.load === undefined ? os.availableParallelism() : Number(values.load);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(load) || load < 0) {
  process.stderr.write('usage: node scripts/two-instances-under-load.mjs [--runs N (1 or more)] [--load N (busy processes, 0 or more)]\n');
  process.exit(2);
}
if (!existsSync(path.join(root, 'dist', 'passkey-coach.cjs'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first.\n');
  process.exit(2);
}

// The load: each process spins on one core until killed.
const spinners = Array.from({ length: load }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopLoad = () => {
  for (const spinner of spinners) if (spinner.exitCode === null && spinner.signalCode === null) spinner.kill('SIGKILL');
};
process.on('exit', stopLoad);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopLoad();
    process.exit(130);
  });
}

const results = [];
try {
  for (let run = 1; run <= runs; run++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/store/two-instances.e2e.test.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    const ms = Math.round(performance.now() - started);
    const passed = result.status === 0;
    // Colour codes are stripped, whatever the terminal: the reason is read by people and by JSON tools.
    const output = stripVTControlCharacters(`${result.stdout}${result.stderr}`);
    const reason = passed ? undefined : (/(timed out waiting for [^\n]*|AssertionError[^\n]*|Error: [^\n]*)/.exec(output)?.[1] ?? `exit ${result.status ?? result.signal}`);
    results.push({ run, passed, ms, ...(reason ? { reason } : {}) });
    process.stderr.write(`run ${run}/${runs}: ${passed ? 'passed' : `FAILED (${reason})`} in ${ms} ms\n`);
  }
} finally {
  stopLoad();
}
const passed = results.filter((result) => result.passed).length;
process.stdout.write(`${JSON.stringify({ check: 'two-instances-under-load', load: { busyProcesses: load, cores: os.availableParallelism() }, runs, passed, failed: runs - passed, results })}\n`);
process.exit(passed === runs ? 0 : 1);
