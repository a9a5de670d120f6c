#!/usr/bin/env node
// Launcher: runs dist/passkey-coach.cjs through V8's code cache, so start-up skips most parsing and compiling.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundle = path.join(__dirname, '..', 'dist', 'passkey-coach.cjs');
const cacheFile = `${bundle}.v8-${process.version}-${process.arch}.cache`;

// restify pulls in spdy → http-deceiver, which touches process.binding('http_parser') (DEP0111) on load, and its
// body reader calls new Buffer(0) (DEP0005: Node warns because the bundle is not under node_modules). Both are
// harmless and not ours to fix; drop exactly those warnings so real ones stay visible.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...args) => {
  const code = typeof args[0] === 'object' && args[0] !== null ? args[0].code : args[1];
  if (code === 'DEP0111' || code === 'DEP0005') return;
  emitWarning(warning, ...args);
};

let source;
try {
  source = fs.readFileSync(bundle, 'utf8');
} catch {
  process.stderr.write('passkey-coach: dist/ is missing; run `npm run build` first.\n');
  process.exit(1);
}
let cachedData;
if (fs.existsSync(cacheFile)) cachedData = fs.readFileSync(cacheFile);

const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
const bundleModule = new Module(bundle, module);
bundleModule.filename = bundle;
bundleModule.paths = Module._nodeModulePaths(path.dirname(bundle));

// The bundle calls this once start-up is done; the cache then covers every function start-up compiled.
globalThis.__passkeyCoachStarted = () => {
  if (cachedData && !script.cachedDataRejected) return;
  try {
    fs.writeFileSync(cacheFile, script.createCachedData());
  } catch (error) {
    // A read-only install still runs, just without the faster start.
    process.emitWarning(`code cache not saved: ${error.message}`);
  }
};

const run = script.runInThisContext();
run.call(bundleModule.exports, bundleModule.exports, (id) => bundleModule.require(id), bundleModule, bundle, path.dirname(bundle));
