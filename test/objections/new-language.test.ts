// Adding a language is data: a new catalog/<code>/ folder (intents and language/*.json) is found, trained and used
// with no change to the code. The new language here is a copy of the Spanish catalog under another code, with no
// stemmer at all ("none"), so nothing the five shipped languages have (their stemmer packages, their names in code)
// can be what makes it work.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogLocales } from '../../src/objections/catalog-loader.js';
import { Understanding } from '../../src/objections/understanding.js';
import { packageRoot } from '../../src/shared/package-root.js';

describe('a language added as data alone', () => {
  let baseDir: string;
  let understanding: Understanding;

  beforeAll(() => {
    baseDir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-new-language-'));
    const shipped = path.join(packageRoot(), 'catalog');
    cpSync(path.join(shipped, 'en'), path.join(baseDir, 'en'), { recursive: true });
    cpSync(path.join(shipped, 'es'), path.join(baseDir, 'xq'), { recursive: true });
    const wordsFile = path.join(baseDir, 'xq', 'language', 'words.json');
    const words = JSON.parse(readFileSync(wordsFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(wordsFile, JSON.stringify({ ...words, stemmer: 'none' }));
    understanding = new Understanding({ baseDir, cacheDir: path.join(baseDir, 'models') });
  });
  afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

  it('is found by its folder', () => {
    expect(catalogLocales(baseDir)).toEqual(['en', 'xq']);
    expect(understanding.locales).toEqual(['en', 'xq']);
  });

  it('is trained from its own examples and language data, and understands a question in it', async () => {
    const matcher = await understanding.matcher('xq');
    expect(matcher.source).toBe('trained');
    expect(matcher.locales).toEqual(['xq']);
    const match = await understanding.classify('¿mi jefe va a poder leer mis mensajes privados del móvil?', { locale: 'xq' });
    expect(match.locale).toBe('xq');
    expect(match.intent).toBe('personal-data-access');
    // English is still English, from its own catalog.
    expect((await understanding.classify('can my boss read my private messages on my phone?', { locale: 'en' })).intent).toBe('personal-data-access');
  }, 120_000);

  it('keeps the answers of its own catalog', () => {
    const english = understanding.catalog('en').intents.get('personal-data-access')?.answer;
    const added = understanding.catalog('xq').intents.get('personal-data-access')?.answer;
    expect(added).toBeTruthy();
    expect(added).not.toEqual(english);
  });
});
