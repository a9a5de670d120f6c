// `npm run eval:objections`: trains the intent matcher on the catalog (never on the dev set) and scores it on the dev set.
// Human-readable report on stderr, one JSON line on stdout; exit 1 below the required accuracy.
//
//   node scripts/eval-objections.mjs [--dev FILE] [--catalog-dir DIR] [--threshold T] [--kfold K] [--no-ablations]
//
// The TypeScript sources are bundled on the fly (scripts/import-sources.mjs).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSources } from './import-sources.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    dev: { type: 'string', default: path.join(root, 'test', 'fixtures', 'objections-dev.tsv') },
    unseen: { type: 'string', default: path.join(root, 'test', 'fixtures', 'objections-unseen.tsv') },
    'catalog-dir': { type: 'string' },
    threshold: { type: 'string' },
    kfold: { type: 'string' },
    'no-ablations': { type: 'boolean', default: false },
  },
  strict: true,
});

const lib = await importSources('eval-objections', [
  "export * from './scripts/eval-objections.ts';",
  "export { loadCatalog } from './src/objections/catalog-loader.ts';",
  "export { IntentMatcher, DEFAULT_CONFIDENCE_THRESHOLD } from './src/objections/intent-matcher.ts';",
]);

const err = (text) => process.stderr.write(`${text}\n`);
const threshold = values.threshold === undefined ? lib.DEFAULT_CONFIDENCE_THRESHOLD : Number(values.threshold);
const catalog = lib.loadCatalog({ locale: 'en', baseDir: path.join(root, 'catalog'), overrideDir: values['catalog-dir'] ?? process.env.CATALOG_DIR });
const rows = lib.readDevSet(values.dev);

let started = performance.now();
const matcher = await lib.IntentMatcher.train(catalog, { threshold });
const trainingMs = Math.round(performance.now() - started);
err(`trained on ${[...catalog.intents.values()].reduce((n, intent) => n + intent.examples.length, 0)} catalog examples in ${trainingMs} ms`);

started = performance.now();
const result = await lib.evaluate(matcher, rows);
const perTextMs = (performance.now() - started) / Math.max(1, rows.length);
err(`\n${lib.formatReport(result, threshold, matcher.tuning)}`);
err(`\nclassification: ${perTextMs.toFixed(2)} ms per text`);

// The unseen set: accuracy only. Its lines are never printed, so they cannot become a second dev set to tune to.
const unseen = await lib.evaluate(matcher, lib.readDevSet(values.unseen));
err(`\nunseen set (accuracy only): ${unseen.accuracy.toFixed(3)} (${unseen.correct}/${unseen.total})`);

let ablations;
if (!values['no-ablations']) {
  ablations = await lib.ablations(matcher, rows);
  err('\nablations (accuracy on the same dev set):');
  for (const [name, accuracy] of Object.entries(ablations)) err(`  ${name.padEnd(36)} ${accuracy.toFixed(3)}`);
}

let crossValidation;
if (values.kfold !== undefined) {
  const folds = Number(values.kfold);
  crossValidation = await lib.crossValidate(catalog, folds, (fold) => lib.IntentMatcher.train(fold, { threshold }));
  err(`\n${folds}-fold cross-validation on the catalog's examples: ${crossValidation.accuracy.toFixed(3)} over ${crossValidation.total} (${crossValidation.perFold.join(', ')})`);
}

const passed = result.accuracy >= lib.REQUIRED_ACCURACY;
process.stdout.write(
  `${JSON.stringify({
    accuracy: result.accuracy,
    correct: result.correct,
    total: result.total,
    required: lib.REQUIRED_ACCURACY,
    passed,
    unseen: { accuracy: unseen.accuracy, correct: unseen.correct, total: unseen.total },
    threshold,
    trainingMs,
    perIntent: result.perIntent,
    confusions: result.confusions,
    ablations,
    crossValidation,
  })}\n`,
);
process.exitCode = passed ? 0 : 1;
