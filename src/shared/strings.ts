// Every sentence a person sees, per language: `strings/<locale>/<area>.json`, one set of files per language, the same
// keys in each (a test checks). The code names a sentence by key (`coach.notUnderstood.title`) and gives the values
// it needs (`{name}` in the text); a count picks the plural form the language needs (`{"one": …, "other": …}`).
// A new language is a new folder: the code lists none.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';
import { GENERIC_USER_MESSAGE, isAppError } from '../errors/app-error.js';

export const DEFAULT_LOCALE = 'en';

export type Params = Readonly<Record<string, string | number>>;
type Entry = string | { [form: string]: string };
interface Tree {
  [key: string]: Entry | Tree;
}

export class Strings {
  readonly #root: string;
  readonly #loaded = new Map<string, ReadonlyMap<string, Entry>>();
  readonly #locales: readonly string[];

  constructor(root = path.join(packageRoot(), 'strings')) {
    this.#root = root;
    this.#locales = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort() : [];
    if (!this.#locales.includes(DEFAULT_LOCALE)) throw new Error(`no ${DEFAULT_LOCALE} strings under ${root}`);
  }

  /** The languages there are strings for. */
  get locales(): readonly string[] {
    return this.#locales;
  }

  /** The best language there are strings for: the tag itself, its base language ("de-AT" → "de"), else English. */
  supported(tag: string | undefined): string {
    if (!tag) return DEFAULT_LOCALE;
    const lower = tag.toLowerCase().replace('_', '-');
    if (this.#locales.includes(lower)) return lower;
    const base = lower.split('-')[0] ?? '';
    return this.#locales.includes(base) ? base : DEFAULT_LOCALE;
  }

  /** The sentence for `key` in `locale`, with `{name}` filled from params (a missing language falls back to English). */
  text(locale: string, key: string, params: Params = {}): string {
    const entry = this.#entries(locale).get(key) ?? this.#entries(DEFAULT_LOCALE).get(key);
    if (entry === undefined) throw new Error(`no string "${key}"`);
    return fill(typeof entry === 'string' ? entry : pluralForm(entry, locale, params), params);
  }

  /** Every key of the language, for checks. */
  keys(locale: string): string[] {
    return [...this.#entries(locale).keys()];
  }

  /** The raw entry (a text or its plural forms), for checks. */
  entry(locale: string, key: string): Entry | undefined {
    return this.#entries(locale).get(key);
  }

  #entries(locale: string): ReadonlyMap<string, Entry> {
    const known = this.#locales.includes(locale) ? locale : DEFAULT_LOCALE;
    let entries = this.#loaded.get(known);
    if (!entries) {
      entries = readLanguage(path.join(this.#root, known));
      this.#loaded.set(known, entries);
    }
    return entries;
  }
}

function readLanguage(folder: string): ReadonlyMap<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json')).sort()) {
    const area = file.slice(0, -'.json'.length);
    flatten(JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Tree, area, entries);
  }
  return entries;
}

function flatten(tree: Tree, prefix: string, into: Map<string, Entry>): void {
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith('$')) continue;
    const full = `${prefix}.${key}`;
    if (typeof value === 'string' || isPlural(value)) into.set(full, value as Entry);
    else flatten(value as Tree, full, into);
  }
}

const PLURAL_FORMS: ReadonlySet<string> = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

function isPlural(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0 && Object.entries(value).every(([form, text]) => PLURAL_FORMS.has(form) && typeof text === 'string') && 'other' in value;
}

/** Building an Intl.PluralRules costs far more than asking it: one per language. */
const pluralRules = new Map<string, Intl.PluralRules>();

function pluralForm(forms: { [form: string]: string }, locale: string, params: Params): string {
  const count = Number(params.count ?? 0);
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  const form = rules.select(count);
  return forms[form] ?? forms.other ?? '';
}

function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

/** The organisation as a sentence in `locale` names it: its configured name, else that language's "your organisation". */
export function organisationIn(strings: Strings, locale: string, name: string | undefined): string {
  return name?.trim() ? name : strings.text(locale, 'coach.yourOrganisation');
}

/** The words a person reads for an error, in `locale`: the error's own message, or the general one for anything else. */
export function userMessageText(error: unknown, strings: Strings, locale: string): string {
  const message = isAppError(error) ? error.userMessage : GENERIC_USER_MESSAGE;
  return strings.text(locale, message.key, message.params);
}
