// Repeated k-fold cross-validation of the intent matcher on the catalog's own examples (never the dev set).
// Judges a change to the matcher or the catalog before the dev set is looked at.
//
//   node scripts/cv-objections.mjs [--folds 5] [--repeats 3] [--base-ref REF] [--tuning JSON] [--threshold T] [--confusions]
//
// Each repeat shuffles every intent's examples with its own seed and cuts them into k folds; a matcher is trained on
// k-1 folds and tested on the held-out one. With --base-ref (a git commit), only the held-out examples that the
// catalog at that commit already had are tested: examples added since then still train (when not held out), but are
// never tested, so a catalog that grows with easy examples cannot raise the score by testing on them.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSources } from './import-sources.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    folds: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '3' },
    'base-ref': { type: 'string' },
    tuning: { type: 'string' },
    threshold: { type: 'string' },
    confusions: { type: 'boolean', default: false },
  },
  strict: true,
});

const lib = await importSources('cv-objections', [
  "export { evaluate } from './scripts/eval-objections.ts';",
  "export { loadCatalog } from './src/objections/catalog-loader.ts';",
  "export { IntentMatcher, DEFAULT_CONFIDENCE_THRESHOLD } from './src/objections/intent-matcher.ts';",
]);

const folds = Number(values.folds);
const repeats = Number(values.repeats);
const threshold = values.threshold === undefined ? lib.DEFAULT_CONFIDENCE_THRESHOLD : Number(values.threshold);
const tuning = values.tuning ? JSON.parse(values.tuning) : {};
const catalog = lib.loadCatalog({ locale: 'en', baseDir: path.join(root, 'catalog') });

/** The examples each intent had at the base commit (the only ones tested), or undefined to test all. */
function baseExamples(ref) {
  if (!ref) return undefined;
  const names = execFileSync('git', ['-C', root, 'ls-tree', '--name-only', `${ref}:catalog/en`], { encoding: 'utf8' }).split('\n').filter((name) => name.endsWith('.json'));
  const out = new Map();
  for (const name of names) {
    const json = JSON.parse(execFileSync('git', ['-C', root, 'show', `${ref}:catalog/en/${name}`], { encoding: 'utf8' }));
    for (const intent of Array.isArray(json) ? json : [json]) out.set(intent.id, new Set(intent.examples));
  }
  return out;
}
const base = baseExamples(values['base-ref']);

function shuffled(list, seed) {
  const out = [...list];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

let correct = 0;
let total = 0;
const perRepeat = [];
const confusions = new Map();
const started = performance.now();
for (let repeat = 0; repeat < repeats; repeat += 1) {
  const orders = new Map([...catalog.intents].map(([id, intent], k) => [id, shuffled(intent.examples, 1000 * (repeat + 1) + k)]));
  let repeatCorrect = 0;
  let repeatTotal = 0;
  for (let fold = 0; fold < folds; fold += 1) {
    const held = [];
    const intents = new Map(
      [...catalog.intents].map(([id, intent]) => {
        const keep = [];
        orders.get(id).forEach((text, i) => {
          if (i % folds !== fold) keep.push(text);
          else if (!base || base.get(id)?.has(text)) held.push({ intent: id, text, line: i + 1 });
        });
        return [id, { ...intent, examples: keep }];
      }),
    );
    const matcher = await lib.IntentMatcher.train({ ...catalog, intents, hash: `${catalog.hash}-cv-${repeat}-${fold}` }, { threshold, tuning });
    const result = await lib.evaluate(matcher, held);
    repeatCorrect += result.correct;
    repeatTotal += result.total;
    for (const c of result.confusions) {
      const key = `${c.expected} -> ${c.got}`;
      confusions.set(key, [...(confusions.get(key) ?? []), c.text]);
    }
  }
  perRepeat.push(repeatCorrect / repeatTotal);
  correct += repeatCorrect;
  total += repeatTotal;
}

const accuracy = correct / total;
process.stderr.write(`${repeats}x${folds}-fold CV${base ? ` (tested on examples of ${values['base-ref']})` : ''}: ${accuracy.toFixed(4)} (${correct}/${total}); per repeat ${perRepeat.map((a) => a.toFixed(3)).join(', ')}; ${Math.round((performance.now() - started) / 1000)} s\n`);
if (values.confusions) {
  for (const [key, texts] of [...confusions].sort((a, b) => b[1].length - a[1].length)) process.stderr.write(`  ${String(texts.length).padStart(3)} ${key}: ${[...new Set(texts)].slice(0, 4).join(' | ')}\n`);
}
process.stdout.write(`${JSON.stringify({ accuracy, correct, total, perRepeat, folds, repeats, baseRef: values['base-ref'] ?? null })}\n`);
