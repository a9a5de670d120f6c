// The intent matcher on the real catalog: concerns, commands in words, the two fallbacks, and the trained-model cache.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/objections/catalog-loader.js';
import type { IntentId } from '../../src/objections/catalog-schema.js';
import { IntentMatcher, trainAndSave } from '../../src/objections/intent-matcher.js';
import { modelFileFor } from '../../src/objections/model/model-file.js';
import { type FixtureDirs, makeCatalogDirs } from './catalog-fixture.js';

describe('on the shipped catalog', () => {
  let matcher: IntentMatcher;
  beforeAll(async () => {
    matcher = await IntentMatcher.train(loadCatalog({ locale: 'en' }));
  }, 120_000);

  it('"will my boss see my photos?" is personal-data-access, in English, with one concern', async () => {
    const match = await matcher.classify('will my boss see my photos?');
    expect(match).toMatchObject({ locale: 'en', intent: 'personal-data-access', reason: 'matched' });
    expect(match.fallback).toBeUndefined();
    expect(match.command).toBeUndefined();
    expect(match.confidence).toBeGreaterThan(matcher.threshold);
    expect(match.intents[0]).toEqual({ intent: 'personal-data-access', score: match.confidence });
    expect(match.candidates[0]?.name).toBe('personal-data-access');
  });

  it('finds both concerns of a message with two, most confident first', async () => {
    const match = await matcher.classify('can my manager read my whatsapp messages? and will they pay me for using my own phone?');
    expect(match.intents.map(({ intent }) => intent).sort()).toEqual(['compensation', 'personal-data-access']);
    const scores = match.intents.map(({ score }) => score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(match.intent).toBe(match.intents[0]?.intent);
  });

  it('keeps one concern when the clauses say the same thing', async () => {
    const match = await matcher.classify('I lost my phone. It was stolen on the train yesterday.');
    expect(match.intents.map(({ intent }) => intent)).toEqual(['lost-phone']);
  });

  // Sentences where one word belongs to another intent's vocabulary; the rest of the sentence must win.
  it.each<[string, IntentId]>([
    ["i'm done with this, stop asking me", 'refusal'],
    ["i'm done, the passkey is set up", 'enrolled'],
    ["i can't locate my phone anywhere", 'lost-phone'],
    ["can IT locate me when i'm on holiday", 'location-tracking'],
    ['why do they need my fingerprint', 'biometrics'],
  ])('a single strong word does not drag the sentence: %s -> %s', async (text, intent) => {
    expect((await matcher.classify(text)).intent).toBe(intent);
  });

  it.each<[string, string]>([
    ['check my status pls', 'status'],
    ['am I done?', 'status'],
    ['show me how', 'setup'],
    ['what can u do', 'help'],
  ])('a command asked for in words reaches the command: %s -> %s', async (text, command) => {
    const match = await matcher.classify(text);
    expect(match.command).toBe(command);
    expect(match.reason).toBe('command');
    expect(match.intents).toEqual([]);
  });

  // The rest of the message (a phone named, a word on something else) pulls the whole off-topic; the part that asks for
  // a command is answered. Not help: asking for help with the printer is not asking what the coach can do.
  it('a part that asks for set-up is answered even when the rest is off-topic', async () => {
    expect(await matcher.classify('fine, walk me through it, my home wifi is slow though')).toMatchObject({ command: 'setup', reason: 'command' });
    const printer = await matcher.classify('my printer jams all the time, can you help?');
    expect(printer.command).toBeUndefined();
    expect(printer.intent).toBe('out-of-scope');
  });

  it.each([['what is the capital of peru'], ['why is the sky blue'], ['my printer is out of toner again']])('understood, but about something else: "%s" is out-of-scope', async (text) => {
    const match = await matcher.classify(text);
    expect(match).toMatchObject({ intent: 'out-of-scope', fallback: 'out-of-scope', intents: [] });
  });

  describe('nothing to understand: the not-understood fallback, without throwing', () => {
    it.each<[string, string]>([
      ['empty', ''],
      ['only white space', '  \n\t  '],
      ['punctuation', '???'],
      ['a sound', 'hmm'],
      ['emoji only', '😀🔥👍🏽🇫🇷❤️‍🔥'],
      ['keyboard mash', 'asdfjkl qwpoeiru'],
      ['10 000 characters', 'will my boss see my photos? '.repeat(400).slice(0, 10_000)],
      ['10 000 characters of one word', 'a'.repeat(10_000)],
      ['Chinese', '我的老板能看到我的照片吗'],
      ['Russian', 'Может ли мой начальник видеть мои фото?'],
      ['a script tag', "<script>alert('passkey')</script>"],
      ['control characters and a zero-width joiner', '\u0000\u0007\u200d\u202e'],
      ['lorem ipsum', 'lorem ipsum dolor sit amet, consectetur adipiscing elit'],
    ])('%s', async (_name, text) => {
      const match = await matcher.classify(text);
      expect(match).toMatchObject({ intent: 'out-of-scope', fallback: 'not-understood', intents: [] });
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

  it('a higher threshold turns unsure answers into the not-understood fallback', async () => {
    const strict = matcher.withOptions({ threshold: 0.99 });
    const match = await strict.classify('my phone is kind of old, is that a problem');
    expect(match).toMatchObject({ fallback: 'not-understood', reason: 'below-threshold' });
  });

  it('refuses a threshold outside (0, 1), and a locale it has no model for', async () => {
    expect(() => matcher.withOptions({ threshold: 1.5 })).toThrow(/between 0 and 1/);
    await expect(matcher.classify('hello', { locale: 'xx' })).rejects.toThrow(/no intent model for locale "xx"/);
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

  it('trains once, writes intent-model-<locale>-<hash>.json, and the next load reads it without retraining', async () => {
    const dir = newCacheDir();
    const first = await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    expect(first.source).toBe('trained');
    const file = modelFileFor(dir, catalog());
    expect(path.basename(file)).toBe(`intent-model-en-${catalog().hash}.json`);
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);

    const second = await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    expect(second.source).toBe('cache');
    expect(Math.abs(statSync(file).mtimeMs - past.getTime())).toBeLessThan(1);
    for (const text of ['gps whereabouts please', 'stolen phone', 'weather today', 'check my status pls']) {
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

  it('retrains a cached model built by another pipeline (other language data or word vectors)', async () => {
    const dir = newCacheDir();
    await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    const file = modelFileFor(dir, catalog());
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), pipeline: 'trained-with-other-data' }));
    expect((await IntentMatcher.load({ catalog: catalog(), cacheDir: dir })).source).toBe('trained');
    expect((await IntentMatcher.load({ catalog: catalog(), cacheDir: dir })).source).toBe('cache');
  });

  it('uses the build-time model when it was trained on the same catalog, and ignores it otherwise', async () => {
    const dir = newCacheDir();
    const prebuiltFile = path.join(cacheDir, 'dist', 'intent-model-en.json');
    await trainAndSave(catalog(), prebuiltFile);
    expect((await IntentMatcher.load({ catalog: catalog(), cacheDir: dir, prebuiltFile })).source).toBe('prebuilt');

    dirs.write(dirs.override, 'refusal.json', { ...JSON.parse(readFileSync(path.join(dirs.base, 'en', 'refusal.json'), 'utf8')), title: 'Admin text' });
    const overridden = loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override });
    rmSync(path.join(dirs.override, 'refusal.json'));
    expect((await IntentMatcher.load({ catalog: overridden, cacheDir: dir, prebuiltFile })).source).toBe('trained');
  });

  it('leaves no temp file behind', async () => {
    const dir = newCacheDir();
    await IntentMatcher.load({ catalog: catalog(), cacheDir: dir });
    expect(readdirSync(dir)).toEqual([path.basename(modelFileFor(dir, catalog()))]);
  });
});
