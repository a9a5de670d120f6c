// Which catalog examples (and command examples) are a copy or a close paraphrase of a dev or blind line, and which
// lexicon phrases of several words are a whole line, so a catalog writer can reword or drop them. Prints the catalog's own sentence and which set it collides with; a blind line is
// never printed (only that there is one), a dev line is. test/objections/catalog-overlap.test.ts fails on any of them.
//
//   node scripts/catalog-overlap.mjs [--locale en]

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSources } from './import-sources.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { locale: { type: 'string', default: 'en' } }, strict: true });
const lib = await importSources('catalog-overlap', [
  "export * from './scripts/eval/overlap.ts';",
  "export * from './scripts/eval/labelled-set.ts';",
  "export { loadCatalog } from './src/objections/catalog-loader.ts';",
  "export { languageData } from './src/objections/text/language-data.ts';",
]);

const { locale } = values;
const language = lib.languageData(locale);
const catalog = lib.loadCatalog({ locale, baseDir: path.join(root, 'catalog') });
const sources = [
  ...[...catalog.intents].flatMap(([id, intent]) => intent.examples.map((text) => ({ where: `${id}.json`, text }))),
  ...Object.entries(language.commands).flatMap(([command, examples]) => examples.map((text) => ({ where: `language/commands.json (${command})`, text }))),
];
const sets = Object.fromEntries(['dev', 'blind'].map((kind) => [kind, lib.readLabelledSet(path.join(root, 'test', 'fixtures', kind, `${locale}.tsv`))]));
let count = 0;
for (const { where, text } of sources) {
  const hits = [];
  for (const [kind, rows] of Object.entries(sets)) {
    for (const hit of lib.overlaps(rows, [text], language)) {
      const row = rows.find((r) => r.line === hit.line);
      hits.push(kind === 'dev' ? `dev line ${hit.line} (${hit.kind} ${hit.share}): ${row.text}` : `a blind line (${hit.kind})`);
    }
  }
  if (hits.length === 0) continue;
  count += 1;
  process.stdout.write(`${where}: "${text}"\n${hits.map((hit) => `    ${hit}`).join('\n')}\n`);
}
// Lexicon phrases are vocabulary: only a phrase of two words or more that is a whole line of a set counts.
const phrases = Object.entries(language.concepts).flatMap(([concept, list]) => list.filter((phrase) => phrase.trim().split(/\s+/).length >= 2).map((text) => ({ concept, text })));
for (const { concept, text } of phrases) {
  const hits = Object.entries(sets).flatMap(([kind, rows]) =>
    lib.overlaps(rows, [text], language).filter((hit) => hit.share === 1).map((hit) => (kind === 'dev' ? `dev line ${hit.line}` : 'a blind line')),
  );
  if (hits.length === 0) continue;
  count += 1;
  process.stdout.write(`language/lexicon.json (${concept}): "${text}" is a whole line: ${hits.join(', ')}\n`);
}
process.stderr.write(`${count} of ${sources.length} ${locale} training sentences (and lexicon phrases) are a copy or close paraphrase of a dev or blind line\n`);
process.exitCode = count === 0 ? 0 : 1;
