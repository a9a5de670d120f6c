// Ablation of the intent matcher: each part turned off in turn (and each scorer alone), measured by repeated k-fold
// cross-validation on the catalog and on the dev set, never the blind set. One JSON line per variant on stdout.
// Parts that did not earn their place were removed from the code; their rows in the README were measured at the
// commit named there.
//
//   node scripts/ablate-objections.mjs [--locale en] [--folds 5] [--repeats 3] [--only NAME,NAME]

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSources } from './import-sources.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { locale: { type: 'string', default: 'en' }, folds: { type: 'string', default: '5' }, repeats: { type: 'string', default: '3' }, only: { type: 'string' } },
  strict: true,
});
const lib = await importSources('ablate-objections', [
  "export * from './scripts/eval/evaluate.ts';",
  "export * from './scripts/eval/labelled-set.ts';",
  "export { loadCatalog } from './src/objections/catalog-loader.ts';",
  "export { IntentMatcher } from './src/objections/intent-matcher.ts';",
]);

const noGuards = { minSimilarity: 0, minKnownShare: 0, unknownWordsWeight: 0 };
const VARIANTS = {
  'all parts (shipped)': {},
  'without the lexicon': { parts: { lexicon: false } },
  'without word vectors': { parts: { vectors: false } },
  'without NLP.js neural': { parts: { neural: false } },
  'without the regression': { parts: { regression: false } },
  'without nearest examples': { parts: { similarity: false } },
  'without the unknown-word guards': { tuning: noGuards },
  'without the question features': { parts: { questions: false } },
  'without word pairs': { parts: { bigrams: false } },
  'NLP.js neural alone': { parts: { regression: false, similarity: false } },
  'regression alone': { parts: { neural: false, similarity: false } },
};

const locale = values.locale;
const catalog = lib.loadCatalog({ locale, baseDir: path.join(root, 'catalog') });
const dev = lib.readLabelledSet(path.join(root, 'test', 'fixtures', 'dev', `${locale}.tsv`));
const only = values.only?.split(',');
for (const [name, options] of Object.entries(VARIANTS)) {
  if (only && !only.some((word) => name.includes(word))) continue;
  const started = performance.now();
  const matcher = await lib.IntentMatcher.train(catalog, options);
  const devResult = await lib.evaluate(matcher, dev, { locale });
  const cv = await lib.crossValidate(catalog, Number(values.folds), Number(values.repeats), (fold, commandExamples) => lib.IntentMatcher.train(fold, { ...options, commandExamples }));
  const line = { variant: name, cv: cv.accuracy, dev: devResult.accuracy, devByKind: devResult.byKind, seconds: Math.round((performance.now() - started) / 1000) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
