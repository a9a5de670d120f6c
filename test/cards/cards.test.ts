// Every card the bot can send parses cleanly at Adaptive Cards 1.5 (what Teams renders) and is accessible.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CardRenderer, escapeMarkdown, TrustedMarkdown } from '../../src/cards/card-renderer.js';
import { helpCardJson } from '../../src/onboarding/help.js';
import { validateCard } from '../support/card-validator.js';

const cards = CardRenderer.load();
const sampleData = (name: string) =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'card-data', `${name}.json`), 'utf8')) as Record<string, unknown>;

describe('card templates', () => {
  it('are all loaded', () => {
    expect(cards.names().sort()).toEqual(['campaign-nudge', 'campaign-report', 'campaign-start', 'digest', 'escalation', 'help', 'notice', 'objection-answer', 'platform-picker', 'platform-steps', 'refusal-reason', 'tap-approval', 'tap-manager-check', 'tap-pass', 'tap-request', 'tap-reveal', 'tap-verify', 'team', 'welcome', 'welcome-team']);
  });

  it.each(cards.names())('%s expands to a card with no parser events, no unknown properties and no accessibility problems', (name) => {
    const card = cards.render(name, sampleData(name));
    expect(card.version).toBe('1.5');
    expect(JSON.stringify(card)).not.toContain('${');
    expect(validateCard(card)).toEqual({ parserEvents: [], unknownProperties: [], accessibility: [] });
  });

  it('the help card the bot really sends validates too', () => {
    expect(validateCard(helpCardJson({ cards, organisationName: 'Contoso', privacy: { retentionDays: 180, keepsObjectionText: false } }, 'en'))).toEqual({ parserEvents: [], unknownProperties: [], accessibility: [] });
  });

  it('inserts data as text, never as template expressions', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a person's name that looks like a template expression
    const card = cards.render('welcome', { firstName: '${organisation}', organisation: 'Contoso' });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: it must come out literally
    expect(JSON.stringify(card)).toContain('Hi ${organisation}');
  });
});

describe('the validator', () => {
  it('catches an unknown element, an unknown property, an image without alt text and an input without a label', () => {
    const problems = validateCard({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'Carousel3D', text: 'x' },
        { type: 'TextBlock', text: 'hi', colour: 'Good' },
        { type: 'Image', url: 'https://example.com/a.png' },
        { type: 'Input.Text', id: 'reason' },
      ],
    });
    expect(problems.parserEvents.join()).toContain('Carousel3D');
    expect(problems.unknownProperties).toContain('$.body[1].colour');
    expect(problems.accessibility).toEqual(expect.arrayContaining([expect.stringContaining('Image without altText'), expect.stringContaining('Input.Text without label')]));
  });
});

describe('the organisation, named or not', () => {
  it.each(['de', 'fr', 'es', 'nl'])('in %s, the help card names it in the language\'s own words when ORGANISATION_NAME is unset', (locale) => {
    const help = JSON.stringify(helpCardJson({ cards, organisationName: undefined, privacy: { retentionDays: 180, keepsObjectionText: false } }, locale));
    expect(help).not.toMatch(/your organi[sz]ation/i);
    expect(help).toContain(cards.strings.text(locale, 'coach.yourOrganisation'));
  });

  it('uses the configured name instead', () => {
    const help = JSON.stringify(helpCardJson({ cards, organisationName: 'Northwind Pharma', privacy: { retentionDays: 180, keepsObjectionText: false } }, 'de'));
    expect(help).toContain('Northwind Pharma stellt auf Passkeys um');
    expect(help).not.toContain('Ihre Organisation');
  });
});

describe('the renderer', () => {
  it('expands the same template again with other data, without the first expansion leaking into the second', () => {
    const first = cards.render('welcome', { firstName: 'Ann', organisation: 'Contoso' });
    const second = cards.render('welcome', { firstName: 'Bob', organisation: 'Fabrikam' });
    expect(JSON.stringify(first)).toContain('Hi Ann');
    expect(JSON.stringify(second)).toContain('Hi Bob');
    expect(JSON.stringify(second)).not.toContain('Ann');
    expect(JSON.stringify(first)).not.toContain('Fabrikam');
  });

  it('shares a card it rendered before, frozen so no caller can change it for the others, equal to a fresh rendering', () => {
    const fresh = CardRenderer.load();
    const first = fresh.render('welcome', { firstName: 'Ann', organisation: 'Contoso' }, 'de');
    expect(() => (first.body as unknown[]).push({ type: 'TextBlock', text: 'added by a caller' })).toThrow(TypeError);
    expect(() => Object.assign(first, { refresh: {} })).toThrow(TypeError);
    const again = fresh.render('welcome', { firstName: 'Ann', organisation: 'Contoso' }, 'de');
    expect(again).toBe(first);
    expect(JSON.stringify(again)).not.toContain('added by a caller');
    expect(again).toEqual(CardRenderer.load().render('welcome', { firstName: 'Ann', organisation: 'Contoso' }, 'de'));
    expect(JSON.stringify(fresh.render('welcome', { firstName: 'Ann', organisation: 'Contoso' }, 'fr'))).not.toEqual(JSON.stringify(again));
  });

  it('does not take the same words as markdown and as plain text for one card', () => {
    const fresh = CardRenderer.load();
    const trusted = JSON.stringify(fresh.render('welcome', { firstName: new TrustedMarkdown('**Ada**'), organisation: 'Contoso' }));
    const plain = JSON.stringify(fresh.render('welcome', { firstName: '**Ada**', organisation: 'Contoso' }));
    expect(trusted).toContain('Hi **Ada**');
    expect(plain).toContain('\\\\*\\\\*Ada\\\\*\\\\*');
    expect(JSON.stringify(fresh.render('welcome', { firstName: new TrustedMarkdown('**Ada**'), organisation: 'Contoso' }))).toBe(trusted);
  });
});

describe('data from people is shown as text, not markdown', () => {
  it('does not let a team name become a link or emphasis', () => {
    const card = cards.render('welcome-team', { teamName: '[Verify your passkey](https://evil.example) **now**' });
    const text = JSON.stringify(card);
    expect(text).toContain('\\\\[Verify your passkey\\\\](https://evil.example) \\\\*\\\\*now\\\\*\\\\*');
  });

  it('leaves ordinary punctuation in names alone', () => {
    const card = cards.render('welcome', { firstName: "Zoë O'Brien-Smith (R&D).", organisation: 'Contoso' });
    expect(JSON.stringify(card)).toContain("Hi Zoë O'Brien-Smith (R&D).");
  });

  it('escapes list and heading markers at the start of a line', () => {
    expect(escapeMarkdown('# Title\n- item\n1. first')).toBe('\\# Title\n\\- item\n1\\. first');
  });

  it('keeps TrustedMarkdown as written', () => {
    const card = cards.render('welcome', { firstName: new TrustedMarkdown('**Ada**'), organisation: 'Contoso' });
    expect(JSON.stringify(card)).toContain('Hi **Ada**');
  });
});
