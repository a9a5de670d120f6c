// Every sentence a person sees is data, in every language the coach speaks: each language has exactly the English
// keys with the same placeholders, every card template's words exist, and every key the code names exists.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Strings } from '../../src/shared/strings.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const strings = new Strings(path.join(ROOT, 'strings'));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
const textsOf = (entry: ReturnType<Strings['entry']>) => (typeof entry === 'string' ? [entry] : Object.values(entry ?? {}));

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, suffix) : name.endsWith(suffix) ? [full] : [];
  });
}

describe('the strings', () => {
  it('are there in English, the language every other is checked against', () => {
    expect(strings.locales).toContain('en');
    expect(strings.keys('en').length).toBeGreaterThan(50);
  });

  it.each(strings.locales.filter((locale) => locale !== 'en'))('in %s: every English key, no other, with the same placeholders', (locale) => {
    const english = new Set(strings.keys('en'));
    const mine = new Set(strings.keys(locale));
    expect([...english].filter((key) => !mine.has(key)), 'missing').toEqual([]);
    expect([...mine].filter((key) => !english.has(key)), 'unknown').toEqual([]);
    for (const key of english) {
      const wanted = placeholders(textsOf(strings.entry('en', key)).join(' '));
      for (const text of textsOf(strings.entry(locale, key))) expect(placeholders(text).every((name) => wanted.includes(name)), `${locale} ${key}`).toBe(true);
    }
  });

  it('hold every word a card template shows', () => {
    const missing: string[] = [];
    for (const file of files(path.join(ROOT, 'cards'), '.json')) {
      const name = path.basename(file, '.json');
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\$\{t\.([\w.]+)\}/g)) {
        for (const locale of strings.locales) if (strings.entry(locale, `cards.${name}.${key}`) === undefined) missing.push(`${locale}: cards.${name}.${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('hold every key the code names', () => {
    const missing: string[] = [];
    for (const file of files(path.join(ROOT, 'src'), '.ts')) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\b(?:say|text)\(\s*[\w.]+,\s*'([a-z][\w-]*(?:\.[\w-]+)+)'/g)) {
        if (strings.entry('en', key as string) === undefined) missing.push(`${path.relative(ROOT, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('fill placeholders and choose the plural form the language needs', () => {
    const dir = path.join(ROOT, 'test', 'fixtures', 'strings');
    const sample = new Strings(dir);
    expect(sample.text('en', 'test.greeting', { name: 'Ava' })).toBe('Hello Ava');
    expect(sample.text('en', 'test.days', { count: 1 })).toBe('1 day');
    expect(sample.text('en', 'test.days', { count: 3 })).toBe('3 days');
    expect(sample.supported('en-GB')).toBe('en');
    expect(sample.supported('xx-YY')).toBe('en');
  });
});
