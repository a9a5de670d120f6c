// Which language the coach answers in: a language asked for is kept; otherwise the message's own language when it can
// be told, and for short or mixed text what is known of the person (Teams locale, Entra preferredLanguage, mailbox).

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DialogStore } from '../../src/conversation/dialog-store.js';
import { LanguageChooser, switchRequest } from '../../src/conversation/language.js';
import type { Directory } from '../../src/directory/directory-port.js';
import { createLogger } from '../../src/logging/logger.js';
import { Strings } from '../../src/shared/strings.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const shipped = new Strings(path.join(ROOT, 'strings'));

/** Strings in English, German and French (the shipped English language names and their own). */
function threeLanguages(): Strings {
  const dir = mkdtempSync(path.join(tmpdir(), 'strings-'));
  const language = {
    en: { names: 'english,englisch,anglais,ingles,engels', switchWords: 'write,answer,please', switched: 'English from now on.' },
    de: { names: 'deutsch,german,allemand,aleman,duits', switchWords: 'schreib,schreiben,antworte,bitte,gerne', switched: 'Ab jetzt auf Deutsch.' },
    fr: { names: 'francais,french,franzosisch,frances,frans', switchWords: 'ecris,ecrivez,repondez,merci', switched: 'En français désormais.' },
  };
  for (const [locale, texts] of Object.entries(language)) {
    mkdirSync(path.join(dir, locale));
    writeFileSync(path.join(dir, locale, 'language.json'), JSON.stringify(texts));
  }
  return new Strings(dir);
}

function chooser(options: { preferred?: string; mailbox?: string } = {}) {
  const strings = threeLanguages();
  const dialogs = new DialogStore(SqliteStore.open({ path: ':memory:' }));
  const directory = {
    userProfiles: async (ids: string[]) => new Map(ids.map((id) => [id, { user: { id, preferredLanguage: options.preferred ?? null }, mailbox: options.mailbox ? { language: options.mailbox } : undefined }])),
  } as unknown as Directory;
  const language = new LanguageChooser({ strings, dialogs, directory, logger: createLogger({ level: 'silent' }), understood: () => ['en', 'de', 'fr'] });
  return { language, dialogs, strings };
}

describe('asking for a language', () => {
  it.each([
    ['English please', 'en'],
    ['auf Deutsch bitte', 'de'],
    ['Deutsch', 'de'],
    ['en français svp', 'fr'],
    ['in english', 'en'],
  ])('"%s" switches to %s', (text, locale) => {
    expect(switchRequest(threeLanguages(), text)).toBe(locale);
  });

  it.each(['Is my English good enough for this?', 'Ich spreche Deutsch, aber was sieht mein Arbeitgeber?', 'help', 'danke'])('"%s" asks for more than a language', (text) => {
    expect(switchRequest(threeLanguages(), text)).toBeUndefined();
  });

  it('is kept for every later message, whatever it is written in, until another is asked for', async () => {
    const { language } = chooser();
    expect(await language.forMessage('u1', 'auf Deutsch bitte', 'en-US')).toEqual({ locale: 'de', readAs: 'de', switched: true });
    expect((await language.forMessage('u1', 'What does my employer see when I install the app?', 'en-US')).locale).toBe('de');
    expect(await language.forProactive('u1')).toBe('de');
    expect(await language.forMessage('u1', 'English please', 'de-DE')).toEqual({ locale: 'en', readAs: 'en', switched: true });
    // Kept to English, yet read as the German it is written in.
    expect(await language.forMessage('u1', 'Was sieht mein Arbeitgeber, wenn ich die App installiere?', 'de-DE')).toEqual({ locale: 'en', readAs: 'de', switched: false });
  });
});

describe('telling the language of a message', () => {
  it('answers a message in the language it is written in', async () => {
    const { language } = chooser({ preferred: 'en-US' });
    expect((await language.forMessage('u1', 'Muss ich wirklich mein privates Handy dafür benutzen?', 'en-US')).locale).toBe('de');
    expect((await language.forMessage('u2', 'Est-ce que mon employeur peut voir mes photos sur mon téléphone ?', 'en-US')).locale).toBe('fr');
    expect((await language.forMessage('u3', 'Can my employer see my photos if I install this?', 'de-DE')).locale).toBe('en');
  });

  it('takes the Teams locale for a message too short to tell', async () => {
    const { language } = chooser({ preferred: 'fr-FR' });
    expect((await language.forMessage('u1', 'ok', 'de-DE')).locale).toBe('de');
  });

  it('then Entra preferredLanguage, then the mailbox language, then English', async () => {
    expect((await chooser({ preferred: 'fr-FR', mailbox: 'de-DE' }).language.forMessage('u1', 'ok', undefined)).locale).toBe('fr');
    expect((await chooser({ mailbox: 'de-DE' }).language.forMessage('u1', 'ok', undefined)).locale).toBe('de');
    expect((await chooser().language.forMessage('u1', 'ok', undefined)).locale).toBe('en');
    expect((await chooser({ preferred: 'ja-JP' }).language.forMessage('u1', 'ok', undefined)).locale).toBe('en');
  });

  it('answers a button in the language of the conversation so far', async () => {
    const { language } = chooser();
    await language.forMessage('u1', 'Was sieht mein Arbeitgeber, wenn ich die App installiere?', 'en-US');
    expect(await language.forClick('u1', 'en-US')).toBe('de');
  });

  it('writes first to a person in their directory language, else Teams', async () => {
    expect(await chooser({ preferred: 'fr-BE' }).language.forProactive('u1', 'en-US')).toBe('fr');
    expect(await chooser().language.forProactive('u1', 'de-AT')).toBe('de');
  });
});

describe('the shipped strings', () => {
  it('name English so that "English please" switches back from any language', () => {
    expect(switchRequest(shipped, 'English please')).toBe('en');
  });
});
