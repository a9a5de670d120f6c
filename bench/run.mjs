// `npm run bench <name> [-- args]`: runs one benchmark from bench/ with its own arguments.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Benchmarks by name: each prints one JSON line on stdout. */
const BENCHMARKS = {
  turn: 'turn.mjs',
  outreach: 'outreach.mjs',
  tab: 'tab.mjs',
  classify: 'classify.mjs',
  history: 'history.mjs',
};

const [name, ...args] = process.argv.slice(2);
if (!name || !Object.hasOwn(BENCHMARKS, name)) {
  process.stderr.write(`usage: npm run bench <${Object.keys(BENCHMARKS).join('|')}> [-- options]\n`);
  process.exit(2);
}
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), BENCHMARKS[name]);
const result = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
