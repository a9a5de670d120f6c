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

// Telemetry first, when it is configured: Azure Monitor's distribution must be set up before the service loads
// (src/telemetry/bootstrap.ts). Unconfigured, nothing of it is loaded at all.
const command = process.argv[2] ?? 'start';
const wantsTelemetry = Boolean(process.env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim() || ['azure-monitor', 'console'].includes(process.env.TELEMETRY_EXPORTER?.trim()));
if ((command === 'start' || command === 'demo') && wantsTelemetry) {
  try {
    globalThis.__passkeyCoachTelemetry = require(path.join(__dirname, '..', 'dist', 'telemetry.cjs')).startTelemetry(process.env, command);
  } catch (error) {
    // The service still starts (and says telemetry is not running); a broken exporter must not take the bot down.
    const secret = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
    const message = String(error?.message);
    process.stderr.write(`passkey-coach: telemetry could not be set up: ${secret ? message.split(secret).join('[redacted]') : message}\n`);
  }
}

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
