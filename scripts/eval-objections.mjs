// `npm run eval:objections`: the intent matcher's honest numbers, per language that has a catalog, as one JSON line
// on stdout (a readable report on stderr):
// - cv: repeated k-fold cross-validation on the catalog's own examples and its command examples (top intent, or the
//   command);
// - dev: the dev set (test/fixtures/dev/<locale>.tsv), which changes may be tuned on;
// - blind: the blind set (test/fixtures/blind/<locale>.tsv), accuracy only: its lines are never printed, and it is
//   never used to choose anything. The headline.
// Exit 1 when English dev accuracy is below 0.95 (when English is evaluated).
//
//   node scripts/eval-objections.mjs [--locale xx] [--folds 5] [--repeats 3] [--no-cv] [--no-blind] [--show-dev] [--parts JSON] [--tuning JSON]
//
// --show-dev lists the dev set's mistakes with their text (never the blind set's). The TypeScript sources are bundled
// on the fly (scripts/import-sources.mjs).

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSources } from './import-sources.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    locale: { type: 'string' },
    folds: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '3' },
    'no-cv': { type: 'boolean', default: false },
    'no-blind': { type: 'boolean', default: false },
    'show-dev': { type: 'boolean', default: false },
    parts: { type: 'string' },
    tuning: { type: 'string' },
  },
  strict: true,
});

const lib = await importSources('eval-objections', [
  "export * from './scripts/eval/evaluate.ts';",
  "export * from './scripts/eval/labelled-set.ts';",
  "export { loadCatalog } from './src/objections/catalog-loader.ts';",
  "export { INTENT_IDS } from './src/objections/catalog-schema.ts';",
  "export { IntentMatcher } from './src/objections/intent-matcher.ts';",
]);

const err = (text) => process.stderr.write(`${text}\n`);
const options = { ...(values.parts ? { parts: JSON.parse(values.parts) } : {}), ...(values.tuning ? { tuning: JSON.parse(values.tuning) } : {}) };
const locales = readdirSync(path.join(root, 'catalog'))
  .filter((name) => existsSync(path.join(root, 'catalog', name, 'language')))
  .filter((name) => values.locale === undefined || name === values.locale);
if (locales.length === 0) throw new Error(`no catalog with language data for --locale ${values.locale}`);
const summary = (result) => ({ accuracy: result.accuracy, correct: result.correct, total: result.total, byKind: result.byKind, bothFound: result.bothFound, setPrecision: result.setPrecision, setRecall: result.setRecall });
const report = {};

for (const locale of locales) {
  const catalog = lib.loadCatalog({ locale, baseDir: path.join(root, 'catalog') });
  const out = {};
  let started = performance.now();
  const matcher = await lib.IntentMatcher.train(catalog, options);
  out.trainingMs = Math.round(performance.now() - started);

  const devFile = path.join(root, 'test', 'fixtures', 'dev', `${locale}.tsv`);
  const dev = await lib.evaluate(matcher, lib.readLabelledSet(devFile), { locale, withTexts: true });
  out.dev = summary(dev);
  err(`${locale} dev: ${dev.accuracy.toFixed(3)} (${dev.correct}/${dev.total}); ${JSON.stringify(dev.byKind)}; two concerns: both found ${dev.bothFound}, set precision ${dev.setPrecision}, recall ${dev.setRecall}`);
  if (values['show-dev']) for (const m of dev.mistakes) err(`  line ${m.line}: ${m.label} -> ${m.got} (${m.reason}): ${m.text}`);

  if (!values['no-blind']) {
    const blindFile = path.join(root, 'test', 'fixtures', 'blind', `${locale}.tsv`);
    started = performance.now();
    const blind = await lib.evaluate(matcher, lib.readLabelledSet(blindFile), { locale });
    out.blind = summary(blind);
    out.msPerMessage = Math.round(((performance.now() - started) / Math.max(1, blind.total)) * 1000) / 1000;
    err(`${locale} blind (accuracy only): ${blind.accuracy.toFixed(3)} (${blind.correct}/${blind.total})`);
  }

  if (!values['no-cv']) {
    const folds = Number(values.folds);
    const repeats = Number(values.repeats);
    out.cv = { folds, repeats, ...(await lib.crossValidate(catalog, folds, repeats, (fold, commandExamples) => lib.IntentMatcher.train(fold, { ...options, commandExamples }))) };
    err(`${locale} ${repeats}x${folds}-fold cross-validation on the catalog: ${out.cv.accuracy.toFixed(3)} over ${out.cv.total} (per repeat ${out.cv.perRepeat.join(', ')}; command examples ${out.cv.commands.correct}/${out.cv.commands.total})`);
  }
  report[locale] = out;
}

const passed = report.en === undefined || report.en.dev.accuracy >= lib.REQUIRED_DEV_ACCURACY;
process.stdout.write(`${JSON.stringify({ required: { enDev: lib.REQUIRED_DEV_ACCURACY }, passed, ...report })}\n`);
process.exitCode = passed ? 0 : 1;
