// The package App Service runs (`npm run artifact`, after `npm ci` and `npm run build`): build/artifact/ holds the
// service bundle, its launcher, the files it reads at run time, the few packages it loads by name at run time (NLP.js's
// stemmers, found by language code) and a package.json with nothing to install. The bundle carries every other
// dependency but SQLite's native module, which App Service does not need (its store is Table Storage; README,
// "Deploying to a real tenant"). `atk deploy` zips this folder and nothing else.
//
//   node scripts/build-artifact.mjs [--out DIR]      prints the folder, its file count and size as one JSON line

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(root, 'build', 'artifact') } }, strict: true });
const out = path.resolve(values.out);

/** What the service reads at run time, beside the bundle (each path relative to the checkout). */
export const RUNTIME_FILES = ['bin/passkey-coach.cjs', 'cards', 'catalog', 'guides', 'models', 'strings'];
/** From dist/: the bundle, its start-up code cache, telemetry's set-up, the trained intent models and the tab. Not the 40 MB source map. */
const DIST_FILE = /^(passkey-coach\.cjs|passkey-coach\.cjs\.v8-.*\.cache|telemetry\.cjs|intent-model-[a-z]{2,3}\.json|tab)$/;

/** Packages the service resolves by name while running (src/objections/text/stemmers.ts), not bundled. */
const LOADED_BY_NAME = /^@nlpjs\/lang-/;

/** The packages and every package they depend on, as installed in node_modules (npm's flat layout). */
function withDependencies(names) {
  const found = new Set();
  const visit = (name) => {
    if (found.has(name)) return;
    const manifest = path.join(root, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) throw new Error(`artifact: ${name} is not installed; run \`npm ci\` first`);
    found.add(name);
    for (const dependency of Object.keys(JSON.parse(readFileSync(manifest, 'utf8')).dependencies ?? {})) visit(dependency);
  };
  for (const name of names) visit(name);
  return [...found].sort();
}

const bundle = path.join(root, 'dist', 'passkey-coach.cjs');
if (!existsSync(bundle)) {
  process.stderr.write('artifact: dist/ is missing; run `npm run build` first.\n');
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'dist'), { recursive: true });
for (const name of readdirSync(path.join(root, 'dist')).filter((entry) => DIST_FILE.test(entry))) {
  cpSync(path.join(root, 'dist', name), path.join(out, 'dist', name), { recursive: true });
}
for (const file of RUNTIME_FILES) cpSync(path.join(root, file), path.join(out, file), { recursive: true });

const own = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const packages = withDependencies(Object.keys(own.dependencies ?? {}).filter((name) => LOADED_BY_NAME.test(name)));
for (const name of packages) cpSync(path.join(root, 'node_modules', name), path.join(out, 'node_modules', name), { recursive: true });
const manifest = {
  name: own.name,
  version: own.version,
  private: true,
  description: own.description,
  license: own.license,
  engines: own.engines,
  bin: own.bin,
  // Nothing to install or build on the server: App Service runs this command (the Bicep's appCommandLine too).
  scripts: { start: 'node bin/passkey-coach.cjs start' },
};
writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
const files = walk(out);
const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
process.stdout.write(`${JSON.stringify({ artifact: path.relative(root, out) || out, files: files.length, megabytes: Math.round((bytes / 1024 / 1024) * 10) / 10, packages })}\n`);
