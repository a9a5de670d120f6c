// The intent matcher on the real catalog: what people say, what must fall back, and the trained-model cache.

import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/objections/catalog-loader.js';
import type { IntentId } from '../../src/objections/catalog-schema.js';
import { cleanText, IntentMatcher, modelFileFor, trainAndSave } from '../../src/objections/intent-matcher.js';
import { type FixtureDirs, makeCatalogDirs } from './catalog-fixture.js';

describe('on the shipped catalog', () => {
  let matcher: IntentMatcher;
  beforeAll(async () => {
    matcher = await IntentMatcher.train(loadCatalog({ locale: 'en' }));
  }, 60_000);

  it('"will my boss see my photos?" is personal-data-access', async () => {
    const match = await matcher.classify('will my boss see my photos?');
    expect(match.intent).toBe('personal-data-access');
    expect(match.confidence).toBeGreaterThan(matcher.threshold);
    expect(match.candidates[0]?.intent).toBe('personal-data-access');
  });

  // Sentences where one word belongs to another intent's vocabulary; the rest of the sentence must win.
  it.each<[string, IntentId]>([
    ["i'm done with this, stop asking me", 'refusal'],
    ["i'm done, the passkey is set up", 'enrolled'],
    ["i can't locate my phone anywhere", 'lost-phone'],
    ["can IT locate me when i'm on holiday", 'location-tracking'],
    ['why do they need my fingerprint', 'biometrics'],
    ['why is the sky blue', 'out-of-scope'],
    ['done with lunch yet?', 'out-of-scope'],
    ['what is the capital of peru', 'out-of-scope'],
  ])('a single strong word does not drag the sentence: %s -> %s', async (text, intent) => {
    expect((await matcher.classify(text)).intent).toBe(intent);
  });

  it('reads an unknown word through its word vector: close to the catalog\'s words it helps, far from them it does not', async () => {
    const related = await matcher.measure('my handset is antiquated');
    expect('rejected' in related ? [] : related.unknownCloseness).toEqual([expect.any(Number)]);
    expect('rejected' in related ? 0 : related.unknownCloseness[0]!).toBeGreaterThan(matcher.tuning.relatedFrom);
    expect((await matcher.classify('my handset is antiquated')).intent).toBe('unsupported-phone');
    // Common words ("yet") are never credited: they sit close to everything.
    const common = await matcher.measure('done with lunch yet?');
    expect('rejected' in common ? [] : common.unknownCloseness).toEqual([0]);
    expect((await matcher.classify('quantum physics lecture')).intent).toBe('out-of-scope');
  });

  it('reads a typo one keystroke from a known word as that word, but never changes a common English word', async () => {
    const typos = await matcher.measure('will my employr see my locaton');
    expect('rejected' in typos ? [] : typos.words).toEqual(['will', 'my', 'employer', 'see', 'my', 'location']);
    expect((await matcher.classify('will my employr see my locaton')).intent).toBe('location-tracking');
    const real = await matcher.measure('the track team won');
    expect('rejected' in real ? [] : real.words).toEqual(['the', 'track', 'team', 'won']);
  });

  describe('input that is not a question about passkeys falls back to out-of-scope, without throwing', () => {
    it.each<[string, string]>([
      ['empty', ''],
      ['only white space', '  \n\t  '],
      ['emoji only', '😀🔥👍🏽🇫🇷❤️‍🔥'],
      ['10 000 characters', 'will my boss see my photos? '.repeat(400).slice(0, 10_000)],
      ['10 000 characters of one word', 'a'.repeat(10_000)],
      ['Spanish', '¿Mi jefe puede ver mis fotos?'],
      ['German', 'Kann mein Chef meine Fotos sehen?'],
      ['French', 'Est-ce que mon patron peut voir mes photos ?'],
      ['Chinese', '我的老板能看到我的照片吗'],
      ['Russian', 'Может ли мой начальник видеть мои фото?'],
      ['a script tag', "<script>alert('passkey')</script>"],
      ['an image tag with a handler', '<img src=x onerror="alert(1)">'],
      ['a markdown link to javascript', '[click here](javascript:alert(1))'],
      ['control characters and a zero-width joiner', '\u0000\u0007\u200d\u202e'],
      ['lorem ipsum', 'lorem ipsum dolor sit amet, consectetur adipiscing elit'],
    ])('%s', async (_name, text) => {
      const match = await matcher.classify(text);
      expect(match.intent).toBe('out-of-scope');
      expect(match.confidence).toBeGreaterThanOrEqual(0);
      expect(match.confidence).toBeLessThanOrEqual(1);
    });
  });

  it('reads the words inside markup, not the markup', async () => {
    expect((await matcher.classify('<p><b>will my boss see my photos?</b></p>')).intent).toBe('personal-data-access');
    expect((await matcher.classify('**will my boss** see my _photos_? 📸')).intent).toBe('personal-data-access');
    expect((await matcher.classify('will my boss see my photos? [why](https://example.com/x)')).intent).toBe('personal-data-access');
  });

  it('classifies a long message on its first 500 characters', async () => {
    const beginning = `will my boss see my photos? ${'my photos and messages are private. '.repeat(12)}`;
    const tail = 'will you pay me for using my own phone? '.repeat(12);
    expect(beginning.length).toBeLessThan(500);
    expect((await matcher.classify(tail)).intent).toBe('compensation');
    expect((await matcher.classify(beginning + tail)).intent).toBe('personal-data-access');
  });

  it('never scores outside [0, 1], and candidates come best first', async () => {
    for (const text of ['pay me', 'what is the capital of peru', 'gps?', 'IT IT IT IT']) {
      const match = await matcher.classify(text);
      const scores = match.candidates.map((c) => c.score);
      expect(match.confidence).toBeLessThanOrEqual(1);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('a higher threshold turns unsure answers into the fallback', async () => {
    const strict = matcher.withOptions({ threshold: 0.99 });
    const match = await strict.classify('my phone is kind of old, is that a problem');
    expect(match.intent).toBe('out-of-scope');
    expect(match.reason).toBe('below-threshold');
  });

  it('refuses a threshold outside (0, 1)', () => {
    expect(() => matcher.withOptions({ threshold: 1.5 })).toThrow(/between 0 and 1/);
  });
});

describe('clean-up', () => {
  it('normalises width, removes markup and emoji, keeps case for "IT"', () => {
    expect(cleanText('Ｃａｎ  IT\tsee my 📸 <i>photos</i>?')).toBe('Can IT see my photos ?');
    expect(cleanText('it&#39;s &amp; <br/>fine')).toBe("it's & fine");
  });
});

describe('the trained-model cache', () => {
  let dirs: FixtureDirs;
  let cacheDir: string;
  beforeAll(() => {
    dirs = makeCatalogDirs();
  });
  afterAll(() => dirs.remove());
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));
  const catalog = () => loadCatalog({ locale: 'en', baseDir: dirs.base });
  const newCacheDir = () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-cache-'));
    return path.join(cacheDir, 'cache');
  };

  it('trains once, writes intent-model-<hash>.json, and the next load imports it without retraining', async () => {
    const dir = newCacheDir();
    const first = await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    expect(first.source).toBe('trained');
    const file = modelFileFor(dir, catalog());
    expect(path.basename(file)).toBe(`intent-model-${catalog().hash}.json`);
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);

    const second = await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    expect(second.source).toBe('cache');
    // Not rewritten: the file keeps the time we set (to within the file system's sub-millisecond rounding).
    expect(Math.abs(statSync(file).mtimeMs - past.getTime())).toBeLessThan(1);
    for (const text of ['gps whereabouts please', 'stolen phone', 'weather today']) {
      expect(await second.classify(text)).toEqual(await first.classify(text));
    }
  });

  it('retrains when the catalog changes (another hash, another file)', async () => {
    const dir = newCacheDir();
    await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    dirs.write(dirs.override, 'refusal.json', { ...JSON.parse(readFileSync(path.join(dirs.base, 'en', 'refusal.json'), 'utf8')), title: 'Changed' });
    const changed = loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override });
    rmSync(path.join(dirs.override, 'refusal.json'));
    const matcher = await IntentMatcher.load({ catalog: changed, cacheDir: dir });
    expect(matcher.source).toBe('trained');
    expect(statSync(modelFileFor(dir, changed)).isFile()).toBe(true);
  });

  it('replaces a torn or foreign cache file instead of failing', async () => {
    const dir = newCacheDir();
    await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    const file = modelFileFor(dir, catalog());
    writeFileSync(file, '{"format":"passkey-coach/intent-model@1","nlp":"{tr');
    const matcher = await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    expect(matcher.source).toBe('trained');
    expect(JSON.parse(readFileSync(file, 'utf8')).catalogHash).toBe(catalog().hash);
  });

  it('retrains a cached model built by another pipeline (other code, lexicon or word vectors)', async () => {
    const dir = newCacheDir();
    await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    const file = modelFileFor(dir, catalog());
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), pipeline: 'trained-with-other-vectors' }));
    expect((await IntentMatcher.load({ catalog: catalog(), cacheDir: dir })).source).toBe('trained');
    expect((await IntentMatcher.load({ catalog: catalog(), cacheDir: dir })).source).toBe('cache');
  });

  it('uses the build-time model when it was trained on the same catalog, and ignores it otherwise', async () => {
    const dir = newCacheDir();
    const prebuiltFile = path.join(cacheDir, 'dist', 'intent-model.json');
    await trainAndSave(catalog(), prebuiltFile);
    const matcher = await IntentMatcher.load({ catalog: catalog(), cacheDir: dir, prebuiltFile });
    expect(matcher.source).toBe('prebuilt');

    dirs.write(dirs.override, 'refusal.json', { ...JSON.parse(readFileSync(path.join(dirs.base, 'en', 'refusal.json'), 'utf8')), title: 'Admin text' });
    const overridden = loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override });
    rmSync(path.join(dirs.override, 'refusal.json'));
    expect((await IntentMatcher.load({ catalog: overridden, cacheDir: dir, prebuiltFile })).source).toBe('trained');
  });

  it('leaves no temp file behind', async () => {
    const dir = newCacheDir();
    await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual([path.basename(modelFileFor(dir, catalog()))]);
  });
});
