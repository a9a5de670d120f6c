// Repeated k-fold cross-validation of the intent matcher on the catalog's own examples and its command examples (never
// the dev or blind set): judges a change before the dev set is looked at. `npm run eval:objections` reports the same
// number beside dev and blind; this runs it alone, with other parts or tuning.
//
//   node scripts/cv-objections.mjs [--locale en] [--folds 5] [--repeats 3] [--parts JSON] [--tuning JSON]

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSources } from './import-sources.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    locale: { type: 'string', default: 'en' },
    folds: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '3' },
    parts: { type: 'string' },
    tuning: { type: 'string' },
  },
  strict: true,
});

const lib = await importSources('cv-objections', [
  "export { crossValidate } from './scripts/eval/evaluate.ts';",
  "export { loadCatalog } from './src/objections/catalog-loader.ts';",
  "export { IntentMatcher } from './src/objections/intent-matcher.ts';",
]);

const options = { ...(values.parts ? { parts: JSON.parse(values.parts) } : {}), ...(values.tuning ? { tuning: JSON.parse(values.tuning) } : {}) };
const catalog = lib.loadCatalog({ locale: values.locale, baseDir: path.join(root, 'catalog') });
const started = performance.now();
const result = await lib.crossValidate(catalog, Number(values.folds), Number(values.repeats), (fold, commandExamples) => lib.IntentMatcher.train(fold, { ...options, commandExamples }));
process.stderr.write(`${values.repeats}x${values.folds}-fold CV: ${result.accuracy.toFixed(3)} over ${result.total}; per repeat ${result.perRepeat.join(', ')}; command examples ${result.commands.correct}/${result.commands.total}; ${Math.round((performance.now() - started) / 1000)} s\n`);
process.stdout.write(`${JSON.stringify({ ...result, folds: Number(values.folds), repeats: Number(values.repeats), locale: values.locale })}\n`);
