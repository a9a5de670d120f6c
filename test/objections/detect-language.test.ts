// Language detection (eld): among the loaded languages, with the caller's hints for text too short to tell.

import { describe, expect, it } from 'vitest';
import { detectLanguage, hasLetters, isOtherLanguage } from '../../src/objections/language/detect-language.js';

describe('detectLanguage', () => {
  it('answers the only loaded language without asking the detector', async () => {
    expect(await detectLanguage('Kann mein Chef meine Fotos sehen?', ['en'])).toEqual({ locale: 'en', by: 'only-one' });
  });

  it.each([
    ['Kann mein Chef meine Fotos auf dem Handy sehen?', 'de'],
    ['Est-ce que mon patron peut voir mes photos ?', 'fr'],
    ['¿Mi jefe puede ver las fotos de mi teléfono?', 'es'],
    ['Kan mijn baas mijn foto’s op mijn telefoon zien?', 'nl'],
    ['Can my manager see the photos on my phone?', 'en'],
  ])('reads "%s" as %s', async (text, locale) => {
    expect(await detectLanguage(text, ['en', 'de', 'fr', 'es', 'nl'])).toEqual({ locale, by: 'detected' });
  });

  it('falls back on the first hint it has a model for when the text is too short, then on English', async () => {
    expect(await detectLanguage('ok?', ['en', 'de'], [undefined, 'fr-FR', 'de-DE'])).toEqual({ locale: 'de', by: 'hint' });
    expect(await detectLanguage('ok?', ['en', 'de'], ['it-IT'])).toEqual({ locale: 'en', by: 'default' });
  });
});

describe('isOtherLanguage', () => {
  const known = ['en', 'de', 'fr', 'es', 'nl'];
  it('is true for a sentence reliably in another known language, false for English and for short text', async () => {
    expect(await isOtherLanguage('Kann mein Chef meine Fotos auf dem Handy sehen?', 'en', known)).toBe(true);
    expect(await isOtherLanguage('Can my manager see the photos on my phone?', 'en', known)).toBe(false);
    expect(await isOtherLanguage('Fotos?', 'en', known)).toBe(false);
  });

  it('knows only the languages it is given (those with a catalog)', async () => {
    expect(await isOtherLanguage('Kann mein Chef meine Fotos auf dem Handy sehen?', 'en', ['en', 'fr'])).toBe(false);
    expect(await isOtherLanguage('Kann mein Chef meine Fotos auf dem Handy sehen?', 'en', ['en'])).toBe(false);
  });
});

describe('hasLetters', () => {
  it('counts letters as the threshold always has: code points of category L, not digits, marks or emoji', () => {
    const texts = ['', 'ok?', '12345678901234', 'Ça va très bien', 'e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301', '𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜', '𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜', '😀😀😀😀😀😀😀😀😀😀😀😀 hi', '我的老板能看到我的照片吗', 'مرحبا بكم في', '   a b c d e f g h i j k l   ', 'abcdefghijk!'];
    for (const text of texts) {
      const letters = text.match(/\p{L}/gu)?.length ?? 0;
      for (const count of [0, 1, 11, 12, 13]) expect(hasLetters(text, count), `${JSON.stringify(text)} >= ${count}`).toBe(letters >= count);
    }
  });
});
