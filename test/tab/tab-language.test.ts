// The tab speaks the language of the Teams client's locale when there are words for it, else English, and writes
// dates and numbers the reader's own way only when the words are in that locale's language.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLocaleOf, languageOf } from '../../tab/src/language.js';

/** What the page bundles (tab/src/words.ts): every strings folder with a tab.json. */
const STRINGS = path.resolve(import.meta.dirname, '..', '..', 'strings');
const LANGUAGES = readdirSync(STRINGS).filter((name) => existsSync(path.join(STRINGS, name, 'tab.json')));

describe("the tab's language", () => {
  it('has words in the five languages the coach speaks', () => {
    expect([...LANGUAGES].sort()).toEqual(['de', 'en', 'es', 'fr', 'nl']);
  });

  it.each([
    ['de-DE', 'de'],
    ['de-AT', 'de'],
    ['de_CH', 'de'],
    ['fr-CA', 'fr'],
    ['fr-FR', 'fr'],
    ['es-MX', 'es'],
    ['nl-BE', 'nl'],
    ['NL-nl', 'nl'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['de', 'de'],
    ['pt-BR', 'en'],
    ['ja-JP', 'en'],
    ['zh-Hant-TW', 'en'],
    ['', 'en'],
    [undefined, 'en'],
  ])('reduces the Teams locale %s to %s', (tag, language) => {
    expect(languageOf(tag, LANGUAGES)).toBe(language);
  });

  it("writes dates and numbers in the reader's own locale when the words are in its language, else in the words' language", () => {
    expect(formatLocaleOf('de-AT', 'de')).toBe('de-AT');
    expect(formatLocaleOf('en-us', 'en')).toBe('en-US');
    expect(formatLocaleOf('fr_CA', 'fr')).toBe('fr-CA');
    // A Brazilian reader reads English words: English dates, not Portuguese ones inside English sentences.
    expect(formatLocaleOf('pt-BR', 'en')).toBe('en');
    expect(formatLocaleOf('not a tag', 'en')).toBe('en');
    expect(formatLocaleOf(undefined, 'nl')).toBe('nl');
  });
});
