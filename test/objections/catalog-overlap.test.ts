// No dev or blind line is in a catalog the matcher trains on (its intents' examples and its language's command
// examples), neither as a copy nor as a close paraphrase: content words after stemming, per locale, sharing at least
// half of the pair's distinct words (scripts/eval/overlap.ts); and no lexicon phrase of several words is a whole line of
// either set. A blind line is named by its number only.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabelledSet } from '../../scripts/eval/labelled-set.js';
import { overlaps } from '../../scripts/eval/overlap.js';
import { catalogLocales, loadCatalog } from '../../src/objections/catalog-loader.js';
import { languageData } from '../../src/objections/text/language-data.js';
import { packageRoot } from '../../src/shared/package-root.js';

const fixtures = path.join(packageRoot(), 'test', 'fixtures');

describe.each(catalogLocales().map((locale) => [locale]))('the %s catalog', (locale) => {
  const language = languageData(locale);
  const training = () => [...[...loadCatalog({ locale }).intents.values()].flatMap((intent) => intent.examples), ...Object.values(language.commands).flat()];

  it.each([['dev'], ['blind']])('holds no line of the %s set, nor a close paraphrase of one', (kind) => {
    const file = path.join(fixtures, kind, `${locale}.tsv`);
    expect(existsSync(file), `no ${kind} set at ${file}`).toBe(true);
    const rows = readLabelledSet(file);
    const found = overlaps(rows, training(), language).map(({ line, kind: what, share }) => `${kind}/${locale}.tsv line ${line}: ${what} (${share})`);
    expect(found).toEqual([]);
  });

  // The lexicon's phrases are vocabulary, not sentences: a phrase of two words or more may not be a whole line of either
  // set, nor a line with the same content words ("real person" and "real person please"); one word ("never", "menu") is a
  // word of the language, not a copied sentence.
  it.each([['dev'], ['blind']])('has no lexicon phrase that is a whole line of the %s set', (kind) => {
    const rows = readLabelledSet(path.join(fixtures, kind, `${locale}.tsv`));
    const phrases = Object.values(language.concepts).flat().filter((phrase) => phrase.trim().split(/\s+/).length >= 2);
    const found = overlaps(rows, phrases, language)
      .filter(({ share }) => share === 1)
      .map(({ line }) => `${kind}/${locale}.tsv line ${line}`);
    expect(found).toEqual([]);
  });
});

describe('the paraphrase check', () => {
  const language = languageData('en');

  it('catches a copy, a reworded copy and a paraphrase sharing half the content words; not one shared word', () => {
    const training = ['Will my boss see my photos?', 'can the company track where I am', 'help me please'];
    const lines = [
      { line: 1, text: 'will my BOSS see my photos' },
      { line: 2, text: 'Can the company track where I am!!' },
      { line: 3, text: 'is the company tracking me' },
      { line: 4, text: 'does my boss get paid more' },
      { line: 5, text: 'help' },
    ];
    expect(overlaps(lines, training, language)).toEqual([
      { line: 1, kind: 'exact', share: 1 },
      { line: 2, kind: 'exact', share: 1 },
      { line: 3, kind: 'paraphrase', share: 1 },
    ]);
  });

  it('has a dev and a blind set for every language that has a catalog folder', () => {
    const withCatalog = readdirSync(path.join(packageRoot(), 'catalog')).filter((name) => existsSync(path.join(packageRoot(), 'catalog', name, 'language')));
    for (const locale of withCatalog) for (const kind of ['dev', 'blind']) expect(existsSync(path.join(fixtures, kind, `${locale}.tsv`)), `${kind}/${locale}.tsv`).toBe(true);
  });
});
