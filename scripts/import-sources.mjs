// Imports a few of the checkout's TypeScript sources from a plain Node script, without a build: esbuild bundles them
// on the fly (node_modules stay external) into build/scripts/ (ignored by git). Inside the checkout, so the bundle's
// packageRoot() is this checkout even when node_modules is a link to another one's. Used by the evaluation scripts
// and the benchmarks.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `name` names the bundle file; `exports` are export statements relative to the checkout's root. */
export async function importSources(name, exports) {
  const outDir = path.join(root, 'build', 'scripts');
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${name}.mjs`);
  await build({
    stdin: { contents: exports.join('\n'), resolveDir: root, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Node 20 takes `with { type: 'json' }`; esbuild's table for node20 says otherwise and would drop it.
    supported: { 'import-attributes': true },
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
