// The catalog loader: shipped files, an admin's override that replaces or adds, and clear refusals that name the file.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { loadCatalog } from '../../src/objections/catalog-loader.js';
import { INTENT_IDS } from '../../src/objections/catalog-schema.js';
import { type FixtureDirs, fixtureIntent, makeCatalogDirs } from './catalog-fixture.js';

let dirs: FixtureDirs;
afterEach(() => dirs?.remove());

function refusal(load: () => unknown): AppError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('config.invalid');
    return error as AppError;
  }
  throw new Error('expected the catalog to be refused');
}

describe('the shipped catalog', () => {
  it('loads every intent of the real catalog/en', () => {
    const catalog = loadCatalog({ locale: 'en' });
    expect([...catalog.intents.keys()]).toEqual([...INTENT_IDS]);
    for (const intent of catalog.intents.values()) expect(intent.examples.length).toBeGreaterThanOrEqual(20);
    expect(catalog.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('has a hash that ignores formatting and file layout but not content', () => {
    dirs = makeCatalogDirs();
    const first = loadCatalog({ locale: 'en', baseDir: dirs.base }).hash;
    // The same intent, compact JSON with keys in another order, in a file with another name.
    const { examples, ...rest } = fixtureIntent('biometrics');
    dirs.write(path.join(dirs.base, 'en'), 'biometrics.json', JSON.stringify({ examples, ...rest }));
    expect(loadCatalog({ locale: 'en', baseDir: dirs.base }).hash).toBe(first);
    dirs.write(path.join(dirs.base, 'en'), 'biometrics.json', fixtureIntent('biometrics', 'Another title'));
    expect(loadCatalog({ locale: 'en', baseDir: dirs.base }).hash).not.toBe(first);
  });

  it('accepts a file holding a list of intents', () => {
    dirs = makeCatalogDirs({ omit: ['refusal', 'human-help'] });
    dirs.write(path.join(dirs.base, 'en'), 'people.json', [fixtureIntent('refusal'), fixtureIntent('human-help')]);
    expect(loadCatalog({ locale: 'en', baseDir: dirs.base }).intents.get('human-help')?.title).toBe('About human-help');
  });
});

describe('an admin override (CATALOG_DIR)', () => {
  it('replaces an intent with the same id, whole, and changes the hash', () => {
    dirs = makeCatalogDirs();
    const before = loadCatalog({ locale: 'en', baseDir: dirs.base });
    const file = dirs.write(dirs.override, 'ours.json', { ...fixtureIntent('compensation', 'Our allowance policy'), followUps: ['talk-to-person'] });
    const after = loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override });
    expect(after.intents.get('compensation')?.title).toBe('Our allowance policy');
    expect(after.intents.get('compensation')?.followUps).toEqual(['talk-to-person']);
    expect(after.sources.get('compensation')).toBe(file);
    expect(after.intents.get('biometrics')).toEqual(before.intents.get('biometrics'));
    expect(after.hash).not.toBe(before.hash);
  });

  it('adds an intent the shipped files lack', () => {
    dirs = makeCatalogDirs({ omit: ['lost-phone'] });
    dirs.write(dirs.override, 'lost.json', fixtureIntent('lost-phone', 'Lost your phone?'));
    expect(loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override }).intents.get('lost-phone')?.title).toBe('Lost your phone?');
  });

  it('reads the locale subfolder when there is one', () => {
    dirs = makeCatalogDirs();
    mkdirSync(path.join(dirs.override, 'en'));
    dirs.write(path.join(dirs.override, 'en'), 'x.json', fixtureIntent('enrolled', 'From the en folder'));
    expect(loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override }).intents.get('enrolled')?.title).toBe('From the en folder');
  });

  it('ignores files that are not .json (a README beside them)', () => {
    dirs = makeCatalogDirs();
    dirs.write(dirs.override, 'README.md', '# our overrides');
    dirs.write(dirs.override, 'a.json', fixtureIntent('refusal'));
    expect(() => loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override })).not.toThrow();
  });

  it('refuses an unknown intent id, naming the file', () => {
    dirs = makeCatalogDirs();
    const file = dirs.write(dirs.override, 'new.json', { ...fixtureIntent('refusal'), id: 'vpn-help' });
    const error = refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override }));
    expect(error.message).toContain(file);
    expect(error.message).toContain('id');
  });

  it('refuses a folder that does not exist rather than silently using the shipped catalog', () => {
    dirs = makeCatalogDirs();
    const missing = path.join(dirs.root, 'nope');
    expect(refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: missing })).message).toContain(missing);
  });

  it('refuses a folder without any .json file', () => {
    dirs = makeCatalogDirs();
    expect(refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override })).message).toContain('no .json');
  });

  it('refuses the same id twice in the override', () => {
    dirs = makeCatalogDirs();
    const first = dirs.write(dirs.override, 'a.json', fixtureIntent('biometrics'));
    const second = dirs.write(dirs.override, 'b.json', fixtureIntent('biometrics'));
    const message = refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override })).message;
    expect(message).toContain(first);
    expect(message).toContain(second);
  });
});

describe('invalid catalogs are refused with the file and the problem named', () => {
  it('a file that is not JSON', () => {
    dirs = makeCatalogDirs();
    const file = dirs.write(dirs.override, 'broken.json', '{ "id": "refusal", ');
    const message = refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override })).message;
    expect(message).toContain(file);
    expect(message).toContain('not valid JSON');
  });

  it('an intent with too few examples', () => {
    dirs = makeCatalogDirs();
    const file = dirs.write(dirs.override, 'short.json', { ...fixtureIntent('refusal'), examples: ['no', 'nope'] });
    const message = refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override })).message;
    expect(message).toContain(file);
    expect(message).toMatch(/examples: .*20/);
  });

  it('an answer far over the word limit, inside a list (the list index is named)', () => {
    dirs = makeCatalogDirs();
    const long = `${'word '.repeat(120)}end`;
    const file = dirs.write(dirs.override, 'list.json', [fixtureIntent('refusal'), { ...fixtureIntent('biometrics'), answer: long }]);
    const message = refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base, overrideDir: dirs.override })).message;
    expect(message).toContain(file);
    expect(message).toContain('1.answer');
  });

  it('a catalog missing an intent, naming the intent', () => {
    dirs = makeCatalogDirs({ omit: ['synced-passkeys', 'out-of-scope'] });
    const message = refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base })).message;
    expect(message).toContain('"synced-passkeys"');
    expect(message).toContain('"out-of-scope"');
  });

  it('the same id in two shipped files', () => {
    dirs = makeCatalogDirs();
    const copy = dirs.write(path.join(dirs.base, 'en'), 'zz-copy.json', fixtureIntent('enrolled'));
    expect(refusal(() => loadCatalog({ locale: 'en', baseDir: dirs.base })).message).toContain(copy);
  });
});
