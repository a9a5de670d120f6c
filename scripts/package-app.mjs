// Builds the Teams app package (appPackage/build/appPackage.ENV.zip) from the manifest template and env/.env.ENV.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const ENV_NAME = /^[A-Za-z0-9_-]+$/;

/** Parses a dotenv file: KEY=VALUE lines, `#` comments, optional single or double quotes. */
export function parseDotenv(text) {
  const vars = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rest] = match;
    const quoted = /^(["'])(.*)\1\s*(?:#.*)?$/.exec(rest);
    if (quoted) {
      vars[key] = quoted[1] === '"' ? quoted[2].replace(/\\n/g, '\n') : quoted[2];
    } else {
      vars[key] = rest.replace(/\s+#.*$/, '').trim();
    }
  }
  return vars;
}

/** Reads env/.env.NAME (required) and env/.env.NAME.user (optional, wins on conflicts). */
export function loadEnv(envName, root = repoRoot) {
  if (!ENV_NAME.test(envName)) {
    throw new Error(`package-app: invalid environment name "${envName}" (use letters, digits, - or _)`);
  }
  const base = join(root, 'env', `.env.${envName}`);
  if (!existsSync(base)) {
    throw new Error(`package-app: ${relative(root, base)} not found; create it or pick another --env`);
  }
  const vars = parseDotenv(readFileSync(base, 'utf8'));
  const user = `${base}.user`;
  if (existsSync(user)) Object.assign(vars, parseDotenv(readFileSync(user, 'utf8')));
  return vars;
}

/** Replaces every ${{VAR}}; throws naming every variable that is missing or empty. */
export function substitute(template, vars, source = 'manifest.json') {
  // An app package is handed to Teams admins and uploaded to the catalog: a secret must never be put in it.
  const secrets = [...template.matchAll(PLACEHOLDER)].map(([, name]) => name).filter((name) => name.startsWith('SECRET_'));
  if (secrets.length > 0) throw new Error(`package-app: ${source} refers to secrets (${[...new Set(secrets)].join(', ')}); an app package must not contain them.`);
  const unset = new Set();
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (vars[name] === undefined || vars[name] === '') unset.add(name);
  }
  if (unset.size > 0) {
    throw new Error(
      `package-app: ${source} uses variables with no value: ${[...unset].sort().join(', ')}. ` +
        'Set them in the env file (secrets in its .user file).',
    );
  }
  return template.replace(PLACEHOLDER, (_, name) => vars[name]);
}

/** JSON-escapes each value so that a quote or backslash in an env value cannot break the manifest. */
function jsonSafe(vars) {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, JSON.stringify(v).slice(1, -1)]));
}

/** Builds the zip and the resolved manifest for one environment; returns their paths. */
export function packageApp(envName, root = repoRoot) {
  const appDir = join(root, 'appPackage');
  const vars = loadEnv(envName, root);
  const manifestText = substitute(readFileSync(join(appDir, 'manifest.json'), 'utf8'), jsonSafe(vars));
  const manifest = JSON.parse(manifestText);
  const icons = [manifest.icons?.color, manifest.icons?.outline];
  const files = { 'manifest.json': new TextEncoder().encode(manifestText) };
  // The manifest's words in other languages (localizationInfo): one file per language beside the manifest, resolved alike.
  for (const { file } of manifest.localizationInfo?.additionalLanguages ?? []) {
    if (typeof file !== 'string' || !/^[A-Za-z0-9_-]+\.json$/.test(file)) throw new Error(`package-app: a localisation file must be a file name in appPackage/, got ${JSON.stringify(file)}`);
    const path = join(appDir, file);
    if (!existsSync(path)) throw new Error(`package-app: localisation file ${relative(root, path)} is missing`);
    const text = substitute(readFileSync(path, 'utf8'), jsonSafe(vars), file);
    JSON.parse(text);
    files[file] = new TextEncoder().encode(text);
  }
  for (const icon of icons) {
    if (typeof icon !== 'string' || icon.includes('/') || icon.includes('\\')) {
      throw new Error(`package-app: icons must be file names in appPackage/, got ${JSON.stringify(icon)}`);
    }
    const path = join(appDir, icon);
    if (!existsSync(path)) {
      throw new Error(`package-app: icon ${relative(root, path)} is missing; run node scripts/make-icons.mjs`);
    }
    files[icon] = readFileSync(path);
  }
  const buildDir = join(appDir, 'build');
  mkdirSync(buildDir, { recursive: true });
  const zipPath = join(buildDir, `appPackage.${envName}.zip`);
  const manifestPath = join(buildDir, `manifest.${envName}.json`);
  // A fixed timestamp keeps the zip byte-identical for identical inputs.
  writeFileSync(zipPath, zipSync(files, { level: 9, mtime: new Date('2024-01-01T00:00:00Z') }));
  writeFileSync(manifestPath, manifestText);
  return { zipPath, manifestPath };
}

function parseArgs(argv) {
  let env = 'dev';
  let root = repoRoot;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--env') {
      const value = argv[++i];
      if (!value || value.startsWith('-')) throw new Error('package-app: --env needs a name, e.g. --env dev');
      env = value;
    } else if (arg.startsWith('--env=')) {
      env = arg.slice('--env='.length);
    } else if (arg === '--root') {
      // Another project folder holding appPackage/ and env/ (used by the tests).
      const value = argv[++i];
      if (!value) throw new Error('package-app: --root needs a folder');
      root = resolve(value);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: node scripts/package-app.mjs [--env NAME] [--root DIR]   (defaults: dev, this project)\n');
      process.exit(0);
    } else {
      throw new Error(`package-app: unknown argument ${arg}`);
    }
  }
  return { env, root };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const { env, root } = parseArgs(process.argv.slice(2));
    const { zipPath } = packageApp(env, root);
    process.stdout.write(`${relative(process.cwd(), zipPath) || zipPath}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
