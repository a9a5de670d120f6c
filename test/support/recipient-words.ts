// What a demo person reads, in their language: the coach writes to someone in the language the directory gives them
// (preferredLanguage, else English), so a test expects the words of that language from the strings.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { type Params, Strings } from '../../src/shared/strings.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const strings = new Strings(path.join(ROOT, 'strings'));

export interface RecipientWords {
  strings: Strings;
  /** The language the coach writes to this person in, when they have not asked for one. */
  languageOf(userId: string): string;
  /** A sentence as this person reads it. */
  say(userId: string, key: string, params?: Params): string;
  /** The same sentence as a pattern for a message's JSON (regular-expression characters taken literally). */
  pattern(userId: string, key: string, params?: Params): RegExp;
  /** A concern's title as the catalog of that language has it. */
  concernTitle(locale: string, intent: string): string;
}

export function recipientWords(demo: () => DemoEnvironment): RecipientWords {
  const languageOf = (userId: string) => strings.supported(demo().seed.users.find((user) => user.id === userId)?.preferredLanguage);
  const say = (userId: string, key: string, params?: Params) => strings.text(languageOf(userId), key, params);
  const concernTitle = (locale: string, intent: string) => (JSON.parse(readFileSync(path.join(ROOT, 'catalog', locale, `${intent}.json`), 'utf8')) as { title: string }).title;
  return { strings, languageOf, say, pattern: (userId, key, params) => new RegExp(literally(say(userId, key, params))), concernTitle };
}

/** A text as it stands inside JSON. */
export function inJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** A text as it stands inside JSON, as a pattern that matches it literally. */
export function literally(text: string): string {
  return inJson(text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
