// The honest numbers, guarded per language: the English dev set (tuned on) must score at least 0.95, and every blind
// set (written from INTENTS.md alone, never tuned on, never printed), and the other languages' dev sets, must keep the
// level reached. A failure prints counts, and for a dev set its mistakes; never a blind line.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, REQUIRED_DEV_ACCURACY } from '../../scripts/eval/evaluate.js';
import { readLabelledSet } from '../../scripts/eval/labelled-set.js';
import { catalogLocales, loadCatalog } from '../../src/objections/catalog-loader.js';
import { IntentMatcher } from '../../src/objections/intent-matcher.js';
import { packageRoot } from '../../src/shared/package-root.js';

/**
 * Measured on the English blind set at the end of issue 21 (322/347; the matcher at its start scored 0.677), with a
 * catalog and lexicon that hold no dev or blind line nor a close paraphrase of one (test/objections/catalog-overlap.test.ts
 * passes; the level written before, 0.902, was measured on a catalog that still held such paraphrases). Raise it when the
 * matcher improves, never lower it to let a change pass.
 */
const BLIND_REACHED = 0.928;

const setFile = (kind: 'dev' | 'blind', locale: string) => path.join(packageRoot(), 'test', 'fixtures', kind, `${locale}.tsv`);

describe('the English evaluation sets', () => {
  let matcher: IntentMatcher;
  beforeAll(async () => {
    matcher = await IntentMatcher.train(loadCatalog({ locale: 'en' }));
  }, 120_000);

  it(`scores at least ${REQUIRED_DEV_ACCURACY} on the dev set`, async () => {
    const rows = readLabelledSet(setFile('dev', 'en'));
    expect(rows.length, 'the dev set has too few lines to mean anything').toBeGreaterThanOrEqual(10 * 22);
    const result = await evaluate(matcher, rows, { locale: 'en', withTexts: true });
    const mistakes = result.mistakes.map((m) => `  line ${m.line}: ${m.label} -> ${m.got}: ${m.text}`).join('\n');
    expect(result.accuracy, `dev accuracy ${result.accuracy} (${result.correct}/${result.total}); mistakes:\n${mistakes}`).toBeGreaterThanOrEqual(REQUIRED_DEV_ACCURACY);
  }, 60_000);

  it(`keeps ${BLIND_REACHED} on the blind set (accuracy only)`, async () => {
    const rows = readLabelledSet(setFile('blind', 'en'));
    expect(rows.length).toBeGreaterThanOrEqual(10 * 22);
    const result = await evaluate(matcher, rows, { locale: 'en' });
    expect(result.accuracy, `blind accuracy ${result.accuracy} (${result.correct}/${result.total})`).toBeGreaterThanOrEqual(BLIND_REACHED);
  }, 60_000);
});

/**
 * The other languages' levels, measured on their dev and blind sets (each written by a native speaker from INTENTS.md
 * alone, the blind one by a writer who saw no catalog) with the catalogs and language data of this commit. Like
 * BLIND_REACHED: raise them when a language improves, never lower one to let a change pass.
 *
 * Measured again after issue 21's merge, lower where it had to be: the 22 lexicon phrases that were a whole dev or blind
 * line left the four lexicons (the overlap test's rule; blind de 290 -> 288, fr 291 -> 287 of their lines; dev es -1),
 * and the shared question and word-pair features moved each dev set by one or two lines either way (de -1, es +2, fr -2,
 * nl +1; blind de 0, es +5, fr +1, nl -1); 3x5-fold CV with the question features against without: es +0.004, fr +0.007,
 * nl 0.000, de -0.003.
 */
const REACHED: Readonly<Record<string, { dev: number; blind: number }>> = {
  de: { dev: 0.886, blind: 0.87 },
  es: { dev: 0.883, blind: 0.872 },
  fr: { dev: 0.883, blind: 0.857 },
  nl: { dev: 0.903, blind: 0.878 },
};

describe.each(Object.entries(REACHED))('the %s evaluation sets', (locale, reached) => {
  let matcher: IntentMatcher;
  beforeAll(async () => {
    matcher = await IntentMatcher.train(loadCatalog({ locale }));
  }, 120_000);

  it(`keeps ${reached.dev} on the dev set`, async () => {
    const rows = readLabelledSet(setFile('dev', locale));
    expect(rows.length, 'the dev set has too few lines to mean anything').toBeGreaterThanOrEqual(10 * 22);
    const result = await evaluate(matcher, rows, { locale, withTexts: true });
    const mistakes = result.mistakes.map((m) => `  line ${m.line}: ${m.label} -> ${m.got}: ${m.text}`).join('\n');
    expect(result.accuracy, `${locale} dev accuracy ${result.accuracy} (${result.correct}/${result.total}); mistakes:\n${mistakes}`).toBeGreaterThanOrEqual(reached.dev);
  }, 60_000);

  it(`keeps ${reached.blind} on the blind set (accuracy only)`, async () => {
    const rows = readLabelledSet(setFile('blind', locale));
    expect(rows.length).toBeGreaterThanOrEqual(10 * 22);
    const result = await evaluate(matcher, rows, { locale });
    expect(result.accuracy, `${locale} blind accuracy ${result.accuracy} (${result.correct}/${result.total})`).toBeGreaterThanOrEqual(reached.blind);
  }, 60_000);
});

it('guards every language that has a catalog', () => {
  expect(catalogLocales().filter((locale) => locale !== 'en')).toEqual(Object.keys(REACHED).sort());
});
