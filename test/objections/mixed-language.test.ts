// Mixed-language messages: people write their own language with the English words of the trade in it ("Passkey",
// "Location", "Device", "Backup"). The language is still told from the sentence, and the concern understood in it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Understanding } from '../../src/objections/understanding.js';

const MIXED: ReadonlyArray<[locale: string, text: string, intent: string]> = [
  ['de', 'Kann mein Manager über die Authenticator App meine Location sehen?', 'location-tracking'],
  ['de', 'Ich habe nur ein altes Nokia, kein Smartphone. Was mache ich jetzt?', 'no-smartphone'],
  ['de', 'Was passiert mit dem Passkey, wenn ich nächsten Monat ein neues Handy bekomme?', 'phone-change'],
  ['de', 'Liest die Firma dann meine privaten Chats und Fotos auf dem Device?', 'personal-data-access'],
  ['fr', 'Est-ce que la passkey est synchronisée dans mon iCloud avec le Keychain ?', 'synced-passkeys'],
  ['fr', "Mon manager peut voir ma location avec cette app ?", 'location-tracking'],
  ['es', '¿El passkey se guarda en la nube o solo en mi phone?', 'storage-and-data'],
  ['es', 'Perdí el móvil ayer, ¿cómo hago login sin él?', 'lost-phone'],
  ['nl', 'Kan mijn manager via die app mijn location zien?', 'location-tracking'],
  ['nl', 'Wat gebeurt er met mijn passkey als ik een nieuwe telefoon krijg?', 'phone-change'],
];

describe('a message in one language with English words in it', () => {
  let dir: string;
  let understanding: Understanding;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-mixed-'));
    understanding = new Understanding({ cacheDir: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(MIXED)('[%s] %s -> %s', async (locale, text, intent) => {
    // No locale given and an English Teams locale as the hint: the sentence itself decides the language.
    const match = await understanding.classify(text, { hints: ['en-US'] });
    expect(match.locale).toBe(locale);
    expect(match.intent).toBe(intent);
  }, 60_000);
});
