// Bundles the service into one CommonJS file and warms its V8 code cache.
// Why: loading botbuilder + teams-ai from thousands of files takes ~1.7 s on this class of machine;
// one bundle with a code cache starts in well under the 1.5 s budget.

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { build as buildTab } from 'vite';
import { lazyModules } from './lazy-modules.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'passkey-coach.cjs');

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'src', 'entry.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Native addons stay outside the bundle; dtrace-provider is restify's optional probe and is not installed.
  external: ['better-sqlite3', 'dtrace-provider'],
  define: { 'import.meta.url': '__passkeyCoachModuleUrl' },
  banner: { js: "const __passkeyCoachModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // What a dependency loads at start-up and the coach never uses (teams-ai's GPT encodings) loads on first use.
  plugins: [lazyModules],
});

// Telemetry's set-up, apart: the launcher loads it before the service, and only when telemetry is configured
// (src/telemetry/bootstrap.ts), so an ordinary start does not pay for Azure Monitor's OpenTelemetry distribution.
await build({
  entryPoints: [path.join(root, 'src', 'telemetry', 'bootstrap.ts')],
  outfile: path.join(root, 'dist', 'telemetry.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  define: { 'import.meta.url': '__telemetryModuleUrl' },
  banner: { js: "const __telemetryModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The admins' and helpdesk's tab (static files the server serves under /tab/).
await buildTab({ configFile: path.join(root, 'tab', 'vite.config.ts'), logLevel: 'warn' });

// Train each language's intent model once here, so no start-up ever has to (a model is used while its catalog is
// unchanged). The languages are the catalog's folders: a new language is a new folder and this build.
const catalogDir = path.join(root, 'catalog');
const locales = readdirSync(catalogDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && /^[a-z]{2,3}$/.test(entry.name) && readdirSync(path.join(catalogDir, entry.name)).some((name) => name.endsWith('.json')))
  .map((entry) => entry.name);
// In parallel, one process per language (each trains on one core).
const trained = await Promise.all(
  locales.map(
    (locale) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(root, 'bin', 'passkey-coach.cjs'), 'train-model', path.join(root, 'dist', `intent-model-${locale}.json`), '--locale', locale], {
          cwd: root,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        child.on('close', (code) => resolve({ locale, code }));
      }),
  ),
);
const failed = trained.filter(({ code }) => code !== 0);
if (failed.length > 0) {
  process.stderr.write(`build: training the intent model failed for ${failed.map(({ locale, code }) => `${locale} (exit ${code})`).join(', ')}\n`);
  process.exit(1);
}

// Start once in memory so the code cache holds what a real start compiles.
const warm = spawnSync(process.execPath, [path.join(root, 'bin', 'passkey-coach.cjs'), 'warm-cache'], {
  cwd: root,
  env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (warm.status !== 0) {
  process.stderr.write(`build: the warm-up start failed (exit ${warm.status})\n`);
  process.exit(1);
}
process.stderr.write(`build: ${path.relative(root, outfile)}, its code cache and the intent models (${locales.join(', ')}) are ready\n`);
