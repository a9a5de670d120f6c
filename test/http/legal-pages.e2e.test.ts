// The privacy notice and terms of use the app package links to (https://<BOT_DOMAIN>/privacy and /terms): served by
// the running service, in the reader's language, stating this deployment's facts, or the organisation's own pages.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LegalPages } from '../../src/http/legal-pages.js';
import { Strings } from '../../src/shared/strings.js';
import { type RunningBot, startBot } from '../support/bot-harness.js';

let bot: RunningBot;
let own: RunningBot;
const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-legal-'));

beforeAll(async () => {
  bot = await startBot({ ORGANISATION_NAME: 'Contoso <Ltd>', RETENTION_DAYS: '90' });
  writeFileSync(path.join(dir, 'privacy.html'), '<!doctype html><title>Contoso privacy</title><p>Our own notice.</p>');
  own = await startBot({ PRIVACY_PAGE_FILE: path.join(dir, 'privacy.html'), STORE_OBJECTION_TEXT: 'true' });
});

afterAll(async () => {
  await bot?.stop();
  await own?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (on: RunningBot, route: string, language?: string) => fetch(`${on.url}${route}`, { headers: language ? { 'accept-language': language } : {} });

describe('the privacy and terms pages', () => {
  it("serve the coach's privacy notice with this deployment's retention, the name escaped, as a document that runs nothing", async () => {
    const page = await get(bot, '/privacy');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('for 90 days');
    expect(html).toContain('not your words');
    expect(html).toContain('Contoso &#60;Ltd&#62;');
    expect(html).not.toContain('<Ltd>');
    expect(html).not.toMatch(/<script/i);
  });

  it("speak the reader's language, from the browser or from ?lang=, and fall back to English", async () => {
    const german = await get(bot, '/privacy', 'de-AT,de;q=0.9,en;q=0.5');
    expect(german.headers.get('content-language')).toBe('de');
    expect(await german.text()).toContain('für 90 Tage');
    expect(await (await get(bot, '/terms?lang=fr', 'de')).text()).toContain('conditions d’utilisation');
    expect(await (await get(bot, '/terms', 'es-MX')).text()).toContain('condiciones de uso');
    expect(await (await get(bot, '/terms', 'nl-BE')).text()).toContain('gebruiksvoorwaarden');
    expect((await get(bot, '/terms', 'ja')).headers.get('content-language')).toBe('en');
  });

  it("serve the organisation's own page where it supplied one, and the coach's where it did not", async () => {
    expect(await (await get(own, '/privacy', 'de')).text()).toBe('<!doctype html><title>Contoso privacy</title><p>Our own notice.</p>');
    expect(await (await get(own, '/terms')).text()).toContain('terms of use');
  });

  it('say that people\'s words are kept where the organisation keeps them', () => {
    const facts = { retentionDays: 30, dialogDays: 14 };
    expect(new LegalPages(new Strings(), { ...facts, keepObjectionText: true }).render('privacy', 'en').html).toContain('and your own words, because your organisation chose to keep them, for 30 days');
    expect(new LegalPages(new Strings(), { ...facts, keepObjectionText: false }).render('privacy', 'en').html).toContain('not your words, for 30 days');
  });

  it('refuse to start on a page file that cannot be read, naming the setting', () => {
    expect(() => new LegalPages(new Strings(), { retentionDays: 30, dialogDays: 14, keepObjectionText: false }, { terms: path.join(dir, 'missing.html') })).toThrow(/TERMS_PAGE_FILE cannot be read .*ENOENT/);
  });
});
