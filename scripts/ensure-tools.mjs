// Installs the pinned Microsoft 365 Agents Toolkit CLI (`atk`) into .tools/atk, once per version.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ATK_PACKAGE = '@microsoft/m365agentstoolkit-cli';
export const ATK_VERSION = '1.1.17';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ATK_PREFIX = join(repoRoot, '.tools', 'atk');

/** Absolute path of the atk launcher inside the cached tools folder. */
export function atkBinPath() {
  const name = process.platform === 'win32' ? 'atk.cmd' : 'atk';
  return join(ATK_PREFIX, 'node_modules', '.bin', name);
}

// Written last, so an interrupted install is never taken for a finished one.
const MARKER = join(ATK_PREFIX, '.installed');
const LOCK = `${ATK_PREFIX}.lock`;
const LOCK_STALE_MS = 10 * 60_000;
const LOCK_WAIT_MS = 10 * 60_000;

/** The version a finished install left in the cache, or undefined when there is none. */
function installedVersion() {
  if (!existsSync(MARKER) || !existsSync(atkBinPath())) return undefined;
  return readFileSync(MARKER, 'utf8').trim();
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `fn` while holding a lock directory, so parallel test workers do not install twice at once. */
function withLock(fn) {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue; // released between our mkdir and stat: try again
      }
      if (age > LOCK_STALE_MS) {
        process.stderr.write(`ensure-tools: removing stale lock ${LOCK}\n`);
        rmSync(LOCK, { recursive: true, force: true });
      } else if (Date.now() > deadline) {
        throw new Error(`ensure-tools: ${LOCK} is held by another install; remove it if no install is running`);
      } else {
        sleep(500);
      }
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Makes sure the pinned atk is installed; returns the path of its launcher. */
export function ensureAtk() {
  if (installedVersion() === ATK_VERSION) {
    process.stderr.write(`ensure-tools: ${ATK_PACKAGE}@${ATK_VERSION} already in ${ATK_PREFIX}\n`);
    return atkBinPath();
  }
  return withLock(install);
}

function install() {
  const found = installedVersion();
  if (found === ATK_VERSION) {
    // Another process finished the install while we waited for the lock.
    process.stderr.write(`ensure-tools: ${ATK_PACKAGE}@${ATK_VERSION} already in ${ATK_PREFIX}\n`);
    return atkBinPath();
  }
  process.stderr.write(
    `ensure-tools: installing ${ATK_PACKAGE}@${ATK_VERSION} into ${ATK_PREFIX}` +
      (found ? ` (found ${found})` : '') +
      '\n',
  );
  mkdirSync(ATK_PREFIX, { recursive: true });
  rmSync(MARKER, { force: true });
  // Its install scripts download things this machine cannot reach; the CLI runs without them.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      ATK_PREFIX,
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `${ATK_PACKAGE}@${ATK_VERSION}`,
    ],
    { stdio: ['ignore', process.stderr, process.stderr], shell: process.platform === 'win32' },
  );
  if (result.status !== 0) {
    throw new Error(
      `ensure-tools: npm install of ${ATK_PACKAGE}@${ATK_VERSION} failed (exit ${result.status ?? result.signal})`,
    );
  }
  const pkgJson = join(ATK_PREFIX, 'node_modules', ...ATK_PACKAGE.split('/'), 'package.json');
  const version = existsSync(pkgJson) ? JSON.parse(readFileSync(pkgJson, 'utf8')).version : undefined;
  if (version !== ATK_VERSION || !existsSync(atkBinPath())) {
    throw new Error(`ensure-tools: ${ATK_PACKAGE}@${ATK_VERSION} is still missing after npm install`);
  }
  writeFileSync(MARKER, `${ATK_VERSION}\n`);
  process.stderr.write(`ensure-tools: installed ${atkBinPath()}\n`);
  return atkBinPath();
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    ensureAtk();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
