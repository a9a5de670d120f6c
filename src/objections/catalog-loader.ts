// Loads the objection catalog for a locale: the shipped files, then an admin's override folder, validated and merged.
//
// Override rules (CATALOG_DIR):
// - The folder is read from `<CATALOG_DIR>/<locale>/` when that subfolder exists; files directly in `<CATALOG_DIR>/`
//   override the English catalog (a language with no subfolder keeps its shipped catalog).
// - Every `*.json` file in it holds one intent or a list of intents in the same format as the shipped files.
// - An override intent REPLACES the shipped intent with the same id as a whole (no field-by-field merge, so an
//   admin's answer never mixes with ours), or ADDS an intent the shipped files lack.
// - Ids are fixed (INTENT_IDS): the dialog gives each id its behaviour (refusal, human-help, enrolled...), so an
//   unknown id is refused rather than silently ignored. The same id twice in one layer is refused too.
// - After merging, every id in INTENT_IDS must be present, `out-of-scope` included (it carries the fallback answer).
// Any problem is an AppError 'config.invalid' that names the file and what is wrong in it.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ZodError } from 'zod';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';
import { catalogFileSchema, INTENT_IDS, type Intent, type IntentId } from './catalog-schema.js';

/** A language code: the name of a catalog/<locale>/ folder. */
export type CatalogLocale = string;

/** The languages the coach ships a catalog for: the folders of catalog/ that hold catalog files (English first). */
export function catalogLocales(baseDir = path.join(packageRoot(), 'catalog')): string[] {
  if (!existsSync(baseDir)) return [];
  const locales = readdirSync(baseDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[a-z]{2,3}$/.test(entry.name))
    .filter((entry) => readdirSync(path.join(baseDir, entry.name)).some((name) => name.endsWith('.json')))
    .map((entry) => entry.name)
    .sort();
  return locales.includes('en') ? ['en', ...locales.filter((locale) => locale !== 'en')] : locales;
}

export interface Catalog {
  readonly locale: CatalogLocale;
  /** Every intent, keyed by id; all of INTENT_IDS are present. */
  readonly intents: ReadonlyMap<IntentId, Intent>;
  /** Where each intent came from (a file path), for error messages and `check-config`. */
  readonly sources: ReadonlyMap<IntentId, string>;
  /** SHA-256 (hex) of the canonical merged content: the key of the trained-model cache. */
  readonly hash: string;
  /** The language data beside it (<baseDir>/<locale>/language); absent when that folder is: the shipped catalog's. */
  readonly languageDir?: string;
}

export interface LoadCatalogOptions {
  locale: CatalogLocale;
  /** The admin's CATALOG_DIR, if set. */
  overrideDir?: string | undefined;
  /** Where the shipped catalog lives; defaults to `<package root>/catalog`. Tests point it elsewhere. */
  baseDir?: string | undefined;
}

export function loadCatalog(options: LoadCatalogOptions): Catalog {
  const { locale } = options;
  const shippedDir = path.join(options.baseDir ?? path.join(packageRoot(), 'catalog'), locale);
  const shipped = readLayer(shippedDir, 'the shipped catalog');
  const merged = new Map(shipped);
  const override = options.overrideDir ? overrideFolder(options.overrideDir, locale) : undefined;
  if (override) {
    for (const [id, entry] of readLayer(override, 'the CATALOG_DIR override')) merged.set(id, entry);
  }
  const missing = INTENT_IDS.filter((id) => !merged.has(id));
  if (missing.length > 0) {
    throw invalid(`the ${locale} catalog has no entry for ${missing.map((id) => `"${id}"`).join(', ')} (looked in ${shippedDir}${options.overrideDir ? ` and ${options.overrideDir}` : ''})`);
  }
  const intents = new Map<IntentId, Intent>();
  const sources = new Map<IntentId, string>();
  for (const id of INTENT_IDS) {
    const entry = merged.get(id)!;
    intents.set(id, entry.intent);
    sources.set(id, entry.file);
  }
  const languageDir = path.join(shippedDir, 'language');
  return { locale, intents, sources, hash: catalogHash(locale, intents), ...(existsSync(languageDir) ? { languageDir } : {}) };
}

interface LayerEntry {
  intent: Intent;
  file: string;
}

/** `<CATALOG_DIR>/<locale>/` when it exists; the folder itself holds English overrides (a missing folder is refused). */
function overrideFolder(dir: string, locale: CatalogLocale): string | undefined {
  const perLocale = path.join(dir, locale);
  if (existsSync(perLocale) && statSync(perLocale).isDirectory()) return perLocale;
  if (!existsSync(dir)) return dir;
  const perLocaleOnly = !readdirSync(dir).some((name) => name.endsWith('.json')) && readdirSync(dir, { withFileTypes: true }).some((entry) => entry.isDirectory());
  return locale === 'en' && !perLocaleOnly ? dir : undefined;
}

/** One folder of catalog files; a folder that is missing or holds no file is refused (a wrong path must not pass quietly). */
function readLayer(dir: string, what: string): Map<IntentId, LayerEntry> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw invalid(`${what} folder ${dir} does not exist or is not a folder`);
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) throw invalid(`${what} folder ${dir} holds no .json catalog file`);
  const layer = new Map<IntentId, LayerEntry>();
  for (const name of files) {
    const file = path.join(dir, name);
    for (const intent of readCatalogFile(file)) {
      const earlier = layer.get(intent.id);
      if (earlier) throw invalid(`${file}: intent "${intent.id}" is already defined in ${earlier.file}`);
      layer.set(intent.id, { intent, file });
    }
  }
  return layer;
}

function readCatalogFile(file: string): Intent[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalid(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const parsed = catalogFileSchema.safeParse(json);
  if (!parsed.success) throw invalid(`${file} is not a valid catalog file: ${describeIssues(parsed.error, json)}`);
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

/** The schema is a union (one intent | a list): report the branch that matches the file's shape, not both. */
function describeIssues(error: ZodError, json: unknown): string {
  const issues = error.issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const branch = issue.unionErrors.find((union) => union.issues.every((inner) => Array.isArray(json) === (typeof inner.path[0] === 'number')));
    return branch ? branch.issues : issue.unionErrors.flatMap((union) => union.issues);
  });
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(file)'}: ${issue.message}`)
    .join('; ');
}

/** Canonical form: intents in INTENT_IDS order, object keys sorted, so formatting and file layout do not change the hash. */
function catalogHash(locale: CatalogLocale, intents: ReadonlyMap<IntentId, Intent>): string {
  const canonical = canonicalJson({ locale, intents: INTENT_IDS.map((id) => intents.get(id)) });
  return createHash('sha256').update(canonical).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function invalid(message: string, cause?: unknown): AppError {
  return new AppError('config.invalid', `catalog: ${message}`, {
    userFault: true,
    userMessage: { key: 'errors.config.catalog', params: { problem: message } },
    cause,
  });
}
