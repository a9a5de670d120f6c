// The tab's words in its reader's language, and dates and numbers written the reader's way.
//
// How the page gets its words: Vite bundles every strings/<xx>/tab.json into the page (a few kilobytes each). Nothing
// is fetched before the first words, the CSP needs nothing new, the words cannot drift from the build that uses them,
// and a new language is a new tab.json and `npm run build`, no code. Words the API sends (figure names, states,
// checks, concerns, reasons, messages) come from the server in the same language: every API call says it
// (Accept-Language, tab/src/api.ts), and the server words them from the strings the chat uses.

import type english from '../../strings/en/tab.json';
import { DEFAULT_LANGUAGE, formatLocaleOf, languageOf } from './language';

type Tree = typeof english;
type Plural = { readonly [form: string]: string };
export type Params = Readonly<Record<string, string | number>>;

/** "progress.title", "audit.problemKinds.changed": the keys of tab.json, so a key that does not exist fails the typecheck. */
type KeyOf<T, Prefix extends string = ''> = {
  [K in keyof T & string]: K extends `$${string}` ? never : T[K] extends string | { other: string } ? `${Prefix}${K}` : KeyOf<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type Key = KeyOf<Tree>;

const bundled = import.meta.glob<Tree>('../../strings/*/tab.json', { eager: true, import: 'default' });
const catalogs = new Map(Object.entries(bundled).map(([file, tree]) => [file.split('/').at(-2) ?? '', tree as unknown]));

/** The languages the tab has words for: the folders with a tab.json. */
export const LANGUAGES: readonly string[] = [...catalogs.keys()].sort();

let language = DEFAULT_LANGUAGE;
let locale = DEFAULT_LANGUAGE;
let plurals = new Intl.PluralRules(language);
let numbers = new Intl.NumberFormat(locale);

/** Speak the language of a locale tag (Teams' app.locale, or the browser's before Teams answers). */
export function useLanguage(tag: string | undefined): void {
  language = languageOf(tag, LANGUAGES);
  locale = formatLocaleOf(tag, language);
  plurals = new Intl.PluralRules(language);
  numbers = new Intl.NumberFormat(locale);
}

/** The language the words are in ("de"). */
export function currentLanguage(): string {
  return language;
}

/** The locale dates and numbers are written in ("de-AT"). */
export function currentLocale(): string {
  return locale;
}

/** The sentence for `key`, with `{name}` filled from params (numbers written the reader's way); `count` picks the plural form. */
export function t(key: Key, params: Params = {}): string {
  return fill(raw(key, params), params);
}

/** Whether tab.json has `key`: for codes from the API that may be newer than this page (shown as they are otherwise). */
export function has(key: string): key is Key {
  return entry(DEFAULT_LANGUAGE, key) !== undefined;
}

/** A sentence with elements in it ("Ready: {link} (12 KB)."): the placeholders named in `nodes` become those nodes. */
export function sentence(key: Key, params: Params, nodes: Readonly<Record<string, Node>>): (string | Node)[] {
  return raw(key, params)
    .split(/(\{\w+\})/)
    .filter((piece) => piece !== '')
    .map((piece) => {
      const name = /^\{(\w+)\}$/.exec(piece)?.[1];
      return (name !== undefined ? nodes[name] : undefined) ?? fill(piece, params);
    });
}

export function number(value: number): string {
  return numbers.format(value);
}

/** A share of 1 as a whole percentage ("38%", "38 %"). */
export function percent(share: number): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

const DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };

/** A moment, in the reader's locale and time zone, with the zone named ("6 Dec 2026, 14:05 CET"). */
export function when(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(locale, { ...DATE, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
}

/** A calendar date (a deadline, an exception's last day, a day of the chart), written like the dates of when(). */
export function day(isoDate: string): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  // The date itself, not a moment: the same day in every zone.
  return Number.isNaN(date.getTime()) ? isoDate : date.toLocaleDateString(locale, { ...DATE, timeZone: 'UTC' });
}

function raw(key: string, params: Params): string {
  const found = entry(language, key) ?? entry(DEFAULT_LANGUAGE, key);
  if (found === undefined) return key;
  if (typeof found === 'string') return found;
  return found[plurals.select(Number(params.count ?? 0))] ?? found.other ?? key;
}

function entry(lang: string, key: string): string | Plural | undefined {
  let node: unknown = catalogs.get(lang);
  for (const part of key.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === 'string' || (typeof node === 'object' && node !== null && 'other' in node) ? (node as string | Plural) : undefined;
}

/** An identifier that is a number (an audit entry's seq, an HTTP status) is passed as a string, so it is not grouped. */
function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = params[name];
    return value === undefined ? match : typeof value === 'number' ? numbers.format(value) : value;
  });
}
