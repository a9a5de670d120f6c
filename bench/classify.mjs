// Classification latency of the intent matcher: every dev line of every language (the English model reads them all,
// as it would a message in a language it does not speak), several rounds, one message at a time. Prints ONE JSON line:
// p50, p99 and max per message in ms, and how long loading the model took. Target (issue 21): p99 <= 2 ms.
//
//   node bench/classify.mjs [--rounds 5] [--model FILE]     (npm run bench classify)
//
// --model reads a model file (dist/intent-model-en.json after `npm run build`); without it, the matcher trains first.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSources } from '../scripts/import-sources.mjs';
import { percentile } from './lib/load.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, model: { type: 'string' } }, strict: true });
const lib = await importSources('bench-classify', [
  "export { readLabelledSet } from './scripts/eval/labelled-set.ts';",
  "export { loadCatalog } from './src/objections/catalog-loader.ts';",
  "export { IntentMatcher } from './src/objections/intent-matcher.ts';",
]);

const catalog = lib.loadCatalog({ locale: 'en' });
const scratch = mkdtempSync(path.join(os.tmpdir(), 'passkey-coach-bench-classify-'));
let started = performance.now();
const matcher = await lib.IntentMatcher.load({ catalog, cacheDir: scratch, ...(values.model ? { prebuiltFile: path.resolve(values.model) } : {}) });
const loadMs = performance.now() - started;
rmSync(scratch, { recursive: true, force: true });

const devDir = path.join(root, 'test', 'fixtures', 'dev');
const texts = readdirSync(devDir).filter((name) => name.endsWith('.tsv')).flatMap((name) => lib.readLabelledSet(path.join(devDir, name)).map((row) => row.text));
// One pass first: lazy parts (the related-word set, the language detector) load on the first message that needs them.
started = performance.now();
for (const text of texts) await matcher.classify(text, { locale: 'en' });
const firstPassMs = performance.now() - started;
const times = [];
for (let round = 0; round < Number(values.rounds); round += 1) {
  for (const text of texts) {
    const t = performance.now();
    await matcher.classify(text, { locale: 'en' });
    times.push(performance.now() - t);
  }
}
times.sort((a, b) => a - b);
const round3 = (value) => Math.round(value * 1000) / 1000;
process.stdout.write(
  `${JSON.stringify({ messages: times.length, distinct: texts.length, source: matcher.source, loadMs: Math.round(loadMs), firstPassMs: Math.round(firstPassMs), p50: round3(percentile(times, 0.5)), p99: round3(percentile(times, 0.99)), max: round3(times.at(-1)) })}\n`,
);
